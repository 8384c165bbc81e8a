"""ic_core.settings.production, loaded in a fresh interpreter as the server would load it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND_DIR = Path(__file__).resolve().parents[3] / "backend"
# Variables the settings read; none may leak in from the environment running the tests.
SETTINGS_PREFIXES = ("DJANGO_", "IC_", "JITSI_", "SECRET_KEY")
SETTINGS_NAMES = {"DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS"}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["SECRET_KEY", "KEY_PEPPER", "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_PROXY_SSL_HEADER"]
print(json.dumps({name: getattr(s, name) for name in names}))
"""


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
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


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

    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr
    assert "cannot be read" in result.stderr


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
