from django.apps import AppConfig


class JitsiIntegrationConfig(AppConfig):
    name = "jitsi_integration"
    verbose_name = "Jitsi integration"

    def ready(self):
        from . import checks  # noqa: F401  (registers the configuration check)
