"""GET /api/circles/<slug>/calendar.ics (signed in), the subscribe links (POST and DELETE
.../calendar-link/) and GET /api/calendar/<token>.ics (no session: calendar apps have none),
read back with the icalendar library."""

import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from access.actions import revoke_key
from access.models import AccessKey
from rhythm.models import CalendarLink

ICS = "/api/circles/circle-a/calendar.ics"
LINK = "/api/circles/circle-a/calendar-link/"
BERLIN = ZoneInfo("Europe/Berlin")


def next_january(day=10):
    today = date.today()
    candidate = date(today.year, 1, day)
    return (
        candidate
        if candidate > today + timedelta(days=1)
        else candidate.replace(year=today.year + 1)
    )


@pytest.fixture
def scheduled(facilitator):
    """Circle A meets on Tuesdays at 19:00 in Berlin for 90 minutes, from next January; the
    second Tuesday is skipped."""
    starts_on = next_january()
    first = starts_on + timedelta(days=(1 - starts_on.weekday()) % 7)
    skipped = first + timedelta(days=7)
    response = facilitator.patch(
        "/api/circles/circle-a/",
        {
            "schedule": {
                "frequency": "weekly",
                "weekday": 1,
                "time": "19:00",
                "timezone": "Europe/Berlin",
                "duration_minutes": 90,
                "starts_on": starts_on.isoformat(),
                "skipped_dates": [skipped.isoformat()],
            }
        },
    )
    assert response.status_code == 200, response.content
    return first, skipped


def calendar_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_calendar_holds_the_recurring_session(participant, scheduled):
    first, skipped = scheduled

    calendar = calendar_of(participant.get(ICS))

    (event,) = calendar.walk("VEVENT")
    start = event["DTSTART"].dt
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert start == datetime.combine(
        first, datetime.min.time().replace(hour=19), ZoneInfo("Europe/Berlin")
    )
    assert start.astimezone(UTC).hour == 18  # January: 19:00 in Berlin is 18:00 UTC
    assert event["DTEND"].dt - start == timedelta(minutes=90)
    assert event["RRULE"] == {"FREQ": ["WEEKLY"], "BYDAY": ["TU"]}
    assert [day.dt for day in event["EXDATE"].dts] == [datetime.combine(skipped, time(19), BERLIN)]
    assert event["SUMMARY"] == "Circle A"
    assert event["DESCRIPTION"] == "The first circle.\n\nhttp://testserver/circles/circle-a"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_events_uid_stays_when_the_schedule_changes(facilitator, participant, scheduled):
    before = calendar_of(participant.get(ICS)).walk("VEVENT")[0]["UID"]
    facilitator.patch("/api/circles/circle-a/", {"description": "Now with tea."})

    after = calendar_of(participant.get(ICS)).walk("VEVENT")[0]

    assert after["UID"] == before
    assert str(after["DESCRIPTION"]).startswith("Now with tea.")


def test_a_monthly_schedule_has_its_nth_weekday_rule(facilitator, participant):
    facilitator.patch(
        "/api/circles/circle-a/",
        {
            "schedule": {
                "frequency": "monthly",
                "weekday": 4,
                "week_of_month": -1,
                "time": "08:15",
                "timezone": "America/New_York",
                "duration_minutes": 45,
                "starts_on": date.today().isoformat(),
            }
        },
    )

    event = calendar_of(participant.get(ICS)).walk("VEVENT")[0]

    assert event["RRULE"] == {"FREQ": ["MONTHLY"], "BYDAY": ["-1FR"]}
    assert event["DTSTART"].params["TZID"] == "America/New_York"


def test_a_circle_without_a_schedule_has_a_calendar_without_events(participant):
    calendar = calendar_of(participant.get(ICS))

    assert calendar.walk("VEVENT") == []
    assert calendar["VERSION"] == "2.0"


def test_calendar_apps_asking_for_text_calendar_get_it(participant, scheduled):
    response = participant.client.get(ICS, headers={"Accept": "text/calendar"})

    assert calendar_of(response).walk("VEVENT")


def test_without_a_session_the_calendar_is_401_json(api, circle_a):
    response = api.client.get(ICS, headers={"Accept": "text/calendar"})

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def make_link(client):
    response = client.post(LINK)
    assert response.status_code == 201, response.content
    return response.json()["url"]


def test_a_subscribe_link_works_without_a_session(participant, make_api, scheduled):
    url = make_link(participant)

    assert url.startswith("http://testserver/api/calendar/") and url.endswith(".ics")
    response = make_api().get(url.removeprefix("http://testserver"))
    assert calendar_of(response).walk("VEVENT")[0]["SUMMARY"] == "Circle A"


def test_the_token_is_long_and_only_its_hash_is_stored(participant, participant_a):
    url = make_link(participant)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    assert len(token) >= 43  # 256 bits in base64url
    link = CalendarLink.objects.get()
    assert token not in link.token_hash
    assert len(link.token_hash) == 64
    stored = str(list(CalendarLink.objects.values())) + str(list(AccessKey.objects.values()))
    assert token not in stored


def test_the_link_carries_no_access_key(participant, participant_a):
    url = make_link(participant)

    assert participant_a.plaintext not in url
    assert participant_a.plaintext.replace("-", "") not in url


def feed(make_api, url):
    return make_api().get(url.removeprefix("http://testserver"))


def assert_gone(response):
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no calendar at this address: the link is unknown or was revoked.",
    }


def test_a_new_link_revokes_the_previous_one(participant, make_api):
    old = make_link(participant)

    new = make_link(participant)

    assert_gone(feed(make_api, old))
    assert feed(make_api, new).status_code == 200
    assert CalendarLink.objects.count() == 1


def test_delete_revokes_the_link(participant, make_api):
    url = make_link(participant)

    response = participant.delete(LINK)

    assert response.status_code == 204
    assert_gone(feed(make_api, url))
    assert participant.delete(LINK).status_code == 204


def test_revoking_the_key_revokes_its_link(participant, participant_a, make_api):
    url = make_link(participant)

    revoke_key(participant_a.record)

    assert_gone(feed(make_api, url))


def test_an_expired_key_or_a_closed_circle_closes_a_participants_link(
    participant, participant_a, circle_a, make_api
):
    url = make_link(participant)
    circle_a.active = False
    circle_a.save()
    assert_gone(feed(make_api, url))
    circle_a.active = True
    circle_a.save()
    AccessKey.objects.filter(pk=participant_a.record.pk).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )

    assert_gone(feed(make_api, url))


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 44, "%00", "..", "a" * 300])
def test_an_unknown_token_is_404(make_api, circle_a, token):
    assert_gone(make_api().get(f"/api/calendar/{token}.ics"))


def test_the_request_log_leaves_the_token_out(participant, make_api, caplog):
    url = make_link(participant)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    with caplog.at_level(logging.INFO, logger="ic.request"):
        feed(make_api, url)

    logged = [record.path for record in caplog.records if hasattr(record, "path")]
    assert "/api/calendar/<token>" in logged
    assert token not in caplog.text


def test_another_circles_facilitator_cannot_make_a_link_to_a(signed_in, facilitator_b, circle_a):
    response = signed_in(facilitator_b).post(LINK)

    assert response.status_code == 404
    assert not CalendarLink.objects.exists()
