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


def test_a_parallel_burst_of_wrong_keys_is_evaluated_at_most_up_to_the_limit(start_backend):
    from concurrent.futures import ThreadPoolExecutor

    server = start_backend(workers=2, IC_KEY_FAILURE_LIMIT=10)
    stranger = Session(server.url)
    wrong = {"key": "AAAA-BBBB-CCCC-DDDD"}

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(
            pool.map(
                lambda _: stranger.post("/api/auth/verify-key/", wrong).status_code, range(200)
            )
        )

    print(
        f"200 parallel wrong keys: {statuses.count(401)} evaluated, {statuses.count(429)} refused"
    )
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) <= 10
    assert statuses.count(401) + statuses.count(429) == 200


def test_a_browser_that_signed_in_before_gets_through_a_blocked_address(start_backend, demo):
    server = start_backend(workers=2, IC_KEY_FAILURE_LIMIT=3)
    member = Session(server.url).sign_in(demo["participant_keys"][0])
    for _ in range(3):
        Session(server.url).post("/api/auth/verify-key/", {"key": "AAAA-BBBB-CCCC-DDDD"})

    stranger = Session(server.url).post("/api/auth/verify-key/", {"key": demo["facilitator_key"]})
    again = member.post("/api/auth/verify-key/", {"key": demo["participant_keys"][0]})

    assert stranger.status_code == 429
    assert again.status_code == 200
