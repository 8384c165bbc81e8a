"""Every line gunicorn, its uvicorn workers and the app write is one JSON object, so a log
collector (or `docker compose logs backend | jq`) reads the whole log."""

import json

import httpx


def test_every_line_the_server_writes_is_json(start_backend):
    server = start_backend(workers=2)
    httpx.get(f"{server.url}/api/health/", timeout=10).raise_for_status()
    server.stop()

    lines = [line for line in server.log_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises on the first line that is not JSON
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "uvicorn.error", "ic.request"} <= loggers, loggers
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)


def public_mode_warnings(server):
    return [
        record
        for line in server.log_path.read_text().splitlines()
        if line.strip()
        for record in [json.loads(line)]
        if "JITSI_MODE is public" in record["message"]
    ]


def test_in_public_mode_the_start_says_once_what_the_video_cannot_do(start_backend):
    server = start_backend(workers=2, JITSI_MODE="public")
    server.stop()

    (warning,) = public_mode_warnings(server)  # once, from the master, not per worker
    assert warning["level"] == "WARNING"
    assert "revoking a key does not keep its holder out of the call" in warning["message"]
    assert "JITSI_MODE=token" in warning["message"]


def test_with_tokens_the_start_says_nothing_of_it(start_backend):
    server = start_backend(
        workers=1,
        JITSI_MODE="token",
        JITSI_DOMAIN="video.example.org",
        JITSI_APP_ID="inquirycircle",
        JITSI_APP_SECRET="a-long-enough-secret-for-the-test-only",
    )
    server.stop()

    assert public_mode_warnings(server) == []
