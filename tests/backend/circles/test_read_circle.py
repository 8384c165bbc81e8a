"""GET /api/circles/<slug>/: one circle, with its facilitator and current prompt."""

from circles.serializers import CircleDetailSerializer
from circles.views import circle_detail
from facilitation.actions import post_message


def detail_url(slug):
    return f"/api/circles/{slug}/"


def test_the_detail_of_a_new_circle(signed_in, circle_a, facilitator_a, participant_a):
    response = signed_in(participant_a).get(detail_url("circle-a"))

    assert response.status_code == 200
    assert response.json() == {
        "slug": "circle-a",
        "name": "Circle A",
        "description": "The first circle.",
        "next_session": None,
        "active": True,
        "upcoming": None,
        "facilitator": "Fay A",
        "current_prompt": None,
        "viewer_is_facilitator": False,
        "schedule": None,
    }


def test_the_detail_tells_a_facilitator_that_they_facilitate(signed_in, facilitator_a):
    body = signed_in(facilitator_a).get(detail_url("circle-a")).json()

    assert body["viewer_is_facilitator"] is True
    assert body["facilitator"] == "Fay A"


def test_the_facilitator_is_null_when_the_circle_has_none(signed_in, participant_a):
    assert signed_in(participant_a).get(detail_url("circle-a")).json()["facilitator"] is None


def test_the_current_prompt_is_the_latest_prompt_not_the_latest_message(
    signed_in, circle_a, facilitator_a, participant_a
):
    fay = facilitator_a.record
    post_message(circle_a, fay, "prompt", "What did you notice?")
    post_message(circle_a, fay, "prompt", "What surprised you?")
    post_message(circle_a, fay, "announcement", "Five minutes left.")
    post_message(circle_a, fay, "time_cue", "Two minutes.")

    prompt = signed_in(participant_a).get(detail_url("circle-a")).json()["current_prompt"]

    assert set(prompt) == {"seq", "body", "author", "created"}
    assert (prompt["seq"], prompt["body"], prompt["author"]) == (2, "What surprised you?", "Fay A")


def test_the_detail_of_an_unknown_circle_is_404(signed_in, facilitator_a):
    response = signed_in(facilitator_a).get(detail_url("no-such-circle"))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_detail_of_a_circle_the_key_does_not_open_is_404(signed_in, facilitator_b, circle_a):
    response = signed_in(facilitator_b).get(detail_url("circle-a"))

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'circle-a' that your key opens.",
    }


def test_the_detail_puts_nothing_on_the_circle(circle_a, facilitator_a):
    fields = dict(vars(circle_a))

    body = circle_detail(circle_a, facilitator_a.record)

    assert body["facilitator"] == "Fay A"
    assert vars(circle_a) == fields


def test_the_detail_serializer_reads_what_is_not_the_circles_from_its_context(circle_a):
    context = {
        "facilitator": "Someone",
        "current_prompt": None,
        "viewer_is_facilitator": True,
        "plans": {},
    }

    body = CircleDetailSerializer(circle_a, context=context).data

    assert (body["facilitator"], body["current_prompt"], body["viewer_is_facilitator"]) == (
        "Someone",
        None,
        True,
    )
