"""The name a key goes by in its circle's video call.

The facilitator's page removes a revoked person from the call by that name (the IFrame API
reports names, not our key ids), so within a circle no two keys may share one: a label is used
as it is while no other key of the circle has the same label; otherwise, and for keys without
a label, the key's number is added ("Participant #12"). Numbers, not key prefixes: everyone in
the call sees the name, and a prefix is part of the key.
"""

from collections import Counter


def _folded(label):
    return " ".join(label.split()).casefold()


def call_names(keys):
    """{key id: name in the call} for all the keys of one circle."""
    keys = list(keys)
    labels = Counter(_folded(key.label) for key in keys if key.label.strip())
    return {key.pk: _name(key, labels) for key in keys}


def call_name(key, circle):
    """The name key goes by in circle's call (key is one of circle's keys)."""
    keys = circle.access_keys.only("id", "label", "role")
    return call_names(keys).get(key.pk) or _name(key, Counter())


def _name(key, labels):
    name = " ".join(key.display_name.split())
    if key.label.strip() and labels[_folded(key.label)] == 1:
        return name
    return f"{name} #{key.pk}"
