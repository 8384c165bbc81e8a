from django.core.checks import Error, register

from .modes import missing_settings


@register()
def jitsi_configuration(app_configs, **kwargs):
    missing = missing_settings()
    if not missing:
        return []
    return [
        Error(
            "The Jitsi configuration is incomplete.",
            hint="Set " + ", ".join(missing) + " (see backend/.env.example).",
            id="jitsi_integration.E001",
        )
    ]
