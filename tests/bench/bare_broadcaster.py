"""The benchmark's yardstick: the least an SSE broadcaster can do, in a few tens of lines.

No framework, no database, no sessions (cookies are ignored): GET /api/messages/stream/?circle=X
keeps the connection, and POST /api/messages/ numbers the message and writes it to every stream
of its circle at once, in the backend's event format. Whatever the real backend takes beyond this
on the same machine, in the same run, is what Django, the database and the workers cost;
sse_delivery.py prints that ratio. It runs as its own process, so it gets its own core time as
the backend's workers do:

    python tests/bench/bare_broadcaster.py --port 8765
"""

import argparse
import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)

streams = defaultdict(set)  # circle slug -> the writers of its open streams
last_seq = defaultdict(int)  # circle slug -> its latest message's number


def chunk(text):
    """One piece of a chunked body: the stream is framed as uvicorn frames the backend's."""
    data = text.encode()
    return b"%x\r\n%s\r\n" % (len(data), data)


def respond(writer, status, payload):
    body = json.dumps(payload).encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    writer.write(f"{head}\r\nConnection: close\r\n\r\n".encode() + body)


def post(message):
    """Numbers the message in its circle and writes it to every stream of that circle."""
    circle = message["circle"]
    last_seq[circle] += 1
    data = {
        "seq": last_seq[circle],
        "kind": message.get("kind", "announcement"),
        "body": message["body"],
        "author": "bare",
        "created": datetime.now(UTC).isoformat(),
    }
    event = chunk(f"id: {data['seq']}\ndata: {json.dumps(data)}\n\n")
    for writer in streams[circle]:
        writer.write(event)
    return data


async def stream(circle, reader, writer):
    """Holds the stream open until the client goes; the posts write to it meanwhile."""
    writer.write(STREAM_HEAD + chunk("retry: 3000\n\n"))
    streams[circle].add(writer)
    try:
        while await reader.read(4096):
            pass
    finally:
        streams[circle].discard(writer)


async def read_request(reader):
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    request_line, *lines = head.split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = {name.lower(): value.strip() for name, _, value in (x.partition(":") for x in lines)}
    body = await reader.readexactly(int(headers.get("content-length") or 0))
    return method, urlsplit(target), body


async def handle(reader, writer):
    """One request per connection (answers say Connection: close), except a stream."""
    try:
        method, target, body = await read_request(reader)
        if method == "GET" and target.path == "/api/messages/stream/":
            await stream(parse_qs(target.query)["circle"][0], reader, writer)
        elif method == "POST" and target.path == "/api/messages/":
            respond(writer, "201 Created", post(json.loads(body)))
        elif method == "GET" and target.path == "/api/health/":
            respond(writer, "200 OK", {"status": "ok"})
        else:
            respond(writer, "404 Not Found", {"error": "not_found"})
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(host, port):
    # gunicorn's default backlog: a reconnect storm meets the same queue here as there.
    server = await asyncio.start_server(handle, host, port, backlog=2048)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
