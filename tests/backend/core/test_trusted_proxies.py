"""X-Forwarded-For and X-Forwarded-Proto are believed only from a trusted proxy (Caddy):
ic_core.middleware.TrustedProxyMiddleware, IC_TRUSTED_PROXIES."""

import json
import secrets

import httpx
import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from ic_core.middleware import TrustedProxyMiddleware
from support.live_backend import LiveBackend, Session, manage

CADDY = "127.0.0.1"  # the trusted proxy of `make up` (and the default)
STRANGER = "127.0.0.2"  # another address of this machine, which reaches the backend directly
FORGED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
WRONG_KEY = {"key": "AAAA-BBBB-CCCC-DDDD"}


def seen(remote_addr, trusted=("127.0.0.1",), **headers):
    """request.META after the middleware, for a request from remote_addr with headers."""
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    request = RequestFactory().get("/api/health/", REMOTE_ADDR=remote_addr, **meta)
    with override_settings(TRUSTED_PROXIES=list(trusted)):
        TrustedProxyMiddleware(lambda request: HttpResponse())(request)
    return request


def test_a_trusted_proxy_names_the_client_and_the_scheme():
    request = seen(CADDY, x_forwarded_for="203.0.113.7", x_forwarded_proto="https")

    assert request.META["REMOTE_ADDR"] == "203.0.113.7"
    assert "HTTP_X_FORWARDED_FOR" not in request.META  # consumed: REMOTE_ADDR says it now
    assert request.META["HTTP_X_FORWARDED_PROTO"] == "https"


def test_anyone_else_is_who_their_connection_says():
    request = seen(
        STRANGER,
        x_forwarded_for="203.0.113.7",
        x_forwarded_proto="https",
        x_forwarded_host="evil.example",
        x_real_ip="203.0.113.8",
        forwarded="for=203.0.113.9;proto=https",
    )

    assert request.META["REMOTE_ADDR"] == STRANGER
    assert not [name for name in request.META if "FORWARDED" in name or "REAL_IP" in name]


def test_only_the_entries_trusted_proxies_added_are_believed():
    # A client's own X-Forwarded-For, then a CDN's entry, then Caddy: the client is the nearest
    # address no trusted proxy has, however many the client made up before it.
    request = seen(
        CADDY,
        trusted=("127.0.0.1", "10.203.0.0/24"),
        x_forwarded_for="198.51.100.1, 203.0.113.7, 10.203.0.9",
    )

    assert request.META["REMOTE_ADDR"] == "203.0.113.7"


def test_an_entry_that_is_not_an_address_ends_what_is_believed():
    request = seen(CADDY, x_forwarded_for="203.0.113.7, not-an-address")

    assert request.META["REMOTE_ADDR"] == CADDY


def test_trusting_no_one_is_possible():
    request = seen(CADDY, trusted=(), x_forwarded_for="203.0.113.7")

    assert request.META["REMOTE_ADDR"] == CADDY
    assert "HTTP_X_FORWARDED_FOR" not in request.META


# The real server: gunicorn with uvicorn workers, reached on 127.0.0.1 (as Caddy does) or from
# 127.0.0.2 (someone who reaches it directly), with the production settings.


def production_env(**extra):
    return {
        "DJANGO_SETTINGS_MODULE": "ic_core.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IC_KEY_PEPPER": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "IC_HSTS_SECONDS": "0",
        **extra,
    }


@pytest.fixture
def start_server(tmp_path):
    """start_server(**env) -> a running production-settings LiveBackend on a fresh database."""
    servers = []

    def start(**env):
        db_path = tmp_path / f"db-{len(servers)}.sqlite3"
        env = production_env(**env)
        manage(db_path, "migrate", "--noinput", **env)
        server = LiveBackend(db_path, tmp_path / f"gunicorn-{len(servers)}.log", 1, **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def client_from(address, server, **options):
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=10, **options)


def request_lines(server):
    lines = server.log_path.read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["logger"] == "ic.request"]


@pytest.mark.server
def test_a_forged_x_forwarded_proto_does_not_make_a_direct_request_secure(start_server):
    server = start_server(IC_SECURE_SSL_REDIRECT="True")

    with client_from(STRANGER, server) as stranger, client_from(CADDY, server) as caddy:
        direct = stranger.get("/api/auth/csrf/", headers=FORGED)
        proxied = caddy.get("/api/auth/csrf/", headers=FORGED)

    # Not secure: SECURE_SSL_REDIRECT sends it to HTTPS. Secure, as Caddy says: answered.
    assert direct.status_code == 301, direct.text
    assert direct.headers["location"].startswith("https://")
    assert proxied.status_code == 200, proxied.text


@pytest.mark.server
def test_key_attempts_are_counted_by_the_real_address(start_server):
    server = start_server(
        IC_SECURE_SSL_REDIRECT="False", IC_SECURE_COOKIES="False", IC_KEY_FAILURE_LIMIT="2"
    )

    def attempt(address, client_address):
        session = Session(server.url, transport=lambda: httpx.HTTPTransport(local_address=address))
        session.http.headers["X-Forwarded-For"] = client_address
        try:
            return session.post("/api/auth/verify-key/", WRONG_KEY).status_code
        finally:
            session.close()

    # Directly, a new made-up address each time: still one client, 127.0.0.2.
    direct = [attempt(STRANGER, f"203.0.113.{n}") for n in range(1, 4)]
    # Through the trusted proxy: the addresses it names are the clients.
    proxied = [attempt(CADDY, f"198.51.100.{n}") for n in range(1, 4)]
    again = [attempt(CADDY, "198.51.100.200") for _ in range(3)]

    assert direct == [401, 401, 429]
    assert proxied == [401, 401, 401]
    assert again == [401, 401, 429]
    clients = {line["client"] for line in request_lines(server) if line["status"] in (401, 429)}
    assert clients == {STRANGER, "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.200"}


@pytest.mark.server
def test_the_server_writes_one_line_per_request_with_the_client_and_no_query(start_server):
    server = start_server(IC_SECURE_SSL_REDIRECT="False")

    with client_from(CADDY, server) as caddy:
        answer = caddy.get(
            "/api/auth/csrf/?after=123&token=secret-in-the-query",
            headers={"X-Forwarded-For": "203.0.113.7", "X-CSRFToken": "csrf-in-a-header"},
        )
    assert answer.status_code == 200
    server.stop()

    text = server.log_path.read_text()
    (line,) = [r for r in request_lines(server) if r["path"] == "/api/auth/csrf/"]
    assert line["client"] == "203.0.113.7"
    assert "secret-in-the-query" not in text and "after=123" not in text
    assert "csrf-in-a-header" not in text
    assert "uvicorn.access" not in text  # uvicorn's own second line per request
