"""Renewal as Excel workbooks (.xlsx, openpyxl): a project's accounts (项目账目), a share
scheme's collection list (收缴清单, phones masked) and a place's portfolio (改造总览).

Amounts are written as numbers with two decimals (the Decimal itself, never a float), dates as
dates; a text Excel would run as a formula is written as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from laoyuan.renewal.ledger import Balances
from laoyuan.renewal.queries.funding import Payer, Statement
from laoyuan.renewal.queries.portfolio import CompoundRow, Portfolio

MONEY_FORMAT = "#,##0.00"
BOLD = Font(bold=True)


def _safe(value: object) -> object:
    if isinstance(value, Promise):  # a lazy translation (a choice's label)
        value = str(value)
    # A text starting with = + - @ would run as a formula when the sheet is opened in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _sheet(book: Workbook, title: str, heading: Sequence[str], header: Sequence[str]) -> Worksheet:
    sheet = book.create_sheet(title=title[:31])
    for line in heading:
        sheet.append([_safe(line)])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.append([])
    sheet.append([_safe(h) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True)
    return sheet


def _rows(sheet: Worksheet, rows: Iterable[Sequence[object]], money_columns: Sequence[int]):
    for row in rows:
        sheet.append([_safe(v) for v in row])
        for column in money_columns:
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(ord("A") + i - 1)].width = width


def _save(book: Workbook) -> bytes:
    del book[book.sheetnames[0]]  # the empty default sheet
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _balance_cells(b: Balances) -> list[Decimal]:
    return [b.pledged, b.received, b.spent, b.cash, b.outstanding]


def accounts_workbook(statement: Statement) -> bytes:
    """Sheets: by source (按来源), by kind of source (按类型), every entry (明细)."""
    project = statement.project
    heading = [
        _("{compound} · {title} · 项目账目").format(
            compound=project.compound.name, title=project.title
        ),
        _("截至 {when}").format(
            when=timezone.localtime(statement.as_of).strftime("%Y-%m-%d %H:%M")
        ),
        _("预算：{budget} 元").format(budget=project.budget if project.budget is not None else "—"),
    ]
    money_header = [_("认缴"), _("已到位"), _("已支出"), _("结余"), _("未到位")]
    book = Workbook()
    sheet = _sheet(book, _("按来源"), heading, [_("资金来源"), _("出资方"), *money_header])
    _rows(
        sheet,
        [
            [line.kind_label, line.source.funder, *_balance_cells(line.balances)]
            for line in statement.lines
        ]
        + [[_("合计"), "", *_balance_cells(statement.total)]],
        money_columns=range(3, 8),
    )
    _widths(sheet, [18, 30, 16, 16, 16, 16, 16])
    sheet = _sheet(book, _("按类型"), heading, [_("资金来源"), *money_header])
    _rows(
        sheet,
        [[k.label, *_balance_cells(k.balances)] for k in statement.by_kind],
        money_columns=range(2, 7),
    )
    _widths(sheet, [22, 16, 16, 16, 16, 16])
    sheet = _sheet(
        book,
        _("明细"),
        heading,
        [_("日期"), _("类型"), _("资金来源"), _("摘要"), _("金额（元）"), _("户数")],
    )
    _rows(
        sheet,
        [
            [
                e.booked_on,
                e.kind_label,
                str(e.source),
                e.description or _("居民缴纳分摊"),
                e.amount,
                e.households or "",
            ]
            for e in statement.entries
        ],
        money_columns=[5],
    )
    _widths(sheet, [12, 10, 30, 40, 16, 8])
    if statement.schemes:
        sheet = _sheet(
            book,
            _("居民分摊"),
            heading,
            [
                _("分摊依据"),
                _("户数"),
                _("已缴清"),
                _("部分缴纳"),
                _("未缴"),
                _("应缴合计"),
                _("已收合计"),
            ],
        )
        _rows(
            sheet,
            [
                [
                    s.scheme.get_basis_display(),
                    s.units,
                    s.paid_in_full,
                    s.paid_some,
                    s.unpaid,
                    s.scheme.total,
                    s.collected,
                ]
                for s in statement.schemes
            ],
            money_columns=[6, 7],
        )
    return _save(book)


def collection_workbook(scheme, rows: Sequence, payers: dict[int, Payer]) -> bytes:
    """The collection list (收缴清单) of one scheme: every unit, who (as registered, phones
    masked), weight, amount due, paid, still owed."""
    heading = [
        _("{compound} · {title} · 居民分摊收缴清单").format(
            compound=scheme.project.compound.name, title=scheme.project.title
        ),
        _("分摊依据：{basis}；总额 {total} 元；{n} 户；权重合计 {w}").format(
            basis=scheme.get_basis_display(),
            total=scheme.total,
            n=scheme.unit_count,
            w=scheme.weight_total,
        ),
        _("每户应缴 = 总额 × 本户权重 ÷ 权重合计，精确到分；尾差按最大余额法逐分分给余数最大的户"),
    ]
    book = Workbook()
    sheet = _sheet(
        book,
        _("收缴清单"),
        heading,
        [
            _("房屋"),
            _("业主或户主"),
            _("联系电话（脱敏）"),
            _("权重"),
            _("应缴（元）"),
            _("已缴（元）"),
            _("未缴（元）"),
            _("尾差1分"),
        ],
    )
    data = []
    for share in rows:
        payer = payers.get(share.unit_id)
        collected = share.collected or Decimal("0.00")
        data.append(
            [
                str(share.unit),
                "、".join(payer.names) if payer else "",
                payer.phone_masked if payer else "",
                share.weight,
                share.amount,
                collected,
                share.amount - collected,
                _("是") if share.extra_fen else "",
            ]
        )
    _rows(sheet, data, money_columns=[5, 6, 7])
    _widths(sheet, [18, 24, 16, 10, 14, 14, 14, 8])
    return _save(book)


def portfolio_workbook(p: Portfolio, rows: Sequence[CompoundRow], labels: dict) -> bytes:
    """The portfolio: figures (总览), money by source and class (资金), every compound (小区)."""
    heading = [
        _("{place} · 老旧小区改造总览").format(place=p.place.name),
        _("截至 {day}").format(day=p.today.isoformat()),
    ]
    book = Workbook()
    sheet = _sheet(book, _("总览"), heading, [_("指标"), _("数值")])
    _rows(
        sheet,
        [
            [_("小区总数"), p.compounds],
            [_("老旧小区"), p.old_compounds],
            [_("已改造"), p.renovated],
            [_("改造中"), p.under_way],
            [_("待改造"), p.waiting],
            [_("改造项目"), p.projects],
            [_("进度滞后的项目"), p.behind],
            [_("满意度答卷"), p.answered],
            [_("满意及基本满意"), p.satisfied],
            [_("未销号整治事项"), p.items_open],
            [_("超期整治事项"), p.items_overdue],
        ],
        money_columns=[],
    )
    _widths(sheet, [24, 14])
    money_header = [_("认缴"), _("已到位"), _("已支出"), _("结余"), _("未到位")]
    sheet = _sheet(book, _("资金"), heading, [_("分组"), *money_header])
    _rows(
        sheet,
        [[labels["source"].get(k, k), *_balance_cells(b)] for k, b in p.money_by_source.items()]
        + [[labels["class"].get(k, k), *_balance_cells(b)] for k, b in p.money_by_class.items()]
        + [[_("合计"), *_balance_cells(p.money_total)]],
        money_columns=range(2, 7),
    )
    _widths(sheet, [22, 16, 16, 16, 16, 16])
    sheet = _sheet(
        book,
        _("小区"),
        heading,
        [
            _("社区"),
            _("小区"),
            _("建成年份"),
            _("改造状态"),
            _("规划中项目"),
            _("在建项目"),
            _("已验收项目"),
            _("预算（元）"),
            _("已到位（元）"),
            _("已支出（元）"),
        ],
    )
    _rows(
        sheet,
        [
            [
                r.compound.community.name,
                r.compound.name,
                r.compound.year_built,
                labels["status"][r.status.status],
                r.status.planning,
                r.status.building,
                r.status.done,
                r.budget,
                r.balances.received,
                r.balances.spent,
            ]
            for r in rows
        ],
        money_columns=[8, 9, 10],
    )
    _widths(sheet, [14, 20, 10, 10, 10, 10, 10, 16, 16, 16])
    return _save(book)
