"""The Chinese working-day calendar (工作日历): public holidays (法定节假日) and the adjusted
working weekends (调休) that the State Council publishes each year.

Where the answer comes from, for each date:
1. a `CalendarDay` row, if one was entered (the admin or `laoyuan calendar`): a year the
   library does not know yet, or a local correction, wins over everything else;
2. the chinese-calendar package, which ships the published schedules (2004–2026 in 1.11);
3. otherwise the year is provisional: Monday to Friday, minus the fixed-date statutory holidays
   (元旦 1 January, 劳动节 1–2 May, 国庆节 1–3 October). The lunar holidays and the 调休 days of
   such a year are unknown until someone enters them; `year_is_published` says so, and pages
   that show deadlines in such a year warn.

Deadlines of case work are counted in *working time*: the seconds that fall on working days
(a working day counts whole, midnight to midnight, local time). Five working days from Friday
16:00 is therefore the next Friday 16:00, holidays skipped and a 调休 Saturday counted, and a
clock that pauses and resumes keeps its remaining working time exactly. Notices count whole
days (`add_days`).

The rows are read once per process and again after `RELOAD_SECONDS`, so a year entered in the
admin reaches every web and worker process within minutes without a query per date.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import chinese_calendar
from django.utils import timezone

DAY = 86_400  # seconds in a working day
RELOAD_SECONDS = 300
# Statutory holidays on fixed solar dates (全国年节及纪念日放假办法, 2024 revision), the only part
# of a year's schedule known before it is published.
FIXED_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节",
                  (10, 2): "国庆节", (10, 3): "国庆节"}  # fmt: skip

_LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
_lock = threading.Lock()
_overrides: dict[dt.date, tuple[bool, str]] | None = None
_override_years: frozenset[int] = frozenset()
_loaded_at = 0.0


def forget() -> None:
    """Drop the rows read so far; the next question reads them again (after a change)."""
    global _overrides, _loaded_at
    with _lock:
        _overrides, _loaded_at = None, 0.0
        _tables.clear()
        _days.clear()


def _rows() -> dict[dt.date, tuple[bool, str]]:
    global _overrides, _override_years, _loaded_at
    now = time.monotonic()
    if _overrides is None or now - _loaded_at > RELOAD_SECONDS:
        from laoyuan.core.models import CalendarDay

        rows = {
            d: (w, n) for d, w, n in CalendarDay.objects.values_list("day", "is_workday", "name")
        }
        with _lock:
            _overrides, _loaded_at = rows, now
            _override_years = frozenset(d.year for d in rows)
    return _overrides


def year_is_published(year: int) -> bool:
    """Whether the year's holidays and 调休 days are known (from the package or entered rows)."""
    _rows()
    return year in _LIBRARY_YEARS or year in _override_years


# What each date was found to be, until the entered rows are read again: the package checks
# every date against its whole table (about 50 µs), and case clocks ask about many dates.
_days: dict[dt.date, tuple[bool, str]] = {}
_days_of: object = None


def day_info(day: dt.date) -> tuple[bool, str]:
    """(is it a working day, the holiday's or make-up day's name, or "")."""
    global _days_of
    rows = _rows()
    if rows is not _days_of:
        with _lock:
            _days.clear()
            _days_of = rows
    found = _days.get(day)
    if found is None:
        found = _days[day] = _day_info(rows, day)
    return found


def _day_info(rows: dict[dt.date, tuple[bool, str]], day: dt.date) -> tuple[bool, str]:
    row = rows.get(day)
    if row is not None:
        return row
    if day.year in _LIBRARY_YEARS:
        on, holiday = chinese_calendar.get_holiday_detail(day)
        if on:
            return False, _HOLIDAY_NAMES.get(holiday, holiday or "")
        if day.weekday() >= 5:  # a weekend day that is a working day: 调休
            return True, "调休上班"
        return True, ""
    name = FIXED_HOLIDAYS.get((day.month, day.day), "")
    if name:
        return False, name
    return day.weekday() < 5, ""


def is_workday(day: dt.date) -> bool:
    return day_info(day)[0]


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


# --- Whole days (public notices, meeting notice periods) ------------------------------------


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """The date `days` days after `start`: calendar days, or working days (the n-th working
    day after `start`; `start` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    if not working:
        return start + dt.timedelta(days=days)
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            days -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (0 when end is not after start)."""
    return sum(1 for d in _dates(start + dt.timedelta(days=1), end) if is_workday(d))


def _dates(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


# --- Working time (case deadlines and clocks) ------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("working time needs an aware datetime")
    return timezone.localtime(moment)


def _next_midnight(moment: dt.datetime) -> dt.datetime:
    tz = moment.tzinfo
    day = moment.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def add_working_seconds(start: dt.datetime, seconds: int) -> dt.datetime:
    """The moment when `seconds` of working time have passed since `start`."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    moment = _local(start)
    while True:
        midnight = _next_midnight(moment)
        if is_workday(moment.date()):
            available = int((midnight - moment).total_seconds())
            if seconds <= available:
                return moment + dt.timedelta(seconds=seconds)
            seconds -= available
        moment = midnight


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return add_working_seconds(start, days * DAY)


def working_seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working time from `start` to `end` in whole seconds (0 when end is not after start).

    In a zone without daylight saving (Asia/Shanghai) every day is 86,400 s, so the whole days
    between the two ends are counted from a per-year table of working days, whatever the span
    (how late a case is after months); elsewhere the days are walked one by one."""
    moment, end = _local(start), _local(end)
    if moment >= end:
        return 0
    if _fixed_offset(moment.tzinfo) and moment.date() < end.date():
        first, last = moment.date(), end.date()
        head = int((_next_midnight(moment) - moment).total_seconds()) if is_workday(first) else 0
        midnight = dt.datetime.combine(last, dt.time(), tzinfo=end.tzinfo)
        tail = int((end - midnight).total_seconds()) if is_workday(last) else 0
        return head + tail + DAY * _workdays_in(first + dt.timedelta(days=1), last)
    total = 0.0
    while moment < end:
        midnight = _next_midnight(moment)
        stop = min(midnight, end)
        if is_workday(moment.date()):
            total += (stop - moment).total_seconds()
        moment = stop
    return int(total)


_offsets: dict[object, bool] = {}


def _fixed_offset(tz) -> bool:
    """Whether the zone keeps one UTC offset all year (no daylight saving), by sampling."""
    if tz not in _offsets:
        samples = {
            dt.datetime(year, month, 15, 12, tzinfo=tz).utcoffset()
            for year in (2000, 2026, 2040)
            for month in (1, 4, 7, 10)
        }
        _offsets[tz] = len(samples) == 1
    return _offsets[tz]


# Cumulative working days per year: _year_table(y)[i] is the number of working days among the
# first i days of year y. Rebuilt when the entered rows are read again (`_rows` reloads).
_tables: dict[int, list[int]] = {}
_tables_of: object = None


def _year_table(year: int) -> list[int]:
    global _tables_of
    rows = _rows()
    with _lock:
        if rows is not _tables_of:
            _tables.clear()
            _tables_of = rows
        table = _tables.get(year)
    if table is None:
        first = dt.date(year, 1, 1)
        table = [0]
        for offset in range((dt.date(year + 1, 1, 1) - first).days):
            table.append(table[-1] + is_workday(first + dt.timedelta(days=offset)))
        with _lock:
            _tables[year] = table
    return table


def _workdays_in(first: dt.date, stop: dt.date) -> int:
    """Working days d with first <= d < stop."""
    total = 0
    day = first
    while day < stop:
        table = _year_table(day.year)
        start = (day - dt.date(day.year, 1, 1)).days
        year_end = dt.date(day.year + 1, 1, 1)
        end = (min(stop, year_end) - dt.date(day.year, 1, 1)).days
        total += table[end] - table[start]
        day = min(stop, year_end)
    return total
