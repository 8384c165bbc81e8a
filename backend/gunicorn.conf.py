"""gunicorn settings: ASGI through uvicorn workers. Each value can be set from the environment."""

import os
import sys

# This file's folder (backend/) is where ic_core lives, whatever the working directory.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from django.core.exceptions import ImproperlyConfigured

from ic_core.logformat import gunicorn_logconfig
from ic_core.settings.env import log_level
from ic_core.startup import refuse, settings_or_exit

bind = os.environ.get("IC_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("IC_WORKERS", "2"))
worker_class = "uvicorn_worker.UvicornWorker"
# Live streams stay open; on shutdown give them a moment, then close them (clients reconnect).
graceful_timeout = int(os.environ.get("IC_GRACEFUL_TIMEOUT", "10"))
timeout = 60
# One JSON line per request comes from the app (ic_core.middleware); no second access log.
accesslog = None
errorlog = "-"
try:
    loglevel = log_level("IC_LOG_LEVEL").lower()
except ImproperlyConfigured as error:
    refuse(error)
# gunicorn's and uvicorn's own lines in the same JSON as the app's.
logconfig_dict = gunicorn_logconfig(loglevel.upper())
# No control socket (gunicornc): it would be a file in the app's folder, which the service user
# cannot write in the container, and nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """In the master, before any worker boots: a bad setting stops the service with its one
    sentence, instead of every worker failing with a traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ic_core.settings.production")
    settings_or_exit()
