"""Given cases with deadlines, when the deadline sweep runs, then a case nearing a deadline
reminds whoever holds it, once; a case past a deadline climbs one level (grid → community →
street), each level getting a working day before the next is told, and shows on the new
level's board; paused and finished cases are left alone; many cases make one digest per person."""

import datetime as dt

from laoyuan.cases import actions, clocks, queries
from laoyuan.cases.models import CaseEvent, EventKind, SupervisionLevel
from laoyuan.cases.sweep import sweep
from laoyuan.cases.tasks import sweep_deadlines
from laoyuan.core.models import AuditEvent, Notification
from tests.cases.helpers import at, fresh, open_case

OPENED = "2026-09-01 09:00"  # a Tuesday; nothing special for a week


def opened(world, **fields):
    with clocks.frozen_at(at(OPENED)):
        return open_case(world, code="house.roof", **fields)


def notes(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True)
    )


def test_a_case_nearing_its_accept_deadline_reminds_its_party_once(world, parties):
    case = opened(world, party=parties.property)
    # the accept step has 1 working day (counted whole, midnight to midnight): a quarter of it
    # is left at 03:00 on 2 September
    assert fresh(case).remind_at == at("2026-09-02 03:00")
    assert sweep(now=at("2026-09-02 02:59")).reminded == 0
    assert sweep(now=at("2026-09-02 03:01")).reminded == 1
    assert sweep(now=at("2026-09-02 03:02")).reminded == 0  # once
    assert any("临近期限" in t for t in notes(world.sun))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REMINDED).count() == 1


def test_a_case_waiting_for_dispatch_reminds_the_dispatchers(world):
    case = opened(world)
    sweep(now=at("2026-09-02 03:01"))
    assert any(case.title in t for t in notes(world.li))


def test_a_late_case_climbs_one_level_at_a_time(world, parties, login):
    case = opened(world, party=parties.property)
    due = fresh(case).accept_due_at
    assert due == at("2026-09-02 09:00")
    # when the accept deadline passes: up to the community, which sees it on its board
    result = sweep(now=due + dt.timedelta(minutes=1))
    assert result.escalated == 1
    case = fresh(case)
    assert case.level == SupervisionLevel.COMMUNITY and case.escalation_count == 1
    assert any("已升级至社区督办" in t for t in notes(world.li))
    assert any("已升级至社区督办" in t for t in notes(world.sun))  # the party hears too
    board = queries.board(
        world.li, level=SupervisionLevel.COMMUNITY, now=due + dt.timedelta(hours=1)
    )
    assert list(board) == [case]
    assert not notes(world.wang)
    # a second sweep a minute later changes nothing
    assert sweep(now=due + dt.timedelta(minutes=2)).escalated == 0
    # when the community has had a working day and it is still not accepted: up to the street
    assert sweep(now=at("2026-09-03 09:01")).escalated == 1
    case = fresh(case)
    assert case.level == SupervisionLevel.STREET and case.escalate_at is None
    assert any("已升级至街道督办" in t for t in notes(world.wang))
    # and the street is the top
    assert sweep(now=at("2026-09-30 09:00")).escalated == 0
    events = CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED).order_by("at")
    assert [e.data["level"] for e in events] == [1, 2]
    assert all(e.on_time is False and e.step == "accept" for e in events)
    assert AuditEvent.objects.filter(action="case.escalated", object_id=str(case.pk)).count() == 2


def test_accepting_late_lets_the_next_deadline_run(world, parties):
    case = opened(world, party=parties.property)
    sweep(now=at("2026-09-02 09:01"))
    with clocks.frozen_at(at("2026-09-02 10:00")):
        actions.case_accept(actor=world.sun, case=fresh(case))
    case = fresh(case)
    # the answer is due 3 September 09:00; the community told on the 2nd has a working day
    assert case.next_step == "respond" and case.escalate_at == at("2026-09-03 09:01")


def test_paused_and_finished_cases_are_left_alone(world, parties):
    paused = opened(world, party=parties.property)
    with clocks.frozen_at(at("2026-09-01 10:00")):
        actions.case_accept(actor=world.sun, case=paused)
        actions.case_pause(actor=world.sun, case=fresh(paused), reason="resident")
    solved = opened(world, party=parties.property)
    with clocks.frozen_at(at("2026-09-01 10:00")):
        actions.case_accept(actor=world.sun, case=solved)
        actions.case_solve(actor=world.sun, case=fresh(solved), note="修好了")
    result = sweep(now=at("2026-12-01 09:00"))
    assert (result.reminded, result.escalated) == (0, 0)


def test_many_late_cases_make_one_digest_per_person(world, parties):
    for _ in range(5):
        opened(world, party=parties.property)
    before = Notification.objects.filter(user=world.li).count()
    assert sweep(now=at("2026-09-02 09:01")).escalated == 5
    new = list(Notification.objects.filter(user=world.li).order_by("-id")[: 1 + 0])
    assert Notification.objects.filter(user=world.li).count() == before + 1
    assert new[0].title.startswith("5张工单逾期升级") and new[0].url == "/cases/board/"


def test_the_sweep_task_escalates_at_the_current_time(world, parties):
    opened(world, party=parties.property)  # its deadlines passed long ago (September 2026)
    result = sweep_deadlines.enqueue()
    assert result.return_value["escalated"] == 1
