"""A whole questionnaire or hotline file: its rows read, checked, and sorted into new voices,
rejected rows and rows already imported. Nothing is written here; the preview stores the
figures, the commit writes the new voices (`voices.importing.actions`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.registry.models import Building, Compound
from laoyuan.registry.roster.reading import RosterFileError, is_blank_row, open_roster
from laoyuan.voices.importing.columns import VoiceHeader, header_finder, missing_message
from laoyuan.voices.importing.rows import ParsedRow, RowContext, parse_row
from laoyuan.voices.models import ImportKind, Voice

# Beyond this a sheet is not one questionnaire round or one export: split it.
MAX_ROWS = 50_000
_LOOKUP_CHUNK = 500


@dataclass
class Analysis:
    kind: str
    sheet_name: str
    header_row: int
    mapping: VoiceHeader
    rows_read: int = 0
    new: list[ParsedRow] = field(default_factory=list)  # rows with at least one new voice
    rejected: list[ParsedRow] = field(default_factory=list)
    rows_already: int = 0  # rows every voice of which is already in the system
    voices_already: int = 0

    @property
    def voices_new(self) -> int:
        return sum(len(r.voices) for r in self.new)


def _buildings(compound: Compound) -> tuple[dict[str, int], str]:
    rows = list(Building.objects.filter(compound=compound).values_list("number", "pk"))
    from laoyuan.voices.importing.rows import building_key

    table = {building_key(number): pk for number, pk in rows}
    names = "、".join(f"{k}栋" for k in sorted(table, key=lambda k: (len(k), k))) or _(
        "尚未登记楼栋"
    )
    return table, names


def read_sheet(source: bytes, *, name: str, kind: str, texts: tuple[int, ...] = ()):
    """The sheet and its header, or RosterFileError (Chinese) for a file we cannot use."""
    return open_roster(source, name=name, find=header_finder(kind, texts))


def analyse(
    source: bytes,
    *,
    name: str,
    kind: str,
    compound: Compound,
    default_date: dt.date | None,
    texts: tuple[int, ...] = (),
) -> Analysis:
    """Read and check every row; find which voices are already in the compound.

    Raises RosterFileError for a file that cannot be used at all (wrong type, empty, no header,
    required columns missing)."""
    sheet = read_sheet(source, name=name, kind=kind, texts=texts)
    mapping: VoiceHeader = sheet.mapping
    from laoyuan.voices.importing.columns import missing_columns

    if missing_columns(mapping):
        raise RosterFileError(missing_message(mapping, sheet.header_row))
    buildings, names = _buildings(compound)
    ctx = RowContext(
        kind=kind,
        mapping=mapping,
        buildings=buildings,
        building_names=names,
        default_date=default_date,
        sheet_name=sheet.sheet_name,
        today=timezone.localdate(),
    )
    result = Analysis(
        kind=kind, sheet_name=sheet.sheet_name, header_row=sheet.header_row, mapping=mapping
    )
    parsed: list[ParsedRow] = []
    seen_refs: dict[str, int] = {}
    for number, cells in sheet.rows:
        if is_blank_row(cells):
            continue
        result.rows_read += 1
        if result.rows_read > MAX_ROWS:
            raise RosterFileError(
                _("文件行数太多：一次最多导入{n}行，请拆成几个文件。").format(n=MAX_ROWS)
            )
        row = parse_row(ctx, number, list(cells))
        if kind == ImportKind.HOTLINE and row.voices:
            ref = row.voices[0].external_ref
            if ref in seen_refs:
                row.problem(
                    ctx.header("ref"),
                    _("工单编号与第{row}行重复").format(row=seen_refs[ref]),
                    ref,
                )
                row.voices = []
            else:
                seen_refs[ref] = number
        if row.problems:
            row.voices = []
            result.rejected.append(row)
        else:
            parsed.append(row)
    existing = _existing(compound, [(v.external_ref) for r in parsed for v in r.voices])
    for row in parsed:
        before = len(row.voices)
        row.voices = [v for v in row.voices if (row.channel, v.external_ref) not in existing]
        result.voices_already += before - len(row.voices)
        if row.voices:
            result.new.append(row)
        else:
            result.rows_already += 1
    return result


def _existing(compound: Compound, refs: list[str]) -> set[tuple[str, str]]:
    """(channel, external_ref) of the compound's voices with one of these keys."""
    found: set[tuple[str, str]] = set()
    unique = sorted(set(refs))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        found.update(
            Voice.objects.filter(compound=compound, external_ref__in=chunk).values_list(
                "channel", "external_ref"
            )
        )
    return found
