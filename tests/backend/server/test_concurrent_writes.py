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
