#!/usr/bin/env python3
"""Screenshots for docs/ (facilitator and participant guides), taken in a real browser.

By default it starts the app the way `make up` does, on ports of its own (8090 and 8091) and
with a throwaway database, so a `make up` on port 8080 and its demo keys are left alone. It reads
the URL and the demo keys `make up` prints, takes the pictures, then stops everything it started:

    python scripts/docs-screenshots.py

Against a stack that is already running, give its URL and two keys of one circle instead (the
script posts three messages and issues two participant keys in that circle):

    python scripts/docs-screenshots.py --base-url http://localhost:8080 \\
        --facilitator-key XXXX-XXXX-XXXX-XXXX --participant-key YYYY-YYYY-YYYY-YYYY

Needs Playwright for Python (the acceptance suite's requirements have it) and Debian's chromium
(--chromium to use another). The pictures go to docs/images/ (--out to change). Nothing is
fetched from the internet: the video panel shows its "could not be reached" message, which the
facilitator guide uses to show what a video failure looks like.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_BYTES = 200_000

# The tests' Chromium recipe: Debian's build, quiet and offline, with a fake camera and
# microphone that need no permission prompt.
sys.path.insert(0, str(REPO / "tests"))
from support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="A running stack; default: start one with make up.")
    parser.add_argument("--facilitator-key", help="With --base-url: a facilitator key.")
    parser.add_argument("--participant-key", help="With --base-url: a participant key.")
    parser.add_argument("--port", type=int, default=8090, help="make up: Caddy's port (8090).")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    if args.base_url and not (args.facilitator_key and args.participant_key):
        parser.error("--base-url needs --facilitator-key and --participant-key")
    return args


class MakeUp:
    """`make up` in its own process group on ports of its own, with a throwaway database."""

    def __init__(self, port):
        self.port = port
        self.scratch = Path(tempfile.mkdtemp(prefix="ic-docs-screenshots-"))
        self.log_path = self.scratch / "make-up.log"
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "IC_HTTP_PORT": str(self.port),
            "IC_BACKEND_PORT": str(self.port + 1),
            "DATABASE_URL": f"sqlite:///{self.scratch}/inquirycircle.db",
        }
        self.log = self.log_path.open("w")
        make = shutil.which("make") or sys.exit("make is not installed")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line, no shell)
            [make, "--no-print-directory", "up"],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one below
        )
        return self

    def wait_for_keys(self, timeout=300):
        """The URL and demo keys make up prints, once Caddy answers /api/health/."""
        deadline = time.monotonic() + timeout
        found = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"make up stopped (exit {self.process.returncode}):\n{self.output()}")
            text = self.output()
            url = re.search(r"InquiryCircle is starting at\s+(\S+)", text)
            facilitator = re.search(r"facilitator key:\s+(\S+)", text)
            participant = re.search(r"participant key:\s+(\S+)", text)
            if url and facilitator and participant:
                found = (url.group(1), facilitator.group(1), participant.group(1))
                if healthy(found[0]):
                    return found
            time.sleep(1)
        sys.exit(f"make up did not come up within {timeout} s:\n{self.output()}")

    def output(self):
        return self.log_path.read_text(errors="replace")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            # As Ctrl-C would: honcho stops every process of the Procfile.
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def healthy(base_url):
    if not base_url.startswith(("http://", "https://")):
        return False
    try:
        url = f"{base_url}/api/health/"
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http(s) only)
            return response.status == 200
    except OSError:
        return False


def sign_in(page, base_url, key):
    page.goto(base_url + "/")
    page.get_by_label("Access key").fill(key)
    page.get_by_role("button", name="Enter").click()
    expect(page.get_by_test_id("circle-name")).to_be_visible()
    expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "live")


def send(page, kind, text):
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_test_id("message-body").filter(has_text=text).first).to_be_visible()


def shoot(target, path, **options):
    """A PNG of a page or element; says so when it is over the docs' size budget."""
    target.screenshot(path=str(path), **options)
    size = path.stat().st_size
    note = "" if size <= MAX_BYTES else f"  (over {MAX_BYTES // 1000} KB: crop it)"
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    print(f"  {shown}  {size // 1000} KB{note}")


def take(base_url, facilitator_key, participant_key, out, chromium):
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        # 1. Key entry, as a visitor first sees it.
        visitor = browser.new_context(viewport=DESKTOP)
        page = visitor.new_page()
        page.goto(base_url + "/")
        page.get_by_label("Access key").fill("K7QF-M2ZD-9XHC-R4TB")
        shoot(page, out / "key-entry.png")
        visitor.close()

        # 2. The facilitator's room: a prompt, an announcement and a time cue sent, the video
        # tried (it cannot be reached from here), then keys issued.
        facilitator = browser.new_context(viewport=DESKTOP, permissions=["camera", "microphone"])
        room = facilitator.new_page()
        sign_in(room, base_url, facilitator_key)
        send(room, "Announcement", "Welcome, everyone. We start in a minute.")
        send(room, "Prompt", "What surprised you this week?")
        room.get_by_role("button", name="5 minutes left").click()
        expect(
            room.get_by_test_id("message-body").filter(has_text="5 minutes left")
        ).to_be_visible()
        room.get_by_role("button", name="Join video").click()
        expect(room.get_by_test_id("video-state")).to_have_attribute(
            "data-state", "error", timeout=60_000
        )
        room.evaluate("window.scrollTo(0, 0)")
        shoot(room, out / "facilitator-room.png")

        room.get_by_label("How many").fill("2")
        room.get_by_label("Names (optional)").fill("Ana, Ben")
        room.get_by_role("button", name="Issue keys").click()
        expect(room.get_by_test_id("issued-key")).to_have_count(2)
        panels = room.locator("section[aria-labelledby=composer-title]").locator("..")
        panels.scroll_into_view_if_needed()
        shoot(panels, out / "facilitator-composer-and-keys.png")

        # 3. Join cards for the keys just issued: the first sheet, as it will print.
        cards_link = room.get_by_role("link", name="Print join cards")
        if cards_link.count():
            cards_link.click()
            expect(room.get_by_test_id("join-card-qr").first).to_have_attribute(
                "src", re.compile("^data:")
            )
            shoot(room.get_by_test_id("join-sheet").first, out / "join-cards.png")
        else:
            print("  join-cards.png skipped: this build has no Print join cards")

        # 4. The session rhythm: the schedule in the circle's settings, then a session running
        # with its countdown and the run sheet's next item.
        room.goto(base_url + "/circles")
        room.get_by_role("link", name="Circle settings").click()
        room.get_by_label("Repeats").select_option("weekly")
        room.get_by_label("Day").select_option("1")
        room.get_by_label("Time", exact=True).fill("19:00")
        room.get_by_label("Time zone").select_option("Europe/Berlin")
        room.get_by_label("Duration (minutes)").fill("90")
        room.get_by_role("button", name="Save").click()
        expect(room.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        shoot(room, out / "facilitator-settings.png")
        room.go_back()
        expect(room.get_by_test_id("circle-name")).to_be_visible()
        room.get_by_role("button", name="Edit run sheet").click()
        for kind, text in (("prompt", "What did you notice today?"), ("announcement", "Pairs")):
            room.get_by_label("Item kind").select_option(kind)
            room.get_by_label("Item text").fill(text)
            room.get_by_role("button", name="Add item").click()
            expect(room.get_by_text(text).first).to_be_visible()
        room.get_by_role("button", name="Start session").click()
        room.get_by_role("button", name="5 min", exact=True).click()
        room.get_by_role("button", name=re.compile("^Send next")).click()
        expect(room.get_by_test_id("run-sheet-progress")).to_contain_text("1 of 2 sent")
        rhythm = room.get_by_role("region", name="Session")
        shoot(rhythm, out / "facilitator-session.png")
        timer = room.get_by_role("timer")
        timer.scroll_into_view_if_needed()
        shoot(timer.locator(".."), out / "facilitator-timer.png")
        facilitator.close()

        # 5. A participant on a phone: the pinned prompt, the video panel and the feed.
        phone = browser.new_context(
            viewport=PHONE,
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
            permissions=["camera", "microphone"],
        )
        page = phone.new_page()
        sign_in(page, base_url, participant_key)
        expect(page.get_by_test_id("current-prompt")).to_contain_text("What did you notice today?")
        shoot(page, out / "participant-phone.png")
        phone.close()

        browser.close()


def main():
    args = parse_args()
    print(f"Screenshots into {args.out}")
    if args.base_url:
        base_url = args.base_url.rstrip("/")
        take(base_url, args.facilitator_key, args.participant_key, args.out, args.chromium)
        return
    with MakeUp(args.port) as stack:
        base_url, facilitator_key, participant_key = stack.wait_for_keys()
        print(f"make up is serving {base_url}")
        take(base_url, facilitator_key, participant_key, args.out, args.chromium)


if __name__ == "__main__":
    main()
