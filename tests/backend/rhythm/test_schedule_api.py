"""PATCH /api/circles/<slug>/ with a schedule; its next session in the circle and the list.

These run at the real time: the next January or July 10th, at least two days ahead, is always
within a schedule's two-year horizon."""

import calendar
from datetime import date, timedelta

import pytest

from live.models import Change
from rhythm.models import Schedule

DETAIL = "/api/circles/circle-a/"
LIST = "/api/circles/"


def next_date(month, day=10):
    """The next such date at least two days ahead: always within a schedule's two years."""
    today = date.today()
    candidate = date(today.year, month, day)
    if candidate > today + timedelta(days=1):
        return candidate
    return candidate.replace(year=today.year + 1)


def first_weekday_on_or_after(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def weekly(**fields):
    return {
        "frequency": "weekly",
        "weekday": 0,
        "time": "19:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 90,
        "starts_on": next_date(1).isoformat(),
        **fields,
    }


def set_schedule(client, schedule):
    return client.patch(DETAIL, {"schedule": schedule})


def test_a_facilitator_schedules_the_circle(facilitator):
    starts_on = next_date(1)

    response = set_schedule(facilitator, weekly(starts_on=starts_on.isoformat()))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["schedule"] == {
        "frequency": "weekly",
        "weekday": 0,
        "week_of_month": None,
        "time": "19:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 90,
        "starts_on": starts_on.isoformat(),
        "skipped_dates": [],
    }
    monday = first_weekday_on_or_after(starts_on, 0)
    assert body["upcoming"] == {
        "starts_at": f"{monday.isoformat()}T18:00:00Z",
        "ends_at": f"{monday.isoformat()}T19:30:00Z",
        "running": False,
    }
    assert body["next_session"] == body["upcoming"]["starts_at"]


@pytest.mark.parametrize(
    ("zone", "month", "utc_start"),
    [
        ("Europe/Berlin", 1, (0, "18:00")),
        ("Europe/Berlin", 7, (0, "17:00")),
        ("America/New_York", 1, (1, "00:00")),  # 19:00 EST is midnight UTC, the next day
        ("America/New_York", 7, (0, "23:00")),
    ],
)
def test_the_next_session_is_dst_right_in_two_zones(
    facilitator, participant, zone, month, utc_start
):
    starts_on = next_date(month)
    set_schedule(facilitator, weekly(timezone=zone, starts_on=starts_on.isoformat()))

    upcoming = participant.get(DETAIL).json()["upcoming"]

    days_later, clock = utc_start
    day = first_weekday_on_or_after(starts_on, 0) + timedelta(days=days_later)
    assert upcoming["starts_at"] == f"{day.isoformat()}T{clock}:00Z"


def test_the_list_shows_each_circles_upcoming_session(facilitator, participant):
    set_schedule(facilitator, weekly())

    circles = participant.get(LIST).json()

    assert [c["slug"] for c in circles] == ["circle-a"]
    assert circles[0]["upcoming"] == participant.get(DETAIL).json()["upcoming"]
    assert circles[0]["next_session"] == circles[0]["upcoming"]["starts_at"]


def test_monthly_on_the_last_weekday(facilitator):
    starts_on = next_date(1, day=1)

    body = set_schedule(
        facilitator,
        weekly(frequency="monthly", weekday=4, week_of_month=-1, starts_on=starts_on.isoformat()),
    ).json()

    days = calendar.monthrange(starts_on.year, starts_on.month)[1]
    last_friday = max(
        d for d in (starts_on.replace(day=n) for n in range(1, days + 1)) if d.weekday() == 4
    )
    assert body["schedule"]["week_of_month"] == -1
    assert body["upcoming"]["starts_at"].startswith(last_friday.isoformat())


def test_skipped_dates_are_kept_sorted_once_and_left_out(facilitator):
    starts_on = next_date(1)
    first = first_weekday_on_or_after(starts_on, 0)
    second = first + timedelta(days=7)

    body = set_schedule(
        facilitator,
        weekly(
            starts_on=starts_on.isoformat(),
            skipped_dates=[second.isoformat(), first.isoformat(), first.isoformat()],
        ),
    ).json()

    assert body["schedule"]["skipped_dates"] == [first.isoformat(), second.isoformat()]
    assert body["upcoming"]["starts_at"].startswith((second + timedelta(days=7)).isoformat())


def test_null_removes_the_schedule_and_the_next_session_set_by_hand_shows_again(facilitator):
    facilitator.patch(DETAIL, {"next_session": "2031-01-02T03:04:05Z"})
    set_schedule(facilitator, weekly())

    body = set_schedule(facilitator, None).json()

    assert (body["schedule"], body["upcoming"]) == (None, None)
    assert body["next_session"] == "2031-01-02T03:04:05Z"
    assert not Schedule.objects.exists()


def test_a_patch_without_schedule_leaves_it(facilitator):
    set_schedule(facilitator, weekly())

    body = facilitator.patch(DETAIL, {"description": "Mondays."}).json()

    assert body["schedule"]["frequency"] == "weekly"


def test_setting_the_schedule_tells_the_circles_open_streams(facilitator, circle_a):
    set_schedule(facilitator, weekly())

    assert Change.objects.filter(kind=Change.Kind.RHYTHM, circle_id=circle_a.pk).count() == 1


def refusal(response, field=None):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    if field is not None:
        assert body["detail"].startswith(f"schedule.{field}"), body["detail"]
    return body["detail"]


def test_an_unknown_time_zone_is_refused(facilitator):
    detail = refusal(set_schedule(facilitator, weekly(timezone="Mars/Olympus_Mons")), "timezone")

    assert "'Mars/Olympus_Mons' is not a time zone this server knows" in detail
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("zone", ["Europe", "utc", "../etc/passwd", "localtime", "a\x00b", ""])
def test_what_is_no_iana_zone_is_refused(facilitator, zone):
    refusal(set_schedule(facilitator, weekly(timezone=zone)), "timezone")


def test_a_schedule_that_never_meets_within_two_years_is_refused(facilitator):
    starts_on = next_date(1, day=1)
    every = []
    day = starts_on
    while len(every) < 30:
        if day.weekday() == 2 and 8 <= day.day <= 14:  # the second Wednesdays
            every.append(day.isoformat())
        day += timedelta(days=1)
    schedule = weekly(frequency="monthly", weekday=2, week_of_month=2, skipped_dates=every)

    detail = refusal(set_schedule(facilitator, {**schedule, "starts_on": starts_on.isoformat()}))

    assert detail.startswith("schedule: This schedule has no session in the next two years")


def test_a_schedule_that_starts_more_than_two_years_ahead_is_refused(facilitator):
    far = date.today() + timedelta(days=2 * 366 + 7)

    for starts_on in (far.isoformat(), "9999-12-31"):
        detail = refusal(set_schedule(facilitator, weekly(starts_on=starts_on)))
        assert "no session in the next two years" in detail


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"frequency": "daily"}, "frequency"),
        ({"weekday": 7}, "weekday"),
        ({"weekday": "1"}, "weekday"),
        ({"time": "7:00"}, "time"),
        ({"time": "24:00"}, "time"),
        ({"time": 1900}, "time"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"starts_on": "2027-1-4"}, "starts_on"),
        ({"starts_on": "2027-02-30"}, "starts_on"),
        ({"skipped_dates": ["someday"]}, "skipped_dates"),
        ({"skipped_dates": ["2027-01-04"] * 101}, "skipped_dates"),
        ({"week_of_month": 2}, "week_of_month"),  # weekly: none
        ({"frequency": "monthly"}, "week_of_month"),  # monthly: required
        ({"frequency": "monthly", "week_of_month": 5}, "week_of_month"),
        ({"frequency": "monthly", "week_of_month": 0}, "week_of_month"),
    ],
)
def test_a_malformed_schedule_is_refused(facilitator, fields, field):
    refusal(set_schedule(facilitator, weekly(**fields)), field)

    assert not Schedule.objects.exists()


def test_a_schedule_is_sent_whole(facilitator):
    detail = refusal(set_schedule(facilitator, {"frequency": "weekly", "weekday": 1}))

    assert "schedule.time: This field is required." in detail
    assert "schedule.starts_on: This field is required." in detail


def test_a_refused_schedule_changes_nothing_else(facilitator, circle_a):
    response = facilitator.patch(DETAIL, {"name": "Renamed", "schedule": weekly(timezone="X/Y")})

    assert response.status_code == 400
    circle_a.refresh_from_db()
    assert circle_a.name == "Circle A"


def test_a_participant_cannot_schedule_the_circle(participant):
    response = set_schedule(participant, weekly())

    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": "Only the circle's facilitator can change it.",
    }
    assert not Schedule.objects.exists()
