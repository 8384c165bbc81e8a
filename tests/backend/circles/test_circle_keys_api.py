"""/api/circles/<slug>/keys/: a facilitator issues, lists and revokes participant keys."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from access.actions import issue_keys, revoke_key
from access.models import AccessKey, Role

KEYS = "/api/circles/circle-a/keys/"
SUMMARY_FIELDS = {
    "id",
    "prefix",
    "label",
    "role",
    "created",
    "expires",
    "last_used",
    "use_count",
    "revoked",
    "revoked_at",
    "call_name",  # the name the key goes by in the video call
}


def key_url(key_id, slug="circle-a"):
    return f"/api/circles/{slug}/keys/{key_id}/"


@pytest.fixture
def facilitator(signed_in, facilitator_a):
    return signed_in(facilitator_a)


def issue(client, **body):
    response = client.post(KEYS, body)
    assert response.status_code == 201, response.content
    return response.json()["keys"]


def test_a_facilitator_issues_participant_keys(facilitator):
    response = facilitator.post(KEYS, {"count": 3})

    assert response.status_code == 201
    keys = response.json()["keys"]
    assert len(keys) == 3
    for key in keys:
        assert set(key) == {"id", "key", "prefix", "label", "role", "expires"}
        assert key["role"] == "participant"
        assert key["label"] == ""
        assert key["expires"] is None
        assert key["prefix"] == key["key"][:4]
        assert AccessKey.objects.get(pk=key["id"]).circles.get().slug == "circle-a"
    assert len({k["key"] for k in keys}) == 3


def test_each_issued_key_signs_in_to_the_circle(facilitator, make_api):
    for key in issue(facilitator, count=3):
        response = make_api().sign_in(key["key"])
        assert response.json()["role"] == "participant"
        assert response.json()["circles"] == [{"slug": "circle-a", "name": "Circle A"}]


def test_count_defaults_to_one(facilitator):
    assert len(issue(facilitator)) == 1


def test_labels_name_the_keys_and_set_the_count(facilitator, make_api):
    keys = issue(facilitator, labels=["Ada", "Grace"])

    assert [k["label"] for k in keys] == ["Ada", "Grace"]
    assert make_api().sign_in(keys[1]["key"]).json()["display_name"] == "Grace"


def test_fewer_labels_than_keys_leave_the_rest_unlabelled(facilitator):
    keys = issue(facilitator, count=3, labels=["Ada"])

    assert [k["label"] for k in keys] == ["Ada", "", ""]


def test_an_expiry_in_the_future_is_kept(facilitator, make_api):
    keys = issue(facilitator, count=1, expires="2099-01-01T12:00:00Z")

    assert keys[0]["expires"] == "2099-01-01T12:00:00Z"
    assert AccessKey.objects.get(pk=keys[0]["id"]).expires_at.year == 2099
    assert make_api().sign_in(keys[0]["key"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 101}, "count"),
        ({"count": -1}, "count"),
        ({"count": "3"}, "count"),
        ({"count": 2.5}, "count"),
        ({"count": True}, "count"),
        ({"count": None}, "count"),
        ({"count": 1, "labels": ["a", "b"]}, "labels"),
        ({"labels": ["x" * 81]}, "labels"),
        ({"labels": [3]}, "labels"),
        ({"labels": "Ada"}, "labels"),
        ({"expires": "2001-01-01T00:00:00Z"}, "expires"),
        ({"expires": "next tuesday"}, "expires"),
        ({"expires": 12}, "expires"),
    ],
)
def test_it_refuses_invalid_requests_with_400(facilitator, body, field):
    response = facilitator.post(KEYS, body)

    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "invalid"
    assert field in data["fields"]
    assert data["detail"].startswith(f"{field}")
    assert not AccessKey.objects.filter(role="participant").exists()


@pytest.mark.parametrize("body", [[], [{"count": 1}], "3", 3])
def test_it_refuses_a_body_that_is_not_an_object(facilitator, body):
    response = facilitator.post(KEYS, json.dumps(body))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert not AccessKey.objects.filter(role="participant").exists()


def test_a_null_expiry_means_no_expiry(facilitator):
    assert issue(facilitator, expires=None)[0]["expires"] is None


def test_an_expiry_just_past_is_refused(facilitator):
    past = (timezone.now() - timedelta(seconds=5)).isoformat()

    response = facilitator.post(KEYS, {"expires": past})
    assert response.status_code == 400
    assert response.json()["fields"] == {"expires": ["Must be in the future."]}


def test_a_label_of_80_characters_is_accepted(facilitator):
    assert issue(facilitator, labels=["x" * 80])[0]["label"] == "x" * 80


def test_100_keys_can_be_issued_at_once(facilitator):
    assert len(issue(facilitator, count=100)) == 100


def test_the_list_shows_keys_without_their_secrets(facilitator, facilitator_a):
    issued = issue(facilitator, count=2, labels=["Ada"])
    plaintexts = [k["key"] for k in issued] + [facilitator_a.plaintext]
    canonicals = [p.replace("-", "") for p in plaintexts]

    response = facilitator.get(KEYS)

    assert response.status_code == 200
    listed = response.json()
    assert [k["id"] for k in listed] == [facilitator_a.record.pk] + [k["id"] for k in issued]
    for key in listed:
        assert set(key) == SUMMARY_FIELDS
    text = json.dumps(listed).upper()
    for secret in plaintexts + canonicals:
        assert secret not in text
    assert AccessKey.objects.get(pk=issued[0]["id"]).key_hash.upper() not in text


def test_the_list_reports_use_and_revocation(facilitator, facilitator_a, participant_a, make_api):
    make_api().sign_in(participant_a.plaintext)
    revoke_key(participant_a.record)

    listed = {k["id"]: k for k in facilitator.get(KEYS).json()}

    pat = listed[participant_a.record.pk]
    assert pat["role"] == "participant"
    assert pat["label"] == "Pat A"
    assert pat["prefix"] == participant_a.plaintext[:4]
    assert pat["use_count"] == 1
    assert pat["last_used"] is not None
    assert pat["revoked"] is True
    assert pat["revoked_at"] is not None
    fay = listed[facilitator_a.record.pk]
    assert fay["role"] == "facilitator"
    assert fay["revoked"] is False
    assert fay["revoked_at"] is None
    assert fay["use_count"] == 1  # the facilitator's own sign-in


def test_the_list_leaves_out_other_circles_keys(facilitator, facilitator_b):
    ids = [k["id"] for k in facilitator.get(KEYS).json()]

    assert facilitator_b.record.pk not in ids


def test_revoking_a_key_stops_sign_in_and_its_session(facilitator, make_api):
    key = issue(facilitator)[0]
    holder = make_api()
    holder.sign_in(key["key"])
    assert holder.get("/api/auth/me/").status_code == 200

    response = facilitator.delete(key_url(key["id"]))

    assert response.status_code == 204
    assert response.content == b""
    assert AccessKey.objects.get(pk=key["id"]).revoked_at is not None
    assert holder.get("/api/auth/me/").status_code == 401
    refused = make_api().post("/api/auth/verify-key/", {"key": key["key"]})
    assert refused.status_code == 401
    assert refused.json()["error"] == "not_authenticated"


def test_revoking_twice_keeps_the_first_time(facilitator, participant_a):
    facilitator.delete(key_url(participant_a.record.pk))
    first = AccessKey.objects.get(pk=participant_a.record.pk).revoked_at

    assert facilitator.delete(key_url(participant_a.record.pk)).status_code == 204
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at == first


def test_a_facilitator_key_cannot_be_revoked_through_the_api(facilitator, facilitator_a):
    response = facilitator.delete(key_url(facilitator_a.record.pk))

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "revoke_key" in response.json()["detail"]
    assert AccessKey.objects.get(pk=facilitator_a.record.pk).revoked_at is None


def test_a_key_of_another_circle_is_not_found(facilitator, circle_b, make_api):
    other = issue_keys([circle_b], Role.PARTICIPANT)[0]

    response = facilitator.delete(key_url(other.record.pk))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert AccessKey.objects.get(pk=other.record.pk).revoked_at is None
    assert make_api().sign_in(other.plaintext).status_code == 200


def test_an_unknown_key_id_is_not_found(facilitator):
    response = facilitator.delete(key_url(999999))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_revoking_needs_the_csrf_header(facilitator, participant_a):
    response = facilitator.delete(key_url(participant_a.record.pk), csrf=False)

    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at is None


def test_issuing_needs_the_csrf_header(facilitator):
    response = facilitator.post(KEYS, {"count": 1}, csrf=False)

    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert not AccessKey.objects.filter(role="participant").exists()


def test_a_participant_may_not_see_issue_or_revoke_keys(signed_in, participant_a):
    client = signed_in(participant_a)

    for response in [
        client.get(KEYS),
        client.post(KEYS, {"count": 1}),
        client.delete(key_url(participant_a.record.pk)),
    ]:
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert AccessKey.objects.filter(role="participant").count() == 1
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at is None


def test_a_facilitator_of_another_circle_gets_404(signed_in, facilitator_b, participant_a):
    client = signed_in(facilitator_b)

    for response in [
        client.get(KEYS),
        client.post(KEYS, {"count": 1}),
        client.delete(key_url(participant_a.record.pk)),
    ]:
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at is None


def test_an_unknown_circle_gets_404(facilitator):
    response = facilitator.get("/api/circles/nope/keys/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_anonymous_client_gets_401(api, participant_a):
    for response in [
        api.get(KEYS),
        api.post(KEYS, {"count": 1}),
        api.delete(key_url(participant_a.record.pk)),
    ]:
        assert response.status_code == 401
        assert response.json()["error"] == "not_authenticated"
