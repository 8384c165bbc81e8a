from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    PARTICIPANT = "participant", "Participant"


class AccessKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class AccessKey(models.Model):
    """A typed key that opens one or more circles. The plaintext is never stored."""

    role = models.CharField(max_length=16, choices=Role.choices)
    circles = models.ManyToManyField("circles.Circle", related_name="access_keys", blank=True)
    label = models.CharField(max_length=80, blank=True, help_text="Display name of the holder.")
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    objects = AccessKeyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.role} key {self.prefix}… ({self.label or 'no label'})"

    # DRF's IsAuthenticated asks this of request.user; a key that authenticated is one.
    is_authenticated = True

    @property
    def display_name(self):
        return self.label or ("Facilitator" if self.is_facilitator else "Participant")

    @property
    def is_facilitator(self):
        return self.role == Role.FACILITATOR

    def is_usable(self, now=None):
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def visible_circles(self):
        """The circles the key may see: a facilitator all of theirs, a participant only the
        active ones. On the key, so that access (the identity it answers with) imports nothing
        of circles."""
        circles = self.circles.all()
        return circles if self.is_facilitator else circles.filter(active=True)

    def opens(self, circle):
        return self.circles.filter(pk=circle.pk).exists()

    def facilitates(self, circle):
        return self.is_facilitator and self.opens(circle)


class AttemptCounter(models.Model):
    """Key attempts of one client (a device or an address) in one fixed window
    (access.throttling). Rows of ended windows are deleted as new windows start."""

    bucket = models.CharField(max_length=160, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.bucket}: {self.count}"
