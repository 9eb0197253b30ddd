"""Writing many rows fast: one prepared INSERT or UPDATE over all rows (executemany), or
PostgreSQL's COPY. Used by the roster commit, where bulk_create's work per value would cost more
than the database itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, models

from laoyuan.core import pii

# The columns, in the order of the tuples that planning.RosterPlan.apply builds.
UNIT_FIELDS = [
    "created_at",
    "updated_at",
    "compound",
    "building",
    "entrance",
    "room_number",
    "floor",
    "area",
    "area_source",
]
HOUSEHOLD_FIELDS = ["created_at", "updated_at", "compound", "unit", "building", "grid", "is_active"]
RESIDENT_FIELDS = [
    "created_at",
    "updated_at",
    "household",
    "compound",
    "name",
    "sex",
    "birth_date",
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "phone_cipher",
    "phone_index",
    "phone_masked",
    "relation",
    "tenure",
    "lives_alone",
    "disabled",
    "low_income",
    "party_member",
    "is_active",
    "note",
]
OWNER_FIELDS = [
    "created_at",
    "updated_at",
    "compound",
    "kind",
    "name",
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "phone_cipher",
    "phone_index",
    "phone_masked",
    "resident",
]


def sealed_phone(phone: str | None) -> tuple[str, str, str]:
    """The three stored phone columns (cipher, blind index, masked), in column order."""
    if not phone:
        return ("", "", "")
    sealed = pii.seal_phone(phone)
    return (sealed.ciphertext, sealed.index, sealed.masked)


class BulkTable:
    """One prepared INSERT or UPDATE for many rows of one table (plain SQL, any database).

    Values of date, datetime and decimal columns go through their field's own conversion
    (`get_db_prep_save`), so what is stored is exactly what the ORM would store."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        meta = model._meta
        self.fields = [meta.get_field(name) for name in fields]
        self.table = meta.db_table
        self.pk_column = meta.pk.column
        self.convert = [
            (i, field)
            for i, field in enumerate(self.fields)
            if isinstance(field, (models.DateField, models.DecimalField))
        ]

    def _prepared(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        if not self.convert:
            yield from rows
            return
        memo: dict[tuple[int, object], object] = {}  # `now` is the same in every row
        for row in rows:
            row = list(row)
            for i, column in self.convert:
                value = row[i]
                if value is None:
                    continue
                key = (i, value)
                converted = memo.get(key)
                if converted is None:
                    converted = column.get_db_prep_save(value, connection)
                    if len(memo) < 100_000:
                        memo[key] = converted
                row[i] = converted
            yield tuple(row)

    def _run(self, sql: str, rows: Iterable[tuple]) -> None:
        with connection.cursor() as cursor:
            batch: list[tuple] = []
            for row in self._prepared(rows):
                batch.append(row)
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def insert(self, rows: Iterable[tuple]) -> None:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(field.column) for field in self.fields)
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk load, about ten times faster than INSERTs; the suite
            # runs on both databases, so both ways are tested.
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {qn(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        # Elsewhere one prepared INSERT run over every row (executemany, in-process on SQLite).
        marks = ", ".join(["%s"] * len(self.fields))
        self._run(f"INSERT INTO {qn(self.table)} ({columns}) VALUES ({marks})", rows)

    def update(self, rows: Iterable[tuple]) -> None:
        """Rows are (value, value, …, primary key)."""
        qn = connection.ops.quote_name
        assignments = ", ".join(f"{qn(field.column)} = %s" for field in self.fields)
        self._run(
            f"UPDATE {qn(self.table)} SET {assignments} WHERE {qn(self.pk_column)} = %s", rows
        )


def update_changes(model, updates: list[tuple[int, dict]], now: dt.datetime) -> None:
    """UPDATE rows by primary key, one prepared statement per set of changed fields, so each
    UPDATE touches only the columns that change. A "phone" change is sealed on the way."""
    by_fields: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for pk, changes in updates:
        values = dict(changes)
        if "phone" in values:
            sealed = sealed_phone(values.pop("phone"))
            values.update(zip(("phone_cipher", "phone_index", "phone_masked"), sealed, strict=True))
        values["updated_at"] = now
        names = tuple(sorted(values))
        by_fields[names].append((*(values[n] for n in names), pk))
    for names, rows in by_fields.items():
        BulkTable(model, list(names)).update(rows)
