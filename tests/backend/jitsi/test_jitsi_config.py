"""GET /api/jitsi/config/?circle=<slug>: what the browser needs to join a circle's video room.

Three modes: public (meet.jit.si, no token), token (self-hosted Jitsi, HS256 JWT) and
jaas (8x8 Jitsi as a Service, RS256 JWT with the tenant's key).
"""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

URL = "/api/jitsi/config/"
SECRET = "s3cret-value-long-enough-for-hs256-xxxxxxxx"
JAAS_APP_ID = "vpaas-magic-cookie-abc123"

PUBLIC = override_settings(JITSI_MODE="public", JITSI_DOMAIN="meet.jit.si")
TOKEN = override_settings(
    JITSI_MODE="token",
    JITSI_DOMAIN="video.example.org",
    JITSI_APP_ID="inquirycircle",
    JITSI_APP_SECRET=SECRET,
    JITSI_TOKEN_AUDIENCE="jitsi",
    JITSI_TOKEN_SUBJECT="",
    JITSI_TOKEN_TTL=300,
    JITSI_CLOCK_SKEW=30,
)


def config(client, circle="circle-a"):
    return client.get(URL, {"circle": circle})


def decode_token(token, key=SECRET):
    return jwt.decode(token, key, algorithms=["HS256"], audience="jitsi")


# public mode


@PUBLIC
def test_public_mode_for_a_participant(signed_in, circle_a, participant_a):
    response = config(signed_in(participant_a))

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "public"
    assert body["domain"] == "meet.jit.si"
    assert body["script_url"] == "https://meet.jit.si/external_api.js"
    assert body["room_name"] == circle_a.jitsi_room
    assert body["jwt"] is None
    assert body["moderator"] is False
    assert body["user_info"] == {"displayName": "Pat A"}
    assert "5 minutes" in body["notice"]


@PUBLIC
def test_public_mode_makes_the_facilitator_moderator(signed_in, facilitator_a):
    body = config(signed_in(facilitator_a)).json()

    assert body["moderator"] is True
    assert body["user_info"] == {"displayName": "Fay A"}


@PUBLIC
def test_the_config_carries_the_embedding_options(signed_in, participant_a):
    body = config(signed_in(participant_a)).json()

    assert body["config_overwrite"]["subject"] == "Circle A"
    assert body["config_overwrite"]["prejoinConfig"] == {"enabled": True}
    assert body["interface_config_overwrite"]["SHOW_JITSI_WATERMARK"] is False


@PUBLIC
def test_each_circle_has_its_own_room(signed_in, circle_a, circle_b, facilitator_a, facilitator_b):
    room_a = config(signed_in(facilitator_a), "circle-a").json()["room_name"]
    room_b = config(signed_in(facilitator_b), "circle-b").json()["room_name"]

    assert room_a == circle_a.jitsi_room
    assert room_b == circle_b.jitsi_room
    assert room_a != room_b


# token mode: self-hosted Jitsi with prosody token authentication


@TOKEN
def test_token_mode_returns_a_signed_jwt_for_the_room(signed_in, circle_a, participant_a):
    response = config(signed_in(participant_a))

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "token"
    assert body["domain"] == "video.example.org"
    assert body["script_url"] == "https://video.example.org/external_api.js"
    assert body["room_name"] == circle_a.jitsi_room
    assert body["notice"] is None
    assert jwt.get_unverified_header(body["jwt"])["alg"] == "HS256"
    claims = decode_token(body["jwt"])
    assert claims["iss"] == "inquirycircle"
    assert claims["aud"] == "jitsi"
    assert claims["sub"] == "video.example.org"
    assert claims["room"] == body["room_name"]


@TOKEN
def test_the_token_is_valid_now_with_a_little_skew(signed_in, participant_a):
    before = time.time()
    token = config(signed_in(participant_a)).json()["jwt"]
    after = time.time()

    claims = decode_token(token)
    assert claims["nbf"] <= before < after < claims["exp"]
    assert 25 <= before - claims["nbf"] <= 32
    assert 290 <= claims["exp"] - after <= 301


@TOKEN
@override_settings(JITSI_TOKEN_TTL=600, JITSI_CLOCK_SKEW=5)
def test_the_token_lifetime_follows_the_settings(signed_in, participant_a):
    now = time.time()
    claims = decode_token(config(signed_in(participant_a)).json()["jwt"])

    assert 590 <= claims["exp"] - now <= 601
    assert 3 <= now - claims["nbf"] <= 7


@TOKEN
def test_the_token_names_the_user_as_a_member(signed_in, participant_a):
    claims = decode_token(config(signed_in(participant_a)).json()["jwt"])

    user = claims["context"]["user"]
    assert user == {
        "id": f"key-{participant_a.record.pk}",
        "name": "Pat A",
        "email": "",
        "avatar": "",
        "affiliation": "member",
    }
    assert all(isinstance(user[field], str) for field in ("id", "name", "email", "avatar"))


@TOKEN
def test_the_facilitators_token_makes_them_owner(signed_in, facilitator_a):
    body = config(signed_in(facilitator_a)).json()

    assert body["moderator"] is True
    assert decode_token(body["jwt"])["context"]["user"]["affiliation"] == "owner"


@TOKEN
@override_settings(JITSI_TOKEN_SUBJECT="tenant-one")
def test_the_subject_can_be_a_tenant(signed_in, participant_a):
    claims = decode_token(config(signed_in(participant_a)).json()["jwt"])

    assert claims["sub"] == "tenant-one"


@TOKEN
@override_settings(JITSI_DOMAIN="video.example.org:8443")
def test_the_subject_is_the_host_without_its_port(signed_in, participant_a):
    body = config(signed_in(participant_a)).json()
    claims = decode_token(body["jwt"])

    assert claims["sub"] == "video.example.org"
    assert body["script_url"] == "https://video.example.org:8443/external_api.js"


@TOKEN
def test_the_token_does_not_verify_with_another_secret(signed_in, participant_a):
    token = config(signed_in(participant_a)).json()["jwt"]

    with pytest.raises(jwt.InvalidSignatureError):
        decode_token(token, key="another-secret-that-is-also-long-enough-xxxxx")


# jaas mode: 8x8 Jitsi as a Service


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jaas(rsa_key):
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with override_settings(
        JITSI_MODE="jaas",
        JITSI_JAAS_APP_ID=JAAS_APP_ID,
        JITSI_JAAS_KEY_ID="key1",
        JITSI_JAAS_PRIVATE_KEY=pem,
        JITSI_TOKEN_TTL=3600,
        JITSI_CLOCK_SKEW=30,
    ):
        yield rsa_key.public_key()


def test_jaas_mode_addresses_the_room_in_the_tenant(jaas, signed_in, circle_a, participant_a):
    response = config(signed_in(participant_a))

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "jaas"
    assert body["domain"] == "8x8.vc"
    assert body["script_url"] == f"https://8x8.vc/{JAAS_APP_ID}/external_api.js"
    assert body["room_name"] == f"{JAAS_APP_ID}/{circle_a.jitsi_room}"
    assert body["notice"] is None


def test_the_jaas_token_is_signed_with_the_tenants_key(jaas, signed_in, circle_a, participant_a):
    before = time.time()
    token = config(signed_in(participant_a)).json()["jwt"]

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"] == f"{JAAS_APP_ID}/key1"
    claims = jwt.decode(token, jaas, algorithms=["RS256"], audience="jitsi")
    assert (claims["aud"], claims["iss"], claims["sub"]) == ("jitsi", "chat", JAAS_APP_ID)
    assert claims["room"] == circle_a.jitsi_room
    assert claims["nbf"] <= before < claims["exp"]
    assert claims["context"]["user"]["moderator"] == "false"
    assert claims["context"]["user"]["name"] == "Pat A"
    assert claims["context"]["features"]["recording"] == "false"


def test_the_jaas_token_makes_the_facilitator_moderator(jaas, signed_in, facilitator_a):
    body = config(signed_in(facilitator_a)).json()

    claims = jwt.decode(body["jwt"], jaas, algorithms=["RS256"], audience="jitsi")
    assert body["moderator"] is True
    assert claims["context"]["user"]["moderator"] == "true"


def test_the_jaas_token_does_not_verify_with_another_key(jaas, signed_in, participant_a):
    token = config(signed_in(participant_a)).json()["jwt"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other, algorithms=["RS256"], audience="jitsi")


# an incomplete configuration


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"JITSI_MODE": "token", "JITSI_APP_ID": "ic", "JITSI_APP_SECRET": ""}, "JITSI_APP_SECRET"),
        ({"JITSI_MODE": "token", "JITSI_APP_ID": "", "JITSI_APP_SECRET": SECRET}, "JITSI_APP_ID"),
        ({"JITSI_MODE": "public", "JITSI_DOMAIN": ""}, "JITSI_DOMAIN"),
        (
            {
                "JITSI_MODE": "jaas",
                "JITSI_JAAS_APP_ID": JAAS_APP_ID,
                "JITSI_JAAS_KEY_ID": "key1",
                "JITSI_JAAS_PRIVATE_KEY": "",
            },
            "JITSI_JAAS_PRIVATE_KEY",
        ),
        ({"JITSI_MODE": "zoom"}, "JITSI_MODE"),
    ],
)
def test_an_incomplete_configuration_is_503_and_fails_the_check(
    signed_in, participant_a, overrides, missing
):
    client = signed_in(participant_a)

    with override_settings(**overrides):
        response = config(client)
        with pytest.raises(SystemCheckError) as failed:
            call_command("check")

    assert response.status_code == 503
    assert response.json() == {
        "error": "video_unavailable",
        "detail": "Video is not configured on this server yet.",
    }
    assert missing in str(failed.value)
    assert "jitsi_integration.E001" in str(failed.value)


@TOKEN
def test_a_complete_configuration_passes_the_check():
    call_command("check")


# which circle


def test_the_circle_is_required(signed_in, participant_a):
    response = signed_in(participant_a).get(URL)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith("circle: ")


def test_an_unknown_circle_is_404(signed_in, participant_a):
    response = config(signed_in(participant_a), "nowhere")

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'nowhere' that your key opens.",
    }


def test_a_circle_the_key_does_not_open_is_404(signed_in, circle_b, participant_a):
    response = config(signed_in(participant_a), "circle-b")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_anonymous_client_gets_401(api, circle_a):
    response = config(api)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
