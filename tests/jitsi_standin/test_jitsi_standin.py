"""The Jitsi stand-in, driven by real Chromium through the app's own frontend/src/services/jitsi.js.

A plain page on http://localhost (python -m http.server) imports an unchanged copy of the app's
jitsi.js, loads external_api.js from the stand-in over HTTPS (tls internal, so the context
ignores certificate errors) and goes through join, a second participant, hang-up and dispose.
"""

import json
import shutil
import sys
import time
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import jwt
import port_for
import pytest
from mirakuru import HTTPExecutor
from playwright import sync_api as playwright_api

from support import paths
from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.jitsi_standin import JitsiStandIn

pytestmark = [pytest.mark.server, pytest.mark.e2e]

REPO = paths.REPO
APP_JITSI_JS = REPO / "frontend" / "src" / "services" / "jitsi.js"
SECRET = "stand-in-test-secret-of-at-least-32-bytes"
ROOM = "ic-reading-circle-4f2a"

HOST_PAGE = """<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,"></head>
  <body>
    <div id="meet" style="width: 640px; height: 360px"></div>
    <script type="module">
      import * as jitsi from './jitsi.js'
      window.events = []
      window.jitsi = jitsi
      window.hostReady = true
    </script>
  </body>
</html>
"""

START_MEETING = """async ([scriptUrl, config]) => {
  const Api = await window.jitsi.loadJitsiScript(scriptUrl)
  const record = (name) => (event) => window.events.push([name, event ?? null])
  window.meeting = window.jitsi.startMeeting(Api, config, document.getElementById('meet'), {
    onJoined: record('videoConferenceJoined'),
    onLeft: record('videoConferenceLeft'),
    onReadyToClose: record('readyToClose'),
    onParticipantJoined: record('participantJoined'),
    onParticipantLeft: record('participantLeft'),
  }, { lang: config.lang })
  return window.meeting.getIFrame().src
}"""


def token(room, name, moderator=True):
    now = int(time.time())
    claims = {
        "iss": "inquirycircle-test",
        "aud": "jitsi",
        "sub": "localhost",
        "room": room,
        "nbf": now - 10,
        "exp": now + 600,
        "context": {
            "user": {
                "id": "42",
                "name": name,
                "email": "",
                "avatar": "",
                "affiliation": "owner" if moderator else "member",
            }
        },
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    with JitsiStandIn(tmp_path_factory.mktemp("jitsi-standin")) as server:
        yield server


@pytest.fixture(scope="module")
def host_url(tmp_path_factory):
    """The embedding page, with an unchanged copy of the app's jitsi.js, on http://localhost."""
    folder = tmp_path_factory.mktemp("host-page")
    (folder / "index.html").write_text(HOST_PAGE)
    shutil.copy(APP_JITSI_JS, folder / "jitsi.js")
    port = port_for.select_random()
    server = HTTPExecutor(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        url=f"http://127.0.0.1:{port}/index.html",
        cwd=str(folder),
        timeout=20,
    )
    server.start()
    try:
        yield f"http://localhost:{port}/index.html"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def host(chromium, host_url, standin):
    standin.reset()
    context = chromium.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(host_url)
    page.wait_for_function("() => window.hostReady === true")
    try:
        yield page
    finally:
        context.close()


def events(page, name):
    return [data for event, data in page.evaluate("() => window.events") if event == name]


def wait_for_event(page, name, timeout=15_000):
    page.wait_for_function(
        "(name) => window.events.some(([event]) => event === name)", arg=name, timeout=timeout
    )
    return events(page, name)[-1]


def test_the_apps_jitsi_service_joins_and_leaves_a_meeting(host, standin):
    page = host
    config = {
        "domain": standin.domain,
        "room_name": ROOM,
        "jwt": token(ROOM, "Ada Facilitator"),
        "user_info": {"displayName": "Ada Facilitator"},
        "config_overwrite": {"prejoinConfig": {"enabled": False}, "startWithAudioMuted": True},
        "interface_config_overwrite": {"SHOW_JITSI_WATERMARK": False},
        "lang": "de",
    }
    src = page.evaluate(START_MEETING, [standin.script_url, config])

    # The iframe URL is built as Jitsi's: room in the path, jwt and lang in the query, the rest
    # in the hash.
    url = urlsplit(src)
    assert f"{url.scheme}://{url.netloc}" == standin.origin
    assert url.path == f"/{ROOM}"
    assert dict(parse_qsl(url.query)) == {"jwt": config["jwt"], "lang": "de"}
    hash_params = dict(part.split("=", 1) for part in url.fragment.split("&"))
    assert next(iter(hash_params)) == "jitsi_meet_external_api_id"
    decoded = {key: json.loads(unquote(value)) for key, value in hash_params.items()}
    assert decoded["jitsi_meet_external_api_id"] == 0
    assert decoded["config.prejoinConfig"] == {"enabled": False}
    assert decoded["config.startWithAudioMuted"] is True
    assert decoded["interfaceConfig.SHOW_JITSI_WATERMARK"] is False
    assert decoded["userInfo.displayName"] == "Ada Facilitator"

    joined = wait_for_event(page, "videoConferenceJoined")
    assert joined["roomName"] == ROOM
    assert joined["displayName"] == "Ada Facilitator"
    assert len(joined["id"]) == 8

    # What the meeting page was given, as the recorder saw it.
    [received] = standin.wait_for_received(1)
    assert received["room"] == ROOM
    assert received["jwt"] == config["jwt"]
    assert received["lang"] == "de"
    assert received["claims"]["room"] == ROOM
    assert received["claims"]["context"]["user"]["affiliation"] == "owner"
    assert received["displayName"] == "Ada Facilitator"
    assert received["config"] == config["config_overwrite"]
    assert received["interfaceConfig"] == config["interface_config_overwrite"]
    assert received["media"] == "audio+video"  # Chromium's fake camera and microphone

    # The meeting page plays the local (fake) camera.
    frame = page.frame(name="jitsiConferenceFrame0")
    frame.wait_for_function("() => document.getElementById('localVideo').videoWidth > 0")

    # A request with an id gets its response; a second person shows up as participantJoined.
    assert page.evaluate("() => window.meeting.isAudioMuted()") is True
    frame.evaluate(
        "() => window.jitsiStandIn.participantJoined({id: 'b0b0b0b0', displayName: 'Bo'})"
    )
    other = wait_for_event(page, "participantJoined")
    assert other == {"id": "b0b0b0b0", "displayName": "Bo", "formattedDisplayName": "Bo"}
    assert page.evaluate("() => window.meeting.getNumberOfParticipants()") == 2

    # hangUp() sends `video-hangup`; the page answers videoConferenceLeft, then readyToClose.
    page.evaluate("() => window.jitsi.hangUp(window.meeting)")
    assert wait_for_event(page, "videoConferenceLeft") == {"roomName": ROOM}
    wait_for_event(page, "readyToClose")
    order = [event for event, _ in page.evaluate("() => window.events")]
    assert order.index("videoConferenceLeft") < order.index("readyToClose")
    assert frame.evaluate("() => window.jitsiStandIn.state.commands") == [
        {"name": "video-hangup", "data": []}
    ]

    page.evaluate("() => window.jitsi.disposeMeeting(window.meeting)")
    assert page.locator("iframe").count() == 0
    page.evaluate("() => window.jitsi.disposeMeeting(window.meeting)")  # twice is harmless
    assert page.errors == []


@pytest.mark.parametrize("moderator", [True, False], ids=["moderator", "member"])
def test_kick_participant_is_obeyed_from_a_moderator_only(host, standin, moderator):
    page = host
    config = {
        "domain": standin.domain,
        "room_name": ROOM,
        "jwt": token(ROOM, "Ada", moderator=moderator),
        "user_info": {"displayName": "Ada"},
    }
    page.evaluate(START_MEETING, [standin.script_url, config])
    wait_for_event(page, "videoConferenceJoined")
    frame = page.frame(name="jitsiConferenceFrame0")
    frame.evaluate(
        "() => window.jitsiStandIn.participantJoined({id: 'k1k1k1k1', displayName: 'Kim'})"
    )
    frame.evaluate(
        "() => window.jitsiStandIn.participantJoined({id: 'b0b0b0b0', displayName: 'Bo'})"
    )
    page.wait_for_function("() => window.meeting.getNumberOfParticipants() === 3")

    removed = page.evaluate(
        """async () => {
      const ids = window.jitsi.removeByName(
        window.meeting, { k1k1k1k1: 'Kim', b0b0b0b0: 'Bo' }, 'Kim')
      await window.meeting.isAudioMuted() // answered after the kick: the page has seen it
      return ids
    }"""
    )

    assert removed == ["k1k1k1k1"]
    commands = frame.evaluate("() => window.jitsiStandIn.state.commands")
    assert commands == [{"name": "kick-participant", "data": ["k1k1k1k1"]}]
    if moderator:
        assert wait_for_event(page, "participantLeft") == {"id": "k1k1k1k1"}
        assert page.evaluate("() => window.meeting.getNumberOfParticipants()") == 2
        assert frame.locator("#participant_k1k1k1k1").count() == 0
    else:
        page.evaluate("() => window.meeting.isAudioMuted()")  # a round trip after the kick
        assert events(page, "participantLeft") == []
        assert frame.locator("#participant_k1k1k1k1").count() == 1
    assert frame.locator("#participant_b0b0b0b0").count() == 1
    assert page.errors == []


def test_listeners_defaults_and_a_meeting_without_token(host, standin):
    """document.body as parent, no jwt, on/off/removeListener, and a second instance's scope."""
    page = host
    result = page.evaluate(
        """async ([scriptUrl, domain]) => {
      const Api = await window.jitsi.loadJitsiScript(scriptUrl)
      const first = new Api(domain, { roomName: 'Mixed-Case' })
      const second = new Api(domain, { roomName: 'other', userInfo: { displayName: 'Cy' } })
      const seen = []
      const dropped = () => seen.push('dropped')
      second.on('videoConferenceJoined', dropped)
      second.off('videoConferenceJoined', dropped)
      second.addListener('videoConferenceJoined', (e) => seen.push(e.displayName))
      const joined = new Promise((resolve) => first.addListener('videoConferenceJoined', resolve))
      const event = await joined
      while (!seen.length) await new Promise((resolve) => setTimeout(resolve, 50))
      const inBody = first.getIFrame().parentNode === document.body
      const srcs = [first.getIFrame().src, second.getIFrame().src]
      first.dispose()
      second.dispose()
      return { event, seen, inBody, srcs, left: document.querySelectorAll('iframe').length }
    }""",
        [standin.script_url, standin.domain],
    )
    assert result["event"]["roomName"] == "mixed-case"  # Jitsi lower-cases the conference name
    assert result["seen"] == ["Cy"]
    assert result["inBody"] is True
    assert result["left"] == 0
    first_src, second_src = result["srcs"]
    assert first_src.startswith(f"{standin.origin}/Mixed-Case#jitsi_meet_external_api_id=0&")
    assert second_src.startswith(f"{standin.origin}/other#jitsi_meet_external_api_id=1&")
    received = standin.wait_for_received(2)
    assert sorted(item["room"] for item in received) == ["mixed-case", "other"]
    assert all(item["jwt"] is None and item["claims"] is None for item in received)
    assert page.errors == []


def test_recorder_reset_and_room_page_for_any_path(standin):
    standin.reset()
    with httpx.Client(verify=standin.ssl_context(), timeout=5) as client:
        assert client.get(f"{standin.origin}/tenant/some-room").text.startswith("<!doctype html>")
        script = client.get(standin.script_url)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        client.post(f"{standin.origin}/__standin/record", json={"room": "x"}).raise_for_status()
    assert standin.received() == [{"room": "x", "claims": None}]
    standin.reset()
    assert standin.received() == []
