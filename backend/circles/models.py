import secrets

from django.db import models
from django.utils import timezone


def new_room_name():
    """A Jitsi room nobody can guess: 96 random bits."""
    return f"ic-{secrets.token_hex(12)}"


class Circle(models.Model):
    slug = models.SlugField(max_length=64, unique=True, help_text="The public id, used in URLs.")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    next_session_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    jitsi_room = models.CharField(max_length=64, unique=True, default=new_room_name)
    # Sequence number of the circle's latest message. Posting bumps it in the same transaction;
    # live streams on every worker watch it to learn that there is something new.
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "slug"]

    def __str__(self):
        return self.name
