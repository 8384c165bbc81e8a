"""The Jitsi stand-in's backend, behind Caddy (which adds HTTPS): python recorder.py PORT SITE_DIR.

GET  /external_api.js       the bundled IFrame API (site/external_api.js)
GET  /__standin/room.js     the meeting page's script (site/room.js)
GET  /__standin/health      "ok" (readiness probe)
GET  /__standin/received    JSON list of what meeting pages reported, oldest first
POST /__standin/record      a meeting page reports {room, jwt, displayName, config, ...}
POST /__standin/reset       forget everything received
GET  anything else          the meeting page (site/room.html): /<room>, /<tenant>/<room>
"""

import json
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

MAX_BODY = 1_000_000
SCRIPTS = {"/external_api.js": "external_api.js", "/__standin/room.js": "room.js"}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, item):
        with self.lock:
            self.items.append(item)

    def snapshot(self):
        with self.lock:
            return list(self.items)

    def clear(self):
        with self.lock:
            self.items.clear()


def make_handler(site_dir, recorder):
    site_dir = Path(site_dir)

    class Handler(BaseHTTPRequestHandler):
        server_version = "JitsiStandIn"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            sys.stderr.write(f"recorder: {self.command} {self.path} {format % args}\n")

        def _send(self, status, body=b"", content_type="text/plain; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, value, status=HTTPStatus.OK):
            self._send(status, json.dumps(value).encode(), "application/json")

        def _file(self, name, content_type):
            path = site_dir / name
            if not path.is_file():
                self._send(HTTPStatus.NOT_FOUND, f"{name} is not built: npm run build\n".encode())
                return
            self._send(HTTPStatus.OK, path.read_bytes(), content_type)

        def do_GET(self):
            path = urlsplit(self.path).path
            if path in SCRIPTS:
                self._file(SCRIPTS[path], "text/javascript; charset=utf-8")
            elif path == "/__standin/health":
                self._send(HTTPStatus.OK, b"ok")
            elif path == "/__standin/received":
                self._json(recorder.snapshot())
            elif path == "/favicon.ico":
                self._send(HTTPStatus.NO_CONTENT)
            elif path.startswith("/__standin/"):
                self._send(HTTPStatus.NOT_FOUND, b"not found\n")
            else:
                self._file("room.html", "text/html; charset=utf-8")

        do_HEAD = do_GET

        def do_POST(self):
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                return
            body = self.rfile.read(length)
            if path == "/__standin/record":
                try:
                    item = json.loads(body)
                except ValueError:
                    self._send(HTTPStatus.BAD_REQUEST, b"expected JSON\n")
                    return
                if not isinstance(item, dict):
                    self._send(HTTPStatus.BAD_REQUEST, b"expected a JSON object\n")
                    return
                recorder.add(item)
                self._send(HTTPStatus.NO_CONTENT)
            elif path == "/__standin/reset":
                recorder.clear()
                self._send(HTTPStatus.NO_CONTENT)
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n")

    return Handler


def main(argv):
    port, site_dir = int(argv[1]), argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(site_dir, Recorder()))
    server.daemon_threads = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv)
