"""Reading an uploaded roster file: .xlsx and .xls through python-calamine, .csv in UTF-8 (with
or without BOM), UTF-16 or GB18030. Yields each row with its number as Excel shows it."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from laoyuan.registry.roster.columns import (
    HEADER_SCAN_ROWS,
    HeaderMapping,
    HeaderNotFound,
    find_header,
)

KINDS = ("xlsx", "xls", "csv")
# Finds the header among the top rows: (its index, its mapping) or HeaderNotFound. The roster's
# by default; other imports (voices.importing) pass their own columns.
HeaderFinder = Callable[[Sequence[Sequence[object]]], tuple[int, object]]
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RosterFileError(ValueError):
    """The file cannot be used as a roster at all. The message is Chinese and says why."""


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_kind(name: str, head: bytes) -> str:
    """The real kind of the file ('xlsx', 'xls' or 'csv'), from its name and first bytes.

    The content wins over the extension when it is clearly an Excel file, because files saved
    by other programs are often misnamed; what cannot work gets a message saying what to do."""
    ext = extension_of(name)
    if ext not in KINDS:
        shown = f"“.{ext}”" if ext else _("没有扩展名的")
        raise RosterFileError(
            _("只能导入 Excel（.xlsx、.xls）或 CSV（.csv）文件，这是{shown}文件。").format(
                shown=shown
            )
        )
    if not head:
        raise RosterFileError(_("文件是空的（0字节）。请检查是否选对了文件。"))
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        return "xls"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise RosterFileError(
            _(
                "这个文件实际上是网页（HTML/XML）格式，只是扩展名为 .{ext}。"
                "请用 Excel 打开它，再“另存为” Excel 工作簿（.xlsx）后上传。"
            ).format(ext=ext)
        )
    if ext in ("xlsx", "xls"):
        raise RosterFileError(
            _(
                "文件扩展名是 .{ext}，但内容不是 Excel 文件，可能已损坏。"
                "请用 Excel 打开后重新保存为 .xlsx 再上传。"
            ).format(ext=ext)
        )
    return "csv"


def cell_text(value: object) -> str:
    """A cell as the text a person would see in it (used for messages and downloads)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))  # 101.0 → "101", never "1.01e+02"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class RosterSheet:
    """The part of the file that holds the roster: its header and the rows below it."""

    kind: str
    sheet_name: str
    header_row: int  # as Excel numbers rows, from 1
    mapping: HeaderMapping
    rows: Iterator[tuple[int, list]]  # (row number as in Excel, cells) for rows below the header


def is_blank_row(cells: list) -> bool:
    return all(c is None or c == "" or (isinstance(c, str) and not c.strip()) for c in cells)


def _locate(
    kind: str, sheet_name: str, rows: Iterator[list], find: HeaderFinder = find_header
) -> RosterSheet:
    numbered = enumerate(rows, start=1)
    top = list(itertools.islice(numbered, HEADER_SCAN_ROWS))
    if not top or all(is_blank_row(cells) for _, cells in top):
        raise HeaderNotFound(_("文件中没有内容：前{n}行都是空的。").format(n=HEADER_SCAN_ROWS))
    position, mapping = find([cells for _, cells in top])
    header_number = top[position][0]
    return RosterSheet(
        kind=kind,
        sheet_name=sheet_name,
        header_row=header_number,
        mapping=mapping,
        rows=itertools.chain(top[position + 1 :], numbered),
    )


def _open_workbook(source: Path | bytes) -> CalamineWorkbook:
    try:
        # From a file object, not a path: calamine then goes by the content, not the extension.
        if isinstance(source, bytes):
            return CalamineWorkbook.from_filelike(io.BytesIO(source))
        with open(source, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    except CalamineError as exc:
        raise RosterFileError(
            _("无法读取这个 Excel 文件：文件可能已损坏或设置了打开密码。请另存一份再上传。")
        ) from exc
    except Exception as exc:  # the Rust reader raises plain errors on some broken files
        raise RosterFileError(
            _("无法读取这个 Excel 文件：文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。")
        ) from exc


def _workbook_sheet(
    kind: str, source: Path | bytes, find: HeaderFinder = find_header
) -> RosterSheet:
    workbook = _open_workbook(source)
    first_error: HeaderNotFound | None = None
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.iter_rows()
        except CalamineError as exc:
            raise RosterFileError(_("无法读取工作表“{name}”。").format(name=meta.name)) from exc
        try:
            # The first sheet with a roster header wins: an instructions sheet may come first.
            return _locate(kind, meta.name, rows, find)
        except HeaderNotFound as exc:
            first_error = first_error or exc
    raise RosterFileError(str(first_error or _("文件中没有可读取的工作表。")))


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (what Excel on Chinese Windows saves)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RosterFileError(_("CSV 文件标明是 UTF-8 编码，但内容有乱码。")) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _("无法识别 CSV 文件的文字编码。请用 Excel 另存为“CSV UTF-8”或 .xlsx 后上传。")
        ) from exc


def _delimiter(text: str) -> str:
    sample = text[:20_000].splitlines()[:HEADER_SCAN_ROWS]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_sheet(data: bytes, find: HeaderFinder = find_header) -> RosterSheet:
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return _locate("csv", "", reader, find)
    except HeaderNotFound as exc:
        raise RosterFileError(str(exc)) from exc
    except csv.Error as exc:
        raise RosterFileError(_("CSV 文件格式有误：{error}").format(error=exc)) from exc


def open_roster(
    source: Path | bytes, *, name: str, find: HeaderFinder = find_header
) -> RosterSheet:
    """Find the roster in a file: kind, sheet, header row and the rows below it.

    Raises RosterFileError (Chinese message) for a file that cannot be a roster: wrong type,
    empty, unreadable, or without a recognisable header."""
    if isinstance(source, bytes):
        head = source[:1024]
    else:
        with open(source, "rb") as fh:
            head = fh.read(1024)
    kind = sniff_kind(name, head)
    if kind == "csv":
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        return _csv_sheet(data, find)
    return _workbook_sheet(kind, source, find)


def check_roster(data: bytes, *, name: str) -> RosterSheet:
    """What the upload checks at once: type, emptiness, a recognisable header.

    (Streaming only the top rows with openpyxl was tried: it must still load the whole shared
    strings table, and took four times longer than calamine reading the whole sheet.)"""
    return open_roster(data, name=name)
