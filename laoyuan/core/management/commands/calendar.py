"""`laoyuan calendar`: see and enter the working-day calendar (工作日历).

  laoyuan calendar show 2027                       the year's holidays and 调休 days
  laoyuan calendar holiday 2027-02-05..2027-02-11 春节
  laoyuan calendar workday 2027-02-14 调休上班
  laoyuan calendar clear 2027-02-14                 back to the package's (or the provisional) rule

chinese-calendar ships the published years; a year it does not know is provisional (weekends
and the fixed-date holidays only) until its schedule is entered here or in the admin.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.core import workdays
from laoyuan.core.actions import calendar_day_remove, calendar_day_set


def _dates(text: str) -> list[dt.date]:
    try:
        first, _, last = text.partition("..")
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last) if last else start
    except ValueError as exc:
        raise CommandError(f"日期应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD：{text}") from exc
    if end < start or (end - start).days > 60:
        raise CommandError(f"日期范围不对（最长61天）：{text}")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


class Command(BaseCommand):
    help = "查看或录入工作日历：法定节假日和调休上班日。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        show = sub.add_parser("show", help="列出一年的节假日和调休上班日")
        show.add_argument("year", type=int)
        for verb, text in (("holiday", "放假"), ("workday", "调休上班")):
            p = sub.add_parser(verb, help=f"把日期设为{text}")
            p.add_argument("dates", help="YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD")
            p.add_argument("name", nargs="?", default="")
        clear = sub.add_parser("clear", help="删除录入的日期，恢复默认规则")
        clear.add_argument("dates")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "show":
            self._show(options["year"])
            return
        for day in _dates(options["dates"]):
            if verb == "clear":
                calendar_day_remove(actor=None, day=day)
            else:
                calendar_day_set(
                    actor=None, day=day, is_workday=verb == "workday", name=options["name"]
                )
        workdays.forget()
        self.stdout.write(self.style.SUCCESS("已保存"))

    def _show(self, year: int) -> None:
        workdays.forget()
        if not workdays.year_is_published(year):
            self.stdout.write(
                f"{year}年的放假安排尚未录入：暂按周一至周五上班、元旦劳动节国庆节固定日期放假计算。"
            )
        day = dt.date(year, 1, 1)
        while day.year == year:
            working, name = workdays.day_info(day)
            if working == (day.weekday() >= 5) or (name and not working):
                kind = "上班" if working else "放假"
                self.stdout.write(f"{day:%Y-%m-%d} {'一二三四五六日'[day.weekday()]} {kind} {name}")
            day += dt.timedelta(days=1)
