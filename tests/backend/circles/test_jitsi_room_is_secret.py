"""A circle's Jitsi room: random, unique, and never in a circle response."""

import re

from circles.actions import create_circle
from circles.models import Circle

LIST = "/api/circles/"


def detail_url(slug):
    return f"/api/circles/{slug}/"


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
