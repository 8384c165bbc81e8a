"""POST /api/messages/ with an Idempotency-Key: a post sent again because its answer was lost
(a dropped connection, a restarted worker) is the same message, never a second one."""

import pytest

from facilitation.models import Message
from live.models import Change

URL = "/api/messages/"


def post(client, key, body="Welcome.", kind="announcement", circle="circle-a"):
    message = {"circle": circle, "kind": kind, "body": body}
    return client.post(URL, message, HTTP_IDEMPOTENCY_KEY=key)


def test_the_first_post_with_a_key_makes_the_message(signed_in, facilitator_a):
    response = post(signed_in(facilitator_a), "4a0e1c8e-8d0f-4f5e-9b7a-2f1d3c4b5a69")

    assert response.status_code == 201
    assert response.json()["seq"] == 1
    assert "Idempotent-Replayed" not in response


def test_the_same_post_again_returns_the_same_message_and_makes_none(signed_in, facilitator_a):
    client = signed_in(facilitator_a)
    first = post(client, "k-1", "Five minutes left.")

    again = post(client, "k-1", "Five minutes left.")

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Message.objects.count() == 1
    # Announced once: open streams hear of it once.
    assert Change.objects.filter(kind=Change.Kind.MESSAGE).count() == 1


def test_different_keys_make_different_messages(signed_in, facilitator_a):
    client = signed_in(facilitator_a)

    seqs = [post(client, key, "Same words.").json()["seq"] for key in ("a", "b")]

    assert seqs == [1, 2]


def test_without_a_key_every_post_is_a_new_message(signed_in, facilitator_a):
    client = signed_in(facilitator_a)
    for _ in range(2):
        response = client.post(URL, {"circle": "circle-a", "kind": "prompt", "body": "Again?"})
        assert response.status_code == 201

    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    "change", [{"body": "Other words."}, {"kind": "prompt"}], ids=["body", "kind"]
)
def test_a_key_used_for_another_message_is_422_and_changes_nothing(
    signed_in, facilitator_a, change
):
    client = signed_in(facilitator_a)
    post(client, "k-2", "First words.")

    response = post(client, "k-2", **{"body": "First words.", **change})

    assert response.status_code == 422
    assert response.json() == {
        "error": "idempotency_key_reused",
        "detail": "This Idempotency-Key was already used for a different message; "
        "send a new message with a new key.",
    }
    assert list(Message.objects.values_list("body", "kind")) == [("First words.", "announcement")]


def test_a_key_is_per_circle(signed_in, circle_a, circle_b):
    from access.actions import issue_keys
    from access.models import Role

    both = issue_keys([circle_a, circle_b], Role.FACILITATOR, labels=["Fay"])[0]
    client = signed_in(both)

    assert post(client, "k-3", circle="circle-a").status_code == 201
    assert post(client, "k-3", circle="circle-b").status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 65, "has space", "ünïcode", "a/b"])
def test_a_key_that_cannot_be_one_is_400(signed_in, facilitator_a, key):
    response = post(signed_in(facilitator_a), key)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Idempotency-Key: must be 1 to 64 letters")
    assert Message.objects.count() == 0


def test_a_participant_cannot_replay_a_facilitators_key(signed_in, facilitator_a, participant_a):
    post(signed_in(facilitator_a), "k-4")

    response = post(signed_in(participant_a), "k-4")

    assert response.status_code == 403
