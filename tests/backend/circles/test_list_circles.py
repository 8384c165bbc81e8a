"""GET /api/circles/: the circles the signed-in key opens."""

from access.actions import issue_keys
from access.models import Role

LIST = "/api/circles/"
SUMMARY_FIELDS = {"slug", "name", "description", "next_session", "active", "upcoming"}


def detail_url(slug):
    return f"/api/circles/{slug}/"


def pause(circle):
    circle.active = False
    circle.save()


def test_the_list_shows_only_circles_the_key_opens(signed_in, participant_a, circle_b):
    response = signed_in(participant_a).get(LIST)

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "circle-a",
            "name": "Circle A",
            "description": "The first circle.",
            "next_session": None,
            "active": True,
            "upcoming": None,
        }
    ]


def test_the_list_shows_every_circle_of_a_key_that_opens_several(api, circle_a, circle_b):
    api.sign_in(issue_keys([circle_b, circle_a], Role.PARTICIPANT)[0].plaintext)

    circles = api.get(LIST).json()
    assert [c["slug"] for c in circles] == ["circle-a", "circle-b"]
    assert all(set(c) == SUMMARY_FIELDS for c in circles)


def test_the_list_refuses_an_anonymous_client(api, circle_a):
    response = api.get(LIST)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_participant_does_not_see_an_inactive_circle(signed_in, circle_a, participant_a):
    client = signed_in(participant_a)
    pause(circle_a)

    assert client.get(LIST).json() == []
    response = client.get(detail_url("circle-a"))
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'circle-a' that your key opens.",
    }


def test_a_facilitator_still_sees_an_inactive_circle(signed_in, circle_a, facilitator_a):
    client = signed_in(facilitator_a)
    pause(circle_a)

    assert [c["active"] for c in client.get(LIST).json()] == [False]
    response = client.get(detail_url("circle-a"))
    assert response.status_code == 200
    assert response.json()["active"] is False
