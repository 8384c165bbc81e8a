"""Settings shared by every environment. Each group links the Django docs page it follows.

Every value that differs between deployments comes from the environment; backend/.env.example
documents each variable.
"""

from pathlib import Path

from ic_core.logformat import JSON_FORMATTER

from .env import env, log_level, secret

BACKEND_DIR = Path(__file__).resolve().parents[2]

# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = secret("SECRET_KEY")
# Keyed hash of access keys (HMAC-SHA256). Changing it invalidates every issued key.
KEY_PEPPER = secret("IC_KEY_PEPPER")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "backend"])
TIME_ZONE = "UTC"
USE_TZ = True
ROOT_URLCONF = "ic_core.urls"
ASGI_APPLICATION = "ic_core.asgi.application"
WSGI_APPLICATION = "ic_core.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# LANGUAGES: the API answers in the language the request asks for (Accept-Language, which the
# SPA sets to its own), else in English. Codes and log lines stay English. The catalogs are
# backend/locale/<language>/LC_MESSAGES/django.po (docs/configuration.md#languages).
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/#how-django-discovers-language-preference
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BACKEND_DIR / "locale"]

# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
SQLITE_DEFAULT_PATH = BACKEND_DIR / "db" / "inquirycircle.db"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_DEFAULT_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers (the live streams) run beside a writer; IMMEDIATE takes the write lock
    # at BEGIN so two workers never deadlock upgrading a read lock; the timeout makes a second
    # writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env.int("IC_SQLITE_TIMEOUT", default=20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# CACHES: shared by all worker processes (the key-attempt counters are a model of their own:
# access.models.AttemptCounter, counted atomically).
# https://docs.djangoproject.com/en/5.2/topics/cache/#database-caching
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ic_cache",
    }
}

# APPS
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "live",
    "access",
    "circles",
    "facilitation",
    "rhythm",
    "voice",
    "jitsi_integration",
    "operations",
]

# MIDDLEWARE
# https://docs.djangoproject.com/en/5.2/topics/http/middleware/
MIDDLEWARE = [
    # First: who the client is (X-Forwarded-* only from IC_TRUSTED_PROXIES), for all below.
    "ic_core.middleware.TrustedProxyMiddleware",
    "ic_core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ic_core.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the answer, from Accept-Language (before CommonMiddleware, as Django asks).
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# REQUEST SIZE: bodies over 16 KB are refused with 413.
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024

# SESSIONS AND CSRF
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "ic_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("IC_SESSION_AGE", default=12 * 3600)
# The SPA reads the CSRF cookie to send X-CSRFToken, so it is not HttpOnly.
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "ic_core.errors.csrf_failure"

# CORS (runbook Phase 9): the SPA is served from the API's own origin, so no origin needs CORS
# and none is allowed by default. List other origins (with scheme) only if a separate frontend
# must call the API; they are also sent credentials.
# https://github.com/adamchainz/django-cors-headers#configuration
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = bool(CORS_ALLOWED_ORIGINS)
CORS_URLS_REGEX = r"^/api/.*$"

# STATIC FILES (only the schema view's; the SPA is served by Caddy)
STATIC_URL = "/static/"
STATIC_ROOT = env.str("IC_STATIC_ROOT", default=str(BACKEND_DIR / "staticfiles"))

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# DJANGO REST FRAMEWORK
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["access.authentication.AccessKeySessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["ic_core.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ic_core.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # The client is REMOTE_ADDR: ic_core.middleware.TrustedProxyMiddleware put it there.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "InquiryCircle API",
    "DESCRIPTION": "Access keys, circles, live facilitator messages, the session rhythm "
    "(schedule, sessions, timer, run sheet, calendar feeds) and Jitsi configuration.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Two "kind"s: a message's (as before) and a run sheet item's.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "facilitation.models.Kind",
        "RunSheetItemKindEnum": "rhythm.models.ItemKind",
        "PostableKindEnum": "facilitation.models.POSTABLE_KINDS",
        "SignalKindEnum": "voice.models.SignalKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "facilitation.schema.add_stream_path",
    ],
}

# ACCESS KEYS
# Failed key submissions allowed per client address within the window, shared by all workers.
KEY_FAILURE_LIMIT = env.int("IC_KEY_FAILURE_LIMIT", default=10)
KEY_FAILURE_WINDOW = env.int("IC_KEY_FAILURE_WINDOW", default=600)

# LIVE MESSAGES (Server-Sent Events): see facilitation/hub.py and live/feed.py.
STREAM_HEARTBEAT_SECONDS = env.float("IC_STREAM_HEARTBEAT", default=15.0)
# How often each worker looks at the change log when nothing woke it. On SQLite this bounds the
# delay for changes made by other processes (the look costs one PRAGMA when nothing changed);
# on PostgreSQL, LISTEN/NOTIFY wakes the workers at once and this is only the fallback while
# the listening connection is down.
STREAM_POLL_SECONDS = env.float("IC_STREAM_POLL_INTERVAL", default=0.02)
# How often each worker re-checks, in a few batched queries, that the keys, sessions and
# circles behind its open streams are still good: a safety net for changes made outside the
# app's actions (the actions themselves end streams at once).
STREAM_AUDIT_SECONDS = env.float("IC_STREAM_AUDIT_INTERVAL", default=30.0)

# PARTICIPANTS' VOICE (docs/voice-api.md): responses and signals a participant may send per
# window, and how long attendance, signals and unshared responses are kept (prune_voice).
RESPONSE_LIMIT = env.positive_int("IC_RESPONSE_LIMIT", default=10)
RESPONSE_WINDOW = env.positive_int("IC_RESPONSE_WINDOW", default=60)
VOICE_RETENTION_DAYS = env.positive_int("IC_VOICE_RETENTION_DAYS", default=90)

# JITSI
# Modes: public (no JWT, e.g. meet.jit.si), token (self-hosted, HS256), jaas (8x8, RS256).
JITSI_MODE = env.str("JITSI_MODE", default="public")
JITSI_DOMAIN = env.str("JITSI_DOMAIN", default="meet.jit.si")
JITSI_APP_ID = env.str("JITSI_APP_ID", default="")
JITSI_APP_SECRET = secret("JITSI_APP_SECRET", default="")
JITSI_TOKEN_AUDIENCE = env.str("JITSI_TOKEN_AUDIENCE", default="jitsi")
JITSI_TOKEN_SUBJECT = env.str("JITSI_TOKEN_SUBJECT", default="")
JITSI_JAAS_APP_ID = env.str("JITSI_JAAS_APP_ID", default="")
JITSI_JAAS_KEY_ID = env.str("JITSI_JAAS_KEY_ID", default="")
JITSI_JAAS_PRIVATE_KEY = secret("JITSI_JAAS_PRIVATE_KEY", default="")
# Minutes, not hours: a token lets its holder (re)enter the call until it runs out, revoked or
# not. The page renews it while the key is good (jitsi_integration.config).
JITSI_TOKEN_TTL = env.int("JITSI_TOKEN_TTL", default=300)
JITSI_CLOCK_SKEW = env.int("JITSI_CLOCK_SKEW", default=30)

# BACKUPS (manage.py backup_db / restore_db): where copies go and how many are kept.
BACKUP_DIR = Path(env.str("IC_BACKUP_DIR", default=str(BACKEND_DIR / "db" / "backups")))
BACKUP_KEEP = env.int("IC_BACKUP_KEEP", default=14)
# run_backups (the backups service) takes one this often, in seconds.
BACKUP_INTERVAL = env.int("IC_BACKUP_INTERVAL", default=24 * 3600)

# VERSION reported by /api/health/: IC_VERSION, else the git commit, else the package version.
IC_VERSION = env.str("IC_VERSION", default="")
# Set by the image build (backend/Dockerfile build args); a source checkout asks git instead.
IC_BUILD_COMMIT = env.str("IC_BUILD_COMMIT", default="")
IC_BUILD_TIME = env.str("IC_BUILD_TIME", default="")

# LOGGING: one JSON object per line on stdout.
# https://docs.djangoproject.com/en/5.2/topics/logging/
LOG_LEVEL = log_level("IC_LOG_LEVEL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Requests are logged once, by ic_core.middleware; Django's own 4xx lines would repeat them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
