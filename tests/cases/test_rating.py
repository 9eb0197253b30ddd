"""Given a solved case, when the resident who raised it (or a worker who called her back) rates
it, then 满意 and 基本满意 close it; the first 不满意 reopens it with the same party and a fresh
solve time; the second sends it one level up for review, where the supervisor reopens it, gives
it to another party or closes it. Nobody else may rate it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.cases import actions, clocks
from laoyuan.cases.models import CaseEvent, CaseState, EventKind, SupervisionLevel
from tests.cases.helpers import at, category, fresh


def solved_case(world, parties, *, when="2026-09-01 09:00"):
    with clocks.frozen_at(at(when)):
        case = actions.case_submit(
            actor=world.liu,
            compound=world.wufuyuan,
            category=category("env.light"),
            description="1栋楼下路灯不亮",
        )
        actions.case_dispatch(actor=world.li, case=case, party=parties.property)
        actions.case_accept(actor=world.sun, case=fresh(case))
        actions.case_solve(actor=world.sun, case=fresh(case), note="已更换灯泡")
    return fresh(case)


def test_satisfied_closes_the_case(world, parties):
    case = solved_case(world, parties)
    actions.case_rate(actor=world.liu, case=case, rating="basic", comment="亮了，但有点暗")
    case = fresh(case)
    assert case.state == CaseState.CLOSED and case.rating == "basic" and case.closed_at


def test_dissatisfied_needs_a_comment(world, parties):
    case = solved_case(world, parties)
    with pytest.raises(ValidationError) as refused:
        actions.case_rate(actor=world.liu, case=case, rating="dissatisfied")
    assert "请填写" in refused.value.message_dict["comment"][0]
    assert fresh(case).state == CaseState.SOLVED


def test_dissatisfied_once_reopens_twice_escalates_for_review(world, parties):
    case = solved_case(world, parties)
    with clocks.frozen_at(at("2026-09-03 09:00")):
        actions.case_rate(actor=world.liu, case=case, rating="dissatisfied", comment="还是不亮")
    case = fresh(case)
    assert case.state == CaseState.IN_PROGRESS and case.reopen_count == 1 and case.party
    assert case.solve_due_at == at("2026-09-07 09:00")  # a fresh 2 working days: Fri, Mon
    with clocks.frozen_at(at("2026-09-04 09:00")):
        actions.case_solve(actor=world.sun, case=case, note="换了灯具")
        actions.case_rate(
            actor=world.liu, case=fresh(case), rating="dissatisfied", comment="又灭了"
        )
    case = fresh(case)
    assert case.state == CaseState.REVIEW and case.level == SupervisionLevel.COMMUNITY
    assert case.next_step == "review" and case.review_due_at == at("2026-09-08 09:00")
    # the supervisor gives it to another party
    with clocks.frozen_at(at("2026-09-04 10:00")):
        actions.case_review(
            actor=world.li,
            case=case,
            decision="reassign",
            note="线路问题，请城管办协调供电",
            party=parties.chengguan,
        )
    case = fresh(case)
    assert case.state == CaseState.ASSIGNED and case.party == parties.chengguan
    assert case.reopen_count == 2
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count(EventKind.REOPENED) == 1 and EventKind.REVIEW in kinds


def test_the_supervisor_may_close_a_reviewed_case_saying_why(world, parties):
    case = solved_case(world, parties)
    for comment in ("不亮", "还是不亮"):
        actions.case_rate(actor=world.liu, case=fresh(case), rating="dissatisfied", comment=comment)
        if fresh(case).state == CaseState.IN_PROGRESS:
            actions.case_solve(actor=world.sun, case=fresh(case), note="修了")
    actions.case_review(actor=world.li, case=fresh(case), decision="close", note="已按规定修复")
    assert fresh(case).state == CaseState.CLOSED


def test_a_worker_rates_on_the_residents_behalf(world, parties):
    case = solved_case(world, parties)
    actions.case_rate(actor=world.zhang, case=case, rating="satisfied")
    event = CaseEvent.objects.get(case=case, kind=EventKind.RATED)
    assert event.actor == world.zhang and event.data["on_behalf"] is True


@pytest.mark.parametrize("who", ["sun", "zhao", "qian", "nobody"])
def test_nobody_else_may_rate(world, parties, who):
    case = solved_case(world, parties)
    with pytest.raises(PermissionDenied):
        actions.case_rate(actor=world.users[who], case=case, rating="satisfied")
    assert fresh(case).state == CaseState.SOLVED and fresh(case).rating == ""


def test_another_resident_may_not_rate_her_neighbours_case(world, parties, login):
    from tests.cast import _user

    neighbour = _user("zhaoda", "赵大海", "resident", household=world.h2, resident=world.zhao_dahai)
    case = solved_case(world, parties)
    with pytest.raises(PermissionDenied):
        actions.case_rate(actor=neighbour, case=case, rating="satisfied")
    assert login(neighbour).get(f"/portal/cases/{case.pk}/").status_code == 404
