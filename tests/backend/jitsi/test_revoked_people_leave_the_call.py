"""Revoked means out of the video too: short tokens the page renews, none for a key that no
longer works, names in the call the facilitator's page can remove someone by, and a way to
move a circle's call to a new room (the only lock in public mode)."""

import time
from datetime import timedelta
from io import StringIO

import jwt
import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from access.actions import issue_keys, revoke_key
from access.models import Role
from circles.models import Circle
from live.models import Change

URL = "/api/jitsi/config/"
SECRET = "s3cret-value-long-enough-for-hs256-xxxxxxxx"
TOKEN = override_settings(
    JITSI_MODE="token",
    JITSI_DOMAIN="video.example.org",
    JITSI_APP_ID="inquirycircle",
    JITSI_APP_SECRET=SECRET,
    JITSI_CLOCK_SKEW=30,
)
PUBLIC = override_settings(JITSI_MODE="public", JITSI_DOMAIN="meet.jit.si")


def config(client, circle="circle-a"):
    return client.get(URL, {"circle": circle})


def claims_of(body):
    return jwt.decode(body["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")


# Short tokens, renewed while the key is good


def test_a_token_lasts_five_minutes_by_default(settings):
    assert settings.JITSI_TOKEN_TTL == 300


@TOKEN
def test_the_page_is_told_when_its_token_runs_out_and_when_to_renew_it(signed_in, participant_a):
    now = time.time()
    body = config(signed_in(participant_a)).json()

    claims = claims_of(body)
    assert 290 <= claims["exp"] - now <= 301
    assert parse_datetime(body["expires_at"]).timestamp() == claims["exp"]
    assert body["renew_after_seconds"] == 150  # halfway: a failed renewal can try again


@TOKEN
def test_a_renewal_is_a_new_token(signed_in, participant_a, settings):
    client = signed_in(participant_a)
    first = claims_of(config(client).json())
    settings.JITSI_TOKEN_TTL = 400  # a later request gets a token made then

    second = claims_of(config(client).json())

    assert second["exp"] > first["exp"]


@TOKEN
@pytest.mark.parametrize("how", ["revoked", "expired", "signed out"])
def test_no_token_for_a_key_that_no_longer_works(signed_in, participant_a, how):
    client = signed_in(participant_a)
    assert config(client).status_code == 200
    key = participant_a.record
    if how == "revoked":
        revoke_key(key)
    elif how == "expired":
        key.expires_at = timezone.now() - timedelta(seconds=1)
        key.save()
    else:
        assert client.post("/api/auth/logout/", {}).status_code == 204

    response = config(client)

    assert response.status_code == 401
    assert "jwt" not in response.json()


@TOKEN
def test_with_a_token_the_name_in_the_call_cannot_be_changed(signed_in, participant_a):
    body = config(signed_in(participant_a)).json()

    assert body["config_overwrite"]["readOnlyName"] is True
    assert claims_of(body)["context"]["user"]["name"] == "Pat A"


@PUBLIC
def test_in_public_mode_the_page_still_rechecks_its_key(signed_in, participant_a):
    body = config(signed_in(participant_a)).json()

    assert body["jwt"] is None
    assert body["expires_at"] is None
    assert body["renew_after_seconds"] == 60
    assert "readOnlyName" not in body["config_overwrite"]


# Names in the call: unique within a circle


def participant(circle, label=""):
    return issue_keys([circle], Role.PARTICIPANT, labels=[label] if label else [])[0]


@PUBLIC
def test_a_unique_label_is_the_name_in_the_call(signed_in, participant_a):
    assert config(signed_in(participant_a)).json()["user_info"] == {"displayName": "Pat A"}


@PUBLIC
def test_namesakes_and_unlabelled_keys_are_told_apart_by_number(signed_in, circle_a):
    first, second = participant(circle_a, "Sam"), participant(circle_a, " sam ")
    plain = participant(circle_a)

    names = [
        config(signed_in(k)).json()["user_info"]["displayName"] for k in (first, second, plain)
    ]

    assert names == [
        f"Sam #{first.record.pk}",
        f"sam #{second.record.pk}",
        f"Participant #{plain.record.pk}",
    ]
    assert len(set(names)) == 3


@PUBLIC
def test_the_key_list_tells_the_facilitator_each_keys_name_in_the_call(
    signed_in, circle_a, facilitator_a, participant_a
):
    twin = participant(circle_a, "Pat A")
    client = signed_in(facilitator_a)

    keys = {k["id"]: k["call_name"] for k in client.get("/api/circles/circle-a/keys/").json()}

    for issued in (participant_a, twin):
        name = config(signed_in(issued)).json()["user_info"]["displayName"]
        assert keys[issued.record.pk] == name
    assert keys[facilitator_a.record.pk] == "Fay A"


# A fresh room


def move(client, slug="circle-a"):
    return client.post(f"/api/circles/{slug}/video-room/", {})


@PUBLIC
def test_the_facilitator_moves_the_call_to_a_new_room(signed_in, circle_a, facilitator_a):
    client = signed_in(facilitator_a)
    before = config(client).json()["room_name"]

    response = move(client)

    assert response.status_code == 200
    assert "jitsi_room" not in response.json() and before not in response.text
    after = config(client).json()["room_name"]
    assert after != before and after.startswith("ic-") and len(after) == 27
    assert Change.objects.filter(kind=Change.Kind.ROOM, circle_id=circle_a.pk).count() == 1


@PUBLIC
def test_a_participant_cannot_move_the_room(signed_in, circle_a, participant_a):
    before = Circle.objects.get(pk=circle_a.pk).jitsi_room

    response = move(signed_in(participant_a))

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the circle's facilitator can move its video to a new room."
    )
    assert Circle.objects.get(pk=circle_a.pk).jitsi_room == before


def test_the_operator_command_moves_the_room_without_printing_it(circle_a):
    before = circle_a.jitsi_room
    out = StringIO()

    call_command("new_video_room", "circle-a", stdout=out)

    after = Circle.objects.get(pk=circle_a.pk).jitsi_room
    assert after != before
    assert after not in out.getvalue()
    assert "Moved the video of 'Circle A' (circle-a) to a new room." in out.getvalue()


def test_the_operator_command_names_an_unknown_circle(db):
    with pytest.raises(CommandError, match=r"There is no circle with slug 'nope'\."):
        call_command("new_video_room", "nope")


# What the operator is told


def messages_of(ids, deploy=False):
    found = checks.run_checks(include_deployment_checks=deploy)
    return {m.id: m for m in found if m.id in ids}


@TOKEN
@override_settings(JITSI_TOKEN_TTL=30)
def test_a_token_too_short_to_renew_is_an_error():
    found = messages_of({"jitsi_integration.E002"})

    assert found["jitsi_integration.E002"].msg == (
        "JITSI_TOKEN_TTL is 30 seconds; it must be at least 60."
    )


@TOKEN
@override_settings(JITSI_TOKEN_TTL=3600)
def test_a_long_token_is_a_warning_that_says_what_it_costs():
    found = messages_of({"jitsi_integration.W001"})

    assert "can enter the call again for up to 60 minutes" in found["jitsi_integration.W001"].msg


@TOKEN
def test_the_default_token_passes_the_checks():
    assert messages_of({"jitsi_integration.E002", "jitsi_integration.W001"}, deploy=True) == {}


@PUBLIC
def test_a_deployment_in_public_mode_is_told_its_limits():
    found = messages_of({"jitsi_integration.W002"}, deploy=True)

    message = found["jitsi_integration.W002"].msg
    assert "Anyone who learns a circle's room name can join" in message
    assert "revoking a key does not keep its holder out of the call" in message
