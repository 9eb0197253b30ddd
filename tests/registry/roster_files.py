"""Roster files for the import tests: .xlsx (openpyxl), .csv in any encoding, rows by name.

Not a test module: shared by tests/registry/test_roster_*.py and tests/e2e/test_roster_import.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from tests.cast import make_id_number

HEADERS = (
    "楼栋", "单元", "房号", "建筑面积", "姓名", "性别", "出生日期", "身份证号", "联系电话",
    "与户主关系", "居住类型", "独居", "残疾", "低保", "党员", "网格", "备注",
)  # fmt: skip

# Synthetic people (valid ID numbers; no real person).
WANG_ID = make_id_number("19520101", seq="31")  # 王建国, male
WANG_WIFE_ID = make_id_number("19550606", seq="32", male=False)  # 李淑芬
TENANT_ID = make_id_number("19920909", seq="33", male=False)  # 周小雨
LIU_ID = make_id_number("19480312", male=False)  # 刘桂兰, already in the world (1-1-101)


def person(**values) -> dict:
    """A roster row for 1栋1单元301 unless told otherwise."""
    row = {
        "楼栋": "1",
        "单元": "1",
        "房号": "301",
        "建筑面积": "70.00",
        "姓名": "王建国",
        "性别": "男",
        "出生日期": "1952-01-01",
        "身份证号": WANG_ID,
        "联系电话": "13911112222",
        "与户主关系": "户主",
        "居住类型": "业主",
        "独居": "",
        "残疾": "",
        "低保": "",
        "党员": "是",
        "网格": "一网格",
        "备注": "",
    }
    row.update(values)
    return row


def table(rows: Sequence[dict], headers: Sequence[str] = HEADERS) -> list[list]:
    return [list(headers)] + [[row.get(h, "") for h in headers] for row in rows]


def xlsx_bytes(
    rows: Sequence[dict] | None = None,
    *,
    headers: Sequence[str] = HEADERS,
    cells: list[list] | None = None,
    title: str | None = None,
) -> bytes:
    """An .xlsx with an optional merged title row above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "居民花名册"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for line in cells if cells is not None else table(rows or [], headers):
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[dict], *, headers: Sequence[str] = HEADERS, encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table(rows, headers))
    return out.getvalue().encode(encoding)


def import_file(actor, compound, data: bytes, *, name: str = "花名册.xlsx", commit: bool = True):
    """Upload, preview and (unless told not to) commit a roster, as the tasks would."""
    from laoyuan.registry.roster import actions

    batch = actions.import_batch_create(
        actor=actor, compound=compound, file=io.BytesIO(data), name=name
    )
    batch = actions.import_batch_preview(batch_id=batch.pk)
    if commit:
        assert actions.import_batch_request_commit(actor=actor, batch=batch)
        batch = actions.import_batch_commit(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch
