"""The benchmark's poster: one message per POST /api/messages/, its send time taken just before
the request's first byte goes out.

A raw socket, and the request's bytes made before the clock starts: an HTTP client library
spends a millisecond or more of its own on each request (httpx.post, twenty), which would be
counted as the server's latency and would swamp the bare broadcaster's. Each post has a fresh
connection (Connection: close), so the kernel hands it to either worker and deliveries cross
workers, as they do when many facilitators post.
"""

import json
import socket
import time
from urllib.parse import urlsplit

import h11

# A post that takes longer has failed, whatever the scenario's own timeout.
POST_TIMEOUT = 10


class PostFailed(Exception):
    pass


class Poster:
    """Posts as one signed-in facilitator (a session cookie and its CSRF token, or nothing for
    the bare broadcaster) and notes each circle's latest sequence number, so new streams can
    start after it instead of replaying the circle's history."""

    def __init__(self, url, cookies=None, csrf_token=None, last_seq=None):
        parts = urlsplit(url)
        self.url = url
        self.address = (parts.hostname, parts.port)
        self.cookies = cookies or {}
        self.csrf_token = csrf_token
        # Shared by the posters of one backend (direct and through Caddy): one database.
        self.last_seq = {} if last_seq is None else last_seq
        self.headers = [
            ("Host", parts.netloc),
            ("Content-Type", "application/json"),
            # As a browser's fetch: Django's CSRF check compares Origin with the host.
            ("Origin", f"{parts.scheme}://{parts.netloc}"),
            ("Connection", "close"),
        ]
        if self.cookies:
            self.headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())))
        if csrf_token:
            self.headers.append(("X-CSRFToken", csrf_token))

    def to(self, url):
        """The same facilitator posting through another address (Caddy in front)."""
        return Poster(url, self.cookies, self.csrf_token, self.last_seq)

    def request(self, http, circle, body):
        payload = json.dumps({"circle": circle, "kind": "announcement", "body": body}).encode()
        headers = [*self.headers, ("Content-Length", str(len(payload)))]
        return (
            http.send(h11.Request(method="POST", target="/api/messages/", headers=headers))
            + http.send(h11.Data(data=payload))
            + http.send(h11.EndOfMessage())
        )

    def post(self, circle, body):
        """Posts one message; returns (send time, the message as answered). Raises PostFailed."""
        http = h11.Connection(h11.CLIENT)
        request = self.request(http, circle, body)
        try:
            with socket.create_connection(self.address, timeout=POST_TIMEOUT) as sock:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sent_at = time.monotonic()
                sock.sendall(request)
                status, answer = read_response(sock, http)
        except (OSError, h11.ProtocolError) as error:
            raise PostFailed(f"{circle}: {error!r}") from error
        if status != 201:
            raise PostFailed(f"{circle}: HTTP {status} {answer[:200]!r}")
        message = json.loads(answer)
        self.last_seq[circle] = max(self.last_seq.get(circle, 0), message["seq"])
        return sent_at, message


def read_response(sock, http):
    status, body = None, b""
    while True:
        event = http.next_event()
        if event is h11.NEED_DATA:
            http.receive_data(sock.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return status, body
