"""Questionnaire sheets and 12345 exports for the voice import tests: .xlsx (openpyxl), .csv in
any encoding, rows by column name.

Not a test module: shared by tests/voices/test_import_*.py and tests/e2e/test_voice_import.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

QUESTIONNAIRE_HEADERS = ("姓名", "是否匿名", "楼栋", "具体位置", "意见内容", "填写日期", "渠道")
HOTLINE_HEADERS = (
    "工单编号", "受理时间", "来电人", "联系电话", "诉求地址", "诉求内容", "诉求类型", "办理状态",
)  # fmt: skip

# A synthetic caller's phone: the tests search the database for these digits.
CALLER_PHONE = "13987654321"


def answer(**values) -> dict:
    """A questionnaire row: 王大爷 of building 1 on the stairwell light, unless told otherwise."""
    row = {
        "姓名": "王大爷",
        "是否匿名": "否",
        "楼栋": "1栋",
        "具体位置": "1栋2单元楼道",
        "意见内容": "楼道的灯坏了好几天，晚上上下楼看不见",
        "填写日期": "2024-05-03",
        "渠道": "问卷",
    }
    row.update(values)
    return row


def case(ref: str = "SL2405030001", **values) -> dict:
    """A 12345 work order about the drain at building 1 of 五福苑, unless told otherwise."""
    row = {
        "工单编号": ref,
        "受理时间": "2024-05-03 14:20:11",
        "来电人": "张女士",
        "联系电话": CALLER_PHONE,
        "诉求地址": "锦江区五福苑1栋门口",
        "诉求内容": f"市民来电反映五福苑1栋门口下水道堵塞，污水外溢，请尽快处理。回电{CALLER_PHONE}",
        "诉求类型": "城市管理/排水",
        "办理状态": "已办结",
    }
    row.update(values)
    return row


def table(rows: Sequence[dict], headers: Sequence[str]) -> list[list]:
    return [list(headers)] + [[row.get(h, "") for h in headers] for row in rows]


def xlsx_bytes(
    rows: Sequence[dict] = (),
    *,
    headers: Sequence[str] = QUESTIONNAIRE_HEADERS,
    cells: list[list] | None = None,
    title: str | None = None,
    sheet: str = "问卷",
) -> bytes:
    """An .xlsx with an optional merged title row above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for line in cells if cells is not None else table(rows, headers):
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[dict], *, headers: Sequence[str] = QUESTIONNAIRE_HEADERS, encoding="utf-8"
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table(rows, headers))
    return out.getvalue().encode(encoding)


def hotline_xlsx(
    rows: Sequence[dict], *, headers: Sequence[str] = HOTLINE_HEADERS, **kwargs
) -> bytes:
    return xlsx_bytes(rows, headers=headers, sheet="工单", **kwargs)


def import_file(
    actor,
    compound,
    data: bytes,
    *,
    kind: str = "questionnaire",
    name: str = "问卷.xlsx",
    said_on=None,
    occasion: str = "",
    opinion_headers: list[str] | None = None,
    commit: bool = True,
):
    """Upload, preview and (unless told not to) commit a sheet, as the tasks would."""
    from laoyuan.voices.importing import actions

    batch = actions.voice_import_create(
        actor=actor,
        compound=compound,
        kind=kind,
        file=io.BytesIO(data),
        name=name,
        said_on=said_on,
        occasion=occasion,
        opinion_headers=[] if opinion_headers is None else opinion_headers,
    )
    batch = actions.voice_import_preview(batch_id=batch.pk)
    if commit:
        assert actions.voice_import_request_commit(actor=actor, batch=batch), batch.error_message
        batch = actions.voice_import_commit(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch
