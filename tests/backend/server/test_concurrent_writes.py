"""Two workers writing one database at once: no "database is locked" (SQLite), no repeated
number (the circle's row lock, on SQLite and PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from support.live_backend import Session

pytestmark = pytest.mark.server

POSTS = 60


def test_concurrent_posts_through_two_workers_all_land_with_consecutive_numbers(
    start_backend, demo
):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])

    def post(n):
        return facilitator.post(
            "/api/messages/", {"circle": demo["circle"], "kind": "announcement", "body": f"#{n}"}
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(POSTS)))

    assert [r.status_code for r in responses] == [201] * POSTS
    seqs = sorted(r.json()["seq"] for r in responses)
    assert seqs == list(range(1, POSTS + 1))
    listed = httpx.get(
        f"{server.url}/api/messages/",
        params={"circle": demo["circle"], "limit": POSTS},
        cookies=facilitator.http.cookies,
    ).json()["results"]
    assert sorted(m["body"] for m in listed) == sorted(f"#{n}" for n in range(POSTS))


def test_the_same_post_sent_at_once_over_many_connections_is_one_message(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    message = {"circle": demo["circle"], "kind": "prompt", "body": "Sent by an impatient finger"}

    def post(_):
        # Each a connection of its own, so both workers take some.
        with facilitator.client(base_url=server.url, cookies=facilitator.http.cookies) as http:
            return http.post(
                "/api/messages/",
                json=message,
                headers={
                    "X-CSRFToken": facilitator.http.cookies["csrftoken"],
                    "Origin": server.url,
                    "Idempotency-Key": "one-click",
                },
            )

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(24)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 23 + [201], statuses
    assert {r.json()["seq"] for r in responses} == {1}
    listed = facilitator.http.get("/api/messages/", params={"circle": demo["circle"]}).json()
    assert [m["body"] for m in listed["results"]] == [message["body"]]
