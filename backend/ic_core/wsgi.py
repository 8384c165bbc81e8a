"""WSGI entry point, for tools that want one. Production serves ASGI (live streams need it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ic_core.settings.production")

application = get_wsgi_application()
