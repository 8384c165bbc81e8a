"""Production: behind Caddy over HTTPS. Refuses to start without its secrets."""

from .base import *  # noqa: F403
from .env import env, required_secret

DEBUG = env.bool("DEBUG", default=False)
if not DEBUG:
    SECRET_KEY = required_secret("SECRET_KEY", "it signs sessions and CSRF tokens")
    KEY_PEPPER = required_secret("IC_KEY_PEPPER", "access keys are stored as HMACs keyed with it")

# SECURITY
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
# Caddy terminates TLS and says so in X-Forwarded-Proto.
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
REST_FRAMEWORK["NUM_PROXIES"] = env.int("IC_NUM_PROXIES", default=1)  # noqa: F405
