"""GET /api/health/: whether this backend can serve, for Caddy, compose and operators."""

import pytest
from django.test import override_settings

from ic_core.version import current_version

URL = "/api/health/"


@pytest.fixture
def fresh_version():
    """current_version() is cached for the process: forget it around a test that sets it."""
    current_version.cache_clear()
    yield
    current_version.cache_clear()


def test_health_reports_ok_without_signing_in(api, db):
    response = api.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "database", "version", "uptime_seconds", "build"}
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert isinstance(body["version"], str) and body["version"].strip()
    assert isinstance(body["uptime_seconds"], int) and body["uptime_seconds"] >= 0


def test_health_ignores_a_session(signed_in, participant_a):
    response = signed_in(participant_a).get(URL)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@override_settings(IC_VERSION="2031.05.1-test")
def test_health_reports_the_configured_version(api, db, fresh_version):
    assert api.get(URL).json()["version"] == "2031.05.1-test"


def test_health_answers_head_without_a_body(api, db):
    response = api.client.head(URL)

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "delete"])
def test_health_refuses_other_methods(api, db, method):
    response = api.send(method, URL)

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_health_reports_the_build_and_the_versions_in_use(api, db):
    import platform
    import sqlite3

    import django
    from django.db import connection

    build = api.get(URL).json()["build"]
    assert build["python"] == platform.python_version()
    assert build["django"] == django.get_version()
    if connection.vendor == "sqlite":
        assert build["database"] == f"sqlite {sqlite3.sqlite_version}"
    else:
        assert build["database"].startswith(f"{connection.vendor} "), build["database"]
    assert len(build["commit"]) == 12  # the checkout's git commit


def test_health_reports_the_image_build_when_set(api, db, settings):
    from ic_core.version import build_commit

    settings.IC_BUILD_COMMIT = "0123456789ab"
    settings.IC_BUILD_TIME = "2026-11-28T04:00:00Z"
    build_commit.cache_clear()
    try:
        build = api.get(URL).json()["build"]
    finally:
        build_commit.cache_clear()
    assert build["commit"] == "0123456789ab"
    assert build["build_time"] == "2026-11-28T04:00:00Z"
