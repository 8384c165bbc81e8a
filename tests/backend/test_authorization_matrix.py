"""Who may do what: every endpoint x {anonymous, participant of A, facilitator of A,
facilitator of B}, asked about circle A, with the status each must get.

Policy under test:
- Anonymous gets 401 everywhere except GET /api/health/, /api/auth/csrf/ and /api/schema/ (200),
  the two endpoints that exist to open and close a session (verify-key, logout), and the
  calendar feed of a subscribe link, whose token is its key (404 for everyone without one).
- A circle the session may not see is 404, never 403: its existence is not leaked.
- A participant of A may read A (circle, messages, stream, Jitsi config, sessions, rhythm,
  calendar, their own voice), tell it their timer reached zero, make or revoke their own
  calendar link, respond, raise and lower their signals and say whether they are in the call;
  facilitator actions on A (change or delete it, its keys, posting messages, its sessions, timer,
  run sheet and schedule, reading and sharing responses, presence and attendance) are 403 for
  them. Responding and raising signals are a participant's: 403 for the facilitator.
- Creating a circle is for facilitators (participants 403).
- Every error body is exactly {"error": <code>, "detail": <sentence>}.

Leak checks: nothing of circle A reaches the facilitator of B (or anyone signed out), a 404 for
circle A cannot be told apart from a 404 for a circle that does not exist, and refused writes
change nothing.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from voice.actions import raise_signal, respond
from voice.models import PromptResponse, Signal

from access.models import AccessKey
from circles.models import Circle
from facilitation.actions import post_message
from facilitation.models import Kind, Message, Visit
from rhythm.actions import add_item, end_session, start_session
from rhythm.models import CalendarLink, RunSheetItem, Schedule, Session, Timer

# The stream's checks run on the live reader's thread, which sees only committed data.
pytestmark = pytest.mark.django_db(transaction=True)

ANON = "anonymous"
PART_A = "participant-A"
FAC_A = "facilitator-A"
FAC_B = "facilitator-B"
PERSONAS = (ANON, PART_A, FAC_A, FAC_B)

SLUG_A = "circle-a"
MISSING_SLUG = "no-such-circle"
DESCRIPTION_A = "The first circle."  # conftest's circle_a
ANNOUNCEMENT_A = "Announcement only circle A may read: the kettle is in room 4."
PROMPT_A = "Prompt only circle A may read: what surprised you this week?"
ANNOUNCEMENT_B = "Announcement of circle B."
RUN_SHEET_A = "Run sheet prompt only circle A's facilitator may read."
RESPONSE_A = "A response only circle A's facilitator (and its author) may read."

ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}


# In a body: the ids of circle A's run sheet items.
ITEM_IDS = "<the ids of A's run sheet items>"


@dataclass(frozen=True)
class Row:
    """One endpoint as the matrix asks it: `{slug}` and the ids (`{key_id}`, `{item_id}`,
    `{response_id}`, `{signal_id}`, `{session_id}`) are filled in per request. `prepare` names
    what must be true of circle A first (PREPARATIONS)."""

    label: str
    method: str
    path: str
    expect: dict  # persona -> status
    body: dict | None = None
    stream: bool = False
    write: bool = False
    names_circle: bool = False
    prepare: str | None = None

    def url(self, slug=SLUG_A, **ids):
        return self.path.format(slug=slug, **ids)

    def payload(self, slug=SLUG_A, item_ids=()):
        if self.body is None:
            return None
        return {
            k: list(item_ids) if v == ITEM_IDS else v.format(slug=slug) if isinstance(v, str) else v
            for k, v in self.body.items()
        }


def statuses(anonymous, participant_a, facilitator_a, facilitator_b):
    return {ANON: anonymous, PART_A: participant_a, FAC_A: facilitator_a, FAC_B: facilitator_b}


SCHEDULE = {
    "frequency": "weekly",
    "weekday": 1,
    "time": "19:00",
    "timezone": "Europe/Berlin",
    "duration_minutes": 90,
    "starts_on": "2026-01-06",
}

OPEN = statuses(200, 200, 200, 200)
SIGNED_IN = statuses(401, 200, 200, 200)
READ_A = statuses(401, 200, 200, 404)

ROWS = [
    Row("GET health", "get", "/api/health/", OPEN),
    Row("GET csrf", "get", "/api/auth/csrf/", OPEN),
    Row("GET schema", "get", "/api/schema/", OPEN),
    # Signing in and out must work without a session; a wrong key is 401 for everyone.
    Row(
        "POST verify-key with a wrong key",
        "post",
        "/api/auth/verify-key/",
        statuses(401, 401, 401, 401),
        body={"key": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
    ),
    Row("POST logout", "post", "/api/auth/logout/", statuses(204, 204, 204, 204)),
    Row("GET me", "get", "/api/auth/me/", SIGNED_IN),
    Row("GET circle list", "get", "/api/circles/", SIGNED_IN),
    Row(
        "POST new circle",
        "post",
        "/api/circles/",
        statuses(401, 403, 201, 201),
        body={"name": "New"},
        write=True,
    ),
    Row("GET circle A", "get", "/api/circles/{slug}/", READ_A, names_circle=True),
    Row(
        "PATCH circle A",
        "patch",
        "/api/circles/{slug}/",
        statuses(401, 403, 200, 404),
        body={"description": "x"},
        write=True,
        names_circle=True,
    ),
    Row(
        "DELETE circle A",
        "delete",
        "/api/circles/{slug}/",
        statuses(401, 403, 204, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "POST new video room for A",
        "post",
        "/api/circles/{slug}/video-room/",
        statuses(401, 403, 200, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "GET keys of A",
        "get",
        "/api/circles/{slug}/keys/",
        statuses(401, 403, 200, 404),
        names_circle=True,
    ),
    Row(
        "POST keys of A",
        "post",
        "/api/circles/{slug}/keys/",
        statuses(401, 403, 201, 404),
        body={"count": 1},
        write=True,
        names_circle=True,
    ),
    Row(
        "DELETE participant key of A",
        "delete",
        "/api/circles/{slug}/keys/{key_id}/",
        statuses(401, 403, 204, 404),
        write=True,
        names_circle=True,
    ),
    Row("GET messages of A", "get", "/api/messages/?circle={slug}", READ_A, names_circle=True),
    Row(
        "POST message to A",
        "post",
        "/api/messages/",
        statuses(401, 403, 201, 404),
        body={"circle": "{slug}", "kind": "announcement", "body": "hi"},
        write=True,
        names_circle=True,
    ),
    Row(
        "GET stream of A",
        "get",
        "/api/messages/stream/?circle={slug}",
        READ_A,
        stream=True,
        names_circle=True,
    ),
    Row(
        "GET jitsi config of A",
        "get",
        "/api/jitsi/config/?circle={slug}",
        READ_A,
        names_circle=True,
    ),
    # The session rhythm (rhythm.views).
    Row(
        "PATCH schedule of A",
        "patch",
        "/api/circles/{slug}/",
        statuses(401, 403, 200, 404),
        body={"schedule": SCHEDULE},
        write=True,
        names_circle=True,
    ),
    Row("GET sessions of A", "get", "/api/circles/{slug}/sessions/", READ_A, names_circle=True),
    Row(
        "POST start a session of A",
        "post",
        "/api/circles/{slug}/sessions/",
        statuses(401, 403, 201, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "POST end the session of A",
        "post",
        "/api/circles/{slug}/sessions/current/end/",
        statuses(401, 403, 200, 404),
        write=True,
        names_circle=True,
        prepare="open session",
    ),
    Row("GET rhythm of A", "get", "/api/circles/{slug}/rhythm/", READ_A, names_circle=True),
    Row(
        "PUT timer of A",
        "put",
        "/api/circles/{slug}/timer/",
        statuses(401, 403, 200, 404),
        body={"action": "start", "seconds": 60, "label": "Pairs"},
        write=True,
        names_circle=True,
    ),
    Row(
        "POST timer of A elapsed",
        "post",
        "/api/circles/{slug}/timer/elapsed/",
        statuses(401, 200, 200, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "GET run sheet of A",
        "get",
        "/api/circles/{slug}/run-sheet/",
        statuses(401, 403, 200, 404),
        names_circle=True,
    ),
    Row(
        "POST run sheet item to A",
        "post",
        "/api/circles/{slug}/run-sheet/",
        statuses(401, 403, 201, 404),
        body={"kind": "prompt", "body": "Another prompt"},
        write=True,
        names_circle=True,
    ),
    Row(
        "PATCH run sheet item of A",
        "patch",
        "/api/circles/{slug}/run-sheet/{item_id}/",
        statuses(401, 403, 200, 404),
        body={"body": "Changed"},
        write=True,
        names_circle=True,
    ),
    Row(
        "DELETE run sheet item of A",
        "delete",
        "/api/circles/{slug}/run-sheet/{item_id}/",
        statuses(401, 403, 204, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "PUT run sheet order of A",
        "put",
        "/api/circles/{slug}/run-sheet/order/",
        statuses(401, 403, 200, 404),
        body={"ids": ITEM_IDS},
        write=True,
        names_circle=True,
    ),
    Row(
        "POST run sheet of A next",
        "post",
        "/api/circles/{slug}/run-sheet/next/",
        statuses(401, 403, 200, 404),
        write=True,
        names_circle=True,
        prepare="open session",
    ),
    Row("GET calendar of A", "get", "/api/circles/{slug}/calendar.ics", READ_A, names_circle=True),
    Row(
        "POST calendar link for A",
        "post",
        "/api/circles/{slug}/calendar-link/",
        statuses(401, 201, 201, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "DELETE calendar link for A",
        "delete",
        "/api/circles/{slug}/calendar-link/",
        statuses(401, 204, 204, 404),
        write=True,
        names_circle=True,
    ),
    # The participants' voice (voice.views).
    Row(
        "GET voice of A",
        "get",
        "/api/circles/{slug}/voice/",
        statuses(401, 403, 200, 404),
        names_circle=True,
    ),
    Row("GET own voice in A", "get", "/api/circles/{slug}/voice/mine/", READ_A, names_circle=True),
    Row(
        "POST response in A",
        "post",
        "/api/circles/{slug}/responses/",
        statuses(401, 201, 403, 404),
        body={"body": "An answer"},
        write=True,
        names_circle=True,
    ),
    Row(
        "POST share a response of A",
        "post",
        "/api/circles/{slug}/responses/{response_id}/share/",
        statuses(401, 403, 200, 404),
        body={"as": "anonymous"},
        write=True,
        names_circle=True,
    ),
    Row(
        "POST signal in A",
        "post",
        "/api/circles/{slug}/signals/",
        statuses(401, 201, 403, 404),
        body={"kind": "moment"},
        write=True,
        names_circle=True,
    ),
    Row(
        "DELETE the participant's signal in A",
        "delete",
        "/api/circles/{slug}/signals/{signal_id}/",
        statuses(401, 204, 204, 404),
        write=True,
        names_circle=True,
    ),
    Row(
        "PUT in the call of A",
        "put",
        "/api/circles/{slug}/presence/call/",
        statuses(401, 204, 204, 404),
        body={"in_call": True},
        write=True,
        names_circle=True,
    ),
    Row(
        "GET attendance of a session of A",
        "get",
        "/api/circles/{slug}/sessions/{session_id}/attendance/",
        statuses(401, 403, 200, 404),
        names_circle=True,
    ),
    Row(
        "GET attendance CSV of A",
        "get",
        "/api/circles/{slug}/attendance.csv",
        statuses(401, 403, 200, 404),
        names_circle=True,
    ),
    Row(
        "GET calendar feed with an unknown token",
        "get",
        "/api/calendar/" + "A" * 43 + ".ics",
        statuses(404, 404, 404, 404),
    ),
]

CELLS = [(row, persona) for row in ROWS for persona in PERSONAS]
REFUSED_WRITES = [
    (row, persona) for row, persona in CELLS if row.write and row.expect[persona] in ERROR_CODES
]
HIDDEN_FROM_B = [row for row in ROWS if row.names_circle and row.expect[FAC_B] == 404]
NAMING_CIRCLE = [row for row in ROWS if row.names_circle]


def cell_id(cell):
    row, persona = cell
    return f"{row.label} as {persona} -> {row.expect[persona]}"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache(db):
    # The failed-key counter lives in the cache; start every test without one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _public_jitsi(settings):
    # The Jitsi config endpoint answers 503 when video is not configured: pin a usable mode.
    settings.JITSI_MODE = "public"
    settings.JITSI_DOMAIN = "meet.jit.si"


@pytest.fixture
def world(circle_a, circle_b, facilitator_a, participant_a, facilitator_b):
    """Circles A and B, their keys, and messages posted in each (A's are what must not leak)."""
    # An ended session of A, with its register; what follows is posted after it.
    session = start_session(circle_a, facilitator_a.record)
    end_session(circle_a)
    post_message(circle_a, facilitator_a.record, Kind.ANNOUNCEMENT, ANNOUNCEMENT_A)
    post_message(circle_a, facilitator_a.record, Kind.PROMPT, PROMPT_A)
    post_message(circle_b, facilitator_b.record, Kind.ANNOUNCEMENT, ANNOUNCEMENT_B)
    item = add_item(circle_a, "prompt", RUN_SHEET_A, None)
    # A response to PROMPT_A and a raised hand (the ended session came first).
    response = respond(circle_a, participant_a.record, RESPONSE_A)
    signal, _ = raise_signal(circle_a, participant_a.record, "hand")
    circle_a.refresh_from_db()
    return {
        "circle_a": circle_a,
        "circle_b": circle_b,
        "facilitator_a": facilitator_a,
        "participant_a": participant_a,
        "facilitator_b": facilitator_b,
        "item_a": item,
        "session_a": session,
        "response_a": response,
        "signal_a": signal,
    }


# What a row may need of circle A before it is asked (Row.prepare).
PREPARATIONS = {
    "open session": lambda world: start_session(world["circle_a"], world["facilitator_a"].record),
}


def prepared(row, world):
    if row.prepare is not None:
        PREPARATIONS[row.prepare](world)


@pytest.fixture
def as_persona(world, make_api, signed_in):
    """as_persona(name) -> an ApiClient with that persona's session (none for anonymous)."""

    keys = {
        PART_A: world["participant_a"],
        FAC_A: world["facilitator_a"],
        FAC_B: world["facilitator_b"],
    }

    def client_for(persona):
        return make_api() if persona == ANON else signed_in(keys[persona])

    return client_for


@pytest.fixture
def secrets_of_a(world):
    """Strings that only someone who may see circle A should ever receive."""
    circle = world["circle_a"]
    return {
        "name": circle.name,
        "description": DESCRIPTION_A,
        "jitsi_room": circle.jitsi_room,
        "announcement": ANNOUNCEMENT_A,
        "prompt": PROMPT_A,
        "facilitator label": world["facilitator_a"].record.label,
        "participant label": world["participant_a"].record.label,
        "run sheet": RUN_SHEET_A,
        "response": RESPONSE_A,
    }


# --- helpers --------------------------------------------------------------------------------


def request(client, row, world, slug=SLUG_A):
    item = world["item_a"]
    url = row.url(
        slug,
        key_id=world["participant_a"].record.pk,
        item_id=item.pk,
        response_id=world["response_a"].pk,
        signal_id=world["signal_a"].pk,
        session_id=world["session_a"].pk,
    )
    if row.method == "get":
        return client.get(url)
    item_ids = RunSheetItem.objects.filter(circle_id=item.circle_id).values_list("pk", flat=True)
    return client.send(row.method, url, row.payload(slug, item_ids))


def body_of(response):
    """The body as text; never reads a stream (an SSE response does not end by itself)."""
    if response.streaming:
        return ""
    return response.content.decode()


def assert_error_shape(response, status):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    payload = json.loads(body_of(response))
    assert set(payload) == {"error", "detail"}, payload
    assert payload["error"] == ERROR_CODES[status], payload
    assert isinstance(payload["detail"], str), payload
    assert payload["detail"].strip(), payload


def contains(text, value):
    """Whole-word match: "InquiryCircle API" (the schema's title) does not contain "Circle A"."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def assert_nothing_of_a(text, secrets_of_a):
    leaked = {what: value for what, value in secrets_of_a.items() if contains(text, value)}
    assert not leaked, f"circle A leaked {sorted(leaked)} in: {text[:500]}"


def snapshot():
    """Everything a write could change, minus the use counters that signing in bumps."""
    return {
        "circles": list(
            Circle.objects.order_by("pk").values(
                "pk",
                "slug",
                "name",
                "description",
                "next_session_at",
                "active",
                "jitsi_room",
                "last_seq",
            )
        ),
        "keys": list(
            AccessKey.objects.order_by("pk").values(
                "pk", "role", "label", "prefix", "key_hash", "expires_at", "revoked_at"
            )
        ),
        "key circles": sorted(
            AccessKey.circles.through.objects.values_list("accesskey_id", "circle_id")
        ),
        "messages": list(
            Message.objects.order_by("pk").values(
                "pk", "circle_id", "author_id", "author_name", "kind", "body", "seq"
            )
        ),
        "rhythm": [
            list(model.objects.order_by("pk").values())
            for model in (Schedule, Session, Timer, RunSheetItem, CalendarLink)
        ],
        "voice": [
            list(model.objects.order_by("pk").values()) for model in (PromptResponse, Signal, Visit)
        ],
    }


def comparable_headers(response):
    return {k: v for k, v in response.headers.items() if k.lower() != "content-length"}


# --- the matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
def test_matrix(cell, world, as_persona, secrets_of_a, close_stream):
    row, persona = cell
    expected = row.expect[persona]
    client = as_persona(persona)
    prepared(row, world)

    response = request(client, row, world)
    try:
        assert response.status_code == expected, body_of(response)[:500]
        if expected in ERROR_CODES:
            assert_error_shape(response, expected)
        if row.stream and expected == 200:
            assert response["Content-Type"].startswith("text/event-stream")
        if persona in (ANON, FAC_B):
            assert_nothing_of_a(body_of(response), secrets_of_a)
    finally:
        if response.streaming:
            close_stream(response)


# --- nothing of circle A leaks to B ---------------------------------------------------------


def test_circle_list_of_b_does_not_list_a(world, as_persona, secrets_of_a):
    response = as_persona(FAC_B).get("/api/circles/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["circle-b"]
    assert_nothing_of_a(body_of(response), secrets_of_a)


def test_identity_of_b_does_not_name_a(world, as_persona, secrets_of_a):
    response = as_persona(FAC_B).get("/api/auth/me/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["circles"]] == ["circle-b"]
    assert_nothing_of_a(body_of(response), secrets_of_a)


def test_the_leak_check_sees_a_where_a_may_be_seen(world, as_persona, secrets_of_a):
    """Positive control: the strings looked for above do reach those who may see circle A."""
    client = as_persona(FAC_A)
    seen = "".join(
        body_of(client.get(path))
        for path in (
            "/api/circles/circle-a/",
            "/api/circles/circle-a/keys/",
            "/api/messages/?circle=circle-a",
            "/api/jitsi/config/?circle=circle-a",
            "/api/circles/circle-a/run-sheet/",
            "/api/circles/circle-a/voice/",
        )
    )

    assert {what for what, value in secrets_of_a.items() if contains(seen, value)} == set(
        secrets_of_a
    )


@pytest.mark.parametrize(
    "row", HIDDEN_FROM_B, ids=[f"{r.label}: 404 as if A never existed" for r in HIDDEN_FROM_B]
)
def test_b_cannot_tell_circle_a_exists(row, world, as_persona):
    """The strictest form: the same request, before and after circle A is gone, byte for byte."""
    client = as_persona(FAC_B)

    while_a_exists = request(client, row, world)
    Circle.objects.filter(pk=world["circle_a"].pk).delete()
    after_a_is_gone = request(client, row, world)

    assert while_a_exists.status_code == after_a_is_gone.status_code == 404
    assert while_a_exists.content == after_a_is_gone.content
    assert dict(while_a_exists.headers) == dict(after_a_is_gone.headers)
    assert set(while_a_exists.cookies) == set(after_a_is_gone.cookies)


@pytest.mark.parametrize(
    "row", HIDDEN_FROM_B, ids=[f"{r.label}: 404 == 404 of {MISSING_SLUG}" for r in HIDDEN_FROM_B]
)
def test_404_for_a_is_the_404_for_a_missing_circle(row, world, as_persona):
    """Against a slug that never existed. The detail names the slug the caller sent (their own
    input, nothing learned), so each body is compared with its own slug put back to `<slug>`."""
    client = as_persona(FAC_B)

    hidden = request(client, row, world, SLUG_A)
    missing = request(client, row, world, MISSING_SLUG)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content.replace(SLUG_A.encode(), b"<slug>") == missing.content.replace(
        MISSING_SLUG.encode(), b"<slug>"
    )
    assert comparable_headers(hidden) == comparable_headers(missing)
    assert set(hidden.cookies) == set(missing.cookies)


@pytest.mark.parametrize(
    "row",
    NAMING_CIRCLE,
    ids=[f"{r.label}: anonymous 401 == 401 of {MISSING_SLUG}" for r in NAMING_CIRCLE],
)
def test_anonymous_401_does_not_depend_on_the_circle(row, world, as_persona):
    client = as_persona(ANON)

    existing = request(client, row, world, SLUG_A)
    missing = request(client, row, world, MISSING_SLUG)

    assert existing.status_code == missing.status_code == 401
    assert existing.content == missing.content
    assert dict(existing.headers) == dict(missing.headers)


def test_key_of_a_through_circle_b_is_404_like_a_missing_key(world, as_persona, make_api):
    """Facilitator B cannot reach A's key by putting its id under their own circle."""
    client = as_persona(FAC_B)
    key_of_a = world["participant_a"]
    missing_id = AccessKey.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    through_b = client.delete(f"/api/circles/circle-b/keys/{key_of_a.record.pk}/")
    missing = client.delete(f"/api/circles/circle-b/keys/{missing_id}/")

    assert through_b.status_code == missing.status_code == 404
    assert_error_shape(through_b, 404)
    assert through_b.content.replace(str(key_of_a.record.pk).encode(), b"<id>") == (
        missing.content.replace(str(missing_id).encode(), b"<id>")
    )
    key_of_a.record.refresh_from_db()
    assert key_of_a.record.revoked_at is None
    make_api().sign_in(key_of_a.plaintext)


def test_keys_of_b_do_not_include_keys_of_a(world, as_persona, secrets_of_a):
    response = as_persona(FAC_B).get("/api/circles/circle-b/keys/")

    assert response.status_code == 200
    ids = {key["id"] for key in response.json()}
    assert ids == {world["facilitator_b"].record.pk}
    assert_nothing_of_a(body_of(response), secrets_of_a)


# --- refused writes change nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    "cell", REFUSED_WRITES, ids=[f"{cell_id(c)} changes nothing" for c in REFUSED_WRITES]
)
def test_refused_write_changes_nothing(cell, world, as_persona, make_api):
    row, persona = cell
    circle_a = world["circle_a"]
    client = as_persona(persona)
    prepared(row, world)
    before = snapshot()
    messages_before = Message.objects.filter(circle=circle_a).count()
    circles_before = Circle.objects.count()

    response = request(client, row, world)

    assert response.status_code == row.expect[persona]
    assert snapshot() == before
    circle_a.refresh_from_db()
    assert circle_a.description == DESCRIPTION_A
    assert Message.objects.filter(circle=circle_a).count() == messages_before
    assert Circle.objects.count() == circles_before
    # The participant key of A still opens A, in a new session and in its existing one.
    make_api().sign_in(world["participant_a"].plaintext)
    if persona == PART_A:
        assert client.get("/api/circles/circle-a/").status_code == 200
