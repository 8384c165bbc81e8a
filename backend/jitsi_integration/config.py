"""What the browser needs to embed a circle's Jitsi room for one key."""

from django.conf import settings

from . import modes
from .tokens import jaas_token, self_hosted_token

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


class JitsiNotConfigured(Exception):
    pass


def jitsi_config(circle, key):
    missing = modes.missing_settings()
    if missing:
        raise JitsiNotConfigured(missing)
    mode = settings.JITSI_MODE
    moderator = key.facilitates(circle)
    user_id = f"key-{key.pk}"
    name = key.display_name
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
    return {
        "mode": mode,
        "domain": domain,
        "script_url": script_url,
        "room_name": room,
        "jwt": token,
        "moderator": moderator,
        "user_info": {"displayName": name},
        "config_overwrite": {**CONFIG_OVERWRITE, "subject": circle.name},
        "interface_config_overwrite": INTERFACE_CONFIG_OVERWRITE,
        "notice": modes.PUBLIC_NOTICE if mode == modes.PUBLIC else None,
    }
