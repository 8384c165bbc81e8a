"""GET /api/messages/stream/: the checks made before a stream starts, which answer with JSON.

The events themselves are tested against real gunicorn workers (tests/backend/server/).
The checks run on the live reader's thread, with a connection of its own: it can only see
committed data, so these tests commit (transaction=True).
"""

import pytest

from access.actions import revoke_key

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/messages/stream/"


def stream(client, params=None, **extra):
    return client.client.get(URL, params or {}, **extra)


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    return body["detail"]


def test_an_anonymous_client_gets_401(api, circle_a):
    detail = assert_error(stream(api, {"circle": "circle-a"}), 401, "not_authenticated")

    assert detail == "Authentication credentials were not provided."


def test_a_revoked_keys_session_gets_401(signed_in, participant_a):
    client = signed_in(participant_a)
    revoke_key(participant_a.record)

    assert_error(stream(client, {"circle": "circle-a"}), 401, "not_authenticated")


def test_the_circle_is_required(signed_in, participant_a):
    detail = assert_error(stream(signed_in(participant_a)), 400, "invalid")

    assert detail == "circle: This query parameter is required."


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "٣", "9" * 5000, "1" * 20])
def test_a_malformed_after_is_refused(signed_in, participant_a, after):
    response = stream(signed_in(participant_a), {"circle": "circle-a", "after": after})

    detail = assert_error(response, 400, "invalid")
    assert detail.startswith("after: ")


@pytest.mark.parametrize("last_event_id", ["x", "-3", "2.0", "9" * 5000])
def test_a_malformed_last_event_id_is_refused(signed_in, participant_a, last_event_id):
    response = stream(
        signed_in(participant_a), {"circle": "circle-a"}, HTTP_LAST_EVENT_ID=last_event_id
    )

    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("slug", ["\x00", "a b", "x" * 65, "é", "../demo"])
def test_a_circle_that_is_not_a_slug_is_refused(signed_in, participant_a, slug):
    response = stream(signed_in(participant_a), {"circle": slug})

    detail = assert_error(response, 400, "invalid")
    assert detail.startswith('circle: Enter a valid "slug"')


def test_an_unknown_circle_is_404(signed_in, participant_a):
    detail = assert_error(stream(signed_in(participant_a), {"circle": "nowhere"}), 404, "not_found")

    assert detail == "There is no circle 'nowhere' that your key opens."


def test_a_circle_of_another_facilitator_is_404(signed_in, circle_a, facilitator_b):
    assert_error(stream(signed_in(facilitator_b), {"circle": "circle-a"}), 404, "not_found")


def test_a_paused_circle_is_404_for_a_participant(signed_in, circle_a, participant_a):
    client = signed_in(participant_a)
    circle_a.active = False
    circle_a.save()

    assert_error(stream(client, {"circle": "circle-a"}), 404, "not_found")


def test_a_post_to_the_stream_is_405(signed_in, participant_a):
    client = signed_in(participant_a)

    response = client.post(URL + "?circle=circle-a", {})

    assert_error(response, 405, "method_not_allowed")


# The stream is a plain async view, but its errors are DRF's, as every endpoint's are: the same
# status, bytes and headers as the message list's answer to the same mistake.
LIST = "/api/messages/"


def assert_same_answer(streamed, listed, *headers):
    assert streamed.status_code == listed.status_code
    assert streamed.content == listed.content
    for header in ("Content-Type", *headers):
        assert streamed[header] == listed[header], header


def test_its_401_is_the_apis_401(api, circle_a):
    streamed = stream(api, {"circle": "circle-a"})
    listed = api.get(LIST, {"circle": "circle-a"})

    assert streamed.status_code == 401
    assert_same_answer(streamed, listed, "WWW-Authenticate")


def test_its_404_is_the_apis_404(signed_in, participant_a):
    client = signed_in(participant_a)

    streamed = stream(client, {"circle": "nowhere"})
    listed = client.get(LIST, {"circle": "nowhere"})

    assert streamed.status_code == 404
    assert_same_answer(streamed, listed)


def test_its_405_is_the_apis_405(signed_in, participant_a):
    client = signed_in(participant_a)

    streamed = client.send("put", URL + "?circle=circle-a", {})
    listed = client.send("put", LIST, {})

    assert streamed.status_code == 405
    assert_same_answer(streamed, listed)
    assert streamed["Allow"] == "GET"


@pytest.mark.parametrize(
    ("params", "extra"),
    [
        ({"circle": "circle-a"}, {}),
        ({"circle": "circle-a", "after": "7"}, {}),
        ({"circle": "circle-a"}, {"HTTP_LAST_EVENT_ID": "7"}),
    ],
)
def test_a_member_gets_an_event_stream(signed_in, participant_a, close_stream, params, extra):
    response = stream(signed_in(participant_a), params, **extra)
    try:
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/event-stream"
        assert response["Cache-Control"] == "no-cache"
        assert response["X-Accel-Buffering"] == "no"
    finally:
        close_stream(response)


def test_a_facilitator_gets_the_stream_of_a_paused_circle(
    signed_in, circle_a, facilitator_a, close_stream
):
    client = signed_in(facilitator_a)
    circle_a.active = False
    circle_a.save()

    response = stream(client, {"circle": "circle-a"})
    try:
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
    finally:
        close_stream(response)
