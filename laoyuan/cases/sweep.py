"""The deadline sweep (临期提醒与逾期升级): run every minute by `laoyuan worker`.

1. Reminders: a case whose `remind_at` has come (a quarter of its step's time left) reminds
   whoever holds it: its party's staff, or the dispatchers while it waits for dispatch, or the
   supervisors while it waits for their review.
2. Escalation: a case whose `escalate_at` has come (its deadline passed, or the level told
   before did not get it moving within a working day) climbs one level (grid → community →
   street); the supervisors of the new level are told and it shows on their overdue board.

Cases are claimed with conditional UPDATEs (healthchecks style: a row changes only if it is
still due, otherwise another worker took it and nothing happens here), a chunk of candidates at
a time in primary-key order, one statement and one transaction per chunk, which returns the rows
it changed as they are now; so two workers sweeping at once never remind or escalate a case
twice.
The timeline rows, audit rows and notifications of a chunk are written in bulk, and each person
gets one notification per chunk (a digest beyond a few cases).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from laoyuan.cases import clocks
from laoyuan.cases.models import (
    CLOCK_STATES,
    Case,
    CaseEvent,
    CaseState,
    EventKind,
    Step,
    SupervisionLevel,
)
from laoyuan.core.models import AuditEvent, Notification, Role, RoleAssignment
from laoyuan.registry.scale.rows import TableWriter

CHUNK = 1000
# Up to this many cases a person is told about one by one; beyond, in one digest.
ONE_BY_ONE = 3


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


def sweep(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> SweepResult:
    """Remind and escalate every case that is due at `now` (default: the current time)."""
    now = now or timezone.now()
    _writers.clear()
    try:
        return SweepResult(reminded=_remind(now, chunk), escalated=_escalate(now, chunk))
    finally:
        _writers.clear()


# One bulk writer per table for a whole sweep on PostgreSQL, where keys come from the sequence
# (a block of them reserved at a time, whatever other sessions do). On SQLite a writer takes its
# keys after the table's largest, which holds only inside the one transaction that has the
# database's write lock: a new writer for every chunk there.
_writers: dict[type, TableWriter] = {}


def _writer(model) -> TableWriter:
    if connection.vendor != "postgresql":
        return TableWriter(model)
    if model not in _writers:
        _writers[model] = TableWriter(model)
    return _writers[model]


_RETURNED = (
    "id",
    "request_id",
    "title",
    "state",
    "level",
    "party_id",
    "compound_id",
    "community_id",
    "street_id",
    "next_step",
    "next_due_at",
)


def _candidates(column: str, now: dt.datetime, after: int, chunk: int) -> list[int]:
    return list(
        Case.objects.filter(**{f"{column}__lte": now}, state__in=CLOCK_STATES, pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:chunk]
    )


def _claim(
    ids: list[int], assignments: str, set_params: list, condition: str, where_params: list
) -> list[dict]:
    """One conditional UPDATE over the candidates: it changes (and returns, as they are now)
    only the rows that still meet `condition`; a row another worker took meanwhile no longer
    does, and is left to it. On PostgreSQL a row locked by another worker's claim is waited for
    and then checked again."""
    ops = connection.ops
    columns = ", ".join(ops.quote_name(c) for c in _RETURNED)
    marks = ", ".join(["%s"] * len(ids))
    states = [str(s.value) for s in CLOCK_STATES]
    sql = (
        f"UPDATE {ops.quote_name(Case._meta.db_table)} SET {assignments} "
        f"WHERE id IN ({marks}) AND state IN ({', '.join(['%s'] * len(states))}) "
        f"AND {condition} RETURNING {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*set_params, *ids, *states, *where_params])
        rows = [dict(zip(_RETURNED, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["pk"] = row.pop("id")
        row["next_due_at"] = _aware(row["next_due_at"])
    return sorted(rows, key=lambda r: r["pk"])


def _aware(value) -> dt.datetime | None:
    # SQLite hands back the stored text; PostgreSQL an aware datetime.
    if value is None or (isinstance(value, dt.datetime) and timezone.is_aware(value)):
        return value
    moment = parse_datetime(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC) if timezone.is_naive(moment) else moment


def _remind(now: dt.datetime, chunk: int) -> int:
    at = connection.ops.adapt_datetimefield_value(now)
    done, after = 0, 0
    while ids := _candidates("remind_at", now, after, chunk):
        after = ids[-1]
        with transaction.atomic():
            claimed = _claim(ids, "remind_at = NULL", [], "remind_at <= %s", [at])
            # A deadline already passed needs no reminder: the escalation speaks for it.
            claimed = [r for r in claimed if r["next_due_at"] and r["next_due_at"] > now]
            if claimed:
                _write(claimed, now, EventKind.REMINDED)
        done += len(claimed)
    return done


def _escalate(now: dt.datetime, chunk: int) -> int:
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    # The level told now has a working day before the one above it is told (or its next
    # deadline, if later); the street is the top.
    grace = ops.adapt_datetimefield_value(clocks.due(now, clocks.ESCALATE_AFTER))
    top = int(SupervisionLevel.STREET)
    assignments = (
        "escalate_at = CASE WHEN level + 1 >= %s OR next_due_at IS NULL THEN NULL "
        "WHEN next_due_at > %s THEN next_due_at ELSE %s END, "
        "level = level + 1, escalated_at = %s, escalation_count = escalation_count + 1, "
        "updated_at = %s"
    )
    done, after = 0, 0
    while ids := _candidates("escalate_at", now, after, chunk):
        after = ids[-1]
        with transaction.atomic():
            claimed = _claim(
                ids,
                assignments,
                [top, grace, grace, at, at],
                "escalate_at <= %s AND level < %s",
                [at, top],
            )
            for r in claimed:
                r["from_level"] = r["level"] - 1
            if claimed:
                _write(claimed, now, EventKind.ESCALATED)
        done += len(claimed)
    return done


def _write(rows: list[dict], now: dt.datetime, kind: str) -> None:
    """The timeline, audit rows and notifications of a chunk of claimed cases, written as plain
    rows (the registry's bulk writer: executemany / COPY): building ten thousand model
    instances would take longer than the whole sweep may."""
    escalated = kind == EventKind.ESCALATED
    events, audits = _writer(CaseEvent), _writer(AuditEvent)
    for r in rows:
        due = r["next_due_at"]
        data = {"level": r["level"], "from_level": r["from_level"]} if escalated else {}
        events.add(
            {
                "case_id": r["pk"],
                "at": now,
                "kind": kind,
                "party_id": r["party_id"],
                "step": r["next_step"],
                "due_at": due,
                "on_time": False if escalated else None,
                "data": json.dumps(data),
            }
        )
        changes = {
            "step": r["next_step"],
            "due_at": due.isoformat() if due else None,
            **({"level": [r["from_level"], r["level"]]} if escalated else {}),
        }
        audits.add(
            {
                "actor_id": None,
                "action": f"case.{kind}",
                "object_type": "cases.case",
                "object_id": str(r["pk"]),
                "object_repr": f"{r['request_id']} {r['title']}"[:200],
                "changes": json.dumps(changes, ensure_ascii=False),
            }
        )
    events.flush()
    audits.flush()
    _tell(rows, now, escalated)


# --- who is told -----------------------------------------------------------------------------


def _users_by(rows: list[dict], role: str, key: str, level_field: str) -> dict[int, set[int]]:
    ids = {r[key] for r in rows if r[key]}
    out: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return out
    for node, user in RoleAssignment.objects.filter(
        role=role, **{f"{level_field}__in": ids}, user__is_active=True
    ).values_list(level_field, "user_id"):
        out[node].add(user)
    return out


def _grid_workers(rows: list[dict]) -> dict[int, set[int]]:
    ids = {r["compound_id"] for r in rows}
    out: dict[int, set[int]] = defaultdict(set)
    assignments = RoleAssignment.objects.filter(
        Q(compound_id__in=ids) | Q(grid__compound_id__in=ids) | Q(building__compound_id__in=ids),
        role=Role.GRID_WORKER,
        user__is_active=True,
    ).values_list("compound_id", "grid__compound_id", "building__compound_id", "user_id")
    for compound, grid_compound, building_compound, user in assignments:
        out[compound or grid_compound or building_compound].add(user)
    return out


def _tell(rows: list[dict], now: dt.datetime, escalated: bool) -> None:
    party = _users_by(rows, Role.PARTY_STAFF, "party_id", "party_id")
    community = _users_by(rows, Role.COMMUNITY_WORKER, "community_id", "community_id")
    street = _users_by(rows, Role.STREET_OFFICIAL, "street_id", "street_id")
    grid = _grid_workers(rows)

    def supervisors(r: dict, level: int) -> set[int]:
        if level == SupervisionLevel.GRID:
            return grid.get(r["compound_id"], set())
        if level == SupervisionLevel.COMMUNITY:
            return community.get(r["community_id"], set())
        return street.get(r["street_id"], set())

    told: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        if escalated:
            people = supervisors(r, r["level"]) | party.get(r["party_id"], set())
        elif r["state"] == CaseState.REVIEW:
            people = supervisors(r, r["level"])
        elif r["state"] == CaseState.DISPATCH or not r["party_id"]:
            people = community.get(r["community_id"]) or street.get(r["street_id"], set())
        else:
            people = party.get(r["party_id"], set())
        for user in people:
            told[user].append(r)
    notes = []
    for user, cases in told.items():
        if len(cases) <= ONE_BY_ONE:
            notes += [_note(user, r, escalated) for r in cases]
        else:
            notes.append(_digest(user, cases, escalated))
    writer = _writer(Notification)
    for note in notes:
        writer.add(note)
    writer.flush()


def _step_label(step: str) -> str:
    return str(Step(step).label) if step in Step.values else ""


def _due_text(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _note(user: int, r: dict, escalated: bool) -> dict:
    if escalated:
        title = _("工单逾期，已升级至{level}督办：{title}").format(
            level=SupervisionLevel(r["level"]).label, title=r["title"]
        )
        body = _("{rid}：{step}期限 {due} 已过。").format(
            rid=r["request_id"], step=_step_label(r["next_step"]), due=_due_text(r["next_due_at"])
        )
    else:
        title = _("工单临近期限：{title}").format(title=r["title"])
        body = _("{rid}：请在 {due} 前完成{step}。").format(
            rid=r["request_id"], step=_step_label(r["next_step"]), due=_due_text(r["next_due_at"])
        )
    return _row(user, title, body, reverse("cases:detail", args=[r["pk"]]))


def _digest(user: int, cases: list[dict], escalated: bool) -> dict:
    if escalated:
        title = _("{n}张工单逾期升级，请到督办看板查看").format(n=len(cases))
        url = reverse("cases:board")
    else:
        title = _("{n}张工单临近期限").format(n=len(cases))
        url = reverse("cases:list") + "?state=open"
    body = "、".join(r["request_id"] for r in cases[:50])
    if len(cases) > 50:
        body += _(" 等")
    return _row(user, title, body, url)


def _row(user: int, title: str, body: str, url: str) -> dict:
    return {"user_id": user, "title": title[:200], "body": body, "url": url[:300]}
