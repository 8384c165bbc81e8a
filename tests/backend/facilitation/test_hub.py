"""The live hub in one process: real streams (facilitation.stream.event_stream) on an event loop,
the real change feed and database; posts, revocations and sign-outs made through the actions.

Across real gunicorn workers and machines: tests/backend/server/test_stream_across_workers.py.
"""

import asyncio
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.utils import timezone

import facilitation.hub
import live.feed
from access.actions import issue_keys, revoke_key
from access.authentication import SESSION_KEY_ID, end_session
from access.models import Role
from circles.actions import create_circle, delete_circle, update_circle
from facilitation.actions import post_message
from facilitation.hub import hub
from facilitation.stream import Opening, event_stream, open_stream, room_tag
from live import changes
from live.feed import in_reader_thread
from live.models import Change
from rhythm.actions import start_session

pytestmark = pytest.mark.django_db(transaction=True)

WITHIN = 1.0  # seconds: how soon an access change must end a stream
PRESENCE_WRITTEN = facilitation.hub.PRESENCE_WRITE_SECONDS + 0.3  # arrivals are written by then


def parse(chunk):
    """SSE text -> [(event name, id, data)]; comments and retry lines are left out."""
    import json

    events = []
    for block in chunk.decode().split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "data" in fields:
            events.append(
                (fields.get("event", "message"), fields.get("id"), json.loads(fields["data"]))
            )
    return events


class Reader:
    """Reads one stream on the loop into a queue of (event, id, data, arrival)."""

    def __init__(self, opening):
        assert isinstance(opening, Opening), opening
        self.events = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(self._read(opening))

    async def _read(self, opening):
        async for chunk in event_stream(opening):
            for event in parse(chunk):
                await self.events.put((*event, time.monotonic()))
        await self.events.put(("closed", None, None, time.monotonic()))

    async def next(self, timeout=5):
        return await asyncio.wait_for(self.events.get(), timeout)

    async def next_message(self, timeout=5):
        name, _, data, _ = await self.next(timeout)
        # A facilitator's stream hears people come and go (voice): not messages.
        while name in ("hello", "voice"):
            name, _, data, _ = await self.next(timeout)
        assert name == "message", (name, data)
        return data

    async def close(self):
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def signed_in_session(key):
    session = SessionStore()
    session[SESSION_KEY_ID] = key.pk
    session.create()
    return session


def run(scenario):
    """Runs the scenario on a fresh loop; stops the hub and closes its connections after."""

    async def wrapped():
        try:
            return await scenario()
        finally:
            await hub.stop()
            await in_reader_thread(connections.close_all)
            await sync_to_async(connections.close_all)()

    return asyncio.run(wrapped())


@pytest.fixture
def room():
    circle = create_circle("Hub circle", slug="hub-circle")
    fay = issue_keys([circle], Role.FACILITATOR, labels=["Fay"])[0].record
    people = [k.record for k in issue_keys([circle], Role.PARTICIPANT, count=3)]
    return SimpleNamespace(circle=circle, fay=fay, people=people)


async def opened(key, slug, after=0):
    session = await sync_to_async(signed_in_session)(key)
    opening = await sync_to_async(open_stream)(session, slug, after)
    return Reader(opening), session


def test_hello_tells_the_epoch_and_the_newest_number(room):
    post_message(room.circle, room.fay, "prompt", "One")

    async def scenario():
        reader, _ = await opened(room.people[0], "hub-circle")
        name, _, data, _ = await reader.next()
        await reader.close()
        return name, data

    name, data = run(scenario)
    assert name == "hello"
    assert data == {
        "epoch": changes.current_epoch(),
        "last_seq": 1,
        "video_room": room_tag(room.circle),
    }
    assert room.circle.jitsi_room not in str(data)  # the tag, not the room's name


def test_every_stream_of_a_circle_gets_a_post_from_one_read(room, monkeypatch):
    reads = []
    real = facilitation.hub.encoded_messages_after

    def counted(*args):
        reads.append(args)
        return real(*args)

    monkeypatch.setattr(facilitation.hub, "encoded_messages_after", counted)

    async def scenario():
        readers = [(await opened(room.people[n % 3], "hub-circle"))[0] for n in range(12)]
        for reader in readers:
            assert (await reader.next())[0] == "hello"
        posted = await sync_to_async(post_message)(room.circle, room.fay, "prompt", "To all")
        got = [await reader.next_message() for reader in readers]
        for reader in readers:
            await reader.close()
        return posted, got

    posted, got = run(scenario)
    assert [m["seq"] for m in got] == [posted.seq] * 12
    assert len(reads) == 1, reads


def test_backlog_then_live_without_gaps_or_doubles(room):
    for n in range(5):
        post_message(room.circle, room.fay, "announcement", f"early {n}")

    async def scenario():
        reader, _ = await opened(room.people[0], "hub-circle", after=2)
        for n in range(5):
            await sync_to_async(post_message)(room.circle, room.fay, "announcement", f"late {n}")
        got = [(await reader.next_message())["seq"] for _ in range(8)]
        await reader.close()
        return got

    assert run(scenario) == list(range(3, 11))


async def ended_within(reader, seconds=WITHIN):
    """The end event's data and how long it took, skipping messages and hello."""
    started = time.monotonic()
    while True:
        name, _, data, arrived = await reader.next(timeout=seconds + 4)
        if name == "end":
            assert (await reader.next())[0] == "closed"
            return data, arrived - started


def ended_while_another_receives(room, leaver, stayer, change, body):
    """Opens the leaver's and the stayer's streams, makes the change (given the leaver's
    session), then posts: (the leaver's end data, how long it took, what the stayer got)."""

    async def scenario():
        leaving, session = await opened(leaver, "hub-circle")
        staying, _ = await opened(stayer, "hub-circle")
        await asyncio.sleep(0.2)
        await sync_to_async(change)(session)
        data, took = await ended_within(leaving)
        await sync_to_async(post_message)(room.circle, room.fay, "prompt", body)
        still = await staying.next_message()
        await staying.close()
        return data, took, still

    return run(scenario)


def test_a_revoked_key_is_out_at_once_and_others_stay(room):
    data, took, still = ended_while_another_receives(
        room, room.people[0], room.people[1], lambda _: revoke_key(room.people[0]), "Still here"
    )

    assert data["reason"] == "key_revoked"
    assert data["detail"] == "Your key was revoked."
    assert took < WITHIN
    assert still["body"] == "Still here"


def test_signing_out_ends_that_sessions_streams_only(room):
    # The stayer is another sign-in with the same key: another tab.
    data, took, still = ended_while_another_receives(
        room,
        room.people[0],
        room.people[0],
        lambda session: end_session(SimpleNamespace(session=session)),
        "Other tab",
    )

    assert data["reason"] == "signed_out"
    assert took < WITHIN
    assert still["body"] == "Other tab"


def test_closing_a_circle_ends_its_participants_streams_not_the_facilitators(room):
    data, took, still = ended_while_another_receives(
        room,
        room.people[0],
        room.fay,
        lambda _: update_circle(room.circle, active=False),
        "Only me",
    )

    assert data["reason"] == "circle_closed"
    assert took < WITHIN
    assert still["body"] == "Only me"


def test_deleting_a_circle_ends_every_stream_of_it(room):
    async def scenario():
        participant, _ = await opened(room.people[0], "hub-circle")
        facilitator, _ = await opened(room.fay, "hub-circle")
        await asyncio.sleep(0.2)
        await sync_to_async(delete_circle)(room.circle)
        return [await ended_within(reader) for reader in (participant, facilitator)]

    for data, took in run(scenario):
        assert data["reason"] == "circle_deleted"
        assert took < WITHIN


def test_a_key_that_expires_ends_its_stream_when_it_expires(room):
    soon = issue_keys(
        [room.circle], Role.PARTICIPANT, expires_at=timezone.now() + timedelta(seconds=1.5)
    )[0].record

    async def scenario():
        reader, _ = await opened(soon, "hub-circle")
        started = time.monotonic()
        data, _ = await ended_within(reader, seconds=3)
        return data, time.monotonic() - started

    data, took = run(scenario)
    assert data["reason"] == "key_expired"
    assert 0.5 < took < 1.5 + WITHIN


def test_the_feed_logs_a_failed_read_and_delivery_carries_on(room, monkeypatch, caplog):
    real, failures = live.feed.look, []

    def fails_once(after_id):
        if not failures:
            failures.append(after_id)
            raise RuntimeError("the reader's connection broke")
        return real(after_id)

    monkeypatch.setattr(live.feed, "look", fails_once)

    async def scenario():
        reader, _ = await opened(room.people[0], "hub-circle")
        await asyncio.sleep(0.2)
        await sync_to_async(post_message)(room.circle, room.fay, "prompt", "After the failure")
        return await reader.next_message(timeout=10)

    got = run(scenario)
    assert failures, "the fault was never injected"
    assert got["body"] == "After the failure"
    assert "reading the change log failed" in caplog.text


def test_a_restore_makes_every_stream_start_over(room):
    async def scenario():
        reader, _ = await opened(room.people[0], "hub-circle")
        await asyncio.sleep(0.2)
        await sync_to_async(changes.database_replaced)()
        name, *_ = await reader.next(timeout=WITHIN + 1)
        while name == "hello":
            name, *_ = await reader.next(timeout=WITHIN + 1)
        return name

    assert run(scenario) == "closed"


def test_a_rhythm_change_reaches_the_circles_streams_as_an_event_and_they_go_on(room):
    other = create_circle("Other circle", slug="other-circle")
    outsider = issue_keys([other], Role.PARTICIPANT)[0].record

    async def scenario():
        readers = [(await opened(person, "hub-circle"))[0] for person in room.people]
        elsewhere, _ = await opened(outsider, "other-circle")
        for reader in [*readers, elsewhere]:
            assert (await reader.next())[0] == "hello"
        await sync_to_async(start_session)(room.circle, room.fay)
        got = [await reader.next() for reader in readers]
        await sync_to_async(post_message)(room.circle, room.fay, "prompt", "Still open")
        after = [await reader.next_message() for reader in readers]
        quiet = elsewhere.events.empty()
        for reader in [*readers, elsewhere]:
            await reader.close()
        return got, after, quiet

    got, after, quiet = run(scenario)
    assert [(name, event_id, data) for name, event_id, data, _ in got] == [("rhythm", None, {})] * 3
    assert [m["body"] for m in after] == ["Still open"] * 3
    assert quiet


def test_a_change_right_after_the_hello_reaches_a_stream_of_a_worker_just_started(
    room, monkeypatch
):
    # A worker's feed finds its place in the log on the reader thread, maybe after a stream's
    # hello; a change committed in between must still arrive (it is not in any page's backlog).
    real_start = live.feed._start

    def slow_start():
        time.sleep(0.5)
        return real_start()

    monkeypatch.setattr(live.feed, "_start", slow_start)

    async def scenario():
        reader, _ = await opened(room.people[0], "hub-circle")
        assert (await reader.next())[0] == "hello"
        await sync_to_async(start_session)(room.circle, room.fay)
        name, *_ = await reader.next(timeout=WITHIN + 1)
        await reader.close()
        return name

    assert run(scenario) == "rhythm"


def test_a_voice_change_reaches_the_facilitator_and_the_person_it_concerns_only(room):
    from voice.actions import lower_signal, raise_signal

    ana, ben = room.people[:2]

    async def scenario():
        fay, _ = await opened(room.fay, "hub-circle")
        ana_reader, _ = await opened(ana, "hub-circle")
        ben_reader, _ = await opened(ben, "hub-circle")
        for reader in (fay, ana_reader, ben_reader):
            assert (await reader.next())[0] == "hello"
        await asyncio.sleep(0.2)
        # Entering the room is news for the facilitator; drain it.
        while not fay.events.empty():
            await fay.next()
        signal, _ = await sync_to_async(raise_signal)(room.circle, ana, "hand")
        fay_got = (await fay.next())[0]
        await sync_to_async(lower_signal)(signal)
        ana_got = (await ana_reader.next())[0]
        await asyncio.sleep(0.3)
        ben_quiet = ben_reader.events.empty()
        for reader in (fay, ana_reader, ben_reader):
            await reader.close()
        return fay_got, ana_got, ben_quiet

    fay_got, ana_got, ben_quiet = run(scenario)
    assert (fay_got, ana_got, ben_quiet) == ("voice", "voice", True)


def test_a_stream_is_a_visit_to_the_room_from_open_to_close(room):
    from facilitation.models import Place, Visit
    from facilitation.presence import set_in_call

    person = room.people[0]

    async def scenario():
        reader, _ = await opened(person, "hub-circle")
        assert (await reader.next())[0] == "hello"
        await asyncio.sleep(PRESENCE_WRITTEN)
        during = await sync_to_async(list)(Visit.objects.filter(key=person).open())
        await sync_to_async(set_in_call)(room.circle, person, True)
        await reader.close()
        await asyncio.sleep(PRESENCE_WRITTEN)
        return during

    during = run(scenario)
    assert [(v.place, v.person) for v in during] == [(Place.ROOM, person.display_name)]
    visits = Visit.objects.filter(key=person).order_by("place")
    assert [v.place for v in visits] == [Place.CALL, Place.ROOM]
    # Closing the last stream left the room, and the call with it.
    assert all(v.left_at is not None for v in visits)


def test_the_audit_keeps_open_visits_seen(room, settings):
    from facilitation.models import Visit

    settings.STREAM_AUDIT_SECONDS = 0.2
    person = room.people[0]

    async def scenario():
        reader, _ = await opened(person, "hub-circle")
        assert (await reader.next())[0] == "hello"
        await asyncio.sleep(PRESENCE_WRITTEN)
        first = await sync_to_async(Visit.objects.get)(key=person)
        await asyncio.sleep(0.7)
        later = await sync_to_async(Visit.objects.get)(key=person)
        await reader.close()
        return first.seen_at, later.seen_at

    first, later = run(scenario)
    assert later > first


def test_a_burst_of_streams_is_written_to_the_register_in_a_few_transactions(room):
    from facilitation.models import Visit

    people = [k.record for k in issue_keys([room.circle], Role.PARTICIPANT, count=20)]

    async def scenario():
        readers = [(await opened(person, "hub-circle"))[0] for person in people]
        for reader in readers:
            assert (await reader.next())[0] == "hello"
        await asyncio.sleep(PRESENCE_WRITTEN)
        came = await sync_to_async(Visit.objects.open().count)()
        for reader in readers:
            await reader.close()
        await asyncio.sleep(PRESENCE_WRITTEN)
        return came

    came = run(scenario)
    assert came == 20
    assert not Visit.objects.open().exists()
    # Twenty arrivals and twenty departures: a few writes, each one voice change, not forty.
    voice = Change.objects.filter(kind=Change.Kind.VOICE, circle_id=room.circle.pk).count()
    assert voice <= 6, voice
