"""PATCH /api/circles/<slug>/: the facilitator changes a circle."""

from circles.models import Circle


def detail_url(slug):
    return f"/api/circles/{slug}/"


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
