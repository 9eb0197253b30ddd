"""Given many late cases and two workers sweeping at the same moment on PostgreSQL, each in its
own thread with its own database connection, then every case is reminded or escalated exactly
once: each claim is a conditional UPDATE, and the loser of a race changes zero rows."""

import threading

import pytest
from django.db import connection, connections

from laoyuan.cases import clocks
from laoyuan.cases.models import Case, CaseEvent, EventKind, SupervisionLevel
from laoyuan.cases.sweep import sweep
from laoyuan.core.models import AuditEvent
from tests.cases.helpers import Parties, at, open_case
from tests.cast import build_world

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite lets one writer at a time hold the whole database (transactions here are "
    "IMMEDIATE), so two sweeps cannot interleave there; the race is proven on PostgreSQL.",
)

NOW = at("2026-09-02 09:30")


def test_two_workers_at_once_never_remind_or_escalate_a_case_twice(transactional_db):
    world = build_world()
    parties = Parties(world)
    with clocks.frozen_at(at("2026-09-01 09:00")):  # accept due 2 Sept 09:00: late at NOW
        late = [open_case(world, code="house.roof", party=parties.property) for _ in range(40)]
    with clocks.frozen_at(at("2026-09-01 12:00")):  # accept due 2 Sept 12:00: remind at 06:00
        near = [open_case(world, code="house.roof", party=parties.property) for _ in range(40)]
    barrier = threading.Barrier(2)
    results, failures = [], []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(sweep(now=NOW, chunk=7))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    assert sum(r.escalated for r in results) == 40
    assert sum(r.reminded for r in results) == 40
    for case in late:
        assert CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED).count() == 1
    for case in near:
        assert CaseEvent.objects.filter(case=case, kind=EventKind.REMINDED).count() == 1
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in late]).values_list("level", flat=True)
    ) == {SupervisionLevel.COMMUNITY}
    assert AuditEvent.objects.filter(action="case.escalated").count() == 40
    assert AuditEvent.objects.filter(action="case.reminded").count() == 40
