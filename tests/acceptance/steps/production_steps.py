"""Steps about production: Caddyfile.prod for real (HTTPS, HSTS, the redirect, headers), the
backend's production settings behind it, Django's deployment checks, the health endpoint."""

import platform
import re
import secrets
import subprocess
import sys

import pytest
from pytest_bdd import given, parsers, then, when

from acceptance.stack import SITE_ROOT
from support.live_backend import BACKEND_DIR, LiveBackend, manage
from support.production_caddy import ProductionCaddy

PUBLIC_NAMES = "catbench.com,icircle.catbench.com"
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
)


def production_env():
    """What an operator's /etc/inquirycircle/inquirycircle.env holds, with fresh secrets."""
    return {
        "DJANGO_SETTINGS_MODULE": "ic_core.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IC_KEY_PEPPER": secrets.token_urlsafe(32),
        # 127.0.0.1: the process's own health check, as the container's.
        "ALLOWED_HOSTS": f"{PUBLIC_NAMES},127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://catbench.com,https://icircle.catbench.com",
        # Real sessions use a Jitsi with tokens (public mode is warned about by check --deploy).
        "JITSI_MODE": "token",
        "JITSI_DOMAIN": "video.catbench.com",
        "JITSI_APP_ID": "inquirycircle",
        "JITSI_APP_SECRET": secrets.token_urlsafe(32),
    }


@pytest.fixture
def production_site(tmp_path):
    """A backend with the production settings (its own database and demo keys) behind
    Caddyfile.prod. Both stop at the end of the scenario."""
    db_path = tmp_path / "inquirycircle.db"
    env = production_env()  # the same pepper for the keys seed_demo issues and the server
    manage(db_path, "migrate", "--noinput", **env)
    demo = manage(db_path, "seed_demo", "--json", **env)
    # Caddy on loopback is the trusted proxy (IC_TRUSTED_PROXIES' default), as Caddy's own
    # address is in the containers.
    backend = LiveBackend(db_path, tmp_path / "gunicorn.log", workers=1, **env)
    caddy = ProductionCaddy(tmp_path / "caddy", SITE_ROOT, f"127.0.0.1:{backend.port}")
    (tmp_path / "caddy").mkdir()
    backend.start()
    try:
        caddy.start()
        yield caddy, demo
    finally:
        caddy.stop()
        backend.stop()


@given("Caddy serves caddy/Caddyfile.prod for its production names", target_fixture="site")
def site(production_site):
    return production_site


@then(parsers.re(r"(?P<url>http://\S+) is redirected with (?P<status>\d+) to (?P<target>\S+)"))
@then(parsers.re(r"(?P<url>https://\S+) is redirected with (?P<status>\d+) to (?P<target>\S+)"))
def redirected(site, url, status, target, request):
    caddy, _ = site
    answer_status, headers, _ = caddy.curl("GET", url)
    assert answer_status == int(status), f"{url}: {answer_status}"
    assert headers.get("location") == target, headers
    request.node.stash[REDIRECT] = headers


REDIRECT = pytest.StashKey[dict]()


@then("the redirect carries the security headers and no Server header")
def redirect_headers(request):
    headers = request.node.stash[REDIRECT]
    missing = [name for name in SECURITY_HEADERS if name not in headers]
    assert not missing, f"the redirect lacks {missing}"
    assert "server" not in headers, headers["server"]


@then(parsers.parse("the certificates of {first} and {second} are valid for those names"))
def certificates_valid(site, first, second):
    caddy, _ = site
    for name in (first, second):
        certificate = caddy.certificate(name)  # the handshake verifies chain and name
        assert ("DNS", name) in certificate["subjectAltName"], certificate["subjectAltName"]


@then(parsers.parse("{url} answers 200 with the app's index.html"), target_fixture="answer")
def https_answers_index(site, url):
    caddy, _ = site
    status, headers, body = caddy.curl("GET", url)
    assert status == 200 and '<div id="app">' in body, (status, body[:200])
    return headers


@then(parsers.parse('that answer carries Strict-Transport-Security "{value}"'))
def answer_hsts(answer, value):
    assert answer.get("strict-transport-security") == value, answer


@then(
    "that answer carries Content-Security-Policy, X-Content-Type-Options, X-Frame-Options, "
    "Referrer-Policy and Permissions-Policy and no Server header"
)
def answer_security_headers(answer):
    missing = [name for name in SECURITY_HEADERS if name not in answer]
    assert not missing, f"missing {missing}"
    assert "server" not in answer


@when(parsers.parse("a participant signs in with their key at {origin}"), target_fixture="sign_in")
def participant_signs_in_over_https(site, origin):
    caddy, demo = site
    status, csrf_headers, _ = caddy.curl("GET", f"{origin}/api/auth/csrf/")
    assert status == 200, f"GET /api/auth/csrf/ answered {status} {csrf_headers.get('location')}"
    token = re.search(r"csrftoken=([^;]+)", " ".join(csrf_headers["set-cookie"])).group(1)
    status, headers, body = caddy.curl(
        "POST",
        f"{origin}/api/auth/verify-key/",
        body=f'{{"key": "{demo["participant_keys"][0]}"}}',
        headers=(
            "Content-Type: application/json",
            f"Origin: {origin}",
            f"Referer: {origin}/",
            f"X-CSRFToken: {token}",
            f"Cookie: csrftoken={token}",
        ),
    )
    return {
        "status": status,
        "headers": headers,
        "body": body,
        "csrf": csrf_headers,
        "token": token,
    }


@then("the sign-in succeeds without a redirect")
def sign_in_succeeds(sign_in):
    assert sign_in["status"] == 200, (sign_in["status"], sign_in["body"][:300])


@then("every cookie the backend set is Secure, and the session cookie is also HttpOnly")
def cookies_secure(sign_in):
    cookies = sign_in["csrf"]["set-cookie"] + sign_in["headers"]["set-cookie"]
    for cookie in cookies:
        assert "; secure" in cookie.lower(), f"not Secure: {cookie}"
    (session,) = [cookie for cookie in cookies if cookie.startswith("ic_session=")]
    assert "; httponly" in session.lower(), session


@then(parsers.parse("a key sent with the Origin {origin} is refused with 403"))
def foreign_origin_refused(site, sign_in, origin):
    caddy, demo = site
    status, _, body = caddy.curl(
        "POST",
        "https://icircle.catbench.com/api/auth/verify-key/",
        body=f'{{"key": "{demo["participant_keys"][0]}"}}',
        headers=(
            "Content-Type: application/json",
            f"Origin: {origin}",
            f"X-CSRFToken: {sign_in['token']}",
            f"Cookie: csrftoken={sign_in['token']}",
        ),
    )
    assert status == 403, (status, body[:300])


@then(parsers.parse("an API answer to the Origin {origin} allows no cross-origin access"))
def no_cors_for_foreign_origin(site, origin):
    caddy, _ = site
    for method in ("GET", "OPTIONS"):
        _, headers, _ = caddy.curl(
            method,
            "https://icircle.catbench.com/api/auth/csrf/",
            headers=(f"Origin: {origin}", "Access-Control-Request-Method: POST"),
        )
        allowed = {name for name in headers if name.startswith("access-control-")}
        assert not allowed, f"{method}: {allowed}"


@when(
    '"manage.py check --deploy --fail-level WARNING" runs with the production settings',
    target_fixture="check_result",
)
def check_deploy(tmp_path):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BACKEND_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            **production_env(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@then("it succeeds and reports no issues")
def check_passes(check_result):
    output = check_result.stdout + check_result.stderr
    assert check_result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


@then("the health answer names the version, the uptime and the Python, Django and database in use")
def health_names_versions(answer, stack):
    body = answer.json()
    assert body["version"] and isinstance(body["uptime_seconds"], int)
    build = body["build"]
    assert re.fullmatch(r"3\.\d+\.\d+", build["python"]), build
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", build["django"]), build
    assert re.fullmatch(r"(sqlite|postgresql) \d+\.\d+(\.\d+)?", build["database"]), build
    if stack.mode == "local":  # the backend runs in this very interpreter's environment
        import django

        assert build["python"] == platform.python_version()
        assert build["django"] == django.get_version()
