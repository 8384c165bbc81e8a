"""This process's doorbell: a change committed here wakes this process's hub at once, without
waiting for the change log to be looked at again."""

import logging
import threading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_bells = {}  # (loop, callback) by id, registered by live.feed.ChangeFeed


def install(loop, callback):
    """Calls callback in loop (thread-safely) whenever ring() is called; returns an id."""
    with _lock:
        token = object()
        _bells[id(token)] = (loop, callback)
        return id(token)


def remove(token):
    with _lock:
        _bells.pop(token, None)


def ring():
    with _lock:
        bells = list(_bells.items())
    for token, (loop, callback) in bells:
        try:
            loop.call_soon_threadsafe(callback)
        except RuntimeError:  # that loop is closed: nobody listens there any more
            remove(token)
