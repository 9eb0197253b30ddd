"""Reading a whole roster file once: every row checked, duplicates and contradictions between
rows of the same unit found. The result is what the preview shows and what a commit writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from laoyuan.registry.roster.columns import HeaderMapping
from laoyuan.registry.roster.reading import is_blank_row, open_roster
from laoyuan.registry.roster.rows import (
    TEMPLATE_EXAMPLE_ID,
    Problem,
    RosterRow,
    RowChecker,
    mask_any,
)


@dataclass
class RejectedRow:
    row_number: int
    is_duplicate: bool  # its only problem: the same person in the same unit appeared earlier
    problems: list[Problem]
    cells: list[str]  # the row as text, ID numbers and phones masked


@dataclass
class Analysis:
    kind: str
    sheet_name: str
    header_row: int
    mapping: HeaderMapping
    sensitive_columns: frozenset[int]
    rows: list[RosterRow] = field(default_factory=list)  # valid rows, in file order
    rejected: list[RejectedRow] = field(default_factory=list)
    rows_read: int = 0  # non-blank rows below the header
    notes: list[str] = field(default_factory=list)

    @property
    def rows_valid(self) -> int:
        return len(self.rows)

    @property
    def rows_duplicate(self) -> int:
        return sum(1 for r in self.rejected if r.is_duplicate)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected) - self.rows_duplicate


def analyse(
    source: Path | bytes,
    *,
    name: str,
    today: dt.date | None = None,
    rooms_needing_entrance: frozenset[tuple[str, str]] = frozenset(),
) -> Analysis:
    """Read and check every row of a roster file. Raises RosterFileError for unusable files.

    `rooms_needing_entrance` holds (building, room) pairs that exist in several entrances of
    the compound: a row naming one of them without an entrance cannot say which unit it is."""
    sheet = open_roster(source, name=name)
    checker = RowChecker(sheet.mapping, today=today)
    result = Analysis(
        kind=sheet.kind,
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        mapping=sheet.mapping,
        sensitive_columns=checker.sensitive_columns,
    )
    id_column = checker.column("id_number")
    area_column = checker.column("area") if "area" in sheet.mapping.index else ""
    entrance_column = checker.column("entrance" if "entrance" in sheet.mapping.index else "room")
    grid_column = checker.column("grid") if "grid" in sheet.mapping.index else ""
    first_seen: dict[tuple, int] = {}  # (unit, ID number) → row number
    unit_area: dict[tuple, tuple[int, object]] = {}  # unit → (row number, area) first given
    unit_grid: dict[tuple, tuple[int, str]] = {}
    repeated_headers = 0
    for number, cells in sheet.rows:
        if is_blank_row(cells):
            continue
        if checker.is_repeated_header(cells):
            repeated_headers += 1
            continue
        row, problems = checker.check(number, cells)
        if row.id_number == TEMPLATE_EXAMPLE_ID:
            result.notes.append(_("第{n}行是模板中的示例行，已跳过。").format(n=number))
            continue
        result.rows_read += 1
        duplicate = False
        if row.id_number and row.building and row.room:
            key = (row.unit_key, row.id_number)
            first = first_seen.setdefault(key, number)
            if first != number:
                duplicate = not problems
                problems.append(
                    Problem(
                        id_column,
                        _("该身份证号在第{n}行已出现").format(n=first),
                        mask_any(row.id_number),
                    )
                )
        if not problems and not row.entrance and (row.building, row.room) in rooms_needing_entrance:
            problems.append(
                Problem(
                    entrance_column,
                    _("{building}栋有几个单元都有{room}房，请填写单元号").format(
                        building=row.building, room=row.room
                    ),
                )
            )
        if not problems:
            # Rows of one unit must agree on its area and its grid.
            unit = row.unit_key
            if row.area is not None:
                seen = unit_area.setdefault(unit, (number, row.area))
                if seen[1] != row.area:
                    problems.append(
                        Problem(
                            area_column,
                            _("同一房屋（{unit}）的建筑面积与第{n}行（{area}）不一致").format(
                                unit=row.unit_label, n=seen[0], area=seen[1]
                            ),
                            str(row.area),
                        )
                    )
            if row.grid is not None:
                seen = unit_grid.setdefault(unit, (number, row.grid))
                if seen[1] != row.grid:
                    problems.append(
                        Problem(
                            grid_column,
                            _("同一房屋（{unit}）的网格与第{n}行（{grid}）不一致").format(
                                unit=row.unit_label, n=seen[0], grid=seen[1]
                            ),
                            row.grid,
                        )
                    )
        if problems:
            result.rejected.append(
                RejectedRow(number, duplicate, problems, checker.masked_cells(cells))
            )
        else:
            result.rows.append(row)
    if repeated_headers:
        result.notes.append(_("文件中间有{n}行重复的表头，已跳过。").format(n=repeated_headers))
    if result.rows_read == 0:
        result.notes.append(_("表头下面没有数据行。"))
    return result
