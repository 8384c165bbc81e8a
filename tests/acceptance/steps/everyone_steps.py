"""Steps of features/everyone.feature: languages, axe-core, the keyboard alone, phones, and what a
screen reader is told. The circle of its own and its keys are the rhythm steps' (the same
Background). Pages are found by ids, test ids and roles, never by English words, so the same
tour runs in every language.
"""

import gettext
import json
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from acceptance.steps.guarantee_steps import loopback_address, visitor_from
from support import paths

# What each language's browser asks for (navigator.languages and Accept-Language follow it).
LANGUAGES = {"English": "en-GB", "Spanish": "es-ES", "German": "de-DE", "Arabic": "ar-EG"}
CODES = {"English": "en", "Spanish": "es", "German": "de", "Arabic": "ar"}
EVERYONE = ("visitor", "participant", "second participant", "facilitator")
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# WCAG 2.1 A and AA: the issue's bar (axe-core's tags for those success criteria).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
MIN_TARGET_PX = 44
REFUSED_KEY = "AAAA-BBBB-CCCC-DDDD"
WAIT_MS = 15_000


def messages_of(code, area="common"):
    """A language's messages of one area, as the SPA ships them."""
    return json.loads((paths.FRONTEND / "src" / "locales" / code / f"{area}.json").read_text())


def server_translation(code):
    """The backend's compiled catalog for a language (what the API answers in)."""
    return gettext.translation("django", paths.BACKEND / "locale", languages=[code])


# Visiting every screen -------------------------------------------------------------------------


@dataclass
class Survey:
    """What the tour measures on each screen it reaches, by screen."""

    axe: bool = False
    layout: bool = False
    violations: dict = field(default_factory=dict)
    layouts: dict = field(default_factory=dict)
    screens: list = field(default_factory=list)

    def check(self, name, page):
        self.screens.append(name)
        if self.axe:
            self.violations[name] = axe_violations(page)
        if self.layout:
            self.layouts[name] = page.evaluate(LAYOUT_PROBE, MIN_TARGET_PX)


def axe_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        {
            "rule": found["id"],
            "impact": found["impact"],
            "help": found["help"],
            "where": [node["target"] for node in found["nodes"][:3]],
        }
        for found in results["violations"]
    ]


# Sideways overflow of the page, and every visible control smaller than the target. Inline links
# inside a sentence are exempt (WCAG's "inline" exception); a checkbox or radio counts its label;
# visually hidden elements (the skip link until it is focused) are not targets.
LAYOUT_PROBE = """(min) => {
  const root = document.documentElement
  const describe = (el, r) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '')
      .trim().slice(0, 40)
    const id = el.id ? '#' + el.id : ''
    const size = `${Math.round(r.width)}x${Math.round(r.height)}`
    return `${el.tagName.toLowerCase()}${id} "${text}" ${size}`
  }
  const small = []
  const controls = document.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]')
  for (const el of controls) {
    const style = getComputedStyle(el)
    let r = el.getBoundingClientRect()
    if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden') continue
    if (el.closest('[aria-hidden=true]')) continue
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) {
      r = el.closest('label').getBoundingClientRect()
    }
    if (el.tagName === 'A' && style.display === 'inline') {
      const sentence = (el.parentElement?.innerText || '').trim()
      if (sentence.length > (el.innerText || '').trim().length) continue
    }
    if (r.height < min - 0.5 || r.width < min - 0.5) small.push(describe(el, r))
  }
  const wide = []
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect()
      if (r.width > 1 && (r.right > root.clientWidth + 1 || r.left < -1)) wide.push(describe(el, r))
      if (wide.length >= 5) break
    }
  }
  return { overflow: root.scrollWidth - root.clientWidth, small, wide }
}"""


def wait_for_screen(page):
    """The SPA has rendered the route: its main heading is there and nothing is loading."""
    expect(page.locator("main h1").first).to_be_visible(timeout=WAIT_MS)


def visit(page, url, survey, name):
    """Opens a screen by its address and has the survey measure it once it is rendered."""
    page.goto(url)
    wait_for_screen(page)
    survey.check(name, page)


def sign_in_anywhere(person, stack, key):
    """Signs in through key entry in whatever language the page is in."""
    page = person.page
    page.goto(stack.base_url + "/")
    page.locator("#access-key").fill(key)
    page.locator("#access-key").press("Enter")
    expect(page.get_by_test_id("circle-name").or_(page.locator("main h1"))).to_be_visible()
    expect(page).not_to_have_url(stack.base_url + "/", timeout=WAIT_MS)


def open_room(person, stack, rhythm, who):
    if "/circles/" not in person.page.url:
        sign_in_anywhere(person, stack, rhythm.keys[who])
    person.page.goto(f"{stack.base_url}/circles/{rhythm.slug}")
    expect(person.page.get_by_test_id("circle-name")).to_be_visible(timeout=WAIT_MS)
    return person.page


def video_button(page):
    """The video panel's first button: join (or join again) until the person is in the call."""
    return page.locator("section[aria-labelledby='video-title'] button").first


def is_in_call(page):
    state = page.get_by_test_id("video-state")
    expect(state).to_have_attribute("data-state", "joined", timeout=20_000)


def join_video(page):
    video_button(page).click()
    is_in_call(page)


def circle_in_session(sessions, rhythm):
    """A running session with a pinned prompt, a timer and a participant's response, so every
    panel of both rooms has something to show."""
    facilitator = sessions(rhythm, "facilitator")
    answer = facilitator.write("POST", rhythm.path("sessions/"), None)
    assert answer.status_code in (200, 201), answer.text
    answer = facilitator.write("PUT", rhythm.path("timer/"), {"action": "start", "seconds": 600})
    assert answer.status_code == 200, answer.text
    facilitator.post_message(rhythm.slug, "Welcome to the circle.")
    facilitator.post_message(rhythm.slug, "What brought you here today?", kind="prompt")
    participant = sessions(rhythm, "participant")
    answer = participant.write("POST", rhythm.path("responses/"), {"body": "Curiosity."})
    assert answer.status_code == 201, answer.text


def tour_as_visitor(people, stack, survey):
    page = people("visitor").page
    page.goto(stack.base_url + "/")
    expect(page.locator("#access-key")).to_be_visible()
    survey.check("key entry", page)
    page.locator("#access-key").fill("abc")
    page.locator("#access-key").press("Enter")
    expect(page.get_by_test_id("key-error")).not_to_be_empty()
    survey.check("key entry, a malformed key", page)
    if survey.axe:  # a refused key costs an attempt from this address: only where axe reads it
        page.locator("#access-key").fill(REFUSED_KEY)
        with page.expect_response("**/api/auth/verify-key/"):
            page.locator("#access-key").press("Enter")
        expect(page.get_by_test_id("key-error")).not_to_be_empty()
        survey.check("key entry, a refused key", page)
    visit(page, stack.base_url + "/no-such-page", survey, "page not found")


def tour_as_participant(people, stack, rhythm, survey):
    person = people("participant")
    page = open_room(person, stack, rhythm, "participant")
    expect(page.get_by_test_id("message").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("timer")).to_have_attribute("data-state", "running")
    survey.check("participant's room", page)
    join_video(page)
    survey.check("participant's room, in the call", page)
    visit(page, f"{stack.base_url}/circles", survey, "the participant's circles")
    visit(
        page,
        f"{stack.base_url}/circles/{rhythm.slug}/settings",
        survey,
        "circle settings, not allowed",
    )


def tour_as_facilitator(people, stack, rhythm, survey):
    person = people("facilitator")
    page = open_room(person, stack, rhythm, "facilitator")
    expect(page.get_by_test_id("response").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("key-row").first).to_be_visible(timeout=WAIT_MS)
    survey.check("facilitator's room", page)
    page.locator("#key-labels").fill("Lee")
    page.locator("form:has(#key-labels) button[type=submit]").click()
    expect(page.get_by_test_id("issued-key")).to_be_visible(timeout=WAIT_MS)
    survey.check("facilitator's room, a key just issued", page)
    page.goto(f"{stack.base_url}/circles/{rhythm.slug}/settings")
    expect(page.locator("main form").first).to_be_visible(timeout=WAIT_MS)
    survey.check("circle settings", page)
    visit(page, f"{stack.base_url}/circles/{rhythm.slug}/join-cards", survey, "join cards")


@given(parsers.parse("everyone's browser asks for {language}"))
def everyone_asks_for(people, language):
    for who in EVERYONE:
        people.prepare(who, locale=LANGUAGES[language])


@given(parsers.parse("everyone's browser is a 360 × 640 phone asking for {language}"))  # noqa: RUF001
def everyone_on_a_phone(people, language):
    for who in EVERYONE:
        people.prepare(who, locale=LANGUAGES[language], **PHONE)


@given(parsers.parse("the participant's browser asks for {language}"))
def participant_asks_for(people, language):
    people.prepare("participant", locale=LANGUAGES[language])


@pytest.fixture
def survey():
    return Survey()


@when("each screen is visited in each of its states, with axe-core reading it")
def tour_with_axe(people, stack, rhythm, sessions, survey):
    survey.axe = True
    tour(people, stack, rhythm, sessions, survey)


@when("each screen is visited in each of its states, measured")
def tour_measured(people, stack, rhythm, sessions, survey):
    survey.layout = True
    tour(people, stack, rhythm, sessions, survey)


def tour(people, stack, rhythm, sessions, survey):
    circle_in_session(sessions, rhythm)
    tour_as_visitor(people, stack, survey)
    tour_as_participant(people, stack, rhythm, survey)
    tour_as_facilitator(people, stack, rhythm, survey)


@then("axe-core finds no violation on any of them")
def no_axe_violations(survey):
    found = {name: violations for name, violations in survey.violations.items() if violations}
    print(f"axe-core read {len(survey.violations)} screens: {', '.join(survey.violations)}")
    assert len(survey.violations) >= 11, survey.screens
    assert not found, json.dumps(found, indent=2, ensure_ascii=False)


@then("no screen scrolls sideways and every control is at least 44 × 44 px")  # noqa: RUF001
def fits_the_phone(survey):
    print(f"measured {len(survey.layouts)} screens at 360 x 640")
    assert len(survey.layouts) >= 10, survey.screens
    sideways = {n: m for n, m in survey.layouts.items() if m["overflow"] > 0}
    assert not sideways, json.dumps(sideways, indent=2, ensure_ascii=False)
    small = {n: m["small"] for n, m in survey.layouts.items() if m["small"]}
    assert not small, json.dumps(small, indent=2, ensure_ascii=False)


@then("in the participant's room the video and the newest messages share the phone's screen")
def video_and_feed_share_the_screen(people, stack, rhythm):
    page = open_room(people("participant"), stack, rhythm, "participant")
    join_video(page)
    container = page.get_by_test_id("video-container")
    container.evaluate("el => el.scrollIntoView({ block: 'start' })")
    viewport = page.viewport_size["height"]
    video = container.bounding_box()
    assert video["height"] <= 0.45 * viewport, f"the video takes {video['height']} of {viewport} px"
    list_box = page.get_by_test_id("message-list").bounding_box()
    assert list_box["y"] < viewport - 80, (
        f"the feed starts at {list_box['y']} px, below the phone's {viewport} px screen"
    )


# The keyboard alone ------------------------------------------------------------------------------

FOCUSED = "el => el === document.activeElement || el.contains(document.activeElement)"
FOCUS_NAME = """() => {
  const el = document.activeElement
  if (!el) return 'nothing'
  const name = (el.innerText || el.getAttribute('aria-label') || '').trim().split('\\n')[0]
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${name.slice(0, 30)}`
}"""
MAX_TABS = 120


# The feed's list, or the scrolling box around it inside the feed's section, has the focus.
FEED_FOCUSED = """el => {
  const active = document.activeElement
  return active !== document.body && active.contains(el) && el.closest('section').contains(active)
}"""


def tab_to(page, target, focused=FOCUSED):
    """Presses Tab until the target has the focus, as someone without a mouse would."""
    target.wait_for(state="visible", timeout=WAIT_MS)
    visited = []
    for _ in range(MAX_TABS):
        if target.evaluate(focused):
            return
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUS_NAME))
    pytest.fail(f"Tab never reached the target; it went {' → '.join(visited[:40])}")


def keyboard_sign_in(page, stack, key):
    page.goto(stack.base_url + "/")
    tab_to(page, page.locator("#access-key"))
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("circle-name")).to_be_visible(timeout=WAIT_MS)


@when("the participant signs in with the keyboard alone")
def participant_signs_in_by_keyboard(people, stack, rhythm):
    keyboard_sign_in(people("participant").page, stack, rhythm.keys["participant"])


@when("the participant joins the video with the keyboard alone")
def participant_joins_video_by_keyboard(people):
    page = people("participant").page
    tab_to(page, video_button(page))
    page.keyboard.press("Enter")
    is_in_call(page)


@when(
    parsers.parse('the facilitator signs in and sends the message "{text}" with the keyboard alone')
)
def facilitator_sends_by_keyboard(people, stack, rhythm, text):
    page = people("facilitator").page
    keyboard_sign_in(page, stack, rhythm.keys["facilitator"])
    tab_to(page, page.locator("#message-body"))
    page.keyboard.type(text)
    tab_to(page, page.locator("form:has(#message-body) button[type=submit]"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("message-body").filter(has_text=text)).to_be_visible()


@then(parsers.parse('the participant reaches the message "{text}" with the keyboard alone'))
def participant_reads_by_keyboard(people, text):
    page = people("participant").page
    feed = page.get_by_test_id("message-list")
    # The feed is one stop in the Tab order (a scrollable region the arrow keys then scroll).
    tab_to(page, feed, FEED_FOCUSED)
    expect(feed.get_by_test_id("message-body").filter(has_text=text)).to_be_visible()


@when(
    parsers.parse(
        'the facilitator issues a key for "{name}" and revokes it with the keyboard alone'
    )
)
def facilitator_issues_and_revokes_by_keyboard(people, name, request):
    page = people("facilitator").page
    tab_to(page, page.locator("#key-labels"))
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    issued = page.get_by_test_id("issued-key")
    expect(issued).to_be_visible(timeout=WAIT_MS)
    request.node.issued_key = issued.inner_text().strip()
    row = page.get_by_test_id("key-row").filter(has_text=name)
    revoke = row.get_by_role("button").last
    page.once("dialog", lambda dialog: dialog.accept())
    tab_to(page, revoke)
    page.keyboard.press("Enter")
    # The row stays, marked revoked, without its revoke button.
    expect(row.get_by_role("button")).to_have_count(0, timeout=WAIT_MS)


@then(parsers.parse("{name}'s key no longer signs in"))
def revoked_key_refused(stack, request, name):
    stranger = visitor_from(stack, loopback_address())
    request.addfinalizer(stranger.http.close)
    answer = stranger.post("/api/auth/verify-key/", {"key": request.node.issued_key})
    assert answer.status_code == 401, (answer.status_code, answer.text)


# Languages ---------------------------------------------------------------------------------------


@when("the participant opens the key page and enters a key that is not valid")
def participant_enters_refused_key(people, stack, request):
    page = people("participant").page
    page.goto(stack.base_url + "/")
    page.locator("#access-key").fill(REFUSED_KEY)
    with page.expect_response("**/api/auth/verify-key/") as refused:
        page.locator("#access-key").press("Enter")
    request.node.refused = refused.value
    expect(page.get_by_test_id("key-error")).not_to_be_empty()


@then("the page is in Spanish, and so is the server's sentence about the key")
def page_and_server_in_spanish(people, stack, request):
    page = people("participant").page
    spanish = messages_of("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main h1")).to_have_text(spanish["keyEntry"]["heading"])
    expect(page.get_by_test_id("key-error")).to_have_text(spanish["keyEntry"]["invalid"])
    refused = request.node.refused
    assert refused.request.headers.get("accept-language") == "es", refused.request.headers
    english = visitor_from(stack, loopback_address())
    request.addfinalizer(english.http.close)
    in_english = english.post("/api/auth/verify-key/", {"key": REFUSED_KEY}).json()["detail"]
    expected = server_translation("es").gettext(in_english)
    assert expected != in_english, f"the Spanish catalog has no translation of {in_english!r}"
    assert refused.json()["detail"] == expected, refused.json()


@when("the participant signs in and joins the video")
def participant_signs_in_and_joins(people, stack, rhythm):
    join_video(open_room(people("participant"), stack, rhythm, "participant"))


@then(parsers.parse("the video service was asked for its interface in {language}"))
def video_in_language(jitsi_standin, language):
    received = jitsi_standin.received()[-1]
    assert received["lang"] == CODES[language], received


@when(parsers.parse("the participant chooses {name} in the language menu and reloads the page"))
def participant_chooses_language(people, name):
    page = people("participant").page
    page.get_by_test_id("language").select_option(label=name)
    expect(page.locator("html")).not_to_have_attribute("lang", "es")  # the page has switched
    page.reload()
    expect(page.get_by_test_id("circle-name")).to_be_visible(timeout=WAIT_MS)


@then(parsers.parse("the page is in {language}, the room's own words included"))
def page_in_language(people, language):
    page = people("participant").page
    code = CODES[language]
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.get_by_test_id("language")).to_have_value(code)
    sign_out = messages_of(code)["header"]["signOut"]
    expect(page.get_by_role("button", name=sign_out)).to_be_visible()
    video = messages_of(code, "room")["video"]["heading"]
    expect(page.locator("#video-title")).to_have_text(video)


@then("the page is marked right to left, and its header starts at the right")
def right_to_left(people):
    page = people("participant").page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    header = page.locator("header").first
    home = header.get_by_role("link").first.bounding_box()
    language = page.get_by_test_id("language").bounding_box()
    assert home["x"] > language["x"], f"home at {home['x']}, language menu at {language['x']}"
    width = page.evaluate("document.documentElement.clientWidth")
    assert home["x"] + home["width"] > width * 0.6, (
        f"the home link ends at {home['x'] + home['width']} of {width}"
    )


# What a screen reader is told --------------------------------------------------------------------

# Records what the feed's live region adds, from the page's first moment on: a screen reader
# speaks each addition (aria-relevant="additions"), or the new text when text changes in place.
ANNOUNCEMENTS = """
window.__announced = []
new MutationObserver((records) => {
  for (const record of records) {
    if (!record.target.closest?.('[data-testid=feed-announcer]')
        && !record.target.parentElement?.closest('[data-testid=feed-announcer]')) continue
    const added = record.type === 'characterData' ? [record.target] : [...record.addedNodes]
    for (const node of added) {
      const text = (node.textContent || '').trim()
      if (text) window.__announced.push(text)
    }
  }
}).observe(document, { subtree: true, childList: true, characterData: true })
"""


@given(
    parsers.parse("the circle's feed already holds {count:d} messages"), target_fixture="history"
)
def feed_with_history(sessions, rhythm, count):
    facilitator = sessions(rhythm, "facilitator")
    bodies = [f"Earlier note {n}" for n in range(1, count + 1)]
    for body in bodies:
        facilitator.post_message(rhythm.slug, body)
    return bodies


@given("the participant is in the circle's room, with what is announced recorded")
def participant_listening(people, stack, rhythm, history):
    person = people("participant")
    person.page.add_init_script(ANNOUNCEMENTS)
    page = open_room(person, stack, rhythm, "participant")
    for body in history:
        expect(page.get_by_test_id("message-body").filter(has_text=body)).to_be_visible()
    expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "live")


@when(parsers.parse('the facilitator posts "{first}" and then "{second}"'))
def facilitator_posts_two(people, sessions, rhythm, first, second):
    facilitator = sessions(rhythm, "facilitator")
    page = people("participant").page
    for body in (first, second):
        facilitator.post_message(rhythm.slug, body)
        expect(page.get_by_test_id("message-body").filter(has_text=body)).to_be_visible()


@then(
    parsers.parse(
        'the participant\'s screen reader was told "{first}" and then "{second}", each once, '
        "and none of the history"
    )
)
def announced_once_in_order(people, history, first, second):
    page = people("participant").page
    announced = page.evaluate("window.__announced")
    about = [text for text in announced if any(b in text for b in (*history, first, second))]
    assert not [text for text in about if any(body in text for body in history)], announced
    assert len(about) == 2 and first in about[0] and second in about[1], announced
