"""The deadline sweep (临期提醒与逾期升级): run every minute by `laoyuan worker`.

1. Reminders: a case whose `remind_at` has come (a quarter of its step's time left) reminds
   whoever holds it: its party's staff, or the dispatchers while it waits for dispatch, or the
   supervisors while it waits for their review.
2. Escalation: a case whose `escalate_at` has come (its deadline passed, or the level told
   before did not get it moving within a working day) climbs one level (grid → community →
   street); the supervisors of the new level are told and it shows on their overdue board.

Every case is claimed with one conditional UPDATE (healthchecks style: the row still holds the
value this sweep read, or zero rows change and another worker took it), in primary-key order, a
chunk per transaction, so two workers sweeping at once never remind or escalate a case twice.
The timeline rows, audit rows and notifications of a chunk are written in bulk, and each person
gets one notification per chunk (a digest beyond a few cases).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
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

CHUNK = 500
# Up to this many cases a person is told about one by one; beyond, in one digest.
ONE_BY_ONE = 3

_FIELDS = (
    "pk",
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


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


def sweep(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> SweepResult:
    """Remind and escalate every case that is due at `now` (default: the current time)."""
    now = now or timezone.now()
    return SweepResult(reminded=_remind(now, chunk), escalated=_escalate(now, chunk))


def _candidates(column: str, now: dt.datetime, after: int, chunk: int) -> list[dict]:
    return list(
        Case.objects.filter(**{f"{column}__lte": now}, state__in=CLOCK_STATES, pk__gt=after)
        .order_by("pk")
        .values(*_FIELDS, column)[:chunk]
    )


def _remind(now: dt.datetime, chunk: int) -> int:
    done, after = 0, 0
    while rows := _candidates("remind_at", now, after, chunk):
        after = rows[-1]["pk"]
        with transaction.atomic():
            claimed = [
                r
                for r in rows
                if Case.objects.filter(pk=r["pk"], remind_at=r["remind_at"]).update(remind_at=None)
            ]
            # A deadline already passed needs no reminder: the escalation speaks for it.
            claimed = [r for r in claimed if r["next_due_at"] and r["next_due_at"] > now]
            if claimed:
                _write(claimed, now, EventKind.REMINDED)
        done += len(claimed)
    return done


def _escalate(now: dt.datetime, chunk: int) -> int:
    done, after = 0, 0
    while rows := _candidates("escalate_at", now, after, chunk):
        after = rows[-1]["pk"]
        with transaction.atomic():
            claimed = []
            for r in rows:
                level = r["level"] + 1
                following = None
                if level < SupervisionLevel.STREET and r["next_due_at"] is not None:
                    following = max(r["next_due_at"], clocks.due(now, clocks.ESCALATE_AFTER))
                changed = Case.objects.filter(
                    pk=r["pk"], level=r["level"], escalate_at=r["escalate_at"]
                ).update(
                    level=level,
                    escalate_at=following,
                    escalated_at=now,
                    escalation_count=F("escalation_count") + 1,
                    updated_at=now,
                )
                if changed:
                    claimed.append({**r, "from_level": r["level"], "level": level})
            if claimed:
                _write(claimed, now, EventKind.ESCALATED)
        done += len(claimed)
    return done


def _write(rows: list[dict], now: dt.datetime, kind: str) -> None:
    """The timeline, audit rows and notifications of a chunk of claimed cases."""
    escalated = kind == EventKind.ESCALATED
    events, audits = [], []
    for r in rows:
        data = {"level": r["level"], "from_level": r["from_level"]} if escalated else {}
        events.append(
            CaseEvent(
                case_id=r["pk"],
                at=now,
                kind=kind,
                party_id=r["party_id"],
                step=r["next_step"],
                due_at=r["next_due_at"],
                on_time=False if escalated else None,
                data=data,
            )
        )
        audits.append(
            AuditEvent(
                actor=None,
                action=f"case.{kind}",
                object_type="cases.case",
                object_id=str(r["pk"]),
                object_repr=f"{r['request_id']} {r['title']}"[:200],
                changes={
                    "step": r["next_step"],
                    "due_at": r["next_due_at"].isoformat() if r["next_due_at"] else None,
                    **({"level": [r["from_level"], r["level"]]} if escalated else {}),
                },
            )
        )
    CaseEvent.objects.bulk_create(events, batch_size=CHUNK)
    AuditEvent.objects.bulk_create(audits, batch_size=CHUNK)
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
    Notification.objects.bulk_create(notes, batch_size=CHUNK)


def _step_label(step: str) -> str:
    return str(Step(step).label) if step in Step.values else ""


def _due_text(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _note(user: int, r: dict, escalated: bool) -> Notification:
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
    return Notification(
        user_id=user, title=title[:200], body=body, url=reverse("cases:detail", args=[r["pk"]])
    )


def _digest(user: int, cases: list[dict], escalated: bool) -> Notification:
    if escalated:
        title = _("{n}张工单逾期升级，请到督办看板查看").format(n=len(cases))
        url = reverse("cases:board")
    else:
        title = _("{n}张工单临近期限").format(n=len(cases))
        url = reverse("cases:list") + "?state=open"
    body = "、".join(r["request_id"] for r in cases[:50])
    if len(cases) > 50:
        body += _(" 等")
    return Notification(user_id=user, title=title[:200], body=body, url=url)
