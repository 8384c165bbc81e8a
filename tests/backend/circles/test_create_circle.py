"""POST /api/circles/: a facilitator creates a circle."""

import re

import pytest

from access.actions import issue_keys
from access.models import Role
from circles.models import Circle

LIST = "/api/circles/"


def detail_url(slug):
    return f"/api/circles/{slug}/"


def test_a_facilitator_creates_a_circle(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(
        LIST,
        {
            "name": "  Evening Circle ",
            "description": "Thursdays.",
            "next_session": "2031-05-01T18:00:00Z",
        },
    )

    assert response.status_code == 201
    assert response.json() == {
        "slug": "evening-circle",
        "name": "Evening Circle",
        "description": "Thursdays.",
        "next_session": "2031-05-01T18:00:00Z",
        "active": True,
        "upcoming": None,
        "facilitator": "Fay A",
        "current_prompt": None,
        "viewer_is_facilitator": True,
        "schedule": None,
    }
    assert Circle.objects.filter(slug="evening-circle", name="Evening Circle").exists()


def test_a_derived_slug_is_made_unique(signed_in, facilitator_a):
    client = signed_in(facilitator_a)

    first = client.post(LIST, {"name": "Circle A"}).json()["slug"]
    second = client.post(LIST, {"name": "Circle A"}).json()["slug"]

    # The fixture's circle already holds "circle-a".
    assert len({"circle-a", first, second}) == 3
    assert first.startswith("circle-a") and second.startswith("circle-a")


def test_a_name_without_slug_characters_still_gets_a_slug(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(LIST, {"name": "!!!"})

    assert response.status_code == 201
    assert re.fullmatch(r"[-a-z0-9]+", response.json()["slug"])


def test_a_long_name_gives_a_clean_slug(signed_in, facilitator_a):
    # Cut to length, the slug of this name would end in the hyphen before "bcdef".
    name = "a" * 55 + " bcdef"
    client = signed_in(facilitator_a)

    slugs = [client.post(LIST, {"name": name}).json()["slug"] for _ in range(2)]

    assert len(set(slugs)) == 2
    for slug in slugs:
        assert len(slug) <= 64
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def test_a_facilitator_may_choose_the_slug(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(LIST, {"name": "Morning", "slug": "am-group"})

    assert response.status_code == 201
    assert response.json()["slug"] == "am-group"
    assert Circle.objects.get(slug="am-group").name == "Morning"


def test_a_taken_slug_is_a_conflict(signed_in, facilitator_a):
    count = Circle.objects.count()

    response = signed_in(facilitator_a).post(LIST, {"name": "Another", "slug": "circle-a"})

    assert response.status_code == 409
    assert response.json() == {
        "error": "conflict",
        "detail": "The slug 'circle-a' is already taken.",
    }
    assert Circle.objects.count() == count


def test_the_creator_facilitates_the_new_circle(signed_in, facilitator_a):
    client = signed_in(facilitator_a)
    client.post(LIST, {"name": "New One", "slug": "new-one"})

    posted = client.post("/api/messages/", {"circle": "new-one", "kind": "prompt", "body": "Hi"})
    me = client.get("/api/auth/me/").json()

    assert posted.status_code == 201
    assert {"slug": "new-one", "name": "New One"} in me["circles"]
    assert [c["slug"] for c in client.get(LIST).json()] == ["circle-a", "new-one"]


def test_the_new_circle_opens_only_for_its_creator(signed_in, facilitator_a, facilitator_b):
    signed_in(facilitator_a).post(LIST, {"name": "Mine", "slug": "mine"})

    assert signed_in(facilitator_b).get(detail_url("mine")).status_code == 404


def test_a_participant_cannot_create_a_circle(signed_in, participant_a):
    count = Circle.objects.count()

    response = signed_in(participant_a).post(LIST, {"name": "Sneaky"})

    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": "Only facilitators can create circles.",
    }
    assert Circle.objects.count() == count


def test_a_circle_may_be_created_closed(signed_in, facilitator_a):
    client = signed_in(facilitator_a)

    response = client.post(LIST, {"name": "Quiet", "slug": "quiet", "active": False})

    assert response.status_code == 201
    assert response.json()["active"] is False
    assert Circle.objects.get(slug="quiet").active is False
    assert client.get(detail_url("quiet")).json()["active"] is False


def test_a_circle_created_closed_is_hidden_from_its_participants(
    make_api, signed_in, facilitator_a
):
    signed_in(facilitator_a).post(LIST, {"name": "Quiet", "slug": "quiet", "active": False})
    participant = issue_keys([Circle.objects.get(slug="quiet")], Role.PARTICIPANT)[0]
    client = make_api()
    client.sign_in(participant.plaintext)

    assert client.get(LIST).json() == []
    assert client.get(detail_url("quiet")).status_code == 404


def test_a_circle_created_with_active_true_is_open(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(LIST, {"name": "Open", "slug": "open", "active": True})

    assert response.status_code == 201
    assert Circle.objects.get(slug="open").active is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": 5}, "name"),
        ({"name": ["Circle"]}, "name"),
        ({"name": "Ok", "slug": "Not A Slug"}, "slug"),
        ({"name": "Ok", "slug": "UPPER_case"}, "slug"),
        ({"name": "Ok", "slug": "trailing-"}, "slug"),
        ({"name": "Ok", "active": "yes"}, "active"),
        ({"name": "Ok", "active": 1}, "active"),
        ({"name": "Ok", "slug": "x" * 65}, "slug"),
        ({"name": "Ok", "next_session": "next tuesday"}, "next_session"),
        ({"name": "Ok", "description": 7}, "description"),
        ({"name": "Ok", "description": "x" * 2001}, "description"),
    ],
)
def test_an_invalid_circle_is_refused_with_400(signed_in, facilitator_a, body, field):
    count = Circle.objects.count()

    response = signed_in(facilitator_a).post(LIST, body)

    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "invalid"
    assert error["detail"].startswith(f"{field}: ")
    assert set(error["fields"]) == {field}
    assert Circle.objects.count() == count


def test_a_name_of_120_characters_is_accepted(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(LIST, {"name": "x" * 120})

    assert response.status_code == 201
    assert response.json()["name"] == "x" * 120
