"""Failed key attempts are counted in the shared database, not in one process's memory."""

import pytest

from support.live_backend import Session

pytestmark = pytest.mark.server


def test_failures_through_two_servers_add_up_to_one_limit(start_backend, demo):
    # Two separate gunicorn masters, one worker each, on one database: no memory is shared.
    first = start_backend(workers=1, IC_KEY_FAILURE_LIMIT=4)
    second = start_backend(workers=1, IC_KEY_FAILURE_LIMIT=4)
    wrong = "AAAA-BBBB-CCCC-DDDD"

    for server in (first, second, first, second):
        assert Session(server.url).post("/api/auth/verify-key/", {"key": wrong}).status_code == 401

    for server in (first, second):
        right_key = {"key": demo["facilitator_key"]}
        refused = Session(server.url).post("/api/auth/verify-key/", right_key)
        assert refused.status_code == 429
        assert refused.json()["error"] == "too_many_attempts"
        assert 0 < int(refused.headers["Retry-After"]) <= 600
