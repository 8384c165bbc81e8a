"""DELETE /api/circles/<slug>/: the facilitator deletes a circle."""

from access.actions import issue_keys
from access.models import AccessKey, Role
from circles.models import Circle
from facilitation.actions import post_message
from facilitation.models import Message


def detail_url(slug):
    return f"/api/circles/{slug}/"


def test_a_facilitator_deletes_a_circle_and_its_messages(signed_in, circle_a, facilitator_a):
    post_message(circle_a, facilitator_a.record, "prompt", "Gone soon")
    client = signed_in(facilitator_a)

    response = client.delete(detail_url("circle-a"))

    assert response.status_code == 204
    assert response.content == b""
    assert not Circle.objects.filter(slug="circle-a").exists()
    assert not Message.objects.exists()
    assert client.get(detail_url("circle-a")).status_code == 404


def test_deleting_revokes_participant_keys_that_opened_only_that_circle(
    make_api, signed_in, circle_a, circle_b, facilitator_a, participant_a
):
    both = issue_keys([circle_a, circle_b], Role.PARTICIPANT, labels=["Both"])[0]

    signed_in(facilitator_a).delete(detail_url("circle-a"))

    refused = make_api().post("/api/auth/verify-key/", {"key": participant_a.plaintext})
    assert refused.status_code == 401
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at is not None
    assert AccessKey.objects.get(pk=both.record.pk).revoked_at is None
    make_api().sign_in(both.plaintext)


def test_deleting_does_not_revoke_the_facilitator_key(make_api, signed_in, facilitator_a):
    signed_in(facilitator_a).delete(detail_url("circle-a"))

    response = make_api().sign_in(facilitator_a.plaintext)
    assert response.json()["circles"] == []


def test_a_participant_cannot_delete_a_circle(signed_in, participant_a):
    response = signed_in(participant_a).delete(detail_url("circle-a"))

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert Circle.objects.filter(slug="circle-a").exists()
