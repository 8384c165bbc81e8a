"""Signals: a raised hand (in the order raised, lowered by the facilitator), "I'm here" and
"I need a moment"; all over when the session ends."""

import pytest
from voice.models import Signal

SIGNAL_KINDS = ["hand", "here", "moment"]
SIGNALS = "/api/circles/circle-a/signals/"
VOICE = "/api/circles/circle-a/voice/"
MINE = "/api/circles/circle-a/voice/mine/"


def test_hands_are_listed_in_the_order_raised(participant, second_participant, facilitator, prompt):
    second_participant.post(SIGNALS, {"kind": "hand"})
    participant.post(SIGNALS, {"kind": "hand"})
    participant.post(SIGNALS, {"kind": "here"})

    seen = facilitator.get(VOICE).json()

    assert [h["person"] for h in seen["hands"]] == ["Quinn A", "Pat A"]
    assert [(s["person"], s["kind"]) for s in seen["signals"]] == [("Pat A", "here")]


def test_raising_twice_is_the_same_signal(participant):
    first = participant.post(SIGNALS, {"kind": "hand"})
    again = participant.post(SIGNALS, {"kind": "hand"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Signal.objects.count() == 1


def test_the_facilitator_lowers_a_hand(participant, facilitator):
    raised = participant.post(SIGNALS, {"kind": "hand"}).json()

    response = facilitator.delete(f"{SIGNALS}{raised['id']}/")

    assert response.status_code == 204
    assert facilitator.get(VOICE).json()["hands"] == []
    assert participant.get(MINE).json()["signals"] == {"hand": None, "here": None, "moment": None}


def test_a_participant_lowers_their_own_but_not_anothers(participant, second_participant):
    mine = participant.post(SIGNALS, {"kind": "moment"}).json()

    assert second_participant.delete(f"{SIGNALS}{mine['id']}/").status_code == 404
    assert participant.get(MINE).json()["signals"]["moment"] == mine["id"]
    assert participant.delete(f"{SIGNALS}{mine['id']}/").status_code == 204
    assert participant.get(MINE).json()["signals"]["moment"] is None


def test_ending_the_session_lowers_every_signal(participant, facilitator, prompt):
    participant.post(SIGNALS, {"kind": "hand"})
    facilitator.post("/api/circles/circle-a/sessions/current/end/")

    assert facilitator.get(VOICE).json()["hands"] == []
    assert participant.get(MINE).json()["signals"]["hand"] is None
    # And a new hand can go up.
    assert participant.post(SIGNALS, {"kind": "hand"}).status_code == 201


@pytest.mark.parametrize("body", [{"kind": "wave"}, {}, {"kind": ["hand"]}])
def test_an_unknown_signal_is_400(participant, body):
    response = participant.post(SIGNALS, body)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("kind: ")


def test_a_facilitator_raises_no_signals(facilitator):
    assert facilitator.post(SIGNALS, {"kind": "hand"}).status_code == 403


def test_signals_count_against_the_limit(participant, settings):
    settings.RESPONSE_LIMIT = 2
    codes = [participant.post(SIGNALS, {"kind": kind}).status_code for kind in SIGNAL_KINDS]

    assert codes == [201, 201, 429]
