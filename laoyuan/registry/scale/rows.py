"""Fast bulk insert of plain rows (批量写入) for the district-scale generator.

At 900,000 residents, Django's bulk_create spends most of its time building model instances and
compiling INSERT statements, not in the database. `TableWriter` skips both: rows are plain dicts
turned into tuples in the table's column order, keys are allocated up front (so children can
point at parents before either is written) and rows go out with `executemany` on SQLite and
`COPY` on PostgreSQL. Foreign keys in Django's schema are DEFERRABLE INITIALLY DEFERRED on both,
so rows may be written in any order inside the one transaction that wraps the load.

Columns come from the model, so a field added later with a default needs no change here; a new
required key or number without a default fails loudly on the first row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone

_REQUIRED = object()
_BLOCK = 10_000  # keys reserved at a time on PostgreSQL


class TableWriter:
    """Collects rows for one model's table and writes them in large batches."""

    def __init__(self, model: type[models.Model], *, flush_every: int = 20_000) -> None:
        if connection.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(
                f"bulk rows are written on SQLite or PostgreSQL only, not {connection.vendor}"
            )
        self.model = model
        self.flush_every = flush_every
        self.written = 0
        ops = connection.ops
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        self._plan: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
        for f in fields:
            converter: Callable[[Any], Any] | None = None
            if isinstance(f, models.DateTimeField):
                converter = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                converter = ops.adapt_datefield_value
            elif isinstance(f, models.DecimalField):
                digits, places = f.max_digits, f.decimal_places

                def converter(v, digits=digits, places=places):
                    return ops.adapt_decimalfield_value(v, digits, places)

            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                # One timestamp for the whole load, converted once rather than per row.
                default: Any = converter(now) if converter else now
                converter = None
            elif f.has_default():
                default = f.get_default()
            elif f.null:
                default = None
            elif f.empty_strings_allowed and not f.is_relation:
                default = ""  # what Django itself stores for a text field left unset
            else:
                default = _REQUIRED  # keys and numbers must be given (the "id" by `add`)
            self._plan.append((f.attname, default, converter))
        quote = ops.quote_name
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self._insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(self.table),
            ", ".join(quote(c) for c in self.columns),
            ", ".join(["%s"] * len(self.columns)),
        )
        self._copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(self.table), ", ".join(quote(c) for c in self.columns)
        )
        self._rows: list[tuple] = []
        self._next_key = 0
        self._last_key = -1
        if connection.vendor == "sqlite":
            self._next_key = self._sqlite_first_free_key()
            self._last_key = 2**62

    def _sqlite_first_free_key(self) -> int:
        # AUTOINCREMENT never reuses a key, even of a deleted row: start past both the largest
        # key in the table and the one sqlite_sequence remembers. The load's transaction holds
        # SQLite's write lock (BEGIN IMMEDIATE), so nobody else takes keys meanwhile.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(self.table)}")
            largest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
            found = cursor.fetchone()
        return max(largest, found[0] if found else 0) + 1

    def _reserve_postgresql(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.table, _BLOCK],
            )
            keys = [row[0] for row in cursor.fetchall()]
        # nextval hands out increasing keys; another session may interleave, so keep only the
        # contiguous run at the start and reserve again when it is used up.
        run = 1
        while run < len(keys) and keys[run] == keys[0] + run:
            run += 1
        self._next_key, self._last_key = keys[0], keys[0] + run - 1

    def new_key(self) -> int:
        if self._next_key > self._last_key:
            self._reserve_postgresql()
        key = self._next_key
        self._next_key += 1
        return key

    def add(self, values: dict[str, Any]) -> int:
        """Queue one row; returns its primary key (allocated here unless `values` has "id")."""
        if "id" not in values:
            values["id"] = self.new_key()
        row = []
        for attname, default, converter in self._plan:
            value = values.get(attname, default)
            if value is _REQUIRED:
                raise ValueError(f"{self.model.__name__}.{attname} is required")
            row.append(converter(value) if converter is not None and value is not None else value)
        self._rows.append(tuple(row))
        if len(self._rows) >= self.flush_every:
            self.flush()
        return values["id"]

    def flush(self) -> None:
        if not self._rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(self._copy_sql) as copy:
                    for row in self._rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self._insert_sql, self._rows)
        self.written += len(self._rows)
        self._rows = []
