"""GET /api/schema/: the OpenAPI 3 description of every endpoint, and that it validates."""

import json

import pytest
from django.core.management import call_command

URL = "/api/schema/"

OPERATIONS = {
    "/api/health/": {"get"},
    "/api/auth/csrf/": {"get"},
    "/api/auth/verify-key/": {"post"},
    "/api/auth/me/": {"get"},
    "/api/auth/logout/": {"post"},
    "/api/circles/": {"get", "post"},
    "/api/circles/{slug}/": {"get", "patch", "delete"},
    "/api/circles/{slug}/keys/": {"get", "post"},
    "/api/circles/{slug}/keys/{key_id}/": {"delete"},
    "/api/circles/{slug}/video-room/": {"post"},
    "/api/circles/{slug}/sessions/": {"get", "post"},
    "/api/circles/{slug}/sessions/current/end/": {"post"},
    "/api/circles/{slug}/rhythm/": {"get"},
    "/api/circles/{slug}/timer/": {"put"},
    "/api/circles/{slug}/timer/elapsed/": {"post"},
    "/api/circles/{slug}/run-sheet/": {"get", "post"},
    "/api/circles/{slug}/run-sheet/{item_id}/": {"patch", "delete"},
    "/api/circles/{slug}/run-sheet/order/": {"put"},
    "/api/circles/{slug}/run-sheet/next/": {"post"},
    "/api/circles/{slug}/voice/": {"get"},
    "/api/circles/{slug}/voice/mine/": {"get"},
    "/api/circles/{slug}/responses/": {"post"},
    "/api/circles/{slug}/responses/{response_id}/share/": {"post"},
    "/api/circles/{slug}/signals/": {"post"},
    "/api/circles/{slug}/signals/{signal_id}/": {"delete"},
    "/api/circles/{slug}/presence/call/": {"put"},
    "/api/circles/{slug}/sessions/{session_id}/attendance/": {"get"},
    "/api/circles/{slug}/attendance.csv": {"get"},
    "/api/circles/{slug}/calendar.ics": {"get"},
    "/api/circles/{slug}/calendar-link/": {"post", "delete"},
    "/api/calendar/{token}.ics": {"get"},
    "/api/messages/": {"get", "post"},
    "/api/messages/stream/": {"get"},
    "/api/jitsi/config/": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(api, db):
    response = api.get(URL)
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    return json.loads(response.content)


def test_the_schema_is_openapi_3_and_needs_no_session(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "InquiryCircle API"


def test_the_schema_describes_every_endpoint_and_method(schema):
    described = {
        path: {method for method in item if method in HTTP_METHODS}
        for path, item in schema["paths"].items()
    }

    assert described == OPERATIONS


def test_the_stream_is_described_as_server_sent_events(schema):
    stream = schema["paths"]["/api/messages/stream/"]["get"]

    assert set(stream["responses"]["200"]["content"]) == {"text/event-stream"}
    parameters = {(p["in"], p["name"]): p for p in stream["parameters"]}
    assert parameters[("query", "circle")]["required"] is True
    assert ("query", "after") in parameters
    assert ("header", "Last-Event-ID") in parameters


def test_the_calendars_are_described_as_icalendar_and_the_feed_needs_no_session(schema):
    feed = schema["paths"]["/api/calendar/{token}.ics"]["get"]
    circle = schema["paths"]["/api/circles/{slug}/calendar.ics"]["get"]

    assert set(feed["responses"]["200"]["content"]) == {"text/calendar"}
    assert set(circle["responses"]["200"]["content"]) == {"text/calendar"}
    assert "security" not in feed
    assert circle["security"] == [{"accessKeySession": []}]


def test_the_message_list_documents_its_query(schema):
    parameters = schema["paths"]["/api/messages/"]["get"]["parameters"]

    assert {p["name"]: p.get("required", False) for p in parameters if p["in"] == "query"} == {
        "circle": True,
        "before": False,
        "after": False,
        "limit": False,
    }


def test_the_schema_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.json"

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )

    assert json.loads(target.read_text())["paths"].keys() == OPERATIONS.keys()
