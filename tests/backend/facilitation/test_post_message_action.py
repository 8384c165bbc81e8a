"""facilitation.actions.post_message and the hub that wakes live streams.

A message is numbered, stored and counted in Circle.last_seq in one transaction; streams in
this process are woken only once that transaction commits, and streams in other processes
learn of it when the hub's poller sees last_seq change.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.test import override_settings

from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle
from circles.models import Circle
from facilitation.actions import post_message
from facilitation.live import Hub, hub
from facilitation.models import Message

# listen() starts the hub's poller thread; with this interval it sleeps through the test, so
# only the polls a test makes itself can ring.
NO_BACKGROUND_POLLS = override_settings(STREAM_POLL_SECONDS=3600)


class Rollback(Exception):
    pass


def run_closing(scenario):
    """asyncio.run(scenario()), then closes the database connection that sync_to_async's thread
    opened: PostgreSQL cannot drop the test database while a connection to it stays open."""

    async def and_close():
        try:
            return await scenario()
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(and_close())


def last_seq(circle):
    return Circle.objects.values_list("last_seq", flat=True).get(pk=circle.pk)


def test_last_seq_follows_the_latest_message(circle_a, facilitator_a):
    assert last_seq(circle_a) == 0

    for n in range(3):
        message = post_message(circle_a, facilitator_a.record, "prompt", f"Prompt {n}")

    assert message.seq == 3
    assert last_seq(circle_a) == 3
    assert list(Message.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_each_circle_has_its_own_sequence(circle_a, circle_b, facilitator_a, facilitator_b):
    post_message(circle_a, facilitator_a.record, "prompt", "A1")
    post_message(circle_a, facilitator_a.record, "prompt", "A2")

    message = post_message(circle_b, facilitator_b.record, "prompt", "B1")

    assert message.seq == 1
    assert (last_seq(circle_a), last_seq(circle_b)) == (2, 1)


def test_a_stale_circle_object_still_gets_the_next_number(circle_a, facilitator_a):
    stale = Circle.objects.get(pk=circle_a.pk)
    post_message(circle_a, facilitator_a.record, "prompt", "First")

    message = post_message(stale, facilitator_a.record, "prompt", "Second")

    assert message.seq == 2


def test_the_message_records_its_author_and_their_name(circle_a, facilitator_a):
    message = post_message(circle_a, facilitator_a.record, "announcement", "Hello")

    message.refresh_from_db()
    assert (message.author_id, message.author_name) == (facilitator_a.record.pk, "Fay A")
    assert (message.kind, message.body, message.circle_id) == ("announcement", "Hello", circle_a.pk)


def test_a_rolled_back_post_leaves_no_message_and_no_bump(circle_a, facilitator_a):
    post_message(circle_a, facilitator_a.record, "prompt", "Kept")

    with pytest.raises(Rollback), transaction.atomic():
        post_message(circle_a, facilitator_a.record, "prompt", "Rolled back")
        raise Rollback

    assert list(Message.objects.values_list("body", flat=True)) == ["Kept"]
    assert last_seq(circle_a) == 1
    assert post_message(circle_a, facilitator_a.record, "prompt", "Next").seq == 2


def test_a_rolled_back_post_announces_nothing(
    circle_a, facilitator_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        post_message(circle_a, facilitator_a.record, "prompt", "Rolled back")
        raise Rollback

    assert callbacks == []


def test_the_announcement_waits_for_the_commit(
    circle_a, facilitator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_message(circle_a, facilitator_a.record, "prompt", "Hello")

    assert len(callbacks) == 1


@NO_BACKGROUND_POLLS
def test_the_commit_callback_wakes_this_circles_listeners(
    circle_a, circle_b, facilitator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_message(circle_a, facilitator_a.record, "prompt", "Hello")

    async def listen_while_committing():
        with hub.listen(circle_a.pk) as listener_a, hub.listen(circle_b.pk) as listener_b:
            assert not await listener_a.wait(0)
            for callback in callbacks:
                callback()
            return await listener_a.wait(2), await listener_b.wait(0.05)

    rang_a, rang_b = asyncio.run(listen_while_committing())

    assert rang_a is True
    assert rang_b is False


@pytest.mark.django_db(transaction=True)
@NO_BACKGROUND_POLLS
def test_poll_once_rings_on_first_sight_and_then_only_on_change():
    circle = create_circle("Polled", slug="polled")
    other = create_circle("Other", slug="other")
    fay = issue_keys([circle, other], Role.FACILITATOR, labels=["Fay"])[0].record
    fresh = Hub()
    poll = sync_to_async(fresh.poll_once)

    async def scenario():
        rang = {}
        with fresh.listen(circle.pk) as listener:
            await poll()
            rang["first sight"] = await listener.wait(1)

            listener.reset()
            await poll()
            rang["no change"] = await listener.wait(0.05)

            await sync_to_async(post_message)(other, fay, "prompt", "Elsewhere")
            await poll()
            rang["other circle posted"] = await listener.wait(0.05)

            await sync_to_async(post_message)(circle, fay, "prompt", "Here")
            await poll()
            rang["posted"] = await listener.wait(1)

            listener.reset()
            await poll()
            rang["after the post, no change"] = await listener.wait(0.05)
        return rang

    assert run_closing(scenario) == {
        "first sight": True,
        "no change": False,
        "other circle posted": False,
        "posted": True,
        "after the post, no change": False,
    }


@pytest.mark.django_db(transaction=True)
@NO_BACKGROUND_POLLS
def test_a_hub_forgets_a_circle_when_its_last_listener_leaves():
    circle = create_circle("Polled", slug="polled")
    fresh = Hub()
    poll = sync_to_async(fresh.poll_once)

    async def listen_twice():
        with fresh.listen(circle.pk) as listener:
            await poll()
            await listener.wait(1)
        with fresh.listen(circle.pk) as listener:
            await poll()
            # Nothing changed, but a new listener must re-read: it may have missed something.
            return await listener.wait(1)

    assert run_closing(listen_twice) is True
