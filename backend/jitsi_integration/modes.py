"""The three ways InquiryCircle can use Jitsi, and what each needs from settings."""

from django.conf import settings
from django.utils.translation import gettext_lazy

PUBLIC = "public"
TOKEN = "token"  # noqa: S105 (a mode name, not a secret)
JAAS = "jaas"
MODES = (PUBLIC, TOKEN, JAAS)

# For the facilitator's page (jitsi_integration.config), in the viewer's language.
PUBLIC_NOTICE = gettext_lazy(
    "Video runs on a public Jitsi server without authentication: anyone who learns this "
    "circle's room can join it, and someone whose key you revoke could come back. After "
    "revoking someone, use Move to a new room. meet.jit.si ends embedded calls after 5 "
    "minutes; use token or jaas mode for real sessions."
)
# What an operator must know before choosing public mode (manage.py check, make status, the
# facilitator's page, docs/configuration.md say it).
PUBLIC_LIMITS = (
    "JITSI_MODE is public: the video has no access control of its own. Anyone who learns a "
    "circle's room name can join its call, and revoking a key does not keep its holder out "
    "of the call: the facilitator removes them in the call, then moves the circle to a fresh "
    "room. meet.jit.si also ends embedded calls after 5 minutes."
)
PUBLIC_HINT = "For real sessions set JITSI_MODE=token (self-hosted Jitsi) or jaas."


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
