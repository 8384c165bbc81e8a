"""The access log: one JSON object per line in $CADDY_LOG_DIR/access.log, and no secrets."""

import json
import time
import uuid

import pytest

pytestmark = pytest.mark.server


def wait_for_entry(log_path, uri, timeout=5):
    """The parsed log entry for this request URI; Caddy writes it once the response is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_path.exists():
            for line in log_path.read_text().splitlines():
                entry = json.loads(line)
                if entry["request"]["uri"] == uri:
                    return entry
        time.sleep(0.05)
    raise AssertionError(f"no access log entry for {uri} in {log_path}")


def test_each_request_is_one_json_line(caddy):
    uri = f"/circles/log-probe-{uuid.uuid4().hex}"
    caddy.get(uri)

    entry = wait_for_entry(caddy.access_log, uri)

    assert entry["msg"] == "handled request"
    assert entry["status"] == 200
    assert entry["request"]["method"] == "GET"
    assert entry["request"]["host"] == f"127.0.0.1:{caddy.port}"
    for line in caddy.access_log.read_text().splitlines():
        assert isinstance(json.loads(line), dict)


def test_api_requests_are_logged_without_cookies_or_keys(caddy, sessions, demo):
    key = demo["participant_keys"][0]
    session = sessions(caddy.url, key)
    probe = f"/api/auth/me/?probe={uuid.uuid4().hex}"
    assert session.http.get(probe).status_code == 200

    entry = wait_for_entry(caddy.access_log, probe)

    assert entry["request"]["headers"]["Cookie"] == []  # Caddy redacts it
    text = caddy.access_log.read_text()
    assert session.http.cookies["ic_session"] not in text
    assert key not in text
