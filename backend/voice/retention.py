"""Deleting what participants said and did once it is older than VOICE_RETENTION_DAYS
(IC_VOICE_RETENTION_DAYS): attendance (facilitation.Visit), signals, and responses never
shared. A shared response is a message of the feed and stays with it; its record goes."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from facilitation.models import Visit

from .models import PromptResponse, Signal


def cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.VOICE_RETENTION_DAYS)


@transaction.atomic
def prune(now=None):
    """{what: how many deleted}."""
    before = cutoff(now)
    ended = Q(left_at__lt=before) | Q(left_at__isnull=True, seen_at__lt=before)
    return {
        "visits": Visit.objects.filter(ended).delete()[0],
        "signals": Signal.objects.filter(raised_at__lt=before).delete()[0],
        "responses": PromptResponse.objects.filter(created_at__lt=before).delete()[0],
    }
