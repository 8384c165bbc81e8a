"""gunicorn settings: ASGI through uvicorn workers. Each value can be set from the environment."""

import os
import sys

# This file's folder (backend/) is where ic_core lives, whatever the working directory.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from django.core.exceptions import ImproperlyConfigured
from uvicorn_worker import UvicornWorker

from ic_core.logformat import gunicorn_logconfig
from ic_core.settings.env import log_level
from ic_core.startup import refuse, settings_or_exit

bind = os.environ.get("IC_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("IC_WORKERS", "2"))


class Worker(UvicornWorker):
    """uvicorn's worker without its access log (a second line per request, with the query
    string: the app writes the one line, ic_core.middleware.RequestLogMiddleware) and without
    its own reading of X-Forwarded-For/-Proto: which proxy to believe is decided in one place,
    ic_core.middleware.TrustedProxyMiddleware (IC_TRUSTED_PROXIES)."""

    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "access_log": False, "proxy_headers": False}


worker_class = Worker
# Passed on to uvicorn, which does not use it with proxy_headers off; empty, so that nothing
# believes forwarded headers by gunicorn's default (127.0.0.1) either.
forwarded_allow_ips = ""
# Live streams stay open; on shutdown give them a moment, then close them (clients reconnect).
graceful_timeout = int(os.environ.get("IC_GRACEFUL_TIMEOUT", "10"))
timeout = 60
# One JSON line per request comes from the app (ic_core.middleware); no second access log
# (gunicorn's, or uvicorn's: see Worker).
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
    say_what_the_video_cannot_do(server.log)


def say_what_the_video_cannot_do(log):
    """Public mode's limits, once per start, where the operator reads the service's log."""
    from django.conf import settings

    from jitsi_integration import modes

    if settings.JITSI_MODE == modes.PUBLIC:
        log.warning("%s %s", modes.PUBLIC_LIMITS, modes.PUBLIC_HINT)
