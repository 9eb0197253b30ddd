"""The period of a public notice (公示期): from a start date, a number of working days (工作日,
public holidays off and 调休 weekend days worked, as `core.workdays` counts them) or calendar
days (自然日), both ends included.

The start day counts when it is a day of the chosen kind: five working days posted on a Monday
run to Friday; posted on a Saturday they run to the Friday after (the notice is up from
Saturday, the count starts on Monday). A period given by its end date instead is counted the
same way, and its end moved back to the last counted day (a working-day period cannot end on a
holiday).

A year that neither the chinese-calendar package nor the entered calendar rows know is counted
on the provisional calendar (weekdays minus the fixed-date holidays); `provisional_years` names
such years so that the pages can warn the staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from laoyuan.core import workdays

MAX_WORKING_DAYS = 60
MAX_CALENDAR_DAYS = 90
# How far ahead a notice may be set to start (a date years away is a typing error).
MAX_START_AHEAD_DAYS = 180


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date
    days: int
    working: bool
    provisional_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def provisional_years(starts_on: dt.date, ends_on: dt.date) -> tuple[int, ...]:
    """The years the period touches whose holidays and 调休 are not published yet."""
    return tuple(
        y for y in range(starts_on.year, ends_on.year + 1) if not workdays.year_is_published(y)
    )


def _limit(working: bool) -> int:
    return MAX_WORKING_DAYS if working else MAX_CALENDAR_DAYS


def end_of(starts_on: dt.date, days: int, *, working: bool) -> dt.date:
    """The last day of a period of `days` days starting on `starts_on` (included)."""
    # add_days counts the days after its start: start the count the day before.
    return workdays.add_days(starts_on - dt.timedelta(days=1), days, working=working)


def days_between(starts_on: dt.date, ends_on: dt.date, *, working: bool) -> int:
    """How many days of the kind fall from `starts_on` to `ends_on`, both included."""
    if ends_on < starts_on:
        return 0
    if not working:
        return (ends_on - starts_on).days + 1
    return workdays.workdays_between(starts_on - dt.timedelta(days=1), ends_on)


def period_of(
    starts_on: dt.date | None,
    *,
    days: int | None = None,
    ends_on: dt.date | None = None,
    working: bool,
) -> Period:
    """The period from a start and either a number of days or an end date (or both, when they
    agree). Bad input raises ValidationError keyed by the field, in Chinese."""
    if starts_on is None:
        raise ValidationError({"starts_on": _("请填写公示开始日期。")})
    unit = _("个工作日") if working else _("天")
    if days is None and ends_on is None:
        raise ValidationError({"period_days": _("请填写公示天数，或填写结束日期。")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": _("结束日期（{end}）早于开始日期（{start}）。").format(
                    end=ends_on.isoformat(), start=starts_on.isoformat()
                )
            }
        )
    if days is not None:
        if days < 1:
            raise ValidationError({"period_days": _("公示天数至少为1。")})
        if days > _limit(working):
            raise ValidationError(
                {
                    "period_days": _("公示期太长：最多{n}{unit}。").format(
                        n=_limit(working), unit=unit
                    )
                }
            )
    if ends_on is not None:
        counted = days_between(starts_on, ends_on, working=working)
        if counted < 1:
            raise ValidationError(
                {"ends_on": _("从开始日期到结束日期之间没有工作日，请改用自然日或调整日期。")}
            )
        if counted > _limit(working):
            raise ValidationError(
                {
                    "ends_on": _(
                        "公示期太长：从开始到结束共{counted}{unit}，最多{n}{unit}。"
                    ).format(counted=counted, n=_limit(working), unit=unit)
                }
            )
        if days is not None and days != counted:
            raise ValidationError(
                {
                    "ends_on": _(
                        "结束日期与公示天数不一致：从开始日期到结束日期共{counted}{unit}，"
                        "填写的是{days}{unit}。只填其中一项即可。"
                    ).format(counted=counted, days=days, unit=unit)
                }
            )
        days = counted
    end = end_of(starts_on, days, working=working)
    return Period(
        starts_on=starts_on,
        ends_on=end,
        days=days,
        working=working,
        provisional_years=provisional_years(starts_on, end),
    )


def check_start_for_publishing(starts_on: dt.date, today: dt.date) -> None:
    """A notice is published to start today or later, and not absurdly far ahead."""
    if starts_on < today:
        raise ValidationError(
            {
                "starts_on": _(
                    "开始日期（{start}）已经过去：发布时开始日期不能早于今天（{today}），请先修改。"
                ).format(start=starts_on.isoformat(), today=today.isoformat())
            }
        )
    if (starts_on - today).days > MAX_START_AHEAD_DAYS:
        raise ValidationError(
            {"starts_on": _("开始日期太远：最多可以提前{n}天安排。").format(n=MAX_START_AHEAD_DAYS)}
        )


def describe(period_days: int, working: bool) -> str:
    """'10个工作日' or '7天'."""
    if working:
        return _("{n}个工作日").format(n=period_days)
    return _("{n}天").format(n=period_days)
