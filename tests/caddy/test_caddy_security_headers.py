"""The security headers, on every kind of response Caddy sends, with the exact values."""

import port_for
import pytest

pytestmark = pytest.mark.server

# A page, an asset, another file, Caddy's 404, an API answer, an API error, a stream refusal.
PATHS = [
    "/",
    "/circles/demo",
    "/assets/app-abc123.js",
    "/favicon.ico",
    "/assets/missing.js",
    "/api/health/",
    "/api/auth/me/",
    "/api/messages/stream/?circle=demo",
]

KEYWORDS = {"'self'", "'none'", "'unsafe-inline'", "data:"}


def expected_csp(jitsi):
    return (
        f"default-src 'self'; script-src 'self' {jitsi}; frame-src {jitsi}; "
        "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def expected_permissions_policy(jitsi):
    features = ["camera", "microphone", "display-capture", "fullscreen"]
    return ", ".join(f'{feature}=(self "{jitsi}")' for feature in features)


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(caddy, jitsi_origin, path):
    # get_list: the backend's own values (Django's SecurityMiddleware) are replaced, not doubled.
    headers = caddy.get(path).headers

    assert headers.get_list("content-security-policy") == [expected_csp(jitsi_origin)]
    assert headers.get_list("permissions-policy") == [expected_permissions_policy(jitsi_origin)]
    assert headers.get_list("referrer-policy") == ["no-referrer"]
    assert headers.get_list("x-content-type-options") == ["nosniff"]
    assert headers.get_list("x-frame-options") == ["DENY"]


@pytest.mark.parametrize("path", PATHS)
def test_no_response_names_the_server_or_sends_hsts_over_http(caddy, path):
    headers = caddy.get(path).headers

    assert "server" not in headers
    assert "strict-transport-security" not in headers


def test_the_csp_trusts_no_foreign_origin_but_jitsi(caddy, jitsi_origin):
    policy = caddy.get("/").headers["content-security-policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    sources = {source for value in directives.values() for source in value.split()}
    assert sources - KEYWORDS == {jitsi_origin}
    assert directives["script-src"].split() == ["'self'", jitsi_origin]
    assert directives["frame-src"].split() == [jitsi_origin]
    assert directives["connect-src"] == "'self'"


def test_caddys_own_502_carries_them_too(start_caddy, jitsi_origin):
    caddy = start_caddy(f"127.0.0.1:{port_for.select_random()}")

    headers = caddy.get("/api/health/").headers

    assert headers["content-security-policy"] == expected_csp(jitsi_origin)
    assert headers["x-frame-options"] == "DENY"
    assert "server" not in headers
