"""/api/circles/ and /api/circles/<slug>/: listing, reading, creating, changing, deleting."""

import re

import pytest

from access.actions import issue_keys
from access.models import AccessKey, Role
from circles.actions import create_circle
from circles.models import Circle
from facilitation.actions import post_message
from facilitation.models import Message

LIST = "/api/circles/"
SUMMARY_FIELDS = {"slug", "name", "description", "next_session", "active"}
DETAIL_FIELDS = SUMMARY_FIELDS | {"facilitator", "current_prompt", "viewer_is_facilitator"}


def detail_url(slug):
    return f"/api/circles/{slug}/"


def pause(circle):
    circle.active = False
    circle.save()


# Listing


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


# Reading one circle


def test_the_detail_of_a_new_circle(signed_in, circle_a, facilitator_a, participant_a):
    response = signed_in(participant_a).get(detail_url("circle-a"))

    assert response.status_code == 200
    assert response.json() == {
        "slug": "circle-a",
        "name": "Circle A",
        "description": "The first circle.",
        "next_session": None,
        "active": True,
        "facilitator": "Fay A",
        "current_prompt": None,
        "viewer_is_facilitator": False,
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


# Creating


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
        "facilitator": "Fay A",
        "current_prompt": None,
        "viewer_is_facilitator": True,
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


def test_active_is_ignored_on_create(signed_in, facilitator_a):
    response = signed_in(facilitator_a).post(LIST, {"name": "Quiet", "active": False})

    assert response.status_code == 201
    assert response.json()["active"] is True


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


# Changing


def test_a_facilitator_changes_a_circle(signed_in, facilitator_a):
    response = signed_in(facilitator_a).patch(
        detail_url("circle-a"),
        {
            "name": "Renamed",
            "description": "New words.",
            "next_session": "2031-01-02T03:04:05Z",
            "active": False,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "circle-a"
    assert (body["name"], body["description"]) == ("Renamed", "New words.")
    assert (body["next_session"], body["active"]) == ("2031-01-02T03:04:05Z", False)
    circle = Circle.objects.get(slug="circle-a")
    assert (circle.name, circle.description, circle.active) == ("Renamed", "New words.", False)
    assert circle.next_session_at.isoformat() == "2031-01-02T03:04:05+00:00"


def test_a_patch_changes_only_the_fields_sent(signed_in, facilitator_a):
    response = signed_in(facilitator_a).patch(detail_url("circle-a"), {"description": ""})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Circle A", "")


def test_a_patch_clears_the_next_session_with_null(signed_in, circle_a, facilitator_a):
    client = signed_in(facilitator_a)
    client.patch(detail_url("circle-a"), {"next_session": "2031-01-02T03:04:05Z"})

    response = client.patch(detail_url("circle-a"), {"next_session": None})

    assert response.status_code == 200
    assert response.json()["next_session"] is None


def test_the_slug_cannot_be_changed(signed_in, facilitator_a):
    response = signed_in(facilitator_a).patch(detail_url("circle-a"), {"slug": "other"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": "slug: A circle's slug cannot be changed.",
    }
    assert Circle.objects.filter(slug="circle-a").exists()
    assert not Circle.objects.filter(slug="other").exists()


def test_a_patch_with_a_blank_name_is_refused(signed_in, facilitator_a):
    response = signed_in(facilitator_a).patch(detail_url("circle-a"), {"name": " "})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert Circle.objects.get(slug="circle-a").name == "Circle A"


def test_a_participant_cannot_change_a_circle(signed_in, participant_a):
    response = signed_in(participant_a).patch(detail_url("circle-a"), {"name": "Mine now"})

    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": "Only the circle's facilitator can change it.",
    }
    assert Circle.objects.get(slug="circle-a").name == "Circle A"


# Deleting


def test_a_facilitator_deletes_a_circle_and_its_messages(signed_in, circle_a, facilitator_a):
    post_message(circle_a, facilitator_a.record, "prompt", "Gone soon")
    client = signed_in(facilitator_a)

    response = client.delete(detail_url("circle-a"))

    assert response.status_code == 204
    assert response.content == b""
    assert not Circle.objects.filter(slug="circle-a").exists()
    assert not Message.objects.exists()
    assert client.get(detail_url("circle-a")).status_code == 404


def test_deleting_revokes_participant_keys_that_opened_only_that_circle(
    make_api, signed_in, circle_a, circle_b, facilitator_a, participant_a
):
    both = issue_keys([circle_a, circle_b], Role.PARTICIPANT, labels=["Both"])[0]

    signed_in(facilitator_a).delete(detail_url("circle-a"))

    refused = make_api().post("/api/auth/verify-key/", {"key": participant_a.plaintext})
    assert refused.status_code == 401
    assert AccessKey.objects.get(pk=participant_a.record.pk).revoked_at is not None
    assert AccessKey.objects.get(pk=both.record.pk).revoked_at is None
    make_api().sign_in(both.plaintext)


def test_deleting_does_not_revoke_the_facilitator_key(make_api, signed_in, facilitator_a):
    signed_in(facilitator_a).delete(detail_url("circle-a"))

    response = make_api().sign_in(facilitator_a.plaintext)
    assert response.json()["circles"] == []


def test_a_participant_cannot_delete_a_circle(signed_in, participant_a):
    response = signed_in(participant_a).delete(detail_url("circle-a"))

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert Circle.objects.filter(slug="circle-a").exists()


# The Jitsi room: secret, random, unique


def test_new_circles_get_unique_unguessable_jitsi_rooms(db):
    rooms = [create_circle(f"Circle {n}").jitsi_room for n in range(20)]

    assert len(set(rooms)) == len(rooms)
    # 24 hex digits are 96 random bits; at least 64 are required.
    assert all(re.fullmatch(r"ic-[0-9a-f]{24}", room) for room in rooms)


def test_the_jitsi_room_is_never_in_circle_responses(signed_in, circle_a, facilitator_a):
    client = signed_in(facilitator_a)
    created = client.post(LIST, {"name": "Fresh", "slug": "fresh"})
    room = Circle.objects.get(slug="fresh").jitsi_room
    responses = [
        created,
        client.get(LIST),
        client.get(detail_url("fresh")),
        client.patch(detail_url("fresh"), {"name": "Fresher"}),
    ]

    for response in responses:
        assert response.status_code in (200, 201)
        assert room.encode() not in response.content
        assert circle_a.jitsi_room.encode() not in response.content
        assert b"jitsi" not in response.content
