"""Leaving tests out in the open: deselect the ones with a marker, and note why for the summary."""


def deselect(config, items, marker, notes, note):
    """Deselects every item marked `marker`; appends note (with {count}) to notes if any went."""
    dropped = [item for item in items if item.get_closest_marker(marker)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(marker)]
        notes.append(note.format(count=len(dropped)))
