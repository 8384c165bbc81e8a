from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access keys and sessions"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
