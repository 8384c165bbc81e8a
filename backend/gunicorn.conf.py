"""gunicorn settings: ASGI through uvicorn workers. Each value can be set from the environment."""

import os

bind = os.environ.get("IC_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("IC_WORKERS", "2"))
worker_class = "uvicorn_worker.UvicornWorker"
# Live streams stay open; on shutdown give them a moment, then close them (clients reconnect).
graceful_timeout = int(os.environ.get("IC_GRACEFUL_TIMEOUT", "10"))
timeout = 60
# One JSON line per request comes from the app (ic_core.middleware); no second access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("IC_LOG_LEVEL", "info").lower()
