"""Which request Caddy answers how: the API, hashed assets, other files, the SPA fallback."""

import time
from concurrent.futures import ThreadPoolExecutor

import port_for
import pytest

pytestmark = pytest.mark.server

IMMUTABLE = "public, max-age=31536000, immutable"


def test_a_deep_link_gets_index_html_uncached(caddy, site):
    response = caddy.get("/circles/demo")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert site.marker in response.text
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/", "/index.html", "/circles/demo/session", "/no/such/page"])
def test_index_html_is_revalidated_however_it_is_reached(caddy, site, path):
    response = caddy.get(path)

    assert response.status_code == 200
    assert site.marker in response.text
    assert response.headers["cache-control"] == "no-cache"


def test_a_hashed_asset_is_cached_for_a_year(caddy, site):
    response = caddy.get(site.asset)

    assert response.status_code == 200
    assert response.text == site.asset_body
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize("path", ["/assets/missing.js", "/assets/", "/assets/deep/er.css"])
def test_a_missing_asset_is_a_plain_404_and_not_cached(caddy, site, path):
    response = caddy.get(path)

    assert response.status_code == 404
    assert site.marker not in response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "cache-control" not in response.headers


def test_another_file_in_the_site_root_is_served_as_it_is(caddy, site):
    response = caddy.get("/favicon.ico")

    assert response.status_code == 200
    assert response.content == site.favicon
    assert response.headers["cache-control"] == "no-cache"


def test_the_api_is_proxied_to_the_backend(caddy):
    response = caddy.get("/api/health/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "content-security-policy" in response.headers  # it did come through Caddy


def test_an_unknown_api_path_is_the_backends_404_not_the_spa(caddy, site):
    response = caddy.get("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert site.marker not in response.text


def test_an_unreachable_backend_is_a_json_502(start_caddy):
    nobody_listens = port_for.select_random()
    caddy = start_caddy(f"127.0.0.1:{nobody_listens}")

    response = caddy.get("/api/health/")

    assert response.status_code == 502
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "backend_unavailable"
    assert caddy.get("/circles/demo").status_code == 200  # the SPA is still served


def test_a_backend_name_that_resolves_to_nothing_is_a_json_502_too(start_caddy):
    # As the only backend container, stopped: Docker's DNS no longer knows its name. (.invalid
    # never resolves, RFC 2606.) Caddy has no upstream at all then: still a 502, not its 503.
    caddy = start_caddy(f"backend.invalid:{port_for.select_random()}")

    started = time.monotonic()
    response = caddy.get("/api/health/")

    assert response.status_code == 502
    assert response.json()["error"] == "backend_unavailable"
    assert time.monotonic() - started < 2.5  # the retries stop after lb_try_duration


def test_while_the_backend_is_down_every_answer_is_a_prompt_502_and_once_back_it_is_used(
    start_caddy, backend
):
    caddy = start_caddy(f"127.0.0.1:{backend.port}")
    assert caddy.get("/api/health/").status_code == 200
    backend.stop()
    try:
        # Some at once, some after others failed (when Caddy has left the backend out).
        with ThreadPoolExecutor(max_workers=4) as pool:
            timed = list(pool.map(lambda _: timed_get(caddy, "/api/health/"), range(12)))
    finally:
        backend.start()
    answer, took = timed_get(caddy, "/api/health/")

    assert {response.status_code for response, _ in timed} == {502}
    assert {response.json()["error"] for response, _ in timed} == {"backend_unavailable"}
    assert max(seconds for _, seconds in timed) < 2
    assert answer.status_code == 200, answer.text  # the first request after it is back
    assert took < 2


def timed_get(caddy, path):
    started = time.monotonic()
    response = caddy.get(path, timeout=10)
    return response, time.monotonic() - started
