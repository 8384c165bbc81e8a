"""IC_VOICE_RETENTION_DAYS: attendance, signals and responses older than it are deleted by
manage.py prune_voice and before each scheduled backup; shared responses stay in the feed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from voice import actions
from voice.models import PromptResponse, Signal

from facilitation import presence
from facilitation.models import Message, Visit


@pytest.fixture
def old_and_new(circle_a, participant_a, facilitator_a, prompt):
    key = participant_a.record
    long_ago = timezone.now() - timedelta(days=91)
    for _ in range(2):
        presence.left_room(presence.entered_room(circle_a.pk, key.pk, "Pat A", "participant"))
    actions.raise_signal(circle_a, key, "hand")
    private = actions.respond(circle_a, key, "Old and private")
    shared = actions.respond(circle_a, key, "Old and shared")
    actions.share(shared, facilitator_a.record, "named")
    actions.respond(circle_a, key, "Recent")
    first_visit = Visit.objects.order_by("pk").first()
    Visit.objects.filter(pk=first_visit.pk).update(
        joined_at=long_ago, left_at=long_ago, seen_at=long_ago
    )
    Signal.objects.update(raised_at=long_ago)
    PromptResponse.objects.filter(pk__in=[private.pk, shared.pk]).update(created_at=long_ago)


def test_prune_voice_deletes_what_is_older_than_the_retention(old_and_new, capsys):
    call_command("prune_voice")

    assert "Deleted what was older than 90 days: 1 visits, 1 signals, 2 responses." in (
        capsys.readouterr().out
    )
    assert Visit.objects.count() == 1
    assert not Signal.objects.exists()
    assert [r.body for r in PromptResponse.objects.all()] == ["Recent"]
    # The shared one is a message of the feed, and stays there.
    assert Message.objects.filter(kind="response", body="Old and shared").exists()


def test_a_longer_retention_keeps_them(old_and_new, settings):
    settings.VOICE_RETENTION_DAYS = 100

    call_command("prune_voice")

    assert PromptResponse.objects.count() == 3
    assert Visit.objects.count() == 2
