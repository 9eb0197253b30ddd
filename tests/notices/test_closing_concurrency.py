"""Given many due notices, when two workers run the closing sweep at the same moment on
PostgreSQL (two real connections), then every notice is closed exactly once: one closing record
and one history row each, and between them the workers report each notice once."""

import threading

import pytest
from django.db import connection, connections

from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeClosing, NoticeEvent, NoticeState
from tests.cast import build_world
from tests.notices.helpers import end_period, paper_objection, published

DUE = 60


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_close_a_notice_twice(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writing transaction, so two workers "
            "cannot race there (make test runs this on PostgreSQL)"
        )
    from laoyuan.notices.actions import closing

    monkeypatch.setattr(closing, "CHUNK", 8)  # many chunks, each its own transaction
    world = build_world()
    for i in range(DUE):
        notice = published(world, title=f"到期公示{i}")
        if i % 3 == 0:
            paper_objection(world, notice)
        end_period(notice)
    start = threading.Barrier(2)
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def worker(slot: int) -> None:
        try:
            start.wait(timeout=10)
            results[slot] = actions.notices_close_due()
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    closed = results[0] + results[1]
    assert sorted(closed) == sorted(set(closed)), "a notice was reported closed twice"
    assert len(closed) == DUE
    assert Notice.objects.filter(state=NoticeState.CLOSED).count() == DUE
    assert NoticeClosing.objects.count() == DUE
    assert NoticeEvent.objects.filter(kind="closed").count() == DUE
    assert sum(NoticeClosing.objects.values_list("objections", flat=True)) == len(range(0, DUE, 3))
