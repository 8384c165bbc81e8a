"""Many SSE listeners in one asyncio process, cheap enough that the server, not they, sets the
latency.

Each stream is a raw socket (an asyncio Protocol: no thread, no task) whose HTTP/1.1 request and
chunked response h11 frames. Arriving data is only stamped with time.monotonic() and queued; it
is parsed once the event loop has read every socket that was ready, so the thousandth listener's
receive time does not include parsing the 999 before it. CLOCK_MONOTONIC is system-wide on
Linux, so these stamps compare with the send times the poster takes in another process.

The benchmark starts this file as a child process (ListenerProcess below) and sends it one JSON
line per command on stdin; each command gets one JSON line back on stdout:

  open       streams ([circle, after] pairs) to a URL with a session cookie; answers when every
             one has its response headers, or at the timeout: live (in all and by circle),
             failed, seconds
  wait       {tag: count}: the receive times of each tag's message, once `count` listeners have
             it or at the timeout, and how many messages came twice since the last wait
  reconnect  drops every stream at once and opens them all again at once, each with the last
             message id it saw (Last-Event-ID), as a browser's EventSource does after a restart
  close      drops every stream

A message's body starts with "bench <tag>" (message_body), which is how a receipt is matched to
its send; every other event (retry, hello, heartbeats, end) is ignored.
"""

import asyncio
import json
import resource
import select
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import h11
import psutil

BODY_PREFIX = "bench "
# Streams waiting for their headers at once while a scenario opens them; a reconnect storm has
# no such limit.
OPEN_CONCURRENCY = 200
# How long past a command's own timeout the controller waits for its answer (parsing thousands
# of streams' data at the end of a wait takes a moment).
ANSWER_GRACE = 30


def message_body(tag, note=""):
    """The body of benchmark message `tag`: the tag first, so each receipt names its send."""
    return f"{BODY_PREFIX}{tag} {note}".strip()


def tag_of(body):
    if not body.startswith(BODY_PREFIX):
        return None
    word = body[len(BODY_PREFIX) :].split(" ", 1)[0]
    return int(word) if word.isdigit() else None


def raise_open_file_limit():
    """Thousands of sockets need thousands of descriptors: take the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Stream(asyncio.Protocol):
    """One listener's connection: its h11 state, the data not parsed yet, the last id it saw.

    `index` names the listener across reconnects, so a message it gets twice is a duplicate.
    """

    def __init__(self, fleet, index, circle, after, last_event_id=None):
        self.fleet = fleet
        self.index = index
        self.circle = circle
        self.after = after
        self.last_event_id = last_event_id
        self.last_id = after if last_event_id is None else last_event_id
        self.http = h11.Connection(h11.CLIENT)
        self.unparsed = []
        self.text = b""
        self.transport = None
        self.answered_at = None
        self.answered = fleet.loop.create_future()  # True at a 200's headers, else False

    def request(self):
        target = f"/api/messages/stream/?circle={self.circle}&after={self.after}"
        headers = [
            ("Host", self.fleet.host),
            ("Accept", "text/event-stream"),
            ("Cache-Control", "no-cache"),
        ]
        if self.last_event_id is not None:  # as EventSource resumes: same URL, this header
            headers.append(("Last-Event-ID", str(self.last_event_id)))
        if self.fleet.cookie:
            headers.append(("Cookie", self.fleet.cookie))
        request = h11.Request(method="GET", target=target, headers=headers)
        return self.http.send(request) + self.http.send(h11.EndOfMessage())

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request())

    def data_received(self, data):
        self.unparsed.append((time.monotonic(), data))
        self.fleet.parse_soon(self)

    def eof_received(self):
        self.unparsed.append((time.monotonic(), b""))  # h11 reads b"" as the end
        self.fleet.parse_soon(self)

    def connection_lost(self, exc):
        self.transport = None
        self.answer(False, time.monotonic())

    def drop(self):
        if self.transport is not None:
            self.transport.abort()
        self.answer(False, time.monotonic())

    def answer(self, ok, arrived):
        if not self.answered.done():
            self.answered_at = arrived
            self.answered.set_result(ok)

    def parse(self):
        unparsed, self.unparsed = self.unparsed, []
        for arrived, data in unparsed:
            try:
                self.http.receive_data(data)
                while (event := self.http.next_event()) not in (h11.NEED_DATA, h11.PAUSED):
                    if not self.handle(event, arrived):
                        self.drop()
                        return
            except h11.RemoteProtocolError:
                self.drop()
                return

    def handle(self, event, arrived):
        """Takes one h11 event; False when the stream is over (refused, ended or closed)."""
        if isinstance(event, h11.Response):
            self.answer(event.status_code == 200, arrived)
            return event.status_code == 200
        if isinstance(event, h11.Data):
            self.feed(event.data, arrived)
        return not isinstance(event, h11.EndOfMessage | h11.ConnectionClosed)

    def feed(self, data, arrived):
        """SSE text: an event ends at a blank line; its last piece arrived at `arrived`."""
        self.text += data.replace(b"\r\n", b"\n")
        *events, self.text = self.text.split(b"\n\n")
        for block in events:
            self.event(block, arrived)

    def event(self, block, arrived):
        fields, data = {}, []
        for line in block.split(b"\n"):
            name, _, value = line.partition(b":")
            value = value.removeprefix(b" ")
            if name == b"data":
                data.append(value)
            elif name:  # a line starting with ":" is a comment (heartbeat)
                fields[name] = value
        if fields.get(b"event", b"message") != b"message" or not data:
            return
        message = json.loads(b"\n".join(data))
        if fields.get(b"id", b"").isdigit():
            self.last_id = int(fields[b"id"])
        tag = tag_of(message.get("body", ""))
        if tag is not None:
            self.fleet.received(tag, self.index, arrived)


class Fleet:
    """Every stream of the process, the receipts of each tagged message, and the commands."""

    def __init__(self, loop):
        self.loop = loop
        self.streams = []
        self.dirty = {}  # streams with unparsed data, in arrival order
        self.parse_scheduled = False
        # tag -> {listener index: receive time}, kept while the streams are, so a message a
        # listener gets again (a replay after a reconnect) is a duplicate whenever it comes.
        self.receipts = defaultdict(dict)
        self.duplicates = 0  # since the last wait answered
        self.waiting = {}  # tag -> (count, future)
        self.address = self.host = self.cookie = None

    def parse_soon(self, stream):
        # call_soon from an I/O callback runs after every socket of this loop pass was read.
        self.dirty[stream] = None
        if not self.parse_scheduled:
            self.parse_scheduled = True
            self.loop.call_soon(self.parse_dirty)

    def parse_dirty(self):
        self.parse_scheduled = False
        dirty, self.dirty = self.dirty, {}
        for stream in dirty:
            stream.parse()

    def received(self, tag, index, arrived):
        seen = self.receipts[tag]
        if index in seen:
            self.duplicates += 1
            return
        seen[index] = arrived
        count, done = self.waiting.get(tag, (None, None))
        if count is not None and len(seen) >= count and not done.done():
            done.set_result(None)

    async def connect(self, streams, concurrency, deadline):
        """Opens the streams, at most `concurrency` waiting for headers at once; how many live."""
        gate = asyncio.Semaphore(concurrency or max(1, len(streams)))

        async def connect_one(stream):
            async with gate:
                try:
                    async with asyncio.timeout_at(deadline):
                        await self.loop.create_connection(lambda: stream, *self.address)
                        return await asyncio.shield(stream.answered)
                except (OSError, TimeoutError):
                    stream.drop()
                    return False

        return sum(await asyncio.gather(*(connect_one(s) for s in streams)))

    def opening_report(self, streams, live, started):
        """How many streams are live (by circle too), and when the last of them had headers."""
        opened = [s for s in streams if s.answered.done() and s.answered.result()]
        return {
            "live": live,
            "failed": len(streams) - live,
            "live_by_circle": Counter(s.circle for s in opened),
            "seconds": max((s.answered_at for s in opened), default=started) - started,
        }

    async def open(self, url, cookie, streams, timeout, concurrency=OPEN_CONCURRENCY):
        parts = urlsplit(url)
        self.address, self.host, self.cookie = (parts.hostname, parts.port), parts.netloc, cookie
        started = time.monotonic()
        first = len(self.streams)
        new = [Stream(self, first + n, circle, after) for n, (circle, after) in enumerate(streams)]
        self.streams += new
        live = await self.connect(new, concurrency, started + timeout)
        return self.opening_report(new, live, started)

    async def reconnect(self, timeout):
        dropped_at = time.monotonic()
        for stream in self.streams:
            stream.drop()
        self.streams = [Stream(self, s.index, s.circle, s.after, s.last_id) for s in self.streams]
        live = await self.connect(self.streams, None, dropped_at + timeout)
        return {**self.opening_report(self.streams, live, dropped_at), "dropped_at": dropped_at}

    async def wait(self, tags, timeout):
        deadline = time.monotonic() + timeout
        futures = []
        for tag, count in ((int(t), c) for t, c in tags.items()):
            done = self.loop.create_future()
            self.waiting[tag] = (count, done)
            if len(self.receipts[tag]) >= count:
                done.set_result(None)
            futures.append(done)
        try:
            async with asyncio.timeout_at(deadline):
                await asyncio.gather(*futures)
        except TimeoutError:
            self.parse_dirty()  # what arrived in time counts, parsed or not
        times = {}
        for tag in (int(t) for t in tags):
            self.waiting.pop(tag)
            times[tag] = sorted(self.receipts[tag].values())
        duplicates, self.duplicates = self.duplicates, 0
        return {"times": times, "duplicates": duplicates}

    async def close(self):
        for stream in self.streams:
            stream.drop()
        closed, self.streams = len(self.streams), []
        self.receipts.clear()
        self.duplicates = 0
        await asyncio.sleep(0.1)  # let the aborted transports finish closing
        return {"closed": closed}


COMMANDS = {
    "open": Fleet.open,
    "wait": Fleet.wait,
    "reconnect": Fleet.reconnect,
    "close": Fleet.close,
}


async def serve_commands():
    loop = asyncio.get_running_loop()
    fleet = Fleet(loop)
    reader = asyncio.StreamReader(limit=1 << 24)  # an open command lists every stream
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        op = command.pop("op")
        if op == "quit":
            break
        try:
            answer = await COMMANDS[op](fleet, **command)
        except Exception as error:  # the controller raises it
            answer = {"error": f"{op}: {error!r}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


class ListenerProcess:
    """The benchmark's handle on a listener process: it starts one and sends it commands."""

    def __init__(self, log_path):
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.psutil_process = psutil.Process(self.process.pid)

    def alive(self):
        return self.process.poll() is None

    def ask(self, op, within, **fields):
        """Sends a command; its answer must come within `within` s (plus ANSWER_GRACE)."""
        self.process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], within + ANSWER_GRACE)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the listener process did not answer {op}; see {self.log_path}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the listener process failed: {answer['error']}")
        return answer

    def open(self, url, cookie, streams, timeout, concurrency=OPEN_CONCURRENCY):
        """streams: [circle, after] pairs. -> {"live", "failed", "seconds"}"""
        return self.ask(
            "open",
            timeout,
            url=url,
            cookie=cookie,
            streams=streams,
            timeout=timeout,
            concurrency=concurrency,
        )

    def wait(self, tags, timeout):
        """tags: {tag: listeners expected}. -> ({tag: receive times}, messages any listener
        got twice since the last wait)"""
        answer = self.ask("wait", timeout, tags=tags, timeout=timeout)
        return {int(tag): value for tag, value in answer["times"].items()}, answer["duplicates"]

    def reconnect(self, timeout):
        return self.ask("reconnect", timeout, timeout=timeout)

    def close(self):
        return self.ask("close", 10)

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write('{"op": "quit"}\n')
                self.process.stdin.close()
                self.process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._log.close()


if __name__ == "__main__":
    raise_open_file_limit()
    asyncio.run(serve_commands())
