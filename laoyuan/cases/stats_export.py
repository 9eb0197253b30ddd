"""The statistics of case work as an Excel workbook (工单统计.xlsx): the totals, one sheet per
grouping (责任方, 分类, 社区, 街道) and the overdue cases, each headed by the place and the period.

Counts are numbers, rates are numbers formatted as percentages, times are in working hours.
No personal data: the overdue sheet names the case, its place, category and party, never who
raised it. Cells Excel would run as formulas are written as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases.models import Case, SupervisionLevel
from laoyuan.cases.stats import Row, Stats
from laoyuan.voices.funnel_export import XLSX_CONTENT_TYPE, _safe

__all__ = ["XLSX_CONTENT_TYPE", "stats_workbook"]


def _rate(value: str | None):
    return None if value is None else Decimal(value) / 100


def _hours(seconds: int | None):
    return None if seconds is None else round(Decimal(seconds) / 3600, 1)


def _header() -> list[str]:
    return [
        "",
        _("受理工单"),
        _("应响应"),
        _("按时响应"),
        _("响应率"),
        _("应办结"),
        _("已办结"),
        _("按期办结"),
        _("按期办结率"),
        _("已评价"),
        _("满意和基本满意"),
        _("满意率"),
        _("重办"),
        _("重办率"),
        _("平均办结用时（工作小时）"),
        _("90%办结用时（工作小时）"),
        _("当前逾期"),
    ]


def _values(row: Row) -> list:
    return [
        row.opened,
        row.respond_due,
        row.responded_on_time,
        _rate(row.response_rate),
        row.solve_due,
        row.solved,
        row.solved_on_time,
        _rate(row.on_time_rate),
        row.rated,
        row.satisfied,
        _rate(row.satisfaction_rate),
        row.reopened,
        _rate(row.reopen_rate),
        _hours(row.average_solve),
        _hours(row.p90),
        row.overdue,
    ]


def stats_workbook(
    groupings: dict[str, Stats],
    overdue: Iterable[Case],
    *,
    place_label: str,
    period_label: str,
) -> bytes:
    """The workbook's bytes (write-only: rows stream, nothing sits in memory as cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold, big = Font(bold=True), Font(bold=True, size=14)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    titles = {
        "party": _("按责任方"),
        "category": _("按分类"),
        "community": _("按社区"),
        "street": _("按街道"),
    }
    firsts = {
        "party": _("责任方"),
        "category": _("分类"),
        "community": _("社区"),
        "street": _("街道"),
    }

    def sheet(title: str, header: list[str]):
        ws = workbook.create_sheet(title)
        for i in range(len(header)):
            ws.column_dimensions[chr(ord("A") + i)].width = 22 if i == 0 else 12
        heading = WriteOnlyCell(
            ws,
            value=_safe(
                _("{place} 工单统计（{period}）").format(place=place_label, period=period_label)
            ),
        )
        heading.font = big
        ws.append([heading])
        ws.append(
            [_("导出于 {at}；用时按工作时间计算（节假日不计，调休上班日计入）").format(at=made)]
        )
        ws.append([])
        cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        return ws

    def write(ws, label: str, row: Row) -> None:
        values = []
        for i, value in enumerate(_values(row)):
            cell = WriteOnlyCell(ws, value=value)
            if i in (3, 7, 10, 12):
                cell.number_format = "0.0%"
            values.append(cell)
        ws.append([_safe(label), *values])

    any_stats = next(iter(groupings.values()))
    ws = sheet(_("合计"), [_("范围"), *_header()[1:]])
    write(ws, _("合计"), any_stats.total)
    for group, stats in groupings.items():
        ws = sheet(titles[group], [firsts[group], *_header()[1:]])
        for row in stats.rows:
            write(ws, row.label, row)
        write(ws, _("合计"), stats.total)

    ws = sheet(
        _("逾期工单"),
        [
            _("受理编号"),
            _("小区"),
            _("分类"),
            _("标题"),
            _("状态"),
            _("责任方"),
            _("督办层级"),
            _("期限"),
        ],
    )
    for case in overdue:
        due = WriteOnlyCell(ws, value=timezone.localtime(case.next_due_at).replace(tzinfo=None))
        due.number_format = "yyyy-mm-dd hh:mm"
        ws.append(
            [
                case.request_id,
                _safe(case.compound.name),
                _safe(str(case.category)),
                _safe(case.title),
                str(case.get_state_display()),
                _safe(case.party.name) if case.party_id else _("未派单"),
                str(SupervisionLevel(case.level).label),
                due,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
