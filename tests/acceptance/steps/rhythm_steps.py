"""Steps of features/session_rhythm.feature: schedule, calendar, sessions, the shared timer and
the run sheet. Each scenario has a circle of its own (made with manage.py), so what one leaves
running (a session, a timer) never reaches another scenario."""

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from acceptance.steps.browser_steps import enter_key, open_page
from support.live_backend import Session

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Browsers in these scenarios read dates in British English: 24-hour times, whatever the zone.
LOCALE = "en-GB"


@dataclass
class RhythmCircle:
    slug: str
    keys: dict  # who -> access key
    base_url: str

    def api(self, who):
        """A signed-in API session of who (closed by the scenario's finalizer)."""
        return Session(self.base_url).sign_in(self.keys[who])

    def path(self, tail=""):
        return f"/api/circles/{self.slug}/{tail}"


def issue(stack, slug, role, label):
    issued = stack.manage(
        "issue_keys", "--circle", slug, "--role", role, "--label", label, "--json"
    )
    return issued["keys"][0]["key"]


@pytest.fixture
def sessions(request):
    """sessions(circle, who) -> an API session of who, closed at the end of the scenario."""
    opened = []

    def session(circle, who):
        found = circle.api(who)
        opened.append(found)
        return found

    yield session
    for found in opened:
        found.close()


@given("a circle of its own with a facilitator and two participants", target_fixture="rhythm")
def circle_of_its_own(stack):
    slug = f"rhythm-{secrets.token_hex(4)}"
    stack.manage("create_circle", "--name", f"Rhythm {slug[-8:]}", "--slug", slug)
    keys = {
        "facilitator": issue(stack, slug, "facilitator", "Fran"),
        "participant": issue(stack, slug, "participant", "Pat"),
        "second participant": issue(stack, slug, "participant", "Sam"),
    }
    return RhythmCircle(slug, keys, stack.base_url)


def enter_room(people, stack, rhythm, who):
    person = people(who)
    open_page(person, stack, "/")
    enter_key(person, rhythm.keys[who])
    expect(person.page.get_by_test_id("circle-name")).to_be_visible()
    if not person.page.url.endswith(f"/circles/{rhythm.slug}"):
        open_page(person, stack, f"/circles/{rhythm.slug}")
        expect(person.page.get_by_test_id("circle-name")).to_be_visible()
    person.mark_page()
    return person


def room_of(people, stack, rhythm, who):
    person = people(who)
    if f"/circles/{rhythm.slug}" not in person.page.url:
        enter_room(people, stack, rhythm, who)
    return person


@given(
    parsers.re(
        r"the (?P<who>facilitator|participant|second participant)'s browser is in the time zone"
        r" (?P<zone>\S+)"
    )
)
def browser_in_zone(people, who, zone):
    people.prepare(who, timezone_id=zone, locale=LOCALE)


@given(
    parsers.re(r"the (?P<who>participant|second participant|facilitator) is in the circle's room")
)
@when(parsers.re(r"the (?P<who>participant|second participant) joins the room late"))
def is_in_room(people, stack, rhythm, who):
    enter_room(people, stack, rhythm, who)


# Schedule ------------------------------------------------------------------------------------

SCHEDULE = re.compile(
    r"weekly on (?P<day>\w+)s at (?P<time>\d\d:\d\d) (?P<zone>\S+) for (?P<minutes>\d+) minutes"
)


def weekly(text):
    found = SCHEDULE.search(text)
    return {
        "frequency": "weekly",
        "weekday": WEEKDAYS.index(found["day"]),
        "time": found["time"],
        "timezone": found["zone"],
        "duration_minutes": int(found["minutes"]),
        "starts_on": datetime.now(ZoneInfo(found["zone"])).date().isoformat(),
        "skipped_dates": [],
    }


def set_schedule(sessions, rhythm, schedule):
    facilitator = sessions(rhythm, "facilitator")
    answer = facilitator.write("PATCH", rhythm.path(), {"schedule": schedule})
    assert answer.status_code == 200, answer.text
    return answer.json()


@given(parsers.re(r"the circle meets (?P<text>weekly on .+)"))
def circle_meets(sessions, rhythm, text):
    set_schedule(sessions, rhythm, weekly(text))


@when(parsers.re(r"the facilitator schedules the circle (?P<text>weekly on .+)"))
def facilitator_schedules(people, stack, rhythm, text):
    """Through the settings page, as a facilitator would."""
    schedule = weekly(text)
    page = room_of(people, stack, rhythm, "facilitator").page
    page.get_by_role("link", name="Circle settings").click()
    page.get_by_label("Repeats").select_option("weekly")
    page.get_by_label("Day").select_option(str(schedule["weekday"]))
    page.get_by_label("Time", exact=True).fill(schedule["time"])
    page.get_by_label("Time zone").select_option(schedule["timezone"])
    page.get_by_label("Duration (minutes)").fill(str(schedule["duration_minutes"]))
    page.get_by_label("Starts on").fill(schedule["starts_on"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    open_page(people("facilitator"), stack, f"/circles/{rhythm.slug}")


def upcoming_of(sessions, rhythm):
    circle = sessions(rhythm, "participant").http.get(rhythm.path()).json()
    assert circle["upcoming"], circle
    return datetime.fromisoformat(circle["upcoming"]["starts_at"])


def local_time(moment, zone):
    local = moment.astimezone(ZoneInfo(zone))
    return local, local.strftime("%H:%M")


@then(
    parsers.re(
        r"the facilitator's room shows the next session at (?P<time>\d\d:\d\d) Berlin time,"
        r" on a (?P<day>\w+)"
    )
)
def facilitator_sees_session(people, stack, sessions, rhythm, time, day):
    local, shown = local_time(upcoming_of(sessions, rhythm), "Europe/Berlin")
    assert (shown, WEEKDAYS[local.weekday()]) == (time, day)
    page = room_of(people, stack, rhythm, "facilitator").page
    next_session = page.get_by_test_id("next-session")
    expect(next_session).to_contain_text(time)
    expect(next_session).to_contain_text(day[:3])


@then(
    parsers.re(
        r"the participant's room shows the same session at (?P<time>\d\d:\d\d) New York time,"
        r" or (?P<other>\d\d:\d\d) in the weeks the two zones change clocks apart"
    )
)
def participant_sees_session(people, stack, sessions, rhythm, time, other):
    _, shown = local_time(upcoming_of(sessions, rhythm), "America/New_York")
    assert shown in (time, other), shown
    page = room_of(people, stack, rhythm, "participant").page
    expect(page.get_by_test_id("next-session")).to_contain_text(shown)


@then(parsers.parse("the join cards the facilitator prints show that session at {time}"))
def join_cards_show_session(people, stack, rhythm, time):
    page = facilitator_page(people, stack, rhythm)
    page.get_by_label("How many").fill("1")
    page.get_by_role("button", name="Issue keys").click()
    expect(page.get_by_test_id("issued-key")).to_have_count(1)
    page.get_by_role("link", name="Print join cards").click()
    card = page.get_by_test_id("join-sheet").first
    expect(card).to_contain_text(re.compile(rf"Next session: .*{time}"))


# Calendar ------------------------------------------------------------------------------------


@when("the participant makes a calendar subscribe link in the room", target_fixture="link")
def participant_makes_link(people, stack, rhythm):
    page = room_of(people, stack, rhythm, "participant").page
    page.get_by_role("button", name="Make a calendar link").click()
    link = page.get_by_label("Calendar subscribe link")
    expect(link).to_have_value(re.compile(r"^https?://.+\.ics$"))
    return link.input_value()


def fetch_without_session(stack, link):
    # The link names the host the browser used; the suite reaches the same server by base_url.
    path = re.sub(r"^https?://[^/]+", "", link)
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        return client.get(path)


@then(
    parsers.re(
        r"the link works without signing in, and an iCalendar parser reads one weekly event at"
        r" (?P<time>\d\d:\d\d) (?P<zone>\S+) lasting (?P<minutes>\d+) minutes"
    )
)
def link_reads_as_calendar(stack, link, time, zone, minutes):
    answer = fetch_without_session(stack, link)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    (event,) = calendar.walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["WEEKLY"], event["RRULE"]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == zone or event["DTSTART"].params.get("TZID") == zone
    assert start.strftime("%H:%M") == time
    assert (event.decoded("DTEND") - start).total_seconds() == int(minutes) * 60


@then("the link carries no access key")
def link_has_no_key(rhythm, link):
    for key in rhythm.keys.values():
        assert key.replace("-", "").lower() not in link.replace("-", "").lower()


@when("the participant's key is revoked")
def participant_key_revoked(sessions, rhythm):
    facilitator = sessions(rhythm, "facilitator")
    prefix = rhythm.keys["participant"].replace("-", "")[:4]
    keys = facilitator.http.get(rhythm.path("keys/")).json()
    (key,) = [k for k in keys if k["prefix"] == prefix and not k["revoked"]]
    assert facilitator.write("DELETE", rhythm.path(f"keys/{key['id']}/")).status_code == 204


@then("the subscribe link answers 404")
def link_answers_404(stack, link):
    answer = fetch_without_session(stack, link)
    assert answer.status_code == 404, answer.text
    assert answer.json()["detail"]


# Sessions, timer, run sheet -----------------------------------------------------------------


def facilitator_page(people, stack, rhythm):
    return room_of(people, stack, rhythm, "facilitator").page


def start_session(page):
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("button", name="End session")).to_be_visible()


@when(parsers.parse("the facilitator starts a session and a {minutes:d}-minute timer"))
def start_session_and_timer(people, stack, rhythm, minutes):
    page = facilitator_page(people, stack, rhythm)
    start_session(page)
    page.get_by_role("button", name=f"{minutes} min", exact=True).click()
    expect(countdown(page)).to_have_attribute("data-state", "running")


@when(
    parsers.parse(
        'the facilitator starts a session and a timer of {seconds:d} seconds labelled "{label}"'
    )
)
def start_session_and_short_timer(sessions, people, stack, rhythm, seconds, label):
    # The page's custom field takes minutes; a 10-second timer goes through the same API.
    page = facilitator_page(people, stack, rhythm)
    start_session(page)
    facilitator = sessions(rhythm, "facilitator")
    body = {"action": "start", "seconds": seconds, "label": label}
    answer = facilitator.write("PUT", rhythm.path("timer/"), body)
    assert answer.status_code == 200, answer.text
    expect(countdown(page)).to_have_attribute("data-state", "running")


def countdown(page):
    return page.get_by_role("timer")


def remaining_seconds(page):
    """The countdown's mm:ss as seconds."""
    text = countdown(page).get_by_test_id("timer-remaining").inner_text()
    minutes, seconds = re.fullmatch(r"\s*(\d+):(\d\d)\s*", text).groups()
    return int(minutes) * 60 + int(seconds)


def same_countdown(people, stack, rhythm, who):
    mine = room_of(people, stack, rhythm, who).page
    theirs = facilitator_page(people, stack, rhythm)
    expect(countdown(mine)).to_have_attribute("data-state", "running", timeout=10_000)
    # Read both within a few milliseconds; a second apart at most (plus the tick between reads).
    for _ in range(3):
        a, b = remaining_seconds(theirs), remaining_seconds(mine)
        if abs(a - b) <= 1:
            return
        time.sleep(0.3)
    pytest.fail(f"the facilitator's countdown shows {a} s, the {who}'s {b} s")


@then(
    parsers.re(
        r"the (?P<who>participant|second participant)'s countdown shows the same time as the"
        r" facilitator's, within a second"
    )
)
def countdowns_agree(people, stack, rhythm, who):
    same_countdown(people, stack, rhythm, who)


@when("the participant reloads the page")
def participant_reloads(people):
    page = people("participant").page
    page.reload()
    expect(page.get_by_test_id("circle-name")).to_be_visible()


@then("every backend worker reports the same timer end")
def workers_agree(stack, rhythm):
    ends = set()
    # A new session and connection each time, so that the kernel hands them to every worker.
    for _ in range(8):
        session = Session(stack.base_url).sign_in(rhythm.keys["participant"])
        try:
            answer = session.http.get(rhythm.path("rhythm/"), headers={"Connection": "close"})
            assert answer.status_code == 200, answer.text
            ends.add(answer.json()["timer"]["ends_at"])
        finally:
            session.close()
    assert len(ends) == 1, ends


@then(
    parsers.re(
        r'within (?P<seconds>\d+) seconds both pages show "(?P<shown>[^"]+)" and the feed has the'
        r' time cue "(?P<cue>[^"]+)" once'
    )
)
def time_is_up(people, stack, sessions, rhythm, seconds, shown, cue):
    timeout = int(seconds) * 1000
    for who in ("facilitator", "participant"):
        page = room_of(people, stack, rhythm, who).page
        expect(countdown(page)).to_contain_text(shown, timeout=timeout)
        expect(page.get_by_test_id("message-body").filter(has_text=cue)).to_have_count(1)
    # Every page asked the server to post it; it did so once.
    messages = sessions(rhythm, "participant").http.get(
        "/api/messages/", params={"circle": rhythm.slug}
    )
    cues = [m for m in messages.json()["results"] if m["kind"] == "time_cue"]
    assert [m["body"] for m in cues] == [cue], cues


@given(
    parsers.re(
        r'the circle\'s run sheet holds the prompt "(?P<prompt>[^"]+)"'
        r" and a (?P<minutes>\d+)-minute timer"
    )
)
def run_sheet_holds(sessions, rhythm, prompt, minutes):
    facilitator = sessions(rhythm, "facilitator")
    for item in (
        {"kind": "prompt", "body": prompt},
        {"kind": "timer", "body": "Quiet time", "minutes": int(minutes)},
    ):
        answer = facilitator.post(rhythm.path("run-sheet/"), item)
        assert answer.status_code == 201, answer.text


@when("the facilitator starts a session and sends the next item of the run sheet")
def start_and_send_next(people, stack, rhythm):
    page = facilitator_page(people, stack, rhythm)
    start_session(page)
    send_next(page)


def send_next(page):
    page.get_by_role("button", name=re.compile(r"^Send next")).click()


@when("the facilitator sends the next item of the run sheet")
def facilitator_sends_next(people, stack, rhythm):
    send_next(facilitator_page(people, stack, rhythm))


@then(parsers.parse("the facilitator's run sheet shows {sent:d} of {total:d} sent"))
def run_sheet_progress(people, stack, rhythm, sent, total):
    page = facilitator_page(people, stack, rhythm)
    expect(page.get_by_test_id("run-sheet-progress")).to_contain_text(f"{sent} of {total} sent")


@then("the participant's countdown is running")
def participant_countdown_running(people, stack, rhythm):
    page = room_of(people, stack, rhythm, "participant").page
    expect(countdown(page)).to_have_attribute("data-state", "running")


@given(parsers.parse('the facilitator has started a session and sent the prompt "{text}"'))
def started_and_prompted(people, stack, rhythm, text):
    page = facilitator_page(people, stack, rhythm)
    start_session(page)
    page.get_by_role("radio", name="Prompt").check()
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_test_id("message-body").filter(has_text=text)).to_be_visible()


@when("the facilitator ends the session")
def facilitator_ends_session(people, stack, rhythm):
    page = facilitator_page(people, stack, rhythm)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Start session")).to_be_visible()


@then("the participant's page shows no pinned prompt")
def no_pinned_prompt(people, stack, rhythm):
    page = room_of(people, stack, rhythm, "participant").page
    expect(page.get_by_test_id("current-prompt")).to_have_count(0)


@then("the participant's feed shows the prompt under that session's heading")
def prompt_under_session_heading(people, stack, rhythm):
    page = room_of(people, stack, rhythm, "participant").page
    group = page.get_by_test_id("session-group").filter(
        has=page.get_by_role("heading", name=re.compile(r"^Session of"))
    )
    expect(group.get_by_test_id("message-body")).to_have_count(1)


@then("the participant's room has no session, timer, run sheet or settings controls")
def no_facilitator_rhythm_controls(people, stack, rhythm):
    page = room_of(people, stack, rhythm, "participant").page
    for name in ("Start session", "End session", "Pause", "Stop"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Send next"))).to_have_count(0)
    expect(page.get_by_role("link", name="Circle settings")).to_have_count(0)


@then("the participant's browser is refused the circle's settings page")
def settings_page_refused(people, stack, rhythm):
    person = people("participant")
    open_page(person, stack, f"/circles/{rhythm.slug}/settings")
    expect(person.page.get_by_role("button", name="Save")).to_have_count(0)
    expect(person.page.get_by_role("alert")).to_be_visible()


FACILITATOR_ACTIONS = [
    ("POST", "sessions/", {}),
    ("POST", "sessions/current/end/", {}),
    ("PUT", "timer/", {"action": "start", "seconds": 60}),
    ("PUT", "timer/", {"action": "stop"}),
    ("GET", "run-sheet/", None),
    ("POST", "run-sheet/", {"kind": "prompt", "body": "Mine now"}),
    ("PUT", "run-sheet/order/", {"ids": []}),
    ("POST", "run-sheet/next/", {}),
    ("PATCH", "", {"schedule": None}),
]


@then(
    "the participant's session is refused, with 403, starting and ending sessions, the timer,"
    " the run sheet and the schedule"
)
def participant_refused_in_api(sessions, rhythm):
    participant = sessions(rhythm, "participant")
    answers = {}
    for method, tail, body in FACILITATOR_ACTIONS:
        if method == "GET":
            answer = participant.http.get(rhythm.path(tail))
        else:
            answer = participant.write(method, rhythm.path(tail), body)
        answers[f"{method} {tail}"] = (answer.status_code, answer.json().get("detail"))
    refused = {action: status for action, (status, _) in answers.items() if status != 403}
    assert not refused, answers
    assert all(detail for _, detail in answers.values()), answers
