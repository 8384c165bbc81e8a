"""POST /api/circles/<slug>/responses/ and .../share/; the facilitator's GET .../voice/ and a
participant's GET .../voice/mine/: a response is the facilitator's alone until shared."""

import pytest
from voice.models import PromptResponse

from facilitation.models import Message
from live.models import Change

RESPONSES = "/api/circles/circle-a/responses/"
VOICE = "/api/circles/circle-a/voice/"
MINE = "/api/circles/circle-a/voice/mine/"


def share_path(response_id):
    return f"{RESPONSES}{response_id}/share/"


def test_a_participant_responds_to_the_pinned_prompt(participant, prompt, participant_a):
    response = participant.post(RESPONSES, {"body": "How quiet it was"})

    assert response.status_code == 201
    body = response.json()
    assert body["prompt"] == {"seq": prompt.seq, "body": "What surprised you?"}
    assert (body["author"], body["body"], body["shared"]) == ("Pat A", "How quiet it was", None)
    stored = PromptResponse.objects.get()
    assert (stored.author, stored.prompt, stored.session) == (
        participant_a.record,
        prompt,
        prompt.session,
    )
    change = Change.objects.filter(kind=Change.Kind.VOICE).last()
    assert (change.circle_id, change.key_id) == (prompt.circle_id, participant_a.record.pk)


def test_the_facilitator_sees_it_and_other_participants_do_not(
    participant, second_participant, facilitator, prompt
):
    participant.post(RESPONSES, {"body": "Private to Fay"})

    seen = facilitator.get(VOICE).json()
    assert [(r["author"], r["body"]) for r in seen["responses"]] == [("Pat A", "Private to Fay")]
    assert second_participant.get(MINE).json()["responses"] == []
    assert second_participant.get(VOICE).status_code == 403
    feed = second_participant.get("/api/messages/?circle=circle-a").json()["results"]
    assert "Private to Fay" not in str(feed)
    assert [r["body"] for r in participant.get(MINE).json()["responses"]] == ["Private to Fay"]


def test_without_a_pinned_prompt_a_response_is_409(participant, circle_a):
    response = participant.post(RESPONSES, {"body": "Anyone?"})

    assert response.status_code == 409
    assert "No prompt is pinned" in response.json()["detail"]
    assert not PromptResponse.objects.exists()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"body": "   "}, "body: Must not be blank."),
        ({"body": "x" * 501}, "body: Ensure this field has no more than 500 characters."),
        ({"body": 7}, "body: Must be a string."),
        ({}, "body: This field is required."),
    ],
)
def test_a_bad_response_is_400(participant, prompt, body, detail):
    response = participant.post(RESPONSES, body)

    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_a_facilitator_cannot_respond(facilitator, prompt):
    response = facilitator.post(RESPONSES, {"body": "Me too"})

    assert response.status_code == 403
    assert "Only the circle's participants respond" in response.json()["detail"]


@pytest.mark.parametrize(
    ("shared_as", "shown_as"), [("named", "Pat A"), ("anonymous", "A participant")]
)
def test_sharing_posts_it_to_everyones_feed(
    participant, second_participant, facilitator, prompt, shared_as, shown_as
):
    made = participant.post(RESPONSES, {"body": "Worth sharing"}).json()

    response = facilitator.post(share_path(made["id"]), {"as": shared_as})

    assert response.status_code == 200
    assert response.json()["shared"] == shared_as
    feed = second_participant.get("/api/messages/?circle=circle-a").json()["results"]
    assert [(m["kind"], m["author"], m["body"]) for m in feed][-1] == (
        "response",
        shown_as,
        "Worth sharing",
    )
    assert participant.get(MINE).json()["responses"][0]["shared"] == shared_as


def test_a_response_is_shared_once(participant, facilitator, prompt):
    made = participant.post(RESPONSES, {"body": "Once"}).json()
    facilitator.post(share_path(made["id"]), {"as": "named"})

    again = facilitator.post(share_path(made["id"]), {"as": "anonymous"})

    assert again.status_code == 409
    assert Message.objects.filter(kind="response").count() == 1


def test_sharing_is_the_facilitators_and_names_a_way(participant, facilitator, prompt):
    made = participant.post(RESPONSES, {"body": "Mine"}).json()

    assert participant.post(share_path(made["id"]), {"as": "named"}).status_code == 403
    bad = facilitator.post(share_path(made["id"]), {"as": "loudly"})
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("as: ")
    assert facilitator.post(share_path(999999), {"as": "named"}).status_code == 404
    assert not Message.objects.filter(kind="response").exists()


def test_a_facilitator_cannot_post_a_fake_shared_response(facilitator, prompt):
    response = facilitator.post(
        "/api/messages/", {"circle": "circle-a", "kind": "response", "body": "Pat said so"}
    )

    assert response.status_code == 400


def test_a_flood_of_responses_is_throttled_with_a_sentence(
    participant, second_participant, prompt, settings
):
    settings.RESPONSE_LIMIT = 3
    sent = [participant.post(RESPONSES, {"body": f"r{n}"}).status_code for n in range(5)]

    assert sent == [201, 201, 201, 429, 429]
    refused = participant.post(RESPONSES, {"body": "more"})
    assert refused.json()["error"] == "throttled"
    assert "at most 3 responses and signals in 60 seconds" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The other participant is not slowed.
    assert second_participant.post(RESPONSES, {"body": "mine"}).status_code == 201
    assert PromptResponse.objects.count() == 4


def test_ending_the_session_takes_its_responses_off_the_facilitators_screen(
    participant, facilitator, prompt
):
    participant.post(RESPONSES, {"body": "Last week"})
    facilitator.post("/api/circles/circle-a/sessions/current/end/")

    assert facilitator.get(VOICE).json()["responses"] == []
    assert [r["body"] for r in participant.get(MINE).json()["responses"]] == ["Last week"]
