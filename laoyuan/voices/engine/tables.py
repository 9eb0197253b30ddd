"""Reading and writing the sheets the voices command works on: .xlsx/.xls through
python-calamine, .csv in UTF-8/UTF-16/GB18030 (the roster reader's kind sniffing and decoding,
reused), and writing .xlsx (openpyxl) or .csv (UTF-8 with BOM, so Excel opens it right)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from laoyuan.registry.roster.reading import (
    RosterFileError,
    cell_text,
    decode_csv,
    is_blank_row,
    sniff_kind,
)

HEADER_SCAN_ROWS = 10
OUTPUT_KINDS = ("xlsx", "csv")


class TableError(ValueError):
    """A file or column that cannot be used. The message is Chinese and says why."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel numbers rows, from 1
    text: str
    label: str | None


def _rows_of(path: Path) -> Iterator[list]:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise TableError(_("无法打开文件 {name}：{error}").format(name=path, error=exc)) from exc
    try:
        kind = sniff_kind(path.name, head)
    except RosterFileError as exc:
        raise TableError(str(exc)) from exc
    if kind == "csv":
        try:
            text = decode_csv(path.read_bytes())
        except RosterFileError as exc:
            raise TableError(str(exc)) from exc
        sample = text[:20_000].splitlines()[:HEADER_SCAN_ROWS]
        counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        except csv.Error as exc:
            raise TableError(_("CSV 文件格式有误：{error}").format(error=exc)) from exc
        return
    try:
        with open(path, "rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
        index = next(
            i
            for i, meta in enumerate(workbook.sheets_metadata)
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        )
        rows = workbook.get_sheet_by_index(index).iter_rows()
    except StopIteration as exc:
        raise TableError(_("文件中没有可读取的工作表。")) from exc
    except Exception as exc:  # calamine raises plain errors on some broken files
        raise TableError(
            _("无法读取这个 Excel 文件：文件可能已损坏或设置了打开密码。请另存为 .xlsx 再试。")
        ) from exc
    yield from rows


def read_column(path: Path | str, *, text_col: str, label_col: str | None = None) -> list[Row]:
    """The non-blank rows of the first visible sheet (or the CSV): the text in the column headed
    `text_col` and, when asked, the label in `label_col`. The header is the first of the top
    ten rows that has the text column."""
    path = Path(path)
    wanted = [c for c in (text_col, label_col) if c]
    numbered = enumerate(_rows_of(path), start=1)
    header: list[str] | None = None
    seen: list[str] = []
    for number, cells in numbered:
        names = [cell_text(c) for c in cells]
        if any(names) and not seen:
            seen = [n for n in names if n]
        if text_col in names:
            header = names
            header_number = number
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if header is None:
        shown = "、".join(f"“{n}”" for n in seen[:20]) or _("（表头是空的）")
        raise TableError(
            _("表格中没有名为“{col}”的列（在前{n}行中查找）。现有的列：{columns}。").format(
                col=text_col, n=HEADER_SCAN_ROWS, columns=shown
            )
        )
    for col in wanted:
        if col not in header:
            raise TableError(
                _("表格中没有名为“{col}”的列。现有的列：{columns}。").format(
                    col=col, columns="、".join(f"“{n}”" for n in header if n)
                )
            )
    text_at = header.index(text_col)
    label_at = header.index(label_col) if label_col else None
    out: list[Row] = []
    for number, cells in numbered:
        if is_blank_row(cells):
            continue
        text = cell_text(cells[text_at]) if text_at < len(cells) else ""
        label = None
        if label_at is not None:
            label = cell_text(cells[label_at]) if label_at < len(cells) else ""
        out.append(Row(number=number, text=text, label=label))
    if not out:
        raise TableError(_("表头（第{row}行）下面没有任何数据行。").format(row=header_number))
    return out


def output_kind(path: Path | str) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in OUTPUT_KINDS:
        raise TableError(
            _("结果只能保存为 .xlsx 或 .csv 文件，“{name}”不是。").format(name=Path(path).name)
        )
    return ext


def _safe(value: object) -> object:
    # A text starting with = + - @ would run as a formula when the sheet is opened in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_table(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write a table to .xlsx or .csv (by the extension); cells that Excel would run as
    formulas are written as text."""
    path = Path(path)
    kind = output_kind(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows([_safe(v) for v in row] for row in rows)
        return path
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("结果")
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    workbook.save(path)
    return path
