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
