"""The three ways InquiryCircle can use Jitsi, and what each needs from settings."""

from django.conf import settings

PUBLIC = "public"
TOKEN = "token"  # noqa: S105 (a mode name, not a secret)
JAAS = "jaas"
MODES = (PUBLIC, TOKEN, JAAS)

PUBLIC_NOTICE = (
    "Video runs on a public Jitsi server without authentication. meet.jit.si ends embedded "
    "calls after 5 minutes; use token or jaas mode for real sessions."
)


def missing_settings():
    """Names of the settings the configured mode needs but lacks (empty when usable)."""
    mode = settings.JITSI_MODE
    if mode not in MODES:
        return [f"JITSI_MODE (one of {', '.join(MODES)}, not '{mode}')"]
    needed = {
        PUBLIC: {"JITSI_DOMAIN": settings.JITSI_DOMAIN},
        TOKEN: {
            "JITSI_DOMAIN": settings.JITSI_DOMAIN,
            "JITSI_APP_ID": settings.JITSI_APP_ID,
            "JITSI_APP_SECRET": settings.JITSI_APP_SECRET,
        },
        JAAS: {
            "JITSI_JAAS_APP_ID": settings.JITSI_JAAS_APP_ID,
            "JITSI_JAAS_KEY_ID": settings.JITSI_JAAS_KEY_ID,
            "JITSI_JAAS_PRIVATE_KEY": settings.JITSI_JAAS_PRIVATE_KEY,
        },
    }[mode]
    return [name for name, value in needed.items() if not value]
