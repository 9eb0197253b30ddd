"""The result of a vote on paper and in Excel (表决结果): the A4 PDF for the bulletin board and
the archive (core.pdf), and a workbook with the result, the roll with each voting person's
counted ballot, and every ballot in the order of the chain.

Areas are written as exact decimals (hundredths of m²), phones masked, and text Excel would run
as a formula is written as text. The PDF prints the last hash of the vote's chain, so a paper
copy proves later what the records said when the vote was counted.
"""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.decisions.votes.models import (
    Ballot,
    RollOwner,
    RollUnit,
    Vote,
    VoteEvent,
    VotingPerson,
)
from laoyuan.decisions.votes.results import ResultSheet, option_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "result.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _safe(value: object) -> object:
    # A text starting with = + - @ would run as a formula when the sheet is opened in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _m2(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def period_text(vote: Vote) -> str:
    return "{} — {}".format(
        f"{timezone.localtime(vote.opens_at):%Y-%m-%d %H:%M}",
        f"{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}",
    )


def counted_on(vote: Vote) -> str:
    closing = VoteEvent.objects.filter(vote=vote, kind="closed").first()
    return f"{timezone.localtime(closing.at):%Y-%m-%d %H:%M}" if closing else ""


def pdf_context(sheet: ResultSheet) -> dict:
    """What the result PDF template needs."""
    vote = sheet.vote
    return {
        "sheet": sheet,
        "vote": vote,
        "buildings": list(vote.buildings.all()),
        "period": period_text(vote),
        "counted_on": counted_on(vote),
        "meeting": vote.meeting,
        "printed_on": timezone.localtime(),
    }


def result_pdf(sheet: ResultSheet) -> bytes:
    """The result as an A4 PDF's bytes (what a public notice 公示 attaches)."""
    from laoyuan.core import pdf

    return pdf.render_pdf("decisions/votes/result_pdf.html", pdf_context(sheet))


def result_workbook(sheet: ResultSheet) -> bytes:
    """The workbook's bytes (write-only: a compound of thousands of units streams through)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    vote = sheet.vote
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    big = Font(bold=True, size=14)

    def new_sheet(title: str, header: list[str], widths: list[int]):
        ws = workbook.create_sheet(title)
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        heading = WriteOnlyCell(ws, value=_safe(f"{vote.compound.name} · {vote.title}"))
        heading.font = big
        ws.append([heading])
        ws.append(
            [
                _("投票时间：{period}；计票时间：{at}").format(
                    period=period_text(vote), at=counted_on(vote)
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

    def area(ws, cents: int):
        cell = WriteOnlyCell(ws, value=_m2(cents))
        cell.number_format = "#,##0.00"
        return cell

    # 表决结果
    ws = new_sheet(_("表决结果"), [_("项目"), _("面积（㎡）"), _("人数")], [34, 16, 10])
    t = sheet.result.tally
    ws.append([_("表决范围内全部业主"), area(ws, t.total.area_cents), t.total.persons])
    ws.append([_("参与表决"), area(ws, t.participating.area_cents), t.participating.persons])
    for line in sheet.options:
        ws.append([_safe(line.label), area(ws, line.area_cents), line.persons])
    ws.append([])
    if sheet.tests:
        ws.append([_("检验"), _("实际比例（%）"), _("要求"), _("是否达到")])
        for test in sheet.tests:
            ws.append(
                [test.label, test.share, test.required, _("达到") if test.met else _("未达到")]
            )
        ws.append([])
    ws.append([_("结果"), _safe(sheet.outcome_label)])
    ws.append([_("表决事项"), _safe(vote.get_matter_display())])
    ws.append([_("表决内容"), _safe(vote.question)])
    ws.append([_("适用规则"), _safe(sheet.rule_name)])
    ws.append([_("依据"), _safe(sheet.citation)])
    ws.append([_("记录链校验值"), vote.chain_head])

    # 表决名册: each voting person with her units, owners and counted ballot.
    ws = new_sheet(
        _("表决名册"),
        [
            _("序号"),
            _("表决权人"),
            _("类型"),
            _("房屋"),
            _("面积（㎡）"),
            _("业主及电话（脱敏）"),
            _("计入的选择"),
            _("方式"),
            _("投票时间"),
        ],
        [8, 24, 10, 30, 12, 36, 12, 8, 18],
    )
    persons = (
        VotingPerson.objects.filter(vote=vote)
        .prefetch_related(
            Prefetch("units", queryset=RollUnit.objects.order_by("position")),
            Prefetch("owners", queryset=RollOwner.objects.select_related("owner").order_by("pk")),
        )
        .order_by("number")
    )
    channels = {"online": _("线上"), "paper": _("纸质")}
    for person in persons.iterator(chunk_size=1000):
        ws.append(
            [
                person.number,
                _safe(person.label),
                str(person.get_kind_display()),
                _safe("、".join(u.label for u in person.units.all())),
                area(ws, person.area_cents),
                _safe(
                    "；".join(
                        f"{o.name} {o.owner.phone_masked}".strip() for o in person.owners.all()
                    )
                ),
                option_label(vote, person.counted_choice) if person.counted_choice else _("未投票"),
                channels.get(person.counted_channel, ""),
                f"{timezone.localtime(person.counted_at):%Y-%m-%d %H:%M}"
                if person.counted_at
                else "",
            ]
        )

    # 表决票记录: every ballot in the order of the chain (a replaced one stays).
    ws = new_sheet(
        _("表决票记录"),
        [
            _("记录序号"),
            _("时间"),
            _("表决权人"),
            _("投票业主"),
            _("方式"),
            _("受托人"),
            _("票号"),
            _("收票时间"),
            _("选择"),
            _("操作账号"),
        ],
        [10, 18, 24, 14, 8, 12, 12, 18, 12, 14],
    )
    for ballot in (
        Ballot.objects.filter(vote=vote)
        .select_related("person", "owner", "proxy", "cast_by")
        .order_by("seq")
        .iterator(chunk_size=1000)
    ):
        ws.append(
            [
                ballot.seq,
                f"{timezone.localtime(ballot.at):%Y-%m-%d %H:%M:%S}",
                _safe(ballot.person.label),
                _safe(ballot.owner.name),
                channels.get(ballot.channel, ballot.channel),
                _safe(ballot.proxy.proxy_name) if ballot.proxy_id else "",
                _safe(ballot.ballot_number),
                f"{timezone.localtime(ballot.received_at):%Y-%m-%d %H:%M}"
                if ballot.received_at
                else "",
                option_label(vote, ballot.choice),
                _safe(str(ballot.cast_by)),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
