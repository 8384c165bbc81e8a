"""A bad setting stops manage.py and gunicorn with one sentence that names it: no traceback,
no service half started."""

import os
import subprocess
import sys

import port_for
import pytest

from support.live_backend import BACKEND_DIR

BAD = [
    ("IC_LOG_LEVEL", "verbose", "is not a log level. Use one of debug, info, warning"),
    ("IC_KEY_FAILURE_LIMIT", "ten", "is not a whole number"),
    ("IC_STREAM_POLL_INTERVAL", "fast", "is not a number"),
    ("DEBUG", "ture", "is not true or false"),
    ("IC_RESPONSE_LIMIT", "0", "is not a whole number of 1 or more"),
    ("IC_VOICE_RETENTION_DAYS", "-5", "is not a whole number of 1 or more"),
    ("IC_RESPONSE_WINDOW", "a minute", "is not a whole number"),
]


def run(command, timeout=60, **env):
    return subprocess.run(
        command,
        cwd=BACKEND_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ic_core.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args, **env):
    return run([sys.executable, "manage.py", *args], **env)


@pytest.mark.parametrize(("name", "value", "says"), BAD)
def test_manage_py_refuses_a_bad_setting_in_one_sentence(name, value, says):
    result = manage("check", **{name: value})

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"InquiryCircle cannot start: {name}={value!r} {says}")
    assert "backend/.env.example" in line


@pytest.mark.parametrize("level", ["warning", "WARNING", "Info", "debug"])
def test_log_levels_are_taken_in_any_case(level):
    result = manage("check", IC_LOG_LEVEL=level)

    assert result.returncode == 0, result.stderr


def test_a_missing_production_secret_is_one_sentence_too():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="ic_core.settings.production",
        SECRET_KEY="",
        IC_KEY_PEPPER="x",
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("InquiryCircle cannot start: SECRET_KEY is not set.")


@pytest.mark.server
@pytest.mark.parametrize(("name", "value", "says"), BAD[:2])
def test_gunicorn_refuses_to_start_on_a_bad_setting(name, value, says):
    port = port_for.select_random()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "ic_core.asgi:application",
    ]

    result = run(command, timeout=30, IC_BIND=f"127.0.0.1:{port}", **{name: value})

    assert result.returncode == 2
    assert f"InquiryCircle cannot start: {name}={value!r} {says}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Booting worker" not in result.stderr + result.stdout
