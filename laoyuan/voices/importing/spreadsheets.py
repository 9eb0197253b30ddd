"""Spreadsheets we hand out for the voice import: a template per kind (问卷模板, 12345工单模板)
and the rejected rows of a batch (phones masked, other numbers redacted)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from laoyuan.registry.roster.spreadsheets import XLSX_CONTENT_TYPE, reasons_text
from laoyuan.voices.importing.actions import layout
from laoyuan.voices.importing.columns import COLUMNS_OF
from laoyuan.voices.models import ImportKind, VoiceImport, VoiceImportRowError

__all__ = ["TEMPLATE_NAMES", "XLSX_CONTENT_TYPE", "rejected_workbook", "template_workbook"]

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FBEAEA")
_UNUSED_FILL = PatternFill("solid", fgColor="EEEEEE")
_TEXT = "@"

TEMPLATE_NAMES = {
    ImportKind.QUESTIONNAIRE: "居民意见问卷模板.xlsx",
    ImportKind.HOTLINE: "12345工单导入模板.xlsx",
}
_EXAMPLES = {
    ImportKind.QUESTIONNAIRE: {
        "text": "3栋楼道的灯坏了好几天，晚上老人上下楼看不见。（示例）",
        "speaker": "张秀英",
        "anonymous": "否",
        "building": "3",
        "spot": "3栋2单元楼道",
        "date": "2024-05-03",
        "channel": "问卷",
    },
    ImportKind.HOTLINE: {
        "ref": "SL2405030001",
        "date": "2024-05-03 14:20",
        "text": "市民反映五福苑3栋门口下水道堵塞，污水外溢。（示例）",
        "address": "五福苑3栋门口",
        "speaker": "张女士",
        "phone": "（不导入）",
        "hotline_category": "城市管理",
        "hotline_status": "已办结",
    },
}
_NOTES = {
    ImportKind.QUESTIONNAIRE: (
        "1. 每一行是一位居民的问卷。列的顺序可以调整，列名可以用常见的叫法（如“建议”“您的意见”“反映人”）。",
        "2. 问卷有几道问题各占一列时，上传后可以选择哪几列是意见：每个填了内容的格子成为一条意见。",
        "3. 表头上方可以有标题行；空行会被跳过。",
        "4. 上传后先检查、后导入：系统会列出每一个有问题的行和原因，确认后才写入。",
        "5. 同一个文件再次上传不会重复导入。",
        "6. 第2行是示例，请删除后再上传。",
    ),
    ImportKind.HOTLINE: (
        "1. 直接上传12345平台导出的工单表即可，列名可以是“工单编号”“受理时间”“来电内容”“事发地址”等常见叫法。",
        "2. 同一工单编号再次导入不会重复。",
        "3. 联系电话、诉求类型、办理状态不导入：电话不会保存，分类由系统重新建议。",
        "4. 诉求地址中写明本小区楼栋（如“3栋”）的，会同时记下楼栋。",
        "5. 第2行是示例，请删除后再上传。",
    ),
}


def template_workbook(kind: str) -> bytes:
    """A template: the expected columns, one example row and a notes sheet."""
    columns = COLUMNS_OF[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = "问卷" if kind == ImportKind.QUESTIONNAIRE else "12345工单"
    for col, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=column.label)
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED_FILL
        elif column.unused:
            cell.fill = _UNUSED_FILL
        width = 48 if column.field == "text" else max(10, len(column.label) * 2 + 6)
        ws.column_dimensions[cell.column_letter].width = width
        ws.cell(row=2, column=col, value=_EXAMPLES[kind].get(column.field, ""))
        if column.field in ("ref", "building", "phone"):
            for row in range(2, 1001):  # keep case numbers and phones from turning into numbers
                ws[f"{cell.column_letter}{row}"].number_format = _TEXT
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "怎么填"])
    for cell in notes[1]:
        cell.font = _BOLD
    for column in columns:
        need = "必填" if column.required else ("不导入" if column.unused else "选填")
        notes.append([column.label, need, column.help])
    notes.append([])
    for line in _NOTES[kind]:
        notes.append([line])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rejected_workbook(batch: VoiceImport, rows: Iterable[VoiceImportRowError]) -> bytes:
    """The rows that were not imported: row number, reasons, then the user's own columns
    (as kept: phones masked), so the file can be corrected and uploaded again."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("未导入的行")
    headers = [c["header"] for c in layout(batch).get("columns", [])]
    ws.append(["原文件行号", "问题", *headers])
    for row in rows:
        ws.append([row.row_number, reasons_text(row.problems), *row.cells])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
