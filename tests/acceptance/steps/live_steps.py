"""Steps of features/live_channel.feature: open streams ended by access changes, and a circle
with a long history in the browser. Streams go through the stack's front door (Caddy), so in
compose mode they reach the container's workers as a browser's would."""

import time

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from support.live_backend import Session, StreamListener

SEED_MESSAGES = """
from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle
from facilitation.models import Message
from circles.models import Circle
import json
circle = create_circle("Long history circle")
fay = issue_keys([circle], Role.FACILITATOR, labels=["Fay"])[0]
key = issue_keys([circle], Role.PARTICIPANT, labels=["Pat"])[0]
Message.objects.bulk_create(
    Message(circle=circle, author=fay.record, author_name="Fay", kind="announcement",
            body=f"History message {{n}}", seq=n)
    for n in range(1, {count} + 1)
)
Circle.objects.filter(pk=circle.pk).update(last_seq={count})
print(json.dumps({{"circle": circle.slug, "key": key.plaintext}}))
"""


def new_participant_key(stack):
    issued = stack.manage(
        "issue_keys", "--circle", stack.circle, "--role", "participant", "--label", "Lee", "--json"
    )
    return issued["keys"][0]["key"]


@given(
    parsers.parse("a new participant of the circle holds {count:d} open live streams"),
    target_fixture="holder",
)
def holder_with_streams(stack, count):
    key = new_participant_key(stack)
    session = Session(stack.base_url).sign_in(key)
    streams = [StreamListener(session, stack.circle) for _ in range(count)]
    for stream in streams:
        assert stream.status_code == 200
        assert stream.next_event()[0] == "hello"
    return {"key": key, "session": session, "streams": streams}


@when("the facilitator revokes that participant's key")
def facilitator_revokes_through_api(stack, holder):
    facilitator = Session(stack.base_url).sign_in(stack.facilitator_key)
    keys = facilitator.http.get(f"/api/circles/{stack.circle}/keys/").json()
    prefix = holder["key"].replace("-", "")[:4]
    (key,) = [k for k in keys if k["prefix"] == prefix and not k["revoked"]]
    holder["acted"] = time.monotonic()
    response = facilitator.write("DELETE", f"/api/circles/{stack.circle}/keys/{key['id']}/")
    assert response.status_code == 204, response.text
    facilitator.close()


@when("that participant signs out")
def participant_signs_out(holder):
    holder["acted"] = time.monotonic()
    assert holder["session"].post("/api/auth/logout/", {}).status_code == 204


@then(parsers.parse('every one of those streams ends within {seconds:d} second, saying "{reason}"'))
def streams_end(holder, seconds, reason):
    for stream in holder["streams"]:
        kind, _, data, arrived = stream.next_event(timeout=seconds + 5)
        while kind == "message":
            kind, _, data, arrived = stream.next_event(timeout=seconds + 5)
        assert (kind, data["reason"]) == ("end", reason), (kind, data)
        took = arrived - holder["acted"]  # from the moment the change was asked for
        assert took < seconds, f"ended after {took:.2f} s"
        assert stream.next_event()[0] == "closed"
        stream.close()


@then("the circle's other participants still receive the facilitator's messages")
def others_still_receive(stack):
    participant = Session(stack.base_url).sign_in(stack.participant_key)
    facilitator = Session(stack.base_url).sign_in(stack.facilitator_key)
    listener = StreamListener(participant, stack.circle)
    try:
        posted = facilitator.post_message(stack.circle, "Still with us")
        while (message := listener.next_message()[0]) != posted:  # past the backlog
            assert message["seq"] < posted["seq"], message
    finally:
        listener.close()
        participant.close()
        facilitator.close()


@then("that participant's session cannot open the stream again")
def cannot_reopen(stack, holder):
    assert StreamListener(holder["session"], stack.circle).status_code == 401


@given(
    parsers.parse("a circle whose history holds {count:d} messages"), target_fixture="long_circle"
)
def long_history_circle(stack, count):
    import json

    output = stack.manage("shell", "-c", SEED_MESSAGES.format(count=count))
    return {**json.loads(output.strip().splitlines()[-1]), "count": count}


@when("its participant signs in")
def its_participant_signs_in(people, stack, long_circle):
    person = people("participant")
    person.page.goto(stack.base_url + "/")
    long_circle["started"] = time.monotonic()
    person.page.get_by_label("Access key").fill(long_circle["key"])
    person.page.get_by_role("button", name="Enter").click()


@then(parsers.parse("the participant sees its newest message within {seconds:d} seconds"))
def sees_newest(people, long_circle, seconds):
    newest = f"History message {long_circle['count']}"
    body = people("participant").page.get_by_test_id("message-body").first
    expect(body).to_have_text(newest, timeout=seconds * 1000)
    took = time.monotonic() - long_circle["started"]
    assert took < seconds, f"{took:.1f} s"


def feed_shows(page, count, newest):
    bodies = page.get_by_test_id("message-body")
    expect(bodies).to_have_count(count)
    expected = [f"History message {n}" for n in range(newest, newest - count, -1)]
    assert bodies.all_inner_texts() == expected


@then(parsers.parse("the participant's feed shows {count:d} messages, newest first"))
def feed_has(people, long_circle, count):
    feed_shows(people("participant").page, count, long_circle["count"])


@when("the participant scrolls to the end of the feed")
def scrolls_to_end(people):
    people("participant").page.get_by_test_id("message").last.scroll_into_view_if_needed()


@then(parsers.parse('the participant no longer sees "{text}"'))
def participant_no_longer_sees(people, text):
    body = people("participant").page.get_by_test_id("message-body").filter(has_text=text)
    expect(body).to_have_count(0)
