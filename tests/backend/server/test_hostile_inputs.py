"""A corpus of hostile inputs sent to every endpoint of the live API (as the OpenAPI document
lists them), anonymously, as a signed-in facilitator and as a participant (who alone may
respond and raise signals): deep nesting, huge numbers, invalid
UTF-8, NUL, lone surrogates, wrong types, empty and oversized bodies, duplicate keys, odd
content types and hostile query strings and headers. Not one may get a server error.

Schemathesis (test_api_fuzz.py) generates requests from the schema; this corpus holds what a
schema-driven generator does not think of.
"""

import itertools

import httpx
import pytest

from support.live_backend import Session

# About 15,000 requests: longer than the suite's 180 s per test on a slow machine.
pytestmark = [pytest.mark.server, pytest.mark.timeout(360)]

HUGE = b"9" * 5000

BODIES = [
    b"[" * 5000,
    b'{"a":' * 3000,
    b"[" * 50 + b"]" * 50,
    b'{"key": ' + HUGE + b"}",
    b'{"count": ' + HUGE + b', "circle": "demo", "kind": "prompt", "body": "x"}',
    b'{"count": 1e400}',
    b'{"count": NaN}',
    b'{"count": -Infinity}',
    b'{"key": "\xff\xfe"}',
    b"\xff" * 64,
    b'{"key": "\\u0000"}',
    b'{"circle": "demo", "kind": "announcement", "body": "a\\u0000b"}',
    b'{"key": "\\ud800"}',
    b'{"circle": "demo", "kind": "prompt", "body": "\\udfff"}',
    b'{"name": "\\ud83d", "description": "\\u0000"}',
    b"[]",
    b'"a string"',
    b"42",
    b"null",
    b"true",
    b'{"key": []}',
    b'{"key": {"nested": true}}',
    b'{"circle": 1, "kind": [], "body": {}}',
    b'{"count": "3", "labels": "not a list"}',
    b'{"count": true, "labels": [1, null, {}]}',
    b'{"expires": "not a date"}',
    b'{"expires": "9999-12-31T23:59:59Z"}',
    b'{"expires": "0001-01-01T00:00:00Z"}',
    b'{"active": "yes", "name": null}',
    b'{"next_session_at": "2026-13-45T99:99:99"}',
    b'{"schedule": {"frequency": "weekly", "weekday": 1}}',
    b'{"schedule": {"frequency": "monthly", "weekday": 1e400, "time": "25:00",'
    b' "timezone": "\\u0000", "duration_minutes": -1, "starts_on": "9999-12-31",'
    b' "skipped_dates": [null, 1, "0000-00-00"]}}',
    b'{"schedule": {"frequency": "weekly", "weekday": 0, "time": "19:00", "timezone": "..",'
    b' "duration_minutes": 60, "starts_on": "0001-01-01"}}',
    b'{"schedule": {"frequency": "weekly", "weekday": 0, "time": "19:00", "timezone": "UTC",'
    b' "duration_minutes": 600, "starts_on": "0001-01-01"}}',
    b'{"action": "start", "seconds": 99999999999999999999999, "label": "\\ud800"}',
    b'{"action": "add", "seconds": -9223372036854775809}',
    b'{"ids": [9223372036854775808, -1, "1", null]}',
    b'{"kind": "timer", "minutes": 1e308, "body": {"a": 1}}',
    b"",
    b" ",
    b"{}",
    b'{"key": "' + b"a" * 17000 + b'"}',
    b'{"key": "a", "key": "b"}',
    b'{"body": "\ud800", "kind": "hand", "as": "named", "in_call": true}',
    b'{"body": ' + HUGE + b', "kind": 1e400, "as": [], "in_call": "yes"}',
    b'{"body": "a\u0000b", "kind": "\u0000", "as": {"named": 1}, "in_call": null}',
    b'{"body": "x", "body": ["x"], "kind": "hand", "kind": "wave"}',
    b'{"circle": "demo", "circle": ["demo"], "kind": "prompt", "body": "dup"}',
]

CONTENT_TYPES = ["application/json", "application/json; charset=latin-1"]
# Other types are refused before the body is read: each tried with a few bodies only.
ODD_CONTENT_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
]

QUERIES = [
    {"circle": "demo", "after": HUGE.decode()},
    {"circle": "demo", "before": "-1"},
    {"circle": "demo", "limit": "1e9"},
    {"circle": "demo", "after": "٣"},
    {"circle": "\x00"},
    {"circle": "é" * 3000},
    {"circle": ["demo", "other"]},
    {"circle": ""},
    {},
]

HEADERS = [
    {},
    {"Last-Event-ID": HUGE.decode()},
    {"Last-Event-ID": "\u0663".encode()},  # raw UTF-8 bytes in a header
    {"X-Forwarded-For": ", ".join(["not an address"] * 50)},
    {"Accept": "text/html"},
    {"Accept-Language": "x" * 4000},
]

PATH_VALUES = {
    "slug": ["demo", "n" * 300, "%00", "..%2F..", "%FF"],
    "key_id": ["1", HUGE.decode(), "-1", "x"],
    "item_id": ["1", "9" * 25, HUGE.decode(), "-1", "x"],
    "response_id": ["1", HUGE.decode(), "-1"],
    "signal_id": ["1", HUGE.decode(), "-1"],
    "session_id": ["1", HUGE.decode(), "-1"],
    "token": ["A" * 43, "%00", "n" * 300, "..%2F..", "%FF"],
}

# A signed-in facilitator deleting the demo circle would leave nothing to probe, and signing
# out ends the session; both are sent only with hostile path values or anonymously.
DESTRUCTIVE = {("delete", "/api/circles/{slug}/"), ("post", "/api/auth/logout/")}


def operations(server):
    schema = httpx.get(f"{server.url}/api/schema/", params={"format": "json"}).json()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path


def concrete_paths(path):
    names = [name for name in PATH_VALUES if "{" + name + "}" in path]
    for values in itertools.product(*(PATH_VALUES[name] for name in names)):
        concrete = path
        for name, value in zip(names, values, strict=True):
            concrete = concrete.replace("{" + name + "}", value)
        yield concrete, values


def requests_for(method, path):
    """(path, query, headers, body, content type) for one operation. A hostile path value is
    refused before any body is read, so it is tried with a few bodies only."""
    for concrete, values in concrete_paths(path):
        hostile_path = any(v not in ("demo", "1", "A" * 43) for v in values)
        if method in ("get", "delete"):
            for query in QUERIES:
                yield concrete, query, {}, None, None, hostile_path
            for headers in HEADERS:
                yield concrete, QUERIES[0], headers, None, None, hostile_path
        if method in ("post", "put", "patch", "delete"):
            bodies = BODIES[:4] if hostile_path else BODIES
            for body, content_type in itertools.product(bodies, CONTENT_TYPES):
                yield concrete, {}, {}, body, content_type, hostile_path
            for body, content_type in itertools.product(BODIES[:4], ODD_CONTENT_TYPES):
                yield concrete, {}, {}, body, content_type, hostile_path


def send(client, csrf, method, path, query, headers, body, content_type):
    headers = {**headers, "X-CSRFToken": csrf, "Origin": str(client.base_url).rstrip("/")}
    if content_type:
        headers["Content-Type"] = content_type
    request = client.build_request(
        method.upper(), path, params=query, headers=headers, content=body
    )
    response = client.send(request, stream=True)  # the stream endpoint never ends by itself
    response.close()
    return response.status_code


def test_no_hostile_input_gets_a_server_error(start_backend, demo, tmp_path):
    server = start_backend(workers=2, IC_KEY_FAILURE_LIMIT=100000)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    anonymous = Session(server.url)
    tried, failures = 0, []

    for method, path in operations(server):
        for concrete, query, headers, body, content_type, hostile in requests_for(method, path):
            refused_by_role = False
            for who, session in (
                ("anonymous", anonymous),
                ("facilitator", facilitator),
                ("participant", participant),
            ):
                if (method, path) in DESTRUCTIVE and who != "anonymous" and not hostile:
                    continue
                if who == "participant" and not refused_by_role:
                    # The participant sends what the facilitator was refused (403) for their
                    # role: the endpoints only a participant's requests get into.
                    continue
                csrf = session.http.cookies["csrftoken"]
                status = send(
                    session.http, csrf, method, concrete, query, headers, body, content_type
                )
                tried += 1
                refused_by_role = who == "facilitator" and status == 403
                if status >= 500:
                    failures.append(
                        (
                            who,
                            method,
                            concrete,
                            query,
                            headers,
                            body[:60] if body else body,
                            content_type,
                            status,
                        )
                    )

    print(f"hostile inputs tried: {tried}, server errors: {len(failures)}")
    assert tried > 3000
    assert failures == []
    log = (tmp_path / "gunicorn-0.log").read_text()
    assert '"status": 500' not in log
    assert "Traceback" not in log
