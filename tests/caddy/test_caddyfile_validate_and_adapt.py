"""Both Caddyfiles as Caddy reads them: `caddy validate`, and the JSON `caddy adapt` makes.

Caddyfile.prod names public hosts and asks for certificates, so it is never run here; its
routes, HSTS and www redirect are checked in the adapted JSON. (HTTPS for real is another
suite's job.)
"""

import shutil
import subprocess

import pytest

PROD_HOSTS = ["catbench.com", "icircle.catbench.com"]
HSTS = "max-age=31536000; includeSubDomains"
SECOND = 1_000_000_000  # Caddy's JSON durations are in nanoseconds
# The backend service's name and port on the compose network, looked up in DNS (A records).
BACKEND_BY_DNS = {"source": "a", "name": "backend", "port": "8000", "refresh": 5 * SECOND}


def handlers(node, kind):
    """Every handler of this kind anywhere in an adapted config."""
    if isinstance(node, dict):
        if node.get("handler") == kind:
            yield node
        for value in node.values():
            yield from handlers(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from handlers(value, kind)


def response_headers_set(node):
    """Each header a headers handler sets, with its values, over the whole (sub)config."""
    found = {}
    for handler in handlers(node, "headers"):
        for name, values in handler.get("response", {}).get("set", {}).items():
            found.setdefault(name, []).append(values)
    return found


def routes_for_host(server, host):
    return next(r for r in server["routes"] if host in r.get("match", [{}])[0].get("host", []))


def error_routes_for_host(server, host):
    return next(
        r for r in server["errors"]["routes"] if host in r.get("match", [{}])[0].get("host", [])
    )


def only_server(config):
    (server,) = config["apps"]["http"]["servers"].values()
    return server


def server_listening_on(config, address):
    (server,) = [s for s in config["apps"]["http"]["servers"].values() if s["listen"] == [address]]
    return server


def empty_network_namespace():
    """`unshare` into a network namespace with no interfaces up, if this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    prefix = [unshare, "--net", "--map-root-user"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


# validate


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.prod"])
def test_caddy_validate_accepts_it(caddy_cli, caddyfile, tmp_path, name):
    # validate provisions every module (log files, certificate storage) without serving:
    # the log dir and Caddy's data folders point into tmp_path.
    result = caddy_cli(
        "validate",
        "--config",
        str(caddyfile(name)),
        "--adapter",
        "caddyfile",
        CADDY_LOG_DIR=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.prod", "common.caddy"])
def test_caddy_fmt_leaves_it_unchanged(caddy_cli, caddyfile, name):
    result = caddy_cli("fmt", str(caddyfile(name)))

    assert result.returncode == 0, result.stderr
    assert result.stdout == caddyfile(name).read_text()


def test_validating_the_prod_file_needs_no_network(caddy_cli, caddyfile, tmp_path):
    prefix = empty_network_namespace()
    if prefix is None:
        pytest.skip("this machine does not allow unshare --net --map-root-user")

    result = caddy_cli(
        "validate",
        "--config",
        str(caddyfile("Caddyfile.prod")),
        "--adapter",
        "caddyfile",
        prefix=prefix,
        CADDY_LOG_DIR=tmp_path,
    )

    assert result.returncode == 0, result.stderr


# the local file


def test_its_defaults_are_the_container_values(adapt):
    config = adapt("Caddyfile")
    server = only_server(config)

    assert server["listen"] == ["0.0.0.0:80"]
    assert server["automatic_https"] == {"disable": True}
    assert config["admin"] == {"listen": "localhost:2019"}
    assert [p["dynamic_upstreams"] for p in handlers(server, "reverse_proxy")] == [BACKEND_BY_DNS]
    assert [v["root"] for v in handlers(server, "vars")] == ["/srv/site/dist"]
    assert config["logging"]["logs"]["log0"]["writer"]["filename"] == "/var/log/caddy/access.log"
    (csp,) = {v[0] for v in response_headers_set(server)["Content-Security-Policy"]}
    assert "script-src 'self' https://meet.jit.si;" in csp
    assert "frame-src https://meet.jit.si;" in csp


def test_make_ups_addresses_listen_on_loopback_only(adapt):
    # scripts/up.sh sets these.
    config = adapt(
        "Caddyfile",
        SITE_ADDRESS="http://localhost:8080, http://127.0.0.1:8080",
        CADDY_BIND="127.0.0.1",
        CADDY_ADMIN="off",
    )
    server = only_server(config)

    assert server["listen"] == ["127.0.0.1:8080"]
    assert server["routes"][0]["match"] == [{"host": ["localhost", "127.0.0.1"]}]
    assert config["admin"] == {"disabled": True}


def test_it_sends_no_hsts_over_plain_http(adapt):
    assert "Strict-Transport-Security" not in response_headers_set(adapt("Caddyfile"))


# the prod file


def test_prod_serves_both_names_over_automatic_https(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")

    assert server["listen"] == [":443"]
    assert "automatic_https" not in server  # on, with its HTTP->HTTPS redirects
    assert routes_for_host(server, "catbench.com")["match"] == [{"host": PROD_HOSTS}]


def test_prod_redirects_www_permanently_to_catbench_com(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")

    (redirect,) = handlers(routes_for_host(server, "www.catbench.com"), "static_response")
    assert redirect["status_code"] == 301
    assert redirect["headers"] == {"Location": ["https://catbench.com{http.request.uri}"]}


@pytest.mark.parametrize("host", ["catbench.com", "www.catbench.com"])
def test_prod_sends_hsts_on_both_sites(adapt, host):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")

    assert response_headers_set(routes_for_host(server, host))["Strict-Transport-Security"] == [
        [HSTS]
    ]


def test_prod_sends_hsts_on_caddys_own_errors_too(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")

    errors = error_routes_for_host(server, "catbench.com")
    assert response_headers_set(errors)["Strict-Transport-Security"] == [[HSTS]]


def test_prod_defers_every_header_so_it_replaces_the_backends(adapt):
    # Deferred headers are applied as the response is written, after the backend's are copied:
    # one HSTS, one X-Frame-Options, Caddy's values.
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")

    security = [
        h
        for h in handlers(server, "headers")
        if {"Strict-Transport-Security", "Content-Security-Policy"} & set(h["response"]["set"])
    ]
    assert len(security) == 6  # HSTS and the rest, in three places: site, errors, www
    assert all(h["response"]["deferred"] for h in security)


def test_prod_redirects_plain_http_to_https_with_the_security_headers(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":80")
    (route,) = server["routes"]

    assert route["match"] == [{"host": [*PROD_HOSTS, "www.catbench.com"]}]
    (redirect,) = handlers(route, "static_response")
    assert redirect["status_code"] == 308
    assert redirect["headers"] == {"Location": ["https://{http.request.host}{http.request.uri}"]}
    headers = response_headers_set(route)
    assert "Content-Security-Policy" in headers and "X-Frame-Options" in headers
    assert any("Server" in h["response"].get("delete", []) for h in handlers(route, "headers"))


def test_prod_proxies_the_api_unbuffered(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")
    (proxy,) = handlers(routes_for_host(server, "catbench.com"), "reverse_proxy")

    assert proxy["flush_interval"] == -1
    assert proxy["dynamic_upstreams"] == BACKEND_BY_DNS


def test_prod_balances_over_every_backend_replica(adapt):
    server = server_listening_on(adapt("Caddyfile.prod"), ":443")
    (proxy,) = handlers(routes_for_host(server, "catbench.com"), "reverse_proxy")

    # Every address the name resolves to, looked up again within seconds of a replica starting.
    assert "upstreams" not in proxy
    assert proxy["dynamic_upstreams"]["source"] == "a"
    assert proxy["dynamic_upstreams"]["refresh"] <= 10 * SECOND
    balancing = proxy["load_balancing"]
    # Long-lived streams spread by how many each replica holds, not by turns.
    assert balancing["selection_policy"] == {"policy": "least_conn"}
    # A failed replica is retried elsewhere, but briefly: a 502 must not wait for long.
    assert 0 < balancing["try_duration"] <= 2 * SECOND
    # A failed replica is left out, but never longer than a request keeps retrying, and a dial
    # to a vanished one gives up in time for two more tries (a crashed replica's old address
    # and its restarted container's new one can both be unreachable for a moment).
    assert 0 < proxy["health_checks"]["passive"]["fail_duration"] <= balancing["try_duration"]
    tries = 1 + (balancing["try_duration"] - proxy["transport"]["dial_timeout"]) // (
        proxy["transport"]["dial_timeout"] + balancing["try_interval"]
    )
    assert tries >= 3, tries


def test_both_files_share_routing_and_security_headers(adapt, jitsi_origin):
    placeholders = {"JITSI_ORIGIN": jitsi_origin, "BACKEND_HOST": "127.0.0.1", "BACKEND_PORT": 9}
    local = only_server(adapt("Caddyfile", **placeholders))
    prod_server = server_listening_on(adapt("Caddyfile.prod", **placeholders), ":443")
    prod = [
        routes_for_host(prod_server, "catbench.com"),
        error_routes_for_host(prod_server, "catbench.com"),
    ]

    prod_headers = response_headers_set(prod)
    del prod_headers["Strict-Transport-Security"]
    assert prod_headers == response_headers_set(local)
    for kind in ("reverse_proxy", "file_server", "rewrite", "static_response", "encode"):
        # file_server hides the Caddyfile it was read from: the only difference allowed
        prod_handlers = [{**h, "hide": None} for h in handlers(prod, kind)]
        assert prod_handlers == [{**h, "hide": None} for h in handlers(local, kind)], kind
