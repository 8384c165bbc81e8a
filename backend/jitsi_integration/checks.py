from django.conf import settings
from django.core.checks import Error, Warning, register

from . import modes

MIN_TOKEN_TTL = 60
LONG_TOKEN_TTL = 900


@register()
def jitsi_configuration(app_configs, **kwargs):
    missing = modes.missing_settings()
    if not missing:
        return []
    return [
        Error(
            "The Jitsi configuration is incomplete.",
            hint="Set " + ", ".join(missing) + " (see backend/.env.example).",
            id="jitsi_integration.E001",
        )
    ]


@register()
def jitsi_token_lifetime(app_configs, **kwargs):
    if settings.JITSI_MODE == modes.PUBLIC:
        return []
    ttl = settings.JITSI_TOKEN_TTL
    if ttl < MIN_TOKEN_TTL:
        return [
            Error(
                f"JITSI_TOKEN_TTL is {ttl} seconds; it must be at least {MIN_TOKEN_TTL}.",
                hint="Pages renew their token halfway through its life; 300 (the default) "
                "suits most deployments.",
                id="jitsi_integration.E002",
            )
        ]
    if ttl > LONG_TOKEN_TTL:
        return [
            Warning(
                f"JITSI_TOKEN_TTL is {ttl} seconds: a revoked or signed-out person can enter "
                f"the call again for up to {ttl // 60} minutes with the token they hold.",
                hint="Use 300 (the default) unless your Jitsi server cannot take renewals.",
                id="jitsi_integration.W001",
            )
        ]
    return []


@register(deploy=True)
def jitsi_public_mode(app_configs, **kwargs):
    if settings.JITSI_MODE != modes.PUBLIC:
        return []
    return [Warning(modes.PUBLIC_LIMITS, hint=modes.PUBLIC_HINT, id="jitsi_integration.W002")]
