"""Given spans of any length across holidays, 调休 days, unpublished years and entered calendar
rows, when working time is counted, then the per-year table gives exactly what walking the days
one by one gives (the case pages count how late a case is after months this way)."""

import datetime as dt
import random

from django.utils import timezone

from laoyuan.core import workdays
from laoyuan.core.models import CalendarDay


def walked(start: dt.datetime, end: dt.datetime) -> int:
    moment, end = timezone.localtime(start), timezone.localtime(end)
    total = 0.0
    while moment < end:
        midnight = dt.datetime.combine(
            moment.date() + dt.timedelta(days=1), dt.time(), tzinfo=moment.tzinfo
        )
        stop = min(midnight, end)
        if workdays.is_workday(moment.date()):
            total += (stop - moment).total_seconds()
        moment = stop
    return int(total)


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def test_the_table_agrees_with_walking_the_days(db):
    rng = random.Random(7)
    base = at("2025-06-01 00:00")
    for _ in range(300):
        start = base + dt.timedelta(minutes=rng.randint(0, 900 * 24 * 60))
        end = start + dt.timedelta(minutes=rng.randint(0, 400 * 24 * 60))
        assert workdays.working_seconds_between(start, end) == walked(start, end), (start, end)


def test_national_day_and_the_make_up_saturday(db):
    # Wed 30 Sept 10:00 → Tue 13 Oct 10:00 2026: 14 h + 8, 9, 10 (调休), 12 Oct + 10 h
    seconds = workdays.working_seconds_between(at("2026-09-30 10:00"), at("2026-10-13 10:00"))
    assert seconds == 5 * workdays.DAY


def test_an_entered_day_changes_the_count_at_once(db):
    start, end = at("2027-02-01 00:00"), at("2027-02-28 00:00")
    before = workdays.working_seconds_between(start, end)
    CalendarDay.objects.create(day=dt.date(2027, 2, 10), is_workday=False, name="春节")
    workdays.forget()
    assert workdays.working_seconds_between(start, end) == before - workdays.DAY
