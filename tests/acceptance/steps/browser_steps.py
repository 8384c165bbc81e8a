"""Steps that drive real Chromium (Playwright): one browser context per person, web-first
assertions that wait, no sleeps. pytest-playwright keeps a trace and a screenshot of every
failed scenario under reports/playwright/; the pages' console goes there too.
"""

import re
from dataclasses import dataclass, field

import jwt
import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.live_backend import Session

NO_RELOAD_MARK = "window.__icSamePage = true"
VIDEO_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium: Playwright must never download a browser here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The Jitsi stand-in is served by Caddy's `tls internal`.
    return {**browser_context_args, "ignore_https_errors": True}


@dataclass
class Person:
    name: str
    page: Page
    console: list = field(default_factory=list)
    errors_from: int = 0

    def mark_page(self):
        self.page.evaluate(NO_RELOAD_MARK)

    def errors_since_mark(self):
        return [line for line in self.console[self.errors_from :] if line.startswith("error")]


@pytest.fixture
def people(new_context, stack, request):
    """people("participant") -> that person's Person, in a browser context of their own.
    people.prepare(name, timezone_id=..., locale=...) sets the context a person will get."""
    opened, options = {}, {}

    def person(name):
        if name not in opened:
            page = new_context(**options.get(name, {})).new_page()
            found = Person(name, page)
            page.on("console", lambda msg, p=found: p.console.append(f"{msg.type}: {msg.text}"))
            page.on("pageerror", lambda exc, p=found: p.console.append(f"error: {exc}"))
            opened[name] = found
        return opened[name]

    def prepare(name, **context):
        assert name not in opened, f"the {name}'s browser is already open"
        options.setdefault(name, {}).update(context)

    person.prepare = prepare
    yield person
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = request.config.rootpath / "reports" / "playwright"
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "-", request.node.name)[:120]
        for found in opened.values():
            log = folder / f"{safe}-{found.name.replace(' ', '-')}-console.log"
            log.write_text("\n".join(found.console))


def nth_key(stack, n):
    return stack.participant_keys[n] if len(stack.participant_keys) > n else None


def key_of(stack, who):
    keys = {
        "participant": stack.participant_key,
        "second participant": nth_key(stack, 1),
        "third participant": nth_key(stack, 2),
        "facilitator": stack.facilitator_key,
    }
    if not keys.get(who):
        pytest.fail(f"no key for the {who} (smoke runs: IC_SMOKE_* variables)", pytrace=False)
    return keys[who]


def open_page(person, stack, path):
    person.page.goto(stack.base_url + path)
    person.mark_page()


def enter_key(person, key):
    person.page.get_by_label("Access key").fill(key)
    person.page.get_by_role("button", name="Enter").click()


def sign_in(people, stack, who):
    person = people(who)
    open_page(person, stack, "/")
    enter_key(person, key_of(stack, who))
    expect(person.page.get_by_test_id("circle-name")).to_be_visible()
    person.mark_page()
    return person


@given(parsers.parse("a visitor opens {path}"))
def visitor_opens(people, stack, path):
    open_page(people("visitor"), stack, path)


@given(parsers.re(r"the (?P<who>((second|third) )?participant|facilitator) has signed in"))
@when(parsers.re(r"the (?P<who>((second|third) )?participant|facilitator) has signed in"))
def has_signed_in(people, stack, who):
    sign_in(people, stack, who)


@when("a second participant signs in")
def second_participant_signs_in(people, stack):
    sign_in(people, stack, "second participant")


@then(parsers.re(r'the (?P<who>[\w ]+?) sees the heading "(?P<text>.+)"'))
@given(parsers.re(r'the (?P<who>[\w ]+?) sees the heading "(?P<text>.+)"'))
def sees_heading(people, who, text):
    expect(people(who).page.get_by_role("heading", name=text)).to_be_visible()


@when(parsers.parse('the visitor follows the link "{text}"'))
def follows_link(people, text):
    people("visitor").page.get_by_role("link", name=text).click()


@then("the page was not reloaded")
def visitor_page_not_reloaded(people):
    assert people("visitor").page.evaluate("window.__icSamePage === true")


@then(parsers.parse("the {who}'s page was not reloaded"))
def page_not_reloaded(people, who):
    assert people(who).page.evaluate("window.__icSamePage === true"), f"{who}'s page reloaded"


@when("the participant reloads the circle's page")
def reloads(people):
    people("participant").page.reload()


@then("the participant sees the circle's name")
def sees_circle_name(people):
    expect(people("participant").page.get_by_test_id("circle-name")).not_to_be_empty()


@then(
    parsers.parse(
        'the "{name}" button has a Tailwind background colour, not the browser\'s default'
    )
)
def tailwind_applies(people, name):
    button = people("visitor").page.get_by_role("button", name=name)
    colour = button.evaluate("el => getComputedStyle(el).backgroundColor")
    # Tailwind 4 colours compute as oklch(); a browser's default button is rgb/buttonface.
    assert colour.startswith("oklch("), colour


@when(parsers.re(r"the (?P<who>participant|facilitator) joins the video"))
def joins_video(people, who):
    person = people(who)
    person.errors_from = len(person.console)
    person.page.get_by_role("button", name="Join video").click()


@then(parsers.re(r"the (?P<who>participant|facilitator) is in the call"))
def is_in_call(people, who):
    state = people(who).page.get_by_test_id("video-state")
    expect(state).to_have_attribute("data-state", "joined", timeout=VIDEO_TIMEOUT_MS)


@then("the page logged no errors while the video loaded")
def no_errors_while_video_loaded(people):
    errors = people("participant").errors_since_mark()
    assert not errors, errors


def jitsi_config_of(person, stack):
    response = person.page.request.get(f"{stack.base_url}/api/jitsi/config/?circle={stack.circle}")
    assert response.ok, response.text()
    return response.json()


@then(
    parsers.re(
        r"the video service was given the circle's room"
        r" and a (?P<role>participant|moderator)'s token"
    )
)
def video_service_received(people, stack, jitsi_standin, role):
    who = "facilitator" if role == "moderator" else "participant"
    config = jitsi_config_of(people(who), stack)
    received = [
        r
        for r in jitsi_standin.received()
        if r.get("displayName") == config["user_info"]["displayName"]
    ]
    assert received, f"the video service saw no one called {config['user_info']['displayName']}"
    latest = received[-1]
    assert latest["room"] == config["room_name"]
    claims = jwt.decode(latest["jwt"], stack.jitsi_secret, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == config["room_name"]
    expected = "owner" if role == "moderator" else "member"
    assert claims["context"]["user"]["affiliation"] == expected


@when(
    parsers.re(r'the facilitator sends the (?P<kind>announcement|prompt|time cue) "(?P<text>.+)"')
)
@given(
    parsers.re(r'the facilitator sends the (?P<kind>announcement|prompt|time cue) "(?P<text>.+)"')
)
def facilitator_sends(people, kind, text):
    page = people("facilitator").page
    page.get_by_role("radio", name=kind.capitalize()).check()
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_test_id("message-body").filter(has_text=text)).to_be_visible()


@given(parsers.re(r'the participant sees "(?P<text>.+)" within (?P<seconds>\d+) seconds'))
@then(parsers.re(r'the participant sees "(?P<text>.+)" within (?P<seconds>\d+) seconds'))
def participant_sees_within(people, text, seconds):
    body = people("participant").page.get_by_test_id("message-body").filter(has_text=text)
    expect(body).to_be_visible(timeout=int(seconds) * 1000)


@then(
    parsers.re(r'the (?P<who>participant|second participant) sees the pinned prompt "(?P<text>.+)"')
)
def sees_pinned_prompt(people, who, text):
    expect(people(who).page.get_by_test_id("current-prompt")).to_contain_text(text)


@when(parsers.parse('the visitor enters the key "{key}"'))
def visitor_enters_key(people, key):
    enter_key(people("visitor"), key)


@then(parsers.re(r'the (?P<who>visitor|(third )?participant) is told "(?P<text>.+)"'))
def is_told(people, who, text):
    expect(people(who).page.get_by_test_id("key-error")).to_contain_text(text)


@when("the participant opens the circle's page by its address")
def participant_opens_circle(people, stack):
    person = people("participant")
    open_page(person, stack, f"/circles/{stack.circle}")
    expect(person.page.get_by_test_id("circle-name")).to_be_visible()


@then("the participant sees no message composer and no key management")
def no_facilitator_console(people):
    page = people("participant").page
    expect(page.get_by_role("heading", name="Send to the circle")).to_have_count(0)
    expect(page.get_by_role("heading", name="Participant keys")).to_have_count(0)


@then("the API refuses the participant's attempt to issue keys")
def api_refuses_participant(people, stack):
    status = people("participant").page.evaluate(
        """async (slug) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? ''
            const response = await fetch(`/api/circles/${slug}/keys/`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
                body: JSON.stringify({ count: 1 }),
            })
            return response.status
        }""",
        stack.circle,
    )
    assert status == 403


@when(parsers.parse("the facilitator revokes the {who}'s key"))
def facilitator_revokes(people, stack, who):
    page = people("facilitator").page
    prefix = key_of(stack, who).replace("-", "")[:4]
    row = page.get_by_test_id("key-row").filter(has_text=f"{prefix}-")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(row).to_contain_text("Revoked")


@then(parsers.parse("the {who} is sent back to key entry"))
def sent_back_to_key_entry(people, who):
    heading = people(who).page.get_by_role("heading", name="Welcome to your circle")
    expect(heading).to_be_visible(timeout=15_000)


@when(parsers.parse("the {who} enters their key again"))
def enters_key_again(people, stack, who):
    enter_key(people(who), key_of(stack, who))


@when("the backend restarts")
def backend_restarts(stack):
    stack.restart_backend()


@then("the participant can still sign in with their key")
def participant_signs_in_again(people, stack):
    sign_in(people, stack, "participant")


@given("the participant's feed is live")
@then("the participant's feed is live again")
def feed_is_live(people):
    state = people("participant").page.get_by_test_id("connection-state")
    expect(state).to_have_attribute("data-state", "live", timeout=15_000)


@given(parsers.parse('the facilitator posts the announcement "{text}" through the API'))
@when(parsers.parse('the facilitator posts the announcement "{text}" through the API'))
def facilitator_posts_through_api(stack, text):
    session = Session(stack.base_url).sign_in(stack.facilitator_key)
    try:
        session.post_message(stack.circle, text)
    finally:
        session.close()
