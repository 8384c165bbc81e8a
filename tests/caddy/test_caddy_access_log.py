"""The access log: one JSON object per line in $CADDY_LOG_DIR/access.log, and no secrets: no
credential header, no query string. Behind it the backend writes one line per request too."""

import json
import secrets
import time
import uuid

import httpx
import pytest

pytestmark = pytest.mark.server


def wait_for_entry(log_path, uri, timeout=5, after=0):
    """The parsed log entry for this request URI (its query string left out) among the lines
    after the first `after`; Caddy writes it once the response is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_path.exists():
            for line in log_path.read_text().splitlines()[after:]:
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
    before = len(caddy.access_log.read_text().splitlines())
    assert session.http.get(probe).status_code == 200

    entry = wait_for_entry(caddy.access_log, "/api/auth/me/", after=before)

    assert "Cookie" not in entry["request"]["headers"]
    assert "Set-Cookie" not in entry.get("resp_headers", {})
    text = caddy.access_log.read_text()
    assert session.http.cookies["ic_session"] not in text
    assert session.http.cookies["csrftoken"] not in text
    assert key not in text
    assert probe.partition("?")[2] not in text


def lines_of(path, where, timeout=5):
    """The JSON lines of a log file for which where(line) holds, once there are any."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in map(json.loads, path.read_text().splitlines()) if where(r)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_a_request_leaves_one_line_each_with_the_client_and_no_secret(caddy, backend):
    # From an address of its own (any 127.x reaches Caddy on 127.0.0.1): the client, as Caddy
    # and, through Caddy's X-Forwarded-For, the backend must name it.
    client = f"127.0.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 2}"
    token, csrf = f"token-{uuid.uuid4().hex}", f"csrf-{uuid.uuid4().hex}"
    transport = httpx.HTTPTransport(local_address=client)
    with httpx.Client(base_url=caddy.url, transport=transport, timeout=10) as http:
        answer = http.get(
            f"/api/auth/csrf/?after=123&token={token}",
            # A forged X-Forwarded-For from the client: Caddy replaces it with what it saw.
            headers={"X-CSRFToken": csrf, "X-Forwarded-For": "203.0.113.7"},
        )
    assert answer.status_code == 200

    (line,) = lines_of(backend.log_path, lambda r: r.get("client") == client)
    assert line["logger"] == "ic.request"
    assert line["path"] == "/api/auth/csrf/"
    (entry,) = lines_of(caddy.access_log, lambda r: r["request"]["remote_ip"] == client)
    assert entry["request"]["uri"] == "/api/auth/csrf/"
    assert "X-Csrftoken" not in entry["request"]["headers"]
    for text in (caddy.access_log.read_text(), backend.log_path.read_text()):
        assert token not in text and "after=123" not in text
        assert csrf not in text
    assert "uvicorn.access" not in backend.log_path.read_text()


def test_a_calendar_feeds_secret_is_not_logged(caddy, backend):
    # /api/calendar/<secret>.ics is how a calendar app subscribes: the secret is its only key.
    secret = f"feed{uuid.uuid4().hex}"
    with httpx.Client(base_url=caddy.url, timeout=10) as http:
        answer = http.get(f"/api/calendar/{secret}.ics?x=1")
    assert answer.status_code == 404

    entry = wait_for_entry(caddy.access_log, "/api/calendar/.ics")
    assert entry["status"] == 404
    for text in (caddy.access_log.read_text(), backend.log_path.read_text()):
        assert secret not in text
