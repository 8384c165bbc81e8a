"""Steps about who is in the video call: a revoked person taken out of it, and the call moved
to a new room. The Jitsi stand-in has no conference of its own, so a test tells the
facilitator's meeting page who arrived (under the name the video service gave them), as the
real conference would; the app's pages and the IFrame API run unchanged."""

import re
import secrets

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from acceptance.steps.browser_steps import VIDEO_TIMEOUT_MS, enter_key, jitsi_config_of, open_page
from acceptance.steps.live_steps import new_participant_key


def meeting_frame(person):
    """The Jitsi meeting page inside the person's video panel."""
    iframe = person.page.locator('[data-testid="video-container"] iframe')
    expect(iframe).to_have_count(1, timeout=VIDEO_TIMEOUT_MS)
    return iframe.element_handle().content_frame()


def joins_and_is_in_call(person):
    person.page.get_by_role("button", name=re.compile(r"^Join video")).click()
    state = person.page.get_by_test_id("video-state")
    expect(state).to_have_attribute("data-state", "joined", timeout=VIDEO_TIMEOUT_MS)


@given("a new participant has signed in and joined the video", target_fixture="newcomer")
def newcomer_in_the_video(people, stack):
    key = new_participant_key(stack)
    person = people("new participant")
    open_page(person, stack, "/")
    enter_key(person, key)
    expect(person.page.get_by_test_id("circle-name")).to_be_visible()
    joins_and_is_in_call(person)
    # The name the video service shows them by: with a token, the one the backend signed.
    name = meeting_frame(person).evaluate("jitsiStandIn.state.displayName")
    return {"key": key, "person": person, "call_name": name}


@given("the facilitator is in the call with the new participant")
def facilitator_in_call_with_newcomer(people, newcomer):
    facilitator = people("facilitator")
    joins_and_is_in_call(facilitator)
    frame = meeting_frame(facilitator)
    newcomer["call_id"] = frame.evaluate(
        "(name) => jitsiStandIn.participantJoined({ displayName: name })", newcomer["call_name"]
    )
    # Someone else in the call, who must stay.
    newcomer["bystander_id"] = frame.evaluate(
        "() => jitsiStandIn.participantJoined({ displayName: 'Someone else' })"
    )


@when("the facilitator revokes the new participant's key in the room")
def facilitator_revokes_newcomer(people, newcomer):
    page = people("facilitator").page
    prefix = newcomer["key"].replace("-", "")[:4]
    row = page.get_by_test_id("key-row").filter(has_text=f"{prefix}-")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(row).to_contain_text("Revoked")


@then("the facilitator's page removed the new participant from the call")
def newcomer_removed(people, newcomer):
    facilitator = people("facilitator")
    frame = meeting_frame(facilitator)
    frame.wait_for_function(
        "(id) => jitsiStandIn.state.commands.some("
        "  (c) => c.name === 'kick-participant' && c.data[0] === id)",
        arg=newcomer["call_id"],
        timeout=10_000,
    )
    expect(frame.locator(f"#participant_{newcomer['call_id']}")).to_have_count(0)
    expect(frame.locator(f"#participant_{newcomer['bystander_id']}")).to_have_count(1)
    status = facilitator.page.get_by_test_id("video-action-status")
    expect(status).to_have_text(f"{newcomer['call_name']} was removed from the call.")


@then("the new participant's own page left the call")
def newcomer_page_left(newcomer):
    page = newcomer["person"].page
    expect(page.get_by_role("heading", name="Welcome to your circle")).to_be_visible(timeout=15_000)
    expect(page.locator("iframe")).to_have_count(0)


@then("the video service gives the new participant no token")
def no_token_for_newcomer(newcomer, stack):
    page = newcomer["person"].page
    response = page.request.get(f"{stack.base_url}/api/jitsi/config/?circle={stack.circle}")
    assert response.status == 401, response.text()
    assert "jwt" not in response.json()


@when("the facilitator moves the call to a new room", target_fixture="old_room")
def facilitator_moves_room(people, stack):
    facilitator = people("facilitator")
    old_room = jitsi_config_of(facilitator, stack)["room_name"]
    facilitator.page.once("dialog", lambda dialog: dialog.accept())
    facilitator.page.get_by_role("button", name="Move to a new room").click()
    expect(facilitator.page.get_by_test_id("video-action-status")).to_have_text(
        "The call moved to a new room."
    )
    return old_room


@then(parsers.parse("the {who} is in the call again, in the circle's new room"))
def in_the_new_room(people, stack, old_room, who):
    person = people(who)
    new_room = jitsi_config_of(person, stack)["room_name"]
    assert new_room != old_room
    # The page left the old meeting and joined one in the new room, by itself.
    person.page.wait_for_function(
        "(room) => [...document.querySelectorAll('[data-testid=video-container] iframe')]"
        "  .some((f) => new URL(f.src).pathname.endsWith('/' + room))",
        arg=new_room,
        timeout=VIDEO_TIMEOUT_MS,
    )
    state = person.page.get_by_test_id("video-state")
    expect(state).to_have_attribute("data-state", "joined", timeout=VIDEO_TIMEOUT_MS)
    expect(meeting_frame(person).locator("#roomName")).to_have_text(new_room.lower())


def stored_room_of(stack, slug):
    """The room the database holds for the circle, read with manage.py, not through the API."""
    code = f"from circles.models import Circle; print(Circle.objects.get(slug={slug!r}).jitsi_room)"
    return stack.manage("shell", "-c", code).strip().splitlines()[-1]


@then("that room is the circle's own: the one stored with it, unlike a new circle's, unguessable")
def room_is_the_circles_own(people, stack, jitsi_standin):
    given_to_video = jitsi_standin.received()[-1]["room"]
    stored = stored_room_of(stack, stack.circle)
    assert given_to_video == stored, (given_to_video, stored)
    slug = f"room-{secrets.token_hex(3)}"
    stack.manage("create_circle", "--name", "Room check", "--slug", slug)
    assert stored_room_of(stack, slug) != stored, "two circles share one video room"
    # Nothing a guess could produce: no part of the circle's slug, and 96 random bits at least.
    assert stack.circle not in stored.lower(), stored
    assert len(re.sub(r"[^0-9a-f]", "", stored.lower())) >= 24, stored
