"""The facilitator's run sheet: GET/POST /api/circles/<slug>/run-sheet/, PATCH/DELETE
.../run-sheet/<id>/, PUT .../run-sheet/order/ and POST .../run-sheet/next/, which sends the
next item of the open session."""

import pytest

from facilitation.models import Message
from rhythm.models import MAX_RUN_SHEET_ITEMS, RunSheetItem

SHEET = "/api/circles/circle-a/run-sheet/"
ORDER = SHEET + "order/"
NEXT = SHEET + "next/"
SESSIONS = "/api/circles/circle-a/sessions/"


def item_url(item_id):
    return f"{SHEET}{item_id}/"


def add(client, **item):
    response = client.post(SHEET, item)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def sheet(facilitator):
    """A prompt, a 2-minute timer and an announcement, in that order."""
    return [
        add(facilitator, kind="prompt", body="What did you notice?"),
        add(facilitator, kind="timer", body="Pairs", minutes=2),
        add(facilitator, kind="announcement", body="Break."),
    ]


def test_a_facilitator_builds_the_run_sheet(facilitator, sheet):
    response = facilitator.get(SHEET)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": sheet[0]["id"],
                "kind": "prompt",
                "body": "What did you notice?",
                "minutes": None,
            },
            {"id": sheet[1]["id"], "kind": "timer", "body": "Pairs", "minutes": 2},
            {"id": sheet[2]["id"], "kind": "announcement", "body": "Break.", "minutes": None},
        ],
        "position": 0,
        "total": 3,
    }


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"kind": "prompt"}, "body"),
        ({"kind": "prompt", "body": "   "}, "body"),
        ({"kind": "announcement", "body": "x" * 2001}, "body"),
        ({"kind": "prompt", "body": "Hi", "minutes": 2}, "minutes"),
        ({"kind": "timer"}, "minutes"),
        ({"kind": "timer", "minutes": 0}, "minutes"),
        ({"kind": "timer", "minutes": 241}, "minutes"),
        ({"kind": "timer", "minutes": "2"}, "minutes"),
        ({"kind": "timer", "minutes": 2, "body": "x" * 121}, "body"),
        ({"kind": "time_cue", "body": "Hi"}, "kind"),
        ({"body": "Hi"}, "kind"),
    ],
)
def test_a_malformed_item_is_refused(facilitator, item, field):
    response = facilitator.post(SHEET, item)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not RunSheetItem.objects.exists()


def test_a_timer_item_may_go_without_a_label(facilitator):
    assert add(facilitator, kind="timer", minutes=240) == {
        "id": RunSheetItem.objects.get().pk,
        "kind": "timer",
        "body": "",
        "minutes": 240,
    }


def test_the_run_sheet_holds_at_most_100_items(facilitator, circle_a):
    RunSheetItem.objects.bulk_create(
        RunSheetItem(circle=circle_a, position=n, kind="prompt", body=f"#{n}")
        for n in range(MAX_RUN_SHEET_ITEMS)
    )

    response = facilitator.post(SHEET, {"kind": "prompt", "body": "One more"})

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A run sheet holds at most 100 items. Remove one to add another."
    )


def test_a_facilitator_changes_an_item(facilitator, sheet):
    response = facilitator.patch(item_url(sheet[0]["id"]), {"body": "What surprised you?"})

    assert response.status_code == 200
    assert response.json() == {**sheet[0], "body": "What surprised you?"}


def test_an_item_changed_into_a_timer_needs_minutes_and_a_timer_made_a_prompt_drops_them(
    facilitator, sheet
):
    refused = facilitator.patch(item_url(sheet[0]["id"]), {"kind": "timer"})
    made_prompt = facilitator.patch(item_url(sheet[1]["id"]), {"kind": "prompt"})

    assert refused.status_code == 400
    assert refused.json()["detail"] == "minutes: A timer needs minutes: 1 to 240."
    assert made_prompt.status_code == 200
    assert made_prompt.json() == {**sheet[1], "kind": "prompt", "minutes": None}


def test_a_facilitator_removes_an_item(facilitator, sheet):
    response = facilitator.delete(item_url(sheet[1]["id"]))

    assert response.status_code == 204
    assert [i["id"] for i in facilitator.get(SHEET).json()["items"]] == [
        sheet[0]["id"],
        sheet[2]["id"],
    ]


def test_an_item_of_another_circle_is_404(facilitator, sheet, circle_b):
    other = RunSheetItem.objects.create(circle=circle_b, kind="prompt", body="B's")

    for response in (
        facilitator.patch(item_url(other.pk), {"body": "Mine now"}),
        facilitator.delete(item_url(other.pk)),
        facilitator.delete(item_url(2**63 + 5)),
    ):
        assert response.status_code == 404
        assert response.json()["detail"].startswith("This circle's run sheet has no item with id")
    assert RunSheetItem.objects.get(pk=other.pk).body == "B's"


def test_a_facilitator_reorders_the_run_sheet(facilitator, sheet):
    ids = [sheet[2]["id"], sheet[0]["id"], sheet[1]["id"]]

    response = facilitator.put(ORDER, {"ids": ids})

    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == ids
    assert [i["id"] for i in facilitator.get(SHEET).json()["items"]] == ids


@pytest.mark.parametrize(
    "order",
    [
        lambda ids: ids[:2],
        lambda ids: [*ids, ids[0]],
        lambda ids: [ids[0], ids[0], ids[1]],
        lambda ids: [*ids[:2], 999999],
        lambda ids: [],
    ],
)
def test_an_order_that_is_not_exactly_the_items_is_400(facilitator, sheet, order):
    ids = [item["id"] for item in sheet]

    response = facilitator.put(ORDER, {"ids": order(ids)})

    assert response.status_code == 400
    assert (
        response.json()["detail"] == "ids: Must name each of the run sheet's 3 items exactly once."
    )
    assert [i["id"] for i in facilitator.get(SHEET).json()["items"]] == ids


def send_next(client):
    response = client.post(NEXT)
    assert response.status_code == 200, response.content
    return response.json()


def test_next_sends_each_item_in_turn(facilitator, participant, sheet, circle_a):
    session = facilitator.post(SESSIONS).json()["id"]

    first = send_next(facilitator)
    assert first == {"sent": sheet[0], "position": 1, "total": 3}
    prompt = Message.objects.get(kind="prompt")
    assert (prompt.body, prompt.session_id, prompt.author_name) == (
        "What did you notice?",
        session,
        "Fay A",
    )
    assert participant.get("/api/circles/circle-a/").json()["current_prompt"]["body"] == (
        "What did you notice?"
    )

    second = send_next(facilitator)
    assert second == {"sent": sheet[1], "position": 2, "total": 3}
    rhythm = participant.get("/api/circles/circle-a/rhythm/").json()
    assert rhythm["timer"]["state"] == "running"
    assert (rhythm["timer"]["duration_seconds"], rhythm["timer"]["label"]) == (120, "Pairs")
    assert rhythm["run_sheet"] == {"position": 2, "total": 3}

    third = send_next(facilitator)
    assert third["sent"] == sheet[2]
    assert Message.objects.filter(kind="announcement").get().body == "Break."


def test_next_without_a_session_is_409(facilitator, sheet):
    response = facilitator.post(NEXT)

    assert response.status_code == 409
    assert response.json()["detail"] == "No session is open. Start one to send the run sheet."
    assert not Message.objects.exists()


def test_next_after_the_last_item_is_409(facilitator, sheet):
    facilitator.post(SESSIONS)
    for _ in sheet:
        send_next(facilitator)

    response = facilitator.post(NEXT)

    assert response.status_code == 409
    assert response.json()["detail"] == "Every item of the run sheet has been sent in this session."


def test_a_new_session_sends_the_sheet_from_the_top(facilitator, sheet):
    facilitator.post(SESSIONS)
    send_next(facilitator)
    facilitator.post(SESSIONS + "current/end/")
    assert facilitator.get(SHEET).json()["position"] == 0

    facilitator.post(SESSIONS)

    assert facilitator.get(SHEET).json()["position"] == 0
    assert send_next(facilitator)["sent"] == sheet[0]


def test_removing_a_sent_item_keeps_the_next_one_next(facilitator, sheet):
    facilitator.post(SESSIONS)
    send_next(facilitator)

    facilitator.delete(item_url(sheet[0]["id"]))

    assert facilitator.get(SHEET).json()["position"] == 0
    assert send_next(facilitator)["sent"] == sheet[1]


def test_participants_see_the_progress_but_not_the_sheet(participant, facilitator, sheet):
    facilitator.post(SESSIONS)
    send_next(facilitator)

    assert participant.get("/api/circles/circle-a/rhythm/").json()["run_sheet"] == {
        "position": 1,
        "total": 3,
    }
    for response in (
        participant.get(SHEET),
        participant.post(SHEET, {"kind": "prompt", "body": "Mine"}),
        participant.patch(item_url(sheet[0]["id"]), {"body": "Mine"}),
        participant.delete(item_url(sheet[0]["id"])),
        participant.put(ORDER, {"ids": [i["id"] for i in sheet]}),
        participant.post(NEXT),
    ):
        assert response.status_code == 403
        assert response.json()["detail"].startswith("Only the circle's facilitator can ")
    assert RunSheetItem.objects.count() == 3
