"""GET /api/auth/me/ and POST /api/auth/logout/: the session's identity, and its end."""

from datetime import timedelta

from django.utils import timezone

from access.actions import issue_keys, revoke_key
from access.models import AccessKey, Role
from circles.actions import create_circle

ME = "/api/auth/me/"
LOGOUT = "/api/auth/logout/"


def test_me_refuses_an_anonymous_client_with_401(api, db):
    response = api.get(ME)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Session realm="InquiryCircle"'


def test_me_returns_the_identity_of_the_session(signed_in, facilitator_a):
    response = signed_in(facilitator_a).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "role": "facilitator",
        "display_name": "Fay A",
        "circles": [{"slug": "circle-a", "name": "Circle A"}],
    }


def test_me_lists_every_circle_the_key_opens(api, circle_a, circle_b):
    issued = issue_keys([circle_b, circle_a], Role.PARTICIPANT, labels=["Both"])[0]
    api.sign_in(issued.plaintext)

    circles = api.get(ME).json()["circles"]
    assert circles == [
        {"slug": "circle-a", "name": "Circle A"},
        {"slug": "circle-b", "name": "Circle B"},
    ]


def test_a_participant_sees_only_active_circles(api, circle_a):
    paused = create_circle("Paused", slug="paused")
    issued = issue_keys([circle_a, paused], Role.PARTICIPANT)[0]
    paused.active = False
    paused.save()
    api.sign_in(issued.plaintext)

    assert api.get(ME).json()["circles"] == [{"slug": "circle-a", "name": "Circle A"}]


def test_a_participant_whose_only_circle_is_paused_sees_none(signed_in, circle_a, participant_a):
    client = signed_in(participant_a)
    circle_a.active = False
    circle_a.save()

    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["circles"] == []


def test_a_facilitator_still_sees_a_paused_circle(signed_in, circle_a, facilitator_a):
    client = signed_in(facilitator_a)
    circle_a.active = False
    circle_a.save()

    assert client.get(ME).json()["circles"] == [{"slug": "circle-a", "name": "Circle A"}]


def test_logout_ends_the_session(signed_in, participant_a):
    client = signed_in(participant_a)

    response = client.post(LOGOUT)

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(ME).status_code == 401


def test_a_session_cookie_cannot_be_replayed_after_logout(signed_in, make_api, participant_a):
    client = signed_in(participant_a)
    stolen = client.client.cookies["ic_session"].value
    client.post(LOGOUT)

    replay = make_api()
    replay.client.cookies["ic_session"] = stolen
    response = replay.get(ME)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_logout_without_a_session_is_fine(api, db):
    assert api.post(LOGOUT).status_code == 204


def test_logout_without_the_csrf_header_is_refused(signed_in, participant_a):
    client = signed_in(participant_a)

    response = client.post(LOGOUT, csrf=False)

    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert client.get(ME).status_code == 200


def test_me_answers_get_only(signed_in, participant_a):
    response = signed_in(participant_a).post(ME)

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_revoking_the_key_ends_its_session_at_the_next_request(signed_in, participant_a):
    client = signed_in(participant_a)
    assert client.get(ME).status_code == 200

    revoke_key(participant_a.record)

    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_revoking_one_key_leaves_other_sessions_alone(signed_in, participant_a, facilitator_a):
    participant = signed_in(participant_a)
    facilitator = signed_in(facilitator_a)

    revoke_key(participant_a.record)

    assert participant.get(ME).status_code == 401
    assert facilitator.get(ME).status_code == 200


def test_a_key_expiring_ends_its_session_at_the_next_request(signed_in, participant_a):
    client = signed_in(participant_a)
    assert client.get(ME).status_code == 200

    AccessKey.objects.filter(pk=participant_a.record.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_deleted_key_ends_its_session(signed_in, participant_a):
    client = signed_in(participant_a)

    AccessKey.objects.filter(pk=participant_a.record.pk).delete()

    assert client.get(ME).status_code == 401
