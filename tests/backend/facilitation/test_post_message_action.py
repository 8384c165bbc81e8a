"""facilitation.actions.post_message: numbered, stored, counted and announced in one transaction.

A message is numbered, stored and counted in Circle.last_seq, and a change is written to the
live change log, all in one transaction: every process hears of it exactly when it commits.
The hub that hands it to streams is tested in test_hub.py.
"""

import pytest
from django.db import transaction

from circles.models import Circle
from facilitation.actions import post_message
from facilitation.models import Message
from live.models import Change


class Rollback(Exception):
    pass


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


def test_a_post_is_announced_in_the_change_log(circle_a, facilitator_a):
    message = post_message(circle_a, facilitator_a.record, "prompt", "Hello")

    change = Change.objects.get()
    assert (change.kind, change.circle_id, change.seq) == ("message", circle_a.pk, message.seq)


def test_a_rolled_back_post_leaves_nothing_in_the_change_log(circle_a, facilitator_a):
    with pytest.raises(Rollback), transaction.atomic():
        post_message(circle_a, facilitator_a.record, "prompt", "Rolled back")
        raise Rollback

    assert not Change.objects.exists()


def test_the_doorbell_rings_only_at_commit(
    circle_a, facilitator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_message(circle_a, facilitator_a.record, "prompt", "Hello")

    assert len(callbacks) == 1
