"""The working-day calendar: National Day 2026 (1–7 October off, Sunday 20 September and
Saturday 10 October worked), working time across it, a year the package does not know, and
dates entered by hand."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from laoyuan.core import workdays
from laoyuan.core.actions import calendar_day_remove, calendar_day_set
from laoyuan.core.models import AuditEvent

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(y, m, d, h=0, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.mark.django_db
def test_national_day_and_its_make_up_days():
    assert workdays.day_info(D(2026, 10, 1)) == (False, "国庆节")
    assert not workdays.is_workday(D(2026, 10, 7))
    assert workdays.day_info(D(2026, 10, 10)) == (True, "调休上班")  # a Saturday
    assert workdays.is_workday(D(2026, 9, 20))  # a Sunday
    assert not workdays.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert workdays.year_is_published(2026)


@pytest.mark.django_db
def test_working_days_skip_the_holiday_and_count_the_make_up_saturday():
    # given Wednesday 30 September, the last working day before the holiday
    assert workdays.add_days(D(2026, 9, 30), 1, working=True) == D(2026, 10, 8)
    # Thursday 8, Friday 9, Saturday 10 (调休)
    assert workdays.add_days(D(2026, 9, 30), 3, working=True) == D(2026, 10, 10)
    assert workdays.add_days(D(2026, 9, 30), 4, working=True) == D(2026, 10, 12)
    assert workdays.add_days(D(2026, 9, 30), 4, working=False) == D(2026, 10, 4)
    assert workdays.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert workdays.workdays_between(D(2026, 10, 12), D(2026, 9, 30)) == 0


@pytest.mark.django_db
def test_working_time_runs_across_the_holiday_to_the_same_hour():
    # 16:00 on 30 September + one working day: 8 hours that day, 16 on 8 October
    assert workdays.add_working_days(at(2026, 9, 30, 16), 1) == at(2026, 10, 8, 16)
    # Friday 9 October 10:00 + one working day lands on the 调休 Saturday
    assert workdays.add_working_days(at(2026, 10, 9, 10), 1) == at(2026, 10, 10, 10)
    # two working hours from Saturday 3 October (a holiday) start on 8 October at midnight
    assert workdays.add_working_seconds(at(2026, 10, 3, 9), 2 * 3600) == at(2026, 10, 8, 2)
    between = workdays.working_seconds_between(at(2026, 9, 30, 16), at(2026, 10, 8, 16))
    assert between == workdays.DAY
    assert workdays.working_seconds_between(at(2026, 10, 2), at(2026, 10, 5)) == 0


@pytest.mark.django_db
def test_working_time_accepts_any_time_zone_and_refuses_naive_times():
    utc = dt.datetime(2026, 9, 30, 8, 0, tzinfo=dt.UTC)  # 16:00 in Shanghai
    assert workdays.add_working_days(utc, 1) == at(2026, 10, 8, 16)
    with pytest.raises(ValueError):
        workdays.add_working_days(dt.datetime(2026, 9, 30, 16), 1)
    with pytest.raises(ValueError):
        workdays.add_days(D(2026, 9, 30), -1, working=True)


@pytest.mark.django_db
def test_a_year_the_package_does_not_know_is_provisional_until_entered():
    # given 2027, which chinese-calendar 1.11 does not know
    assert not workdays.year_is_published(2027)
    assert workdays.day_info(D(2027, 1, 1)) == (False, "元旦")
    assert workdays.is_workday(D(2027, 2, 8))  # a Monday: the lunar holidays are unknown
    # when the Spring Festival and its 调休 Sunday are entered
    for i in range(7):
        day = D(2027, 2, 5) + dt.timedelta(days=i)
        calendar_day_set(actor=None, day=day, is_workday=False, name="春节")
    calendar_day_set(actor=None, day=D(2027, 2, 14), is_workday=True, name="调休上班")
    workdays.forget()
    # then the year is published and deadlines follow the entries
    assert workdays.year_is_published(2027)
    assert not workdays.is_workday(D(2027, 2, 8))
    assert workdays.add_days(D(2027, 2, 4), 1, working=True) == D(2027, 2, 12)
    # Friday 12, then the 调休 Sunday 14
    assert workdays.add_days(D(2027, 2, 4), 2, working=True) == D(2027, 2, 14)


@pytest.mark.django_db
def test_an_entered_date_wins_over_the_package_and_is_audited(world):
    # a local correction: Monday 12 October 2026 off
    calendar_day_set(actor=None, day=D(2026, 10, 12), is_workday=False, name="本地调整")
    workdays.forget()
    assert workdays.day_info(D(2026, 10, 12)) == (False, "本地调整")
    assert AuditEvent.objects.filter(action="calendar.set").count() == 1
    assert calendar_day_remove(actor=None, day=D(2026, 10, 12))
    workdays.forget()
    assert workdays.is_workday(D(2026, 10, 12))
    assert AuditEvent.objects.filter(action="calendar.remove").count() == 1


@pytest.mark.django_db
def test_only_the_console_or_a_superuser_edits_the_calendar(world):
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=world.wang, day=D(2027, 1, 2), is_workday=False)


@pytest.mark.django_db
def test_the_calendar_command_enters_and_shows_a_year():
    out = StringIO()
    call_command("calendar", "holiday", "2027-02-05..2027-02-11", "春节", stdout=out)
    call_command("calendar", "workday", "2027-02-14", "调休上班", stdout=out)
    call_command("calendar", "show", "2027", stdout=out)
    text = out.getvalue()
    assert "2027-02-08 一 放假 春节" in text
    assert "2027-02-14 日 上班 调休上班" in text
    call_command("calendar", "clear", "2027-02-14", stdout=out)
    workdays.forget()
    assert not workdays.is_workday(D(2027, 2, 14))
    out = StringIO()
    call_command("calendar", "show", "2028", stdout=out)
    assert "尚未录入" in out.getvalue()
