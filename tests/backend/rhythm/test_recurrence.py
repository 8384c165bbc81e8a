"""rhythm.recurrence: a schedule's sessions, counted in its own time zone, at fixed moments."""

from datetime import UTC, date, datetime, time
from itertools import islice

from rhythm.models import Schedule
from rhythm.recurrence import sessions_ending_after, upcoming


def schedule(**fields):
    defaults = {
        "frequency": "weekly",
        "weekday": 1,  # Tuesday
        "week_of_month": None,
        "time": time(19, 0),
        "timezone": "Europe/Berlin",
        "duration_minutes": 90,
        "starts_on": date(2027, 1, 1),
        "skipped_dates": [],
    }
    return Schedule(**{**defaults, **fields})


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def starts(plan, now, count=3):
    return [start for start, _ in islice(sessions_ending_after(now, plan), count)]


def test_19_00_in_berlin_is_18_00_utc_in_winter_and_17_00_in_summer():
    plan = schedule()

    winter = upcoming(plan, utc(2027, 1, 4))
    summer = upcoming(plan, utc(2027, 7, 1))

    assert (winter.starts_at, winter.ends_at) == (utc(2027, 1, 5, 18), utc(2027, 1, 5, 19, 30))
    assert (summer.starts_at, summer.ends_at) == (utc(2027, 7, 6, 17), utc(2027, 7, 6, 18, 30))
    assert not winter.running


def test_19_00_in_new_york_is_midnight_utc_in_winter_and_23_00_in_summer():
    plan = schedule(weekday=0, timezone="America/New_York")  # Mondays

    assert upcoming(plan, utc(2027, 1, 1)).starts_at == utc(2027, 1, 5, 0)
    assert upcoming(plan, utc(2027, 7, 1)).starts_at == utc(2027, 7, 5, 23)


def test_the_weeks_between_the_two_clock_changes_are_an_hour_apart_in_new_york():
    """The US changes clocks on 14 March 2027, Europe on 28 March: 19:00 Berlin is 13:00 in
    New York, but 14:00 in the two weeks between."""
    plan = schedule(starts_on=date(2027, 3, 9))

    assert starts(plan, utc(2027, 3, 1), count=4) == [
        utc(2027, 3, 9, 18),  # 13:00 EST
        utc(2027, 3, 16, 18),  # 14:00 EDT
        utc(2027, 3, 23, 18),  # 14:00 EDT
        utc(2027, 3, 30, 17),  # 13:00 EDT, 19:00 CEST
    ]


def test_the_running_session_is_upcoming_until_it_ends():
    plan = schedule()

    during = upcoming(plan, utc(2027, 1, 5, 18, 30))
    at_its_end = upcoming(plan, utc(2027, 1, 5, 19, 30))

    assert (during.starts_at, during.running) == (utc(2027, 1, 5, 18), True)
    assert (at_its_end.starts_at, at_its_end.running) == (utc(2027, 1, 12, 18), False)


def test_monthly_on_the_second_wednesday():
    plan = schedule(frequency="monthly", weekday=2, week_of_month=2)

    assert starts(plan, utc(2027, 1, 1)) == [
        utc(2027, 1, 13, 18),
        utc(2027, 2, 10, 18),
        utc(2027, 3, 10, 18),
    ]


def test_monthly_on_the_last_friday():
    plan = schedule(frequency="monthly", weekday=4, week_of_month=-1)

    assert starts(plan, utc(2027, 1, 1)) == [
        utc(2027, 1, 29, 18),
        utc(2027, 2, 26, 18),
        utc(2027, 3, 26, 18),
    ]


def test_monthly_starts_in_the_next_month_when_this_months_day_is_before_starts_on():
    plan = schedule(frequency="monthly", weekday=0, week_of_month=1, starts_on=date(2027, 1, 5))

    assert upcoming(plan, utc(2027, 1, 1)).starts_at == utc(2027, 2, 1, 18)


def test_biweekly_counts_every_other_week_from_the_first_session_on_or_after_starts_on():
    plan = schedule(frequency="biweekly", weekday=0, starts_on=date(2027, 1, 6))  # a Wednesday

    assert starts(plan, utc(2027, 1, 1)) == [
        utc(2027, 1, 11, 18),
        utc(2027, 1, 25, 18),
        utc(2027, 2, 8, 18),
    ]


def test_biweekly_keeps_its_weeks_years_after_starts_on():
    plan = schedule(frequency="biweekly", weekday=0, starts_on=date(2020, 1, 6))

    found = [start.date() for start in starts(plan, utc(2027, 6, 1), count=5)]

    assert all((day - date(2020, 1, 6)).days % 14 == 0 for day in found)
    assert found[0] >= date(2027, 6, 1)
    assert (found[0] - date(2027, 6, 1)).days < 14


def test_skipped_dates_are_left_out():
    plan = schedule(skipped_dates=["2027-01-05", "2027-01-12"])

    assert upcoming(plan, utc(2027, 1, 1)).starts_at == utc(2027, 1, 19, 18)


def test_a_skipped_running_session_is_not_upcoming():
    plan = schedule(skipped_dates=["2027-01-05"])

    assert upcoming(plan, utc(2027, 1, 5, 18, 30)).starts_at == utc(2027, 1, 12, 18)


def test_a_schedule_whose_every_session_in_two_years_is_skipped_has_none_upcoming():
    plan = schedule(frequency="monthly", weekday=2, week_of_month=2)
    now = utc(2027, 1, 1)
    assert upcoming(plan, now) is not None

    plan.skipped_dates = [start.date().isoformat() for start in starts(plan, now, count=25)]

    assert upcoming(plan, now) is None


def test_a_schedule_that_starts_more_than_two_years_ahead_has_none_upcoming():
    assert upcoming(schedule(starts_on=date(2029, 3, 1)), utc(2027, 1, 1)) is None
    assert upcoming(schedule(starts_on=date(9999, 12, 31)), utc(2027, 1, 1)) is None
    assert upcoming(schedule(starts_on=date(2028, 12, 1)), utc(2027, 1, 1)) is not None


def test_a_start_the_clocks_skip_is_read_with_the_offset_before_the_change():
    # 02:30 does not exist in Berlin on 28 March 2027: it is 01:30 UTC (03:30 summer time).
    plan = schedule(weekday=6, time=time(2, 30), starts_on=date(2027, 3, 28))

    assert upcoming(plan, utc(2027, 3, 1)).starts_at == utc(2027, 3, 28, 1, 30)
