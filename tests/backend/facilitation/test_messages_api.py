"""/api/messages/: a facilitator posts to a circle; its members read the messages in order."""

from datetime import datetime

import pytest

from access.actions import issue_keys
from access.models import Role
from facilitation.actions import post_message
from facilitation.models import Message
from live import changes

URL = "/api/messages/"


def post(client, body="Welcome.", kind="announcement", circle="circle-a"):
    return client.post(URL, {"circle": circle, "kind": kind, "body": body})


def seqs(response):
    return [m["seq"] for m in response.json()["results"]]


# Posting


def test_a_facilitator_posts_a_message(signed_in, facilitator_a):
    response = post(signed_in(facilitator_a), "What brought you here?", kind="prompt")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"seq", "kind", "body", "author", "created", "session"}
    assert (body["seq"], body["kind"], body["body"]) == (1, "prompt", "What brought you here?")
    assert body["session"] is None  # no session was open
    assert body["author"] == "Fay A"
    assert datetime.fromisoformat(body["created"].replace("Z", "+00:00"))
    stored = Message.objects.get()
    assert (stored.circle.slug, stored.seq, stored.author_id) == (
        "circle-a",
        1,
        facilitator_a.record.pk,
    )


def test_sequence_numbers_count_up_per_circle(signed_in, circle_a, circle_b):
    both = issue_keys([circle_a, circle_b], Role.FACILITATOR, labels=["Fay"])[0]
    client = signed_in(both)

    numbers_a = [post(client, f"a{n}").json()["seq"] for n in range(3)]
    number_b = post(client, "b0", circle="circle-b").json()["seq"]
    fourth_a = post(client, "a3").json()["seq"]

    assert numbers_a == [1, 2, 3]
    assert number_b == 1
    assert fourth_a == 4


@pytest.mark.parametrize("kind", ["announcement", "prompt", "time_cue"])
def test_each_kind_is_accepted(signed_in, facilitator_a, kind):
    response = post(signed_in(facilitator_a), kind=kind)

    assert response.status_code == 201
    assert response.json()["kind"] == kind


@pytest.mark.parametrize("kind", ["note", "Prompt", "", None, 1])
def test_other_kinds_are_refused(signed_in, facilitator_a, kind):
    response = post(signed_in(facilitator_a), kind=kind)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith("kind: ")
    assert not Message.objects.exists()


@pytest.mark.parametrize("length", [1, 2000])
def test_bodies_of_1_to_2000_characters_are_accepted(signed_in, facilitator_a, length):
    response = post(signed_in(facilitator_a), "é" * length)

    assert response.status_code == 201
    assert response.json()["body"] == "é" * length


@pytest.mark.parametrize("body", ["x" * 2001, "", "   ", "\n\t \n", 42, None, ["hi"], {"t": "hi"}])
def test_an_invalid_body_is_refused(signed_in, facilitator_a, body):
    response = post(signed_in(facilitator_a), body)

    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "invalid"
    assert error["detail"].startswith("body: ")
    assert set(error["fields"]) == {"body"}
    assert not Message.objects.exists()


def test_a_message_without_fields_names_every_missing_one(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(URL, {})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"circle", "kind", "body"}


def test_a_non_string_circle_is_refused(signed_in, facilitator_a):
    response = post(signed_in(facilitator_a), circle=5)

    assert response.status_code == 400
    assert response.json()["detail"] == "circle: Must be a string."


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=\"alert(1)\"> & &amp; 'quoted'",
        "  leading and trailing space kept  ",
        "line one\nline two",
    ],
)
def test_the_body_is_plain_text_stored_and_returned_verbatim(
    signed_in, facilitator_a, participant_a, body
):
    posted = post(signed_in(facilitator_a), body)

    assert posted.status_code == 201
    assert posted.json()["body"] == body
    assert Message.objects.get().body == body
    assert (
        signed_in(participant_a).get(URL, {"circle": "circle-a"}).json()["results"][0]["body"]
        == body
    )


def test_the_author_is_the_label_of_the_posting_key(signed_in, circle_a):
    unlabelled = issue_keys([circle_a], Role.FACILITATOR)[0]

    response = post(signed_in(unlabelled))

    assert response.json()["author"] == "Facilitator"


def test_a_participant_cannot_post(signed_in, participant_a):
    response = post(signed_in(participant_a))

    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": "Only the circle's facilitator can post messages.",
    }
    assert not Message.objects.exists()


def test_a_facilitator_of_another_circle_cannot_post(signed_in, circle_a, facilitator_b):
    response = post(signed_in(facilitator_b))

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'circle-a' that your key opens.",
    }
    assert not Message.objects.exists()


def test_posting_to_an_unknown_circle_is_404(signed_in, facilitator_a):
    response = post(signed_in(facilitator_a), circle="nowhere")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_anonymous_client_cannot_post(api, circle_a):
    response = post(api)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


# Reading


@pytest.fixture
def three_messages(circle_a, facilitator_a):
    fay = facilitator_a.record
    return [
        post_message(circle_a, fay, "announcement", "Welcome."),
        post_message(circle_a, fay, "prompt", "What did you notice?"),
        post_message(circle_a, fay, "time_cue", "Five minutes."),
    ]


def test_members_read_the_messages_in_order(signed_in, participant_a, three_messages):
    response = signed_in(participant_a).get(URL, {"circle": "circle-a"})

    assert response.status_code == 200
    body = response.json()["results"]
    assert [(m["seq"], m["kind"], m["body"]) for m in body] == [
        (1, "announcement", "Welcome."),
        (2, "prompt", "What did you notice?"),
        (3, "time_cue", "Five minutes."),
    ]
    assert all(m["author"] == "Fay A" for m in body)
    assert all(set(m) == {"seq", "kind", "body", "author", "created", "session"} for m in body)


def test_a_circle_without_messages_reads_as_an_empty_page(signed_in, participant_a):
    response = signed_in(participant_a).get(URL, {"circle": "circle-a"})

    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"results", "older", "newer", "current_prompt", "last_seq", "epoch"}
    assert (page["results"], page["older"], page["newer"]) == ([], None, None)
    assert (page["current_prompt"], page["last_seq"]) == (None, 0)
    assert page["epoch"] == changes.current_epoch()


def test_after_returns_only_later_messages(signed_in, participant_a, three_messages):
    client = signed_in(participant_a)

    assert seqs(client.get(URL, {"circle": "circle-a", "after": 0})) == [1, 2, 3]
    assert seqs(client.get(URL, {"circle": "circle-a", "after": 1})) == [2, 3]
    assert seqs(client.get(URL, {"circle": "circle-a", "after": 3})) == []
    assert seqs(client.get(URL, {"circle": "circle-a", "after": 99})) == []


def test_messages_of_other_circles_are_not_listed(
    signed_in, circle_b, facilitator_b, participant_a
):
    post_message(circle_b, facilitator_b.record, "prompt", "Only for B")

    assert signed_in(participant_a).get(URL, {"circle": "circle-a"}).json()["results"] == []


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "1e3"])
def test_a_malformed_after_is_refused(signed_in, participant_a, after):
    response = signed_in(participant_a).get(URL, {"circle": "circle-a", "after": after})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith("after: ")


def test_reading_without_a_circle_is_refused(signed_in, participant_a):
    response = signed_in(participant_a).get(URL)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith("circle: ")


def test_reading_an_unknown_circle_is_404(signed_in, participant_a):
    response = signed_in(participant_a).get(URL, {"circle": "nowhere"})

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'nowhere' that your key opens.",
    }


def test_reading_a_circle_the_key_does_not_open_is_404(signed_in, circle_b, participant_a):
    response = signed_in(participant_a).get(URL, {"circle": "circle-b"})

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_participant_cannot_read_a_paused_circle(signed_in, circle_a, participant_a):
    client = signed_in(participant_a)
    circle_a.active = False
    circle_a.save()

    assert client.get(URL, {"circle": "circle-a"}).status_code == 404


def test_an_anonymous_client_cannot_read(api, three_messages):
    response = api.get(URL, {"circle": "circle-a"})

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


# Pages


@pytest.fixture
def long_history(circle_a, facilitator_a):
    """120 messages; every 25th is a prompt (seq 25, 50, 75, 100)."""
    fay = facilitator_a.record
    for n in range(1, 121):
        post_message(circle_a, fay, "prompt" if n % 25 == 0 else "announcement", f"m{n}")


def test_the_first_page_is_the_newest_fifty_oldest_first(signed_in, participant_a, long_history):
    page = signed_in(participant_a).get(URL, {"circle": "circle-a"}).json()

    assert [m["seq"] for m in page["results"]] == list(range(71, 121))
    assert (page["older"], page["newer"], page["last_seq"]) == (71, None, 120)


def test_scrolling_back_page_by_page_gets_every_message_once(
    signed_in, participant_a, long_history
):
    client = signed_in(participant_a)
    page = client.get(URL, {"circle": "circle-a"}).json()
    seen = [m["seq"] for m in page["results"]]
    while page["older"] is not None:
        page = client.get(URL, {"circle": "circle-a", "before": page["older"]}).json()
        seen = [m["seq"] for m in page["results"]] + seen

    assert seen == list(range(1, 121))
    assert page["results"][0]["seq"] == 1


def test_a_page_says_where_the_newer_messages_are(signed_in, participant_a, long_history):
    page = signed_in(participant_a).get(URL, {"circle": "circle-a", "before": 30}).json()

    assert [m["seq"] for m in page["results"]] == list(range(1, 30))
    assert (page["older"], page["newer"]) == (None, 29)


def test_the_pinned_prompt_is_the_latest_whatever_the_page(signed_in, participant_a, long_history):
    page = signed_in(participant_a).get(URL, {"circle": "circle-a", "before": 20}).json()

    assert page["current_prompt"]["seq"] == 100
    assert page["current_prompt"]["body"] == "m100"


def test_after_reads_forward_in_pages(signed_in, participant_a, long_history):
    page = signed_in(participant_a).get(URL, {"circle": "circle-a", "after": 10, "limit": 5})

    assert seqs(page) == [11, 12, 13, 14, 15]
    assert (page.json()["older"], page.json()["newer"]) == (11, 15)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"before": 0}, "before"),
        ({"before": "9" * 5000}, "before"),
        ({"after": "9" * 5000}, "after"),
    ],
)
def test_a_bad_page_request_is_a_400_that_names_the_field(signed_in, participant_a, params, field):
    response = signed_in(participant_a).get(URL, {"circle": "circle-a", **params})

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")


def test_before_and_after_together_are_refused(signed_in, participant_a):
    response = signed_in(participant_a).get(URL, {"circle": "circle-a", "before": 5, "after": 1})

    assert response.status_code == 400
    assert response.json()["detail"] == "Give before or after, not both."


def test_thousands_of_messages_scroll_back_with_nothing_missing_or_doubled(
    signed_in, participant_a, circle_a
):
    Message.objects.bulk_create(
        Message(circle=circle_a, author_name="Fay", kind="announcement", body=f"b{n}", seq=n)
        for n in range(1, 3001)
    )
    client = signed_in(participant_a)
    page = client.get(URL, {"circle": "circle-a", "limit": 200}).json()
    seen, pages = [m["seq"] for m in page["results"]], 1
    while page["older"] is not None:
        params = {"circle": "circle-a", "before": page["older"], "limit": 200}
        page = client.get(URL, params).json()
        seen, pages = [m["seq"] for m in page["results"]] + seen, pages + 1

    assert seen == list(range(1, 3001))
    assert pages == 15


def test_a_long_history_costs_a_page_not_the_whole_history(
    signed_in, participant_a, circle_a, facilitator_a, django_assert_max_num_queries
):
    Message.objects.bulk_create(
        Message(circle=circle_a, author_name="Fay", kind="announcement", body="x" * 200, seq=n)
        for n in range(1, 10_001)
    )
    client = signed_in(participant_a)

    with django_assert_max_num_queries(12):
        response = client.get(URL, {"circle": "circle-a"})

    assert len(response.json()["results"]) == 50
    assert len(response.content) < 30_000
