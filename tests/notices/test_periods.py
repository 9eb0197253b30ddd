"""Given the 2026 calendar (National Day 1–7 October; 调休 working Sunday 20 September and
Saturday 10 October; Mid-Autumn 25–27 September), when a notice's period is counted in working
days or calendar days, then both ends are included, holidays are skipped and 调休 days count;
and a period running into a year whose holidays are not published is flagged provisional."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from laoyuan.core import workdays
from laoyuan.core.models import CalendarDay
from laoyuan.notices.periods import days_between, end_of, period_of, provisional_years

D = dt.date
pytestmark = pytest.mark.django_db  # the calendar reads its entered rows


def test_ten_working_days_from_28_september_run_across_national_day_to_15_october():
    # 28, 29, 30 Sep; 1–7 Oct off; 8, 9, Sat 10 (调休), 12, 13, 14, 15 Oct
    period = period_of(D(2026, 9, 28), days=10, working=True)
    assert period.ends_on == D(2026, 10, 15)
    assert period.days == 10 and period.provisional_years == ()


def test_the_start_day_counts_when_it_is_a_working_day():
    # Mon 21 Sep + 5 working days, Monday included: Mon–Fri (the 25th is Mid-Autumn: off)
    assert end_of(D(2026, 9, 21), 4, working=True) == D(2026, 9, 24)
    assert end_of(D(2026, 9, 21), 5, working=True) == D(2026, 9, 28)


def test_a_period_posted_on_a_holiday_starts_counting_on_the_next_working_day():
    # posted on Sat 19 Sep (off): Sun 20 (调休, worked) is day 1 … Thu 24 is day 5
    assert end_of(D(2026, 9, 19), 5, working=True) == D(2026, 9, 24)
    # posted on 1 Oct (National Day): 8 Oct is day 1, Sat 10 Oct (调休) day 3
    assert end_of(D(2026, 10, 1), 3, working=True) == D(2026, 10, 10)


def test_calendar_days_count_every_day_holidays_included():
    assert end_of(D(2026, 9, 28), 7, working=False) == D(2026, 10, 4)
    assert end_of(D(2026, 9, 28), 1, working=False) == D(2026, 9, 28)


def test_a_period_given_by_its_end_counts_the_days_and_ends_on_the_last_working_day():
    # 28 Sep → 7 Oct: only 28, 29, 30 Sep are working days; the period ends on the 30th
    period = period_of(D(2026, 9, 28), ends_on=D(2026, 10, 7), working=True)
    assert (period.days, period.ends_on) == (3, D(2026, 9, 30))
    assert days_between(D(2026, 9, 28), D(2026, 10, 15), working=True) == 10
    assert period_of(D(2026, 9, 28), ends_on=D(2026, 10, 4), working=False).days == 7


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"days": 0}, "period_days", "至少为1"),
        ({"days": 61}, "period_days", "最多60个工作日"),
        ({"days": 91, "working": False}, "period_days", "最多90天"),
        ({"ends_on": D(2026, 9, 27)}, "ends_on", "早于开始日期"),
        ({"ends_on": D(2026, 10, 7), "days": 5}, "ends_on", "不一致"),
        ({}, "period_days", "请填写公示天数"),
        ({"ends_on": D(2027, 9, 28)}, "ends_on", "公示期太长"),
    ],
)
def test_bad_periods_are_refused_in_chinese(kwargs, field, words):
    kwargs = {"working": True} | kwargs
    with pytest.raises(ValidationError) as caught:
        period_of(D(2026, 9, 28), **kwargs)
    assert words in caught.value.message_dict[field][0]


def test_a_working_day_period_over_holidays_only_is_refused():
    with pytest.raises(ValidationError) as caught:
        period_of(D(2026, 10, 1), ends_on=D(2026, 10, 7), working=True)
    assert "没有工作日" in caught.value.message_dict["ends_on"][0]


def test_a_missing_start_is_refused():
    with pytest.raises(ValidationError) as caught:
        period_of(None, days=5, working=True)
    assert "开始日期" in caught.value.message_dict["starts_on"][0]


def test_a_period_into_an_unpublished_year_is_provisional():
    # given 2027, which the chinese-calendar package does not know yet
    assert not workdays.year_is_published(2027)
    # when a period of 10 working days starts on 28 December 2026
    period = period_of(D(2026, 12, 28), days=10, working=True)
    # then it is counted on the provisional calendar (1 Jan off, weekdays worked) and says so:
    # 28–31 Dec (4), 4–8 Jan (9), 11 Jan (10)
    assert period.ends_on == D(2027, 1, 11)
    assert period.provisional_years == (2027,)
    assert provisional_years(D(2026, 12, 1), D(2026, 12, 31)) == ()


def test_once_the_year_is_entered_the_period_is_counted_on_it():
    # given the State Council's 2027 New Year holiday, entered as calendar rows
    for day in (D(2027, 1, 1), D(2027, 1, 4)):
        CalendarDay.objects.create(day=day, is_workday=False, name="元旦")
    workdays.forget()
    # when the same period is counted again
    period = period_of(D(2026, 12, 28), days=10, working=True)
    # then the entered holiday is skipped and the year is no longer provisional
    assert period.ends_on == D(2027, 1, 12)
    assert period.provisional_years == ()
