"""State changes of access keys. Views and commands call these; nothing else writes keys."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from live import changes

from .keys import generate_key, key_hash, key_prefix, normalize_key
from .models import AccessKey


class IssuedKey:
    """A key just created, with its plaintext: shown once, then gone."""

    def __init__(self, record, plaintext):
        self.record = record
        self.plaintext = plaintext


@transaction.atomic
def issue_keys(circles, role, count=1, labels=(), expires_at=None):
    issued = []
    labels = list(labels)
    for index in range(count):
        plaintext = generate_key()
        canonical = normalize_key(plaintext)
        record = AccessKey.objects.create(
            role=role,
            label=labels[index] if index < len(labels) else "",
            prefix=key_prefix(canonical),
            key_hash=key_hash(canonical),
            expires_at=expires_at,
        )
        record.circles.set(circles)
        issued.append(IssuedKey(record, plaintext))
    return issued


@transaction.atomic
def revoke_key(key):
    """Revokes the key; its open live streams end at once, on every worker."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        changes.key_changed(key.pk)
    return key


def record_use(key):
    now = timezone.now()
    AccessKey.objects.filter(pk=key.pk).update(last_used_at=now, use_count=F("use_count") + 1)
    key.last_used_at = now
    key.use_count += 1
