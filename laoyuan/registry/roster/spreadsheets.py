"""Spreadsheets we hand out: the roster template (花名册模板) and the rejected rows of a batch.

Both are .xlsx written with openpyxl. The rejected rows keep the user's own columns, add the
row number and the reasons, and show ID numbers and phones masked, as every export does.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from laoyuan.registry.models import ImportBatch, ImportRowError
from laoyuan.registry.roster.columns import COLUMNS
from laoyuan.registry.roster.rows import TEMPLATE_EXAMPLE_ID

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FBEAEA")
_TEXT = "@"  # Excel's "text" number format: keeps ID numbers and phones from turning into numbers

_EXAMPLE = {
    "building": "1",
    "entrance": "1",
    "room": "101",
    "area": "65.40",
    "area_source": "不动产登记",
    "name": "张秀英（示例）",
    "sex": "女",
    "birth_date": "1948-03-12",
    "id_number": TEMPLATE_EXAMPLE_ID,
    "phone": "13800000000",
    "relation": "户主",
    "tenure": "业主",
    "lives_alone": "是",
    "disabled": "",
    "low_income": "",
    "party_member": "是",
    "grid": "一网格",
    "note": "示例行：导入时自动跳过，可以删除",
}


def template_workbook() -> bytes:
    """The roster template: expected columns, one example row, drop-downs and a notes sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=column.label)
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED_FILL
        ws.column_dimensions[cell.column_letter].width = max(8, len(column.label) * 2 + 4)
        example = ws.cell(row=2, column=col, value=_EXAMPLE[column.field])
        if column.field in ("id_number", "phone", "building", "entrance", "room"):
            letter = cell.column_letter
            for row in range(2, 2001):  # pre-format the rows people will type into
                ws[f"{letter}{row}"].number_format = _TEXT
            ws.column_dimensions[letter].width = 22 if column.field == "id_number" else 14
        example.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"
    letters = {c.field: ws.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, 1)}
    for field, options in (
        ("sex", "男,女"),
        ("tenure", "业主,业主家属,租户,其他"),
        ("relation", "户主,配偶,子女,父母,孙子女,祖父母,兄弟姐妹,其他"),
        ("area_source", "不动产登记,测绘,购房合同"),
        ("lives_alone", "是,否"),
        ("disabled", "是,否"),
        ("low_income", "是,否"),
        ("party_member", "是,否"),
    ):
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.error = "请从下拉列表中选择"
        validation.errorTitle = "填写有误"
        ws.add_data_validation(validation)
        validation.add(f"{letters[field]}2:{letters[field]}2000")

    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "怎么填"])
    for cell in notes[1]:
        cell.font = _BOLD
    for column in COLUMNS:
        notes.append([column.label, "必填" if column.required else "选填", column.help])
    notes.append([])
    for line in (
        "1. 每一行是一位居民。同一户的几个人各占一行，楼栋、单元、房号相同。",
        "2. 列的顺序可以调整，列名也可以用常见的叫法（如“楼号”“门牌号”“身份证号码”“手机号”）。",
        "3. 表头上方可以有标题行；空行会被跳过。",
        "4. 上传后先检查、后导入：系统会列出每一个有问题的行和原因，确认后才写入。",
        "5. 有问题的行不会导入，也不会影响其他行；改好后重新上传即可，已导入的人不会重复。",
        "6. 花名册里没有的居民不会被删除。",
        "7. 第2行是示例，导入时会自动跳过，可以直接删除。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rejected_workbook(batch: ImportBatch, rows: Iterable[ImportRowError]) -> bytes:
    """The rows that were not imported: row number, the original columns, and why."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("未导入的行")
    headers = [c["header"] for c in batch.columns]
    # Row number and reasons first, where they are seen at once; the user's columns follow
    # unchanged, so the file can be corrected and uploaded again.
    ws.append(["原文件行号", "问题", *headers])
    for row in rows:
        ws.append([row.row_number, reasons_text(row.problems), *row.cells])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def reasons_text(problems: list[dict]) -> str:
    return "；".join(
        f"{p['column']}：{p['reason']}" if p["column"] else p["reason"] for p in problems
    )
