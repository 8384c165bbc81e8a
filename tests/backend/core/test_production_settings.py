"""ic_core.settings.production, loaded in a fresh interpreter as the server would load it."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from support import paths

BACKEND_DIR = paths.BACKEND
REPO_DIR = BACKEND_DIR.parent
# Variables the settings read; none may leak in from the environment running the tests.
SETTINGS_PREFIXES = ("DJANGO_", "IC_", "JITSI_", "SECRET_KEY", "DATABASE_")
SETTINGS_NAMES = {"DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["SECRET_KEY", "KEY_PEPPER", "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXIES", "JITSI_APP_SECRET"]
shown = {name: getattr(s, name) for name in names}
shown["DATABASE_PASSWORD"] = s.DATABASES["default"].get("PASSWORD")
print(json.dumps(shown))
"""

# What the example files hold, and what the image build once used: none of it starts a server.
PLACEHOLDERS = [
    "change-me-to-64-random-characters",
    "change-me-to-32-random-characters",
    "replace-with-the-output-of-secrets-token-urlsafe",
    "example-secret-key-for-the-documentation-only",
    "collectstatic-only",
]


@pytest.fixture
def environment(tmp_path):
    """A production environment with every required value set; tests remove or change some."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(SETTINGS_PREFIXES) and name not in SETTINGS_NAMES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ic_core.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        IC_KEY_PEPPER=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
        # A self-hosted Jitsi: public mode is a deploy-check warning of its own.
        JITSI_MODE="token",
        JITSI_DOMAIN="meet.example.org",
        JITSI_APP_ID="inquirycircle",
        JITSI_APP_SECRET=secrets.token_urlsafe(32),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def secret_file(tmp_path, name, value):
    path = tmp_path / name
    path.write_text(value)
    return str(path)


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(env, *args):
    return run(env, "manage.py", *args)


def settings_of(env):
    result = run(env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_secret_key_is_a_real_64_character_secret(environment):
    assert len(environment["SECRET_KEY"]) == 64


def test_the_deploy_check_passes_without_warnings(environment):
    result = manage(environment, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_finds_no_security_issue(environment):
    result = manage(environment, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert "(security." not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "purpose"),
    [
        ("SECRET_KEY", "it signs sessions and CSRF tokens"),
        ("IC_KEY_PEPPER", "access keys are stored as HMACs keyed with it"),
    ],
)
def test_production_refuses_to_start_without_a_secret(environment, missing, purpose):
    del environment[missing]

    result = manage(environment, "check")

    assert result.returncode != 0
    assert f"{missing} is not set. It is required when DEBUG is off ({purpose})." in result.stderr
    assert f"{missing}_FILE" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "IC_KEY_PEPPER"])
def test_an_empty_secret_counts_as_missing(environment, missing):
    environment[missing] = ""

    result = manage(environment, "check")

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_the_secrets_can_come_from_files(environment, tmp_path):
    secret_key, pepper = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
    (tmp_path / "secret_key").write_text(secret_key + "\n")
    (tmp_path / "pepper").write_text(pepper)
    del environment["SECRET_KEY"], environment["IC_KEY_PEPPER"]
    environment["SECRET_KEY_FILE"] = str(tmp_path / "secret_key")
    environment["IC_KEY_PEPPER_FILE"] = str(tmp_path / "pepper")

    settings = settings_of(environment)

    assert settings["SECRET_KEY"] == secret_key
    assert settings["KEY_PEPPER"] == pepper
    assert manage(environment, "check").returncode == 0


def test_an_unreadable_secret_file_stops_the_start(environment, tmp_path):
    del environment["SECRET_KEY"]
    environment["SECRET_KEY_FILE"] = str(tmp_path / "does-not-exist")

    result = manage(environment, "check")

    assert result.returncode == 2
    assert result.stderr.startswith(
        f"InquiryCircle cannot start: SECRET_KEY_FILE={tmp_path / 'does-not-exist'} cannot be "
        "read (No such file or directory)."
    )


def test_an_empty_secret_file_stops_the_start(environment, tmp_path):
    del environment["IC_KEY_PEPPER"]
    environment["IC_KEY_PEPPER_FILE"] = secret_file(tmp_path, "pepper", "\n")

    result = manage(environment, "check")

    assert result.returncode == 2
    assert "IC_KEY_PEPPER_FILE=" in result.stderr and "is empty" in result.stderr


def test_a_secret_in_both_the_environment_and_a_file_is_refused(environment, tmp_path):
    environment["SECRET_KEY_FILE"] = secret_file(tmp_path, "key", secrets.token_urlsafe(48))

    result = manage(environment, "check")

    assert result.returncode == 2
    assert "SECRET_KEY and SECRET_KEY_FILE are both set. Keep only SECRET_KEY_FILE" in result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "IC_KEY_PEPPER"])
@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_placeholder_is_refused(environment, name, placeholder):
    environment[name] = placeholder

    result = manage(environment, "check")

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"InquiryCircle cannot start: {name} is a placeholder")
    assert 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"' in line


@pytest.mark.parametrize(
    ("value", "says"),
    [
        # Random-looking, but fixed: every pytest-xdist worker must collect the same tests.
        ("Q8l8LNWCLYmgH3HvioDwyw", "is too short to be a secret (22 characters, at least 32)"),
        ("ab" * 20, "has too little variety to be a secret (2 different characters, at least 8)"),
    ],
)
@pytest.mark.parametrize("name", ["SECRET_KEY", "IC_KEY_PEPPER"])
def test_a_value_too_weak_to_be_a_secret_is_refused(environment, name, value, says):
    environment[name] = value

    result = manage(environment, "check")

    assert result.returncode == 2
    assert result.stderr.startswith(f"InquiryCircle cannot start: {name} {says}")
    assert f"set {name}_FILE (or {name}) to it" in result.stderr
    assert value not in result.stderr


@pytest.mark.parametrize("example", ["compose/inquirycircle.env.example", "backend/.env.example"])
def test_an_example_env_file_copied_as_it_is_starts_no_server(environment, example):
    del environment["SECRET_KEY"], environment["IC_KEY_PEPPER"]
    for line in (REPO_DIR / example).read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not name.startswith("#"):
            environment[name] = value

    result = manage(environment, "check")

    assert result.returncode == 2
    assert result.stderr.startswith("InquiryCircle cannot start: SECRET_KEY ")


def test_the_deploy_check_warns_about_a_weak_key_pepper(environment):
    # With DEBUG on the production settings start without their checks on secrets; Django's
    # own security.W009 then speaks for SECRET_KEY, and ic_core.W001 for the pepper.
    environment.update(DEBUG="True", IC_KEY_PEPPER="pepper")

    result = manage(environment, "check", "--deploy")

    assert "(ic_core.W001) IC_KEY_PEPPER is too short to be a secret" in result.stderr
    del environment["IC_KEY_PEPPER"]
    missing = manage(environment, "check", "--deploy")
    assert "(ic_core.W001) IC_KEY_PEPPER is not set" in missing.stderr


def test_the_database_password_can_come_from_a_file(environment, tmp_path):
    password = secrets.token_hex(24)
    environment["DATABASE_PASSWORD_FILE"] = secret_file(tmp_path, "postgres_password", password)

    assert settings_of(environment)["DATABASE_PASSWORD"] == password


def test_a_database_password_in_the_url_and_a_file_is_refused(environment, tmp_path):
    environment["DATABASE_URL"] = "postgres://inquirycircle:in-the-url@postgres:5432/inquirycircle"
    environment["DATABASE_PASSWORD_FILE"] = secret_file(tmp_path, "postgres_password", "x" * 40)

    result = manage(environment, "check")

    assert result.returncode == 2
    assert "DATABASE_URL holds a password and DATABASE_PASSWORD" in result.stderr


def test_the_jitsi_secret_can_come_from_a_file(environment, tmp_path):
    jitsi_secret = secrets.token_urlsafe(32)
    del environment["JITSI_APP_SECRET"]
    environment["JITSI_APP_SECRET_FILE"] = secret_file(tmp_path, "jitsi", jitsi_secret + "\n")

    assert settings_of(environment)["JITSI_APP_SECRET"] == jitsi_secret


def test_only_loopback_is_a_trusted_proxy_by_default(environment):
    assert settings_of(environment)["TRUSTED_PROXIES"] == ["127.0.0.1/32", "::1/128"]


def test_trusted_proxies_are_addresses_and_networks(environment):
    environment["IC_TRUSTED_PROXIES"] = "10.203.0.254, 10.1.2.0/24,fd00::/8"

    trusted = settings_of(environment)["TRUSTED_PROXIES"]

    assert trusted == ["10.203.0.254/32", "10.1.2.0/24", "fd00::/8"]


def test_a_trusted_proxy_that_is_not_an_address_is_one_sentence(environment):
    environment["IC_TRUSTED_PROXIES"] = "caddy"

    result = manage(environment, "check")

    assert result.returncode == 2
    assert result.stderr.startswith(
        "InquiryCircle cannot start: IC_TRUSTED_PROXIES holds 'caddy', which is not an IP "
        "address or network."
    )


def test_production_cookies_and_transport_are_secure(environment):
    settings = settings_of(environment)

    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["example.org"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
