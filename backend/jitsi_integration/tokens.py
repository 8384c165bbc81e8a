"""JSON Web Tokens that let a person into a circle's Jitsi room, for the two modes that use them.

token: self-hosted Jitsi with token authentication (prosody's token auth), HS256 with the app
secret; the moderator is chosen by context.user.affiliation (token_affiliation module).
jaas: 8x8 Jitsi as a Service, RS256 with the tenant's key; moderator is context.user.moderator.
"""

from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.utils import timezone


def _validity():
    now = timezone.now()
    # nbf a little in the past so a Jitsi server whose clock runs behind still accepts it.
    return {
        "nbf": int((now - timedelta(seconds=settings.JITSI_CLOCK_SKEW)).timestamp()),
        "exp": int((now + timedelta(seconds=settings.JITSI_TOKEN_TTL)).timestamp()),
    }


def token_expiry(token):
    """When a token we made stops letting anyone in (ISO 8601), or None without a token."""
    if token is None:
        return None
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    return datetime.fromtimestamp(exp, UTC).isoformat().replace("+00:00", "Z")


def _user(user_id, display_name, **role):
    # Jitsi expects every user field as a string; we have no e-mail or avatar to give.
    return {"id": user_id, "name": display_name, "email": "", "avatar": "", **role}


def self_hosted_token(room, user_id, display_name, moderator):
    claims = {
        "iss": settings.JITSI_APP_ID,
        "aud": settings.JITSI_TOKEN_AUDIENCE,
        # sub names the Jitsi host; a port in JITSI_DOMAIN is not part of it.
        "sub": settings.JITSI_TOKEN_SUBJECT or settings.JITSI_DOMAIN.split(":")[0],
        "room": room,
        **_validity(),
        "context": {
            "user": _user(user_id, display_name, affiliation="owner" if moderator else "member")
        },
    }
    return jwt.encode(claims, settings.JITSI_APP_SECRET, algorithm="HS256")


def jaas_token(room, user_id, display_name, moderator):
    claims = {
        "aud": "jitsi",
        "iss": "chat",
        "sub": settings.JITSI_JAAS_APP_ID,
        "room": room,
        **_validity(),
        "context": {
            "user": _user(user_id, display_name, moderator="true" if moderator else "false"),
            "features": {
                "livestreaming": "false",
                "recording": "false",
                "transcription": "false",
                "outbound-call": "false",
            },
        },
    }
    kid = f"{settings.JITSI_JAAS_APP_ID}/{settings.JITSI_JAAS_KEY_ID}"
    return jwt.encode(
        claims, settings.JITSI_JAAS_PRIVATE_KEY, algorithm="RS256", headers={"kid": kid}
    )
