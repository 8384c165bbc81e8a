"""Steps of features/participants_voice.feature: responses, signals, presence and the
attendance register. The circle of its own, the people's rooms and the API sessions are the
rhythm steps' (rhythm_steps.py): the same Background."""

import csv
import io
import re
import time
from datetime import UTC, datetime

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from acceptance.steps.rhythm_steps import facilitator_page, room_of, start_session
from acceptance.steps.video_steps import joins_and_is_in_call

NAMES = {"Pat": "participant", "Sam": "second participant", "Fran": "facilitator"}
# Who is in the room is told by the live stream; a page that closes is noticed by the server
# when its connection drops, within a few seconds through Caddy.
PRESENCE_TIMEOUT_MS = 15_000


def participants_page(people, stack, rhythm, who):
    return room_of(people, stack, rhythm, who).page


def voice_panel(page):
    return page.get_by_role("region", name="Participants")


def names_in(locator):
    return [text.strip() for text in locator.locator("li").all_inner_texts()]


# The video failed ----------------------------------------------------------------------------


@given("the video service cannot be reached from the participants' browsers")
def video_unreachable(people):
    # The page's own code runs unchanged; the IFrame API it loads never arrives.
    for who in ("participant", "second participant"):
        people(who).page.context.route("**/external_api.js", lambda route: route.abort())


# Responses -----------------------------------------------------------------------------------


@when(parsers.re(r'the (?P<who>participant|second participant) responds "(?P<text>[^"]+)"'))
def participant_responds(people, stack, rhythm, who, text):
    page = participants_page(people, stack, rhythm, who)
    form = page.get_by_test_id("response-form")
    form.get_by_label("Your response").fill(text)
    form.get_by_role("button", name="Send response").click()
    expect(page.get_by_test_id("my-responses")).to_contain_text(text)


def response_on_facilitators_page(people, stack, rhythm, text):
    panel = voice_panel(facilitator_page(people, stack, rhythm))
    return panel.get_by_test_id("response").filter(has_text=text)


@then(
    parsers.re(
        r'the facilitator sees the response "(?P<text>[^"]+)" from (?P<name>\w+) under the prompt'
        r' "(?P<prompt>[^"]+)"'
    )
)
def facilitator_sees_response(people, stack, rhythm, text, name, prompt):
    response = response_on_facilitators_page(people, stack, rhythm, text)
    expect(response).to_have_count(1)
    expect(response).to_contain_text(name)
    # Each prompt's responses are a list named by the prompt.
    panel = voice_panel(facilitator_page(people, stack, rhythm))
    group = panel.get_by_role("list", name=prompt)
    expect(group.get_by_test_id("response").filter(has_text=text)).to_have_count(1)


@then(parsers.parse('the participant sees "{text}" among their own responses'))
def participant_sees_own(people, stack, rhythm, text):
    page = participants_page(people, stack, rhythm, "participant")
    expect(page.get_by_test_id("my-responses")).to_contain_text(text)


@then(
    parsers.parse('the second participant sees nothing of "{text}", on the page or through the API')
)
def second_participant_sees_nothing(people, stack, sessions, rhythm, text):
    page = participants_page(people, stack, rhythm, "second participant")
    # Give the live stream time to bring anything it would bring.
    page.wait_for_timeout(1500)
    expect(page.locator("body")).not_to_contain_text(text)
    api = sessions(rhythm, "second participant")
    for tail in ("voice/mine/", ""):
        answer = api.http.get(rhythm.path(tail))
        assert answer.status_code == 200, answer.text
        assert text not in answer.text
    feed = api.http.get("/api/messages/", params={"circle": rhythm.slug})
    assert text not in feed.text
    assert api.http.get(rhythm.path("voice/")).status_code == 403


@when(
    parsers.re(
        r'the facilitator shares the response "(?P<text>[^"]+)"'
        r" (?P<how>anonymously|with its author's name)"
    )
)
def facilitator_shares(people, stack, rhythm, text, how):
    response = response_on_facilitators_page(people, stack, rhythm, text)
    button = "Share anonymously" if how == "anonymously" else "Share with name"
    response.get_by_role("button", name=button).click()
    expect(response).to_contain_text("Shared")


def shared_in_feed(page, text):
    return page.get_by_test_id("message").filter(has_text=text)


@then(
    parsers.re(
        r'both participants\' feeds show the response "(?P<text>[^"]+)" from "(?P<author>[^"]+)"'
    )
)
def both_feeds_show(people, stack, rhythm, text, author):
    for who in ("participant", "second participant"):
        page = participants_page(people, stack, rhythm, who)
        message = shared_in_feed(page, text)
        expect(message).to_have_count(1)
        expect(message).to_contain_text(author)
        expect(message).to_contain_text("Response")


@then("no feed names Pat as its author")
def no_feed_names_pat(people, stack, sessions, rhythm):
    for who in ("participant", "second participant"):
        page = participants_page(people, stack, rhythm, who)
        expect(page.get_by_test_id("message").filter(has_text="Pat")).to_have_count(0)
    feed = sessions(rhythm, "second participant").http.get(
        "/api/messages/", params={"circle": rhythm.slug}
    )
    shared = [m for m in feed.json()["results"] if m["kind"] == "response"]
    assert [m["author"] for m in shared] == ["A participant"], shared


# Signals -------------------------------------------------------------------------------------


@when(parsers.re(r"the (?P<who>participant|second participant) raises a hand"))
def raises_hand(people, stack, rhythm, who):
    page = participants_page(people, stack, rhythm, who)
    page.get_by_role("button", name="Raise hand").click()
    expect(page.get_by_role("button", name="Lower hand")).to_have_attribute("aria-pressed", "true")


@when(parsers.parse('the participant says "{signal}"'))
def participant_signals(people, stack, rhythm, signal):
    page = participants_page(people, stack, rhythm, "participant")
    button = page.get_by_role("button", name=signal)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


@then(parsers.re(r"the facilitator sees the hands of (?P<names>.+)"))
def facilitator_sees_hands(people, stack, rhythm, names):
    expected = re.split(r", then |, ", names)
    hands = voice_panel(facilitator_page(people, stack, rhythm)).get_by_test_id("hands")
    expect(hands.locator("li")).to_have_count(len(expected))
    shown = names_in(hands)
    assert [next(n for n in NAMES if n in line) for line in shown] == expected, shown


@then(parsers.parse('the facilitator sees "{text}"'))
def facilitator_sees_signal(people, stack, rhythm, text):
    signals = voice_panel(facilitator_page(people, stack, rhythm)).get_by_test_id("signals")
    expect(signals).to_contain_text(text)


@when(parsers.parse("the facilitator lowers {name}'s hand"))
def facilitator_lowers(people, stack, rhythm, name):
    panel = voice_panel(facilitator_page(people, stack, rhythm))
    panel.get_by_role("button", name=f"Lower {name}'s hand").click()


@then("the second participant's own page shows their hand down")
def second_hand_down(people, stack, rhythm):
    page = participants_page(people, stack, rhythm, "second participant")
    expect(page.get_by_role("button", name="Raise hand")).to_have_attribute("aria-pressed", "false")


# Presence and attendance ---------------------------------------------------------------------


def now_utc():
    return datetime.now(UTC)


@given("the facilitator starts a session", target_fixture="moments")
def facilitator_starts_session(people, stack, rhythm):
    start_session(facilitator_page(people, stack, rhythm))
    return {"started": now_utc()}


@when("the participant joins the circle's video call")
def participant_joins_video(people, stack, rhythm):
    joins_and_is_in_call(room_of(people, stack, rhythm, "participant"))


def presence_list(people, stack, rhythm, place):
    panel = voice_panel(facilitator_page(people, stack, rhythm))
    return panel.get_by_test_id(f"presence-{place}")


def expect_names(locator, names):
    """The list shows exactly these names, in any order."""
    items = locator.locator("li")
    expect(items).to_have_count(len(names), timeout=PRESENCE_TIMEOUT_MS)
    for name in names:
        exactly = re.compile(rf"^\s*{re.escape(name)}\s*$")
        expect(items.filter(has_text=exactly)).to_have_count(1, timeout=PRESENCE_TIMEOUT_MS)


@then(parsers.re(r"the facilitator sees (?P<room>.+) in the room, and (?P<call>\w+) in the call"))
def facilitator_sees_presence(people, stack, rhythm, room, call):
    in_room = ["Fran", *re.split(r" and |, ", room)]  # the facilitator is in the room too
    expect_names(presence_list(people, stack, rhythm, "room"), in_room)
    expect_names(presence_list(people, stack, rhythm, "call"), [call])


@when("the second participant leaves the room early")
def second_leaves(people, stack, rhythm, moments):
    page = participants_page(people, stack, rhythm, "second participant")
    moments["left_before"] = now_utc()
    page.close()
    moments["left_after"] = now_utc()


def attendance_of(sessions, rhythm):
    facilitator = sessions(rhythm, "facilitator")
    listed = facilitator.http.get(rhythm.path("sessions/")).json()["sessions"]
    session = listed[0]
    answer = facilitator.http.get(rhythm.path(f"sessions/{session['id']}/attendance/"))
    assert answer.status_code == 200, answer.text
    return session, {row["person"]: row for row in answer.json()["people"]}


def moment(text):
    return datetime.fromisoformat(text)


@then(
    "the session's attendance in the app shows Sam leaving when they left and Pat staying to"
    " the end"
)
def attendance_in_app(people, stack, sessions, rhythm, moments):
    session, rows = attendance_of(sessions, rhythm)
    assert set(rows) == {"Fran", "Pat", "Sam"}, rows
    ended = moment(session["ended_at"])
    sam, pat = rows["Sam"], rows["Pat"]
    # Sam left when the page closed: after it was closed, and well before the end.
    left = moment(sam["left_at"])
    assert moments["left_before"].timestamp() - 1 <= left.timestamp(), (sam, moments)
    assert left.timestamp() <= moments["left_after"].timestamp() + PRESENCE_TIMEOUT_MS / 1000
    assert left < ended
    assert moment(pat["left_at"]) == ended  # there to the end
    assert moment(pat["joined_at"]) == moment(session["started_at"])  # there before it began
    for row in (sam, pat):  # in the room all the while they were there
        there = moment(row["left_at"]) - moment(row["joined_at"])
        assert abs(row["room_seconds"] - there.total_seconds()) <= 1, row
    assert pat["call_seconds"] > 0 and sam["call_seconds"] == 0, rows
    # And the page shows the same register.
    page = facilitator_page(people, stack, rhythm)
    panel = page.get_by_role("region", name="Attendance")
    panel.get_by_label("Session").select_option(str(session["id"]))
    table = panel.get_by_test_id("attendance")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").filter(has_text="Sam")).to_be_visible()
    expect(table.locator("tbody tr").filter(has_text="Pat")).to_be_visible()
    moments["register"] = rows
    moments["session"] = session


@then("the attendance CSV, read with a CSV parser, holds the same rows")
def attendance_csv(people, stack, rhythm, moments):
    page = facilitator_page(people, stack, rhythm)
    link = page.get_by_role("region", name="Attendance").get_by_role("link", name="Download CSV")
    href = link.get_attribute("href")
    assert href.endswith(f"attendance.csv?session={moments['session']['id']}"), href
    # The browser's own session fetches it, as a click on the link would.
    answer = page.request.get(f"{stack.base_url}{href}")
    assert answer.status == 200, answer.text()
    assert answer.headers["content-type"].startswith("text/csv")
    rows = {row["person"]: row for row in csv.DictReader(io.StringIO(answer.text()))}
    assert set(rows) == set(moments["register"]), rows
    for person, expected in moments["register"].items():
        got = rows[person]
        assert moment(got["joined_at"]) == moment(expected["joined_at"]), (got, expected)
        assert moment(got["left_at"]) == moment(expected["left_at"]), (got, expected)
        for column in ("room_minutes", "call_minutes", "room_seconds", "call_seconds"):
            assert float(got[column]) == expected[column], (column, got, expected)


# Refusals ------------------------------------------------------------------------------------


@then("the participant's room has no responses, hands, presence or attendance panels")
def no_voice_panels(people, stack, rhythm):
    page = participants_page(people, stack, rhythm, "participant")
    page.wait_for_timeout(500)
    for region in ("Participants", "Attendance"):
        expect(page.get_by_role("region", name=region)).to_have_count(0)
    for test_id in (
        "responses",
        "hands",
        "signals",
        "presence-room",
        "presence-call",
        "attendance",
    ):
        expect(page.get_by_test_id(test_id)).to_have_count(0)


@then(
    "the participant's session is refused, with 403, the circle's voice, sharing a response and"
    " the attendance in JSON and CSV"
)
def participant_refused_voice(sessions, rhythm):
    facilitator = sessions(rhythm, "facilitator")
    session = facilitator.write("POST", rhythm.path("sessions/"), None).json()
    facilitator.write("POST", rhythm.path("sessions/current/end/"), None)
    participant = sessions(rhythm, "participant")
    answers = {
        "voice": participant.http.get(rhythm.path("voice/")),
        "share": participant.write("POST", rhythm.path("responses/1/share/"), {"as": "named"}),
        "attendance": participant.http.get(rhythm.path(f"sessions/{session['id']}/attendance/")),
        "csv": participant.http.get(rhythm.path("attendance.csv")),
    }
    refused = {what: a.status_code for what, a in answers.items() if a.status_code != 403}
    assert not refused, {what: a.text for what, a in answers.items()}
    assert all(a.json()["detail"] for a in answers.values())


@then(
    "a flood of responses from the participant is refused with 429 and a sentence, while the"
    " second participant's response goes through"
)
def flood_refused(sessions, rhythm):
    facilitator = sessions(rhythm, "facilitator")
    body = {"circle": rhythm.slug, "kind": "prompt", "body": "Say anything"}
    assert facilitator.write("POST", "/api/messages/", body).status_code == 201
    participant = sessions(rhythm, "participant")
    codes = [
        participant.write("POST", rhythm.path("responses/"), {"body": f"Flood {n}"}).status_code
        for n in range(12)
    ]
    assert codes.count(201) == 10 and codes[10:] == [429, 429], codes
    refused = participant.write("POST", rhythm.path("responses/"), {"body": "More"})
    assert refused.status_code == 429
    assert "sending too fast" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    started = time.monotonic()
    other = sessions(rhythm, "second participant")
    assert other.write("POST", rhythm.path("responses/"), {"body": "Mine"}).status_code == 201
    assert time.monotonic() - started < 2
