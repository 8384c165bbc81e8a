"""What the browser needs to embed a circle's Jitsi room for one key."""

from django.conf import settings

from access.naming import call_name

from . import modes
from .tokens import jaas_token, self_hosted_token, token_expiry

JAAS_DOMAIN = "8x8.vc"

CONFIG_OVERWRITE = {
    "prejoinConfig": {"enabled": True},
    "disableDeepLinking": True,
    "startWithAudioMuted": True,
    "startWithVideoMuted": False,
    "enableWelcomePage": False,
}
INTERFACE_CONFIG_OVERWRITE = {
    "SHOW_JITSI_WATERMARK": False,
    "SHOW_WATERMARK_FOR_GUESTS": False,
    "MOBILE_APP_PROMO": False,
}


# With a token Jitsi takes the name from it; the person cannot change it in the call, so the
# facilitator's page can find (and remove) them by it.
TOKEN_CONFIG_OVERWRITE = {"readOnlyName": True}
# In public mode there is no token to renew, but the page still asks this often whether its key
# is still good, and leaves the call when it is not.
PUBLIC_RECHECK_SECONDS = 60


class JitsiNotConfigured(Exception):
    pass


def renew_after_seconds(mode):
    """When the page should ask again: halfway through a token's life, so a renewal that fails
    once has time to try again before the token it holds runs out."""
    if mode == modes.PUBLIC:
        return PUBLIC_RECHECK_SECONDS
    return max(settings.JITSI_TOKEN_TTL // 2, 1)


def jitsi_config(circle, key):
    missing = modes.missing_settings()
    if missing:
        raise JitsiNotConfigured(missing)
    mode = settings.JITSI_MODE
    moderator = key.facilitates(circle)
    user_id = f"key-{key.pk}"
    name = call_name(key, circle)
    if mode == modes.JAAS:
        domain = JAAS_DOMAIN
        room = f"{settings.JITSI_JAAS_APP_ID}/{circle.jitsi_room}"
        script_url = f"https://{domain}/{settings.JITSI_JAAS_APP_ID}/external_api.js"
        token = jaas_token(circle.jitsi_room, user_id, name, moderator)
    else:
        domain = settings.JITSI_DOMAIN
        room = circle.jitsi_room
        script_url = f"https://{domain}/external_api.js"
        token = self_hosted_token(room, user_id, name, moderator) if mode == modes.TOKEN else None
    config_overwrite = {**CONFIG_OVERWRITE, "subject": circle.name}
    if token:
        config_overwrite.update(TOKEN_CONFIG_OVERWRITE)
    return {
        "mode": mode,
        "domain": domain,
        "script_url": script_url,
        "room_name": room,
        "jwt": token,
        "expires_at": token_expiry(token),
        "renew_after_seconds": renew_after_seconds(mode),
        "moderator": moderator,
        "user_info": {"displayName": name},
        "config_overwrite": config_overwrite,
        "interface_config_overwrite": INTERFACE_CONFIG_OVERWRITE,
        "notice": str(modes.PUBLIC_NOTICE) if mode == modes.PUBLIC else None,
    }
