"""Steps for guarantees the milestones state that no scenario used to exercise: signing out,
messages shown as text and never as HTML, a key that expires, a facilitator kept out of another
facilitator's circle, and a resumed stream that gets exactly what it missed."""

import re
import secrets
import time
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from acceptance.steps.browser_steps import enter_key, open_page
from acceptance.steps.live_steps import new_participant_key
from support.live_backend import Session, StreamListener

# Sign out


@when(parsers.parse("the {who} signs out"))
def signs_out(people, who):
    people(who).page.get_by_role("button", name="Sign out").click()


@then(parsers.parse("the {who}'s session is gone: the circle's page asks for a key again"))
def session_is_gone(people, stack, who):
    person = people(who)
    open_page(person, stack, f"/circles/{stack.circle}")
    expect(person.page.get_by_role("heading", name="Welcome to your circle")).to_be_visible()
    response = person.page.request.get(f"{stack.base_url}/api/auth/me/")
    assert response.status == 401, response.text()


# Messages are text


@when(parsers.parse("the facilitator sends the announcement written as HTML {markup}"))
def facilitator_sends_markup(people, markup):
    page = people("facilitator").page
    page.get_by_role("radio", name="Announcement").check()
    page.get_by_role("textbox", name="Message").fill(markup)
    page.get_by_role("button", name="Send", exact=True).click()


@then(parsers.parse("the participant sees {markup} as it was typed, with no element made from it"))
def markup_shown_as_text(people, markup):
    page = people("participant").page
    body = page.get_by_test_id("message-body").filter(has_text=markup)
    expect(body).to_have_text(markup, timeout=5_000)
    assert body.evaluate("el => el.children.length") == 0
    assert page.evaluate("() => window.__icInjected === undefined")


# A key that expires


@given(
    parsers.parse("a new participant key that expires in {seconds:d} seconds"),
    target_fixture="expiring",
)
def key_that_expires(stack, seconds):
    expires = datetime.now(UTC) + timedelta(seconds=seconds)
    issued = stack.manage(
        "issue_keys",
        "--circle",
        stack.circle,
        "--role",
        "participant",
        "--label",
        "Eve",
        "--expires",
        expires.isoformat(),
        "--json",
    )
    return {"key": issued["keys"][0]["key"], "expires": expires}


@when("the holder of that key signs in")
def expiring_signs_in(people, stack, expiring):
    person = people("expiring participant")
    open_page(person, stack, "/")
    enter_key(person, expiring["key"])
    expect(person.page.get_by_test_id("circle-name")).to_be_visible()


@then("once it expires they are sent back to key entry, and the key no longer opens the circle")
def expired_sent_back(people, expiring):
    page = people("expiring participant").page
    left = (expiring["expires"] - datetime.now(UTC)).total_seconds()
    heading = page.get_by_role("heading", name="Welcome to your circle")
    expect(heading).to_be_visible(timeout=int((left + 10) * 1000))
    assert datetime.now(UTC) >= expiring["expires"] - timedelta(seconds=1)  # not before
    enter_key(people("expiring participant"), expiring["key"])
    expect(page.get_by_role("alert")).to_contain_text("That key is not valid")


# Another facilitator's circle


@given("another circle with a facilitator of its own", target_fixture="other")
def other_circle(stack):
    slug = f"other-{int(time.time() * 1000) % 10**8}"
    stack.manage("create_circle", "--name", "Other circle", "--slug", slug)
    issued = stack.manage(
        "issue_keys", "--circle", slug, "--role", "facilitator", "--label", "Olga", "--json"
    )
    return {"slug": slug, "key": issued["keys"][0]["key"]}


@then("that facilitator cannot open, change, post to or issue keys for the first circle")
def other_facilitator_refused(stack, other):
    session = Session(stack.base_url).sign_in(other["key"])
    circle = stack.circle
    try:
        asks = {
            "open": session.http.get(f"/api/circles/{circle}/"),
            "change": session.write("PATCH", f"/api/circles/{circle}/", {"name": "Taken"}),
            "post": session.post(
                "/api/messages/", {"circle": circle, "kind": "announcement", "body": "Mine now"}
            ),
            "issue keys": session.post(f"/api/circles/{circle}/keys/", {"count": 1}),
            "read keys": session.http.get(f"/api/circles/{circle}/keys/"),
            "move the video": session.post(f"/api/circles/{circle}/video-room/", {}),
        }
        # 404, not 403: the other circle's existence is not even confirmed.
        assert {what: r.status_code for what, r in asks.items()} == dict.fromkeys(asks, 404)
        mine = session.http.get("/api/circles/").json()
        assert [c["slug"] for c in mine] == [other["slug"]]
    finally:
        session.close()


@then("in the browser that facilitator is told the first circle is not available")
def other_facilitator_sees_not_available(people, stack, other):
    person = people("other facilitator")
    open_page(person, stack, "/")
    enter_key(person, other["key"])
    expect(person.page.get_by_test_id("circle-name")).to_have_text("Other circle")
    open_page(person, stack, f"/circles/{stack.circle}")
    expect(person.page.get_by_role("heading", name="Circle not available")).to_be_visible()
    expect(person.page.get_by_role("heading", name="Send to the circle")).to_have_count(0)


# Resuming a stream: the server's job, checked without a client that drops duplicates


@when(
    parsers.parse('a stream of the circle resumes with Last-Event-ID after "{text}"'),
    target_fixture="resumed",
)
def stream_resumes(stack, text):
    session = Session(stack.base_url).sign_in(stack.participant_key)
    listed = session.http.get("/api/messages/", params={"circle": stack.circle}).json()
    (after,) = [m["seq"] for m in listed["results"] if m["body"] == text]
    return StreamListener(session, stack.circle, last_event_id=after)


@then(parsers.re(r"it gets exactly (?P<texts>(\"[^\"]+\",? ?(and )?)+), then only what is new"))
def resumed_gets_exactly(stack, resumed, texts):
    expected = re.findall(r'"([^"]+)"', texts)
    got = [resumed.next_message()[0]["body"] for _ in expected]
    assert got == expected
    # Anything repeated would come before a message posted now.
    session = Session(stack.base_url).sign_in(stack.facilitator_key)
    try:
        session.post_message(stack.circle, "posted after the resume")
    finally:
        session.close()
    assert resumed.next_message()[0]["body"] == "posted after the resume"
    resumed.close()


# The database away


@when("the stack's database goes away")
def database_goes_away(stack, request):
    stack.take_database_away()
    # Back whatever happens, so later scenarios have their database (bringing back is
    # harmless when it is back already).
    request.addfinalizer(stack.bring_database_back)


@when("the stack's database comes back")
def database_comes_back(stack):
    stack.bring_database_back()


@then(parsers.parse('/api/health/ answers 503 with JSON field "database" equal to "error"'))
def health_fails(stack):
    response = httpx.get(f"{stack.base_url}/api/health/", timeout=10)
    assert response.status_code == 503, response.text
    assert response.json()["database"] == "error"


@then('signing in answers 503 "database_unavailable" with a sentence to retry')
def sign_in_unavailable(stack):
    session = Session(stack.base_url)
    try:
        answer = session.post("/api/auth/verify-key/", {"key": stack.participant_key})
    finally:
        session.close()
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert answer.json() == {
        "error": "database_unavailable",
        "detail": "The database cannot be reached right now. Try again in a moment.",
    }


@then(
    parsers.parse(
        'within 5 seconds /api/health/ answers 200 with JSON field "database" equal to "ok"'
    )
)
def health_recovers(stack):
    deadline = time.monotonic() + 5
    while True:
        response = httpx.get(f"{stack.base_url}/api/health/", timeout=5)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200, response.text
    assert response.json()["database"] == "ok"


@given(parsers.parse("the facilitator posts {count:d} announcements through the API"))
def facilitator_posts_many(stack, count):
    session = Session(stack.base_url).sign_in(stack.facilitator_key)
    try:
        for n in range(count):
            session.post_message(stack.circle, f"Filler {n + 1} of {count}", keep_alive=True)
    finally:
        session.close()


# Guessing keys: OWASP's device cookies. Each visitor comes from an address of its own on
# loopback (127.0.0.0/8), as people behind different routers would; Caddy passes it on in
# X-Forwarded-For, and the backend believes Caddy (127.0.0.1) only.


def loopback_address():
    return f"127.{secrets.randbelow(250) + 2}.{secrets.randbelow(256)}.{secrets.randbelow(250) + 2}"


def visitor_from(stack, address):
    return Session(stack.base_url, transport=lambda: httpx.HTTPTransport(local_address=address))


def try_key(visitor, key):
    return visitor.post("/api/auth/verify-key/", {"key": key})


@given(
    "a browser that signed in with a participant's key from a shared address, and signed out",
    target_fixture="shared",
)
def returning_browser(request, stack):
    address, key = loopback_address(), new_participant_key(stack)
    browser = visitor_from(stack, address)
    request.addfinalizer(browser.http.close)
    assert try_key(browser, key).status_code == 200
    assert browser.post("/api/auth/logout/", {}).status_code == 204
    return {"address": address, "key": key, "browser": browser}


@when(parsers.parse("a stranger at that address tries {count:d} wrong keys"))
def stranger_guesses(request, stack, shared, count):
    stranger = visitor_from(stack, shared["address"])
    request.addfinalizer(stranger.http.close)
    statuses = [
        try_key(stranger, f"WRNG-{secrets.token_hex(2).upper()}-0000-0000").status_code
        for _ in range(count)
    ]
    assert statuses == [401] * count, statuses
    shared["stranger"] = stranger


@then(
    "the stranger's next try is refused with 429, a Retry-After and a sentence, "
    "even with a right key"
)
def stranger_is_slowed(shared):
    answer = try_key(shared["stranger"], shared["key"])
    assert answer.status_code == 429, (answer.status_code, answer.text)
    assert int(answer.headers["Retry-After"]) > 0, answer.headers
    detail = answer.json()["detail"]
    assert re.search(r"\btry again\b|\bwait\b|\bseconds?\b|\bminutes?\b", detail, re.I), detail
    assert "sessionid" not in answer.cookies, "a throttled try signed someone in"


@then("the browser that signed in before still gets in with its key from that address")
def returning_browser_gets_in(shared):
    answer = try_key(shared["browser"], shared["key"])
    assert answer.status_code == 200, (answer.status_code, answer.text)


@then("a visitor from another address gets in with that key")
def other_address_gets_in(request, stack, shared):
    visitor = visitor_from(stack, loopback_address())
    request.addfinalizer(visitor.http.close)
    answer = try_key(visitor, shared["key"])
    assert answer.status_code == 200, (answer.status_code, answer.text)
