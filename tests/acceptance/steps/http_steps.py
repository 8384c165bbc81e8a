"""Steps that talk HTTP to the stack, as a browser or an operator's curl would."""

import re

import httpx
import pytest
from pytest_bdd import parsers, then, when

from support.live_backend import Session


@pytest.fixture
def http(stack):
    with httpx.Client(base_url=stack.base_url, timeout=15) as client:
        yield client


@pytest.fixture
def key_session(stack):
    """A signed-out session against the stack (cookie jar and CSRF token)."""
    session = Session(stack.base_url)
    yield session
    session.close()


@when(parsers.re(r"I ask for (?P<path>/\S*)"), target_fixture="answer")
def ask_for(http, path):
    return http.get(path)


@when(parsers.parse('I sign in with the key "{key}"'), target_fixture="answer")
def sign_in_with(key_session, key):
    return key_session.post("/api/auth/verify-key/", {"key": key})


@when("I sign in with the participant key", target_fixture="answer")
def sign_in_as_participant(stack, key_session):
    if not stack.participant_key:
        pytest.fail("no participant key: set IC_SMOKE_PARTICIPANT_KEY", pytrace=False)
    return key_session.post("/api/auth/verify-key/", {"key": stack.participant_key})


@then(parsers.parse('the answer is {status:d} with JSON field "{field}" equal to "{value}"'))
def answer_json_field(answer, status, field, value):
    assert answer.status_code == status, answer.text[:500]
    assert answer.json()[field] == value


@then(parsers.parse('the JSON field "{field}" is "{value}"'))
def json_field(answer, field, value):
    assert answer.json()[field] == value


@then(parsers.parse("with that session {path} answers {status:d}"))
def session_path_answers(key_session, path, status):
    assert key_session.http.get(path).status_code == status


@then(parsers.parse("with that session the circle's messages answer {status:d}"))
def session_messages_answer(stack, key_session, status):
    response = key_session.http.get("/api/messages/", params={"circle": stack.circle})
    assert response.status_code == status


@then(parsers.parse("with that session the circle's Jitsi configuration answers {status:d}"))
def session_jitsi_answers(stack, key_session, status):
    response = key_session.http.get("/api/jitsi/config/", params={"circle": stack.circle})
    assert response.status_code == status


@then(parsers.parse("the answer has status {status:d}"))
def answer_status(answer, status):
    assert answer.status_code == status


def is_app_index(response):
    return response.headers.get("content-type", "").startswith("text/html") and (
        '<div id="app">' in response.text
    )


@then("the answer is the app's index.html")
def answer_is_index(answer):
    assert answer.status_code == 200
    assert is_app_index(answer), answer.text[:300]


@then("the answer is not the app's index.html")
def answer_is_not_index(answer):
    assert not is_app_index(answer)


@then("it is not cached")
def not_cached(answer):
    assert answer.headers.get("cache-control") == "no-cache"


@then("it is cached for a year as immutable")
def cached_for_a_year(answer):
    directives = {d.strip() for d in answer.headers.get("cache-control", "").split(",")}
    assert {"max-age=31536000", "immutable"} <= directives, directives


@then(parsers.parse('the answer carries the header "{header}"'))
def carries_header(answer, header):
    assert answer.headers.get(header), f"no {header} on {answer.request.url}"


@then(parsers.parse('the answer carries the header "{header}" with "{value}" in it'))
def carries_header_value(answer, header, value):
    # Caddy's value, not only a header: the backend sends some of these headers too (Django's
    # Referrer-Policy is same-origin), and Caddy's must be the one that arrives.
    assert value in answer.headers.get(header, ""), (header, answer.headers.get(header))


@then(parsers.parse('the answer carries no "{header}" header'))
def carries_no_header(answer, header):
    assert header not in answer.headers


@when("I ask for the first script the app's index.html loads", target_fixture="answer")
def ask_for_first_script(http):
    index = http.get("/")
    match = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
    assert match, "index.html loads no script from /assets/"
    return http.get(match.group(1))
