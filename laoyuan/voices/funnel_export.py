"""The funnel (意见漏斗) as an Excel workbook: the steps (漏斗), by channel (按渠道), by category
(按分类) and the topics (议题) of the period, each sheet headed by the place and the period.

Counts are written as numbers, dates as dates. Text is redacted again on the way out (no phone
or ID numbers, no markup) and cells Excel would run as formulas are written as text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.core.scopes import visible
from laoyuan.registry.models import Community, Compound, Street
from laoyuan.voices.charts import Step
from laoyuan.voices.engine.text import redact
from laoyuan.voices.models import Topic, Voice
from laoyuan.voices.queries import Funnel, FunnelRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_voices(
    user: User,
    *,
    place: Street | Community | Compound | None,
    since: dt.date | None,
    until: dt.date | None,
) -> QuerySet[Voice]:
    """The voices the funnel counts: in the user's scope, in the place, said in the period
    (the same narrowing as queries.funnel)."""
    qs = visible(user, Voice, "voices.view")
    if isinstance(place, Street):
        qs = qs.filter(street=place)
    elif isinstance(place, Community):
        qs = qs.filter(community=place)
    elif isinstance(place, Compound):
        qs = qs.filter(compound=place)
    if since:
        qs = qs.filter(said_on__gte=since)
    if until:
        qs = qs.filter(said_on__lte=until)
    return qs


def funnel_topics(
    user: User,
    *,
    place: Street | Community | Compound | None,
    since: dt.date | None,
    until: dt.date | None,
) -> QuerySet[Topic]:
    """The topics holding the funnel's voices, each with how many of them it holds (a merged
    topic's voices now sit in the topic it went into, so it is counted there, once)."""
    voices = period_voices(user, place=place, since=since, until=until)
    in_period = Q()
    if since:
        in_period &= Q(voices__said_on__gte=since)
    if until:
        in_period &= Q(voices__said_on__lte=until)
    return (
        Topic.objects.filter(pk__in=voices.filter(topic__isnull=False).values("topic_id"))
        .select_related("compound")
        .annotate(
            period_voices=Count("voices", filter=in_period), first_said=Min("voices__said_on")
        )
        .order_by("compound__code", "-period_voices", "pk")
    )


def _safe(value: object) -> object:
    # A text starting with = + - @ would run as a formula when the sheet is opened in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _text(value: str) -> str:
    return _safe(redact(value or "")) if value else ""


def _rows_header() -> list[str]:
    return [
        _("意见"),
        _("议题"),
        _("已决定"),
        _("入项目库"),
        _("转工单"),
        _("答复办结"),
        _("不予采纳"),
    ]


def _row_values(row: FunnelRow) -> list[int]:
    return [
        row.voices,
        row.topics,
        row.decided,
        row.project,
        row.case,
        row.answered,
        row.rejected,
    ]


def funnel_workbook(
    funnel: Funnel,
    topics: Iterable[Topic],
    *,
    place_label: str,
    period_label: str,
    steps: Sequence[Step],
) -> bytes:
    """The workbook's bytes. Streams the topics (write-only mode), so a street's year of
    topics does not sit in memory as cell objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    big = Font(bold=True, size=14)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def sheet(title: str, header: list[str], widths: list[int]):
        ws = workbook.create_sheet(title)
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        heading = WriteOnlyCell(
            ws,
            value=_safe(
                _("{place} 意见漏斗（{period}）").format(place=place_label, period=period_label)
            ),
        )
        heading.font = big
        ws.append([heading])
        ws.append(
            [
                _("地点：{place}；时间：{period}；导出于 {at}").format(
                    place=place_label, period=period_label, at=made
                )
            ]
        )
        ws.append([])
        cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        return ws

    # 漏斗: each step with its share of the step before it and of all voices.
    ws = sheet(_("漏斗"), [_("步骤"), _("数量"), _("占意见总数")], [22, 12, 14])
    total_voices = funnel.total.voices
    for step in steps:
        share = round(step.value / total_voices, 4) if total_voices else None
        cell = WriteOnlyCell(ws, value=share)
        cell.number_format = "0.0%"
        ws.append([step.label, step.value, cell])
    ws.append([_("其中：未归入议题的意见"), funnel.ungrouped, None])

    for title, first, rows in (
        (_("按渠道"), _("渠道"), funnel.by_channel),
        (_("按分类"), _("分类"), funnel.by_category),
    ):
        ws = sheet(title, [first, *_rows_header()], [18, *[10] * 7])
        for row in rows:
            ws.append([_safe(row.label or _("未归类")), *_row_values(row)])
        ws.append([_("合计"), *_row_values(funnel.total)])

    ws = sheet(
        _("议题"),
        [
            _("编号"),
            _("小区"),
            _("议题"),
            _("状态"),
            _("一级分类"),
            _("二级分类"),
            _("本期意见数"),
            _("首次反映"),
            _("决定内容"),
            _("责任方"),
            _("完成时限"),
            _("答复"),
            _("不予采纳理由"),
        ],
        [8, 14, 40, 12, 14, 16, 10, 12, 40, 16, 12, 40, 30],
    )

    def day(value: dt.date | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell

    for topic in topics:
        ws.append(
            [
                topic.pk,
                _safe(topic.compound.name),
                _text(topic.title),
                str(topic.get_state_display()),
                _safe(topic.category),
                _safe(topic.subcategory),
                topic.period_voices,
                day(topic.first_said),
                _text(topic.decision),
                _text(topic.responsible_party),
                day(topic.deadline),
                _text(topic.answer),
                _text(topic.reason),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
