"""Production: behind Caddy over HTTPS. Refuses to start without its secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES
from .env import env, required_secret, secret

DEBUG = env.bool("DEBUG", default=False)
if not DEBUG:
    SECRET_KEY = required_secret("SECRET_KEY", "it signs sessions and CSRF tokens")
    KEY_PEPPER = required_secret("IC_KEY_PEPPER", "access keys are stored as HMACs keyed with it")

# DATABASES: the password may come from a file (DATABASE_PASSWORD_FILE, a Docker secret), so that
# DATABASE_URL, which `docker inspect` shows, need not hold it.
# https://docs.djangoproject.com/en/5.2/ref/settings/#password
_database_password = secret("DATABASE_PASSWORD")
if _database_password:
    if DATABASES["default"].get("PASSWORD"):
        raise ImproperlyConfigured(
            "DATABASE_URL holds a password and DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE) is "
            "set too. Keep one: the URL without its password and DATABASE_PASSWORD_FILE."
        )
    DATABASES["default"]["PASSWORD"] = _database_password

# PROXIES
# X-Forwarded-For and X-Forwarded-Proto are believed only from these addresses or networks:
# Caddy's. From anyone else who reaches the backend they are dropped, and the client is the
# connection's own address (ic_core.middleware.TrustedProxyMiddleware). Loopback by default, as
# `make up` runs Caddy; the compose files give Caddy's fixed address on the app network.
TRUSTED_PROXIES = env.networks("IC_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# SECURITY
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
# Caddy terminates TLS and says so in X-Forwarded-Proto (kept only when Caddy sent it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("IC_SECURE_SSL_REDIRECT", default=True)
# Container health checks reach the backend directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
SESSION_COOKIE_SECURE = env.bool("IC_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("IC_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("IC_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("IC_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("IC_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
