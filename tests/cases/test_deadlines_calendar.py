"""Given the Chinese working-day calendar of 2026 (National Day 1–7 October off; the 调休 Sunday
20 September and Saturday 10 October worked), when cases are opened, accepted and paused around
them, then their deadlines count working time only: holidays skipped, make-up days counted, and
a pause moves each deadline by exactly the working time paused."""

import datetime as dt

from laoyuan.cases import actions, clocks
from laoyuan.cases.models import CasePause, CaseState
from laoyuan.core.workdays import DAY, working_seconds_between
from tests.cases.helpers import at, fresh, open_case


def opened(world, when: str, **fields):
    with clocks.frozen_at(at(when)):
        return open_case(world, **fields)


def test_five_working_days_from_the_eve_of_national_day_end_after_the_make_up_saturday(world):
    # given the default service level of pipe.drain (solve within 3 working days) …
    # when a case is opened on Wednesday 30 September 2026 at 10:00 with 5 working days to solve
    case = opened(world, "2026-09-30 10:00", code="house.roof")
    assert case.solve_seconds == 5 * DAY
    # then 1–7 October do not count, Saturday 10 October (调休) does, Sunday 11 does not:
    # 14 h on the 30th, the 8th, 9th, 10th and 12th whole, 10 h on the 13th
    assert case.solve_due_at == at("2026-10-13 10:00")
    # and the accept deadline (1 working day) lands on Thursday 8 October at 10:00
    assert case.accept_due_at == at("2026-10-08 10:00")


def test_the_make_up_sunday_before_national_day_is_a_working_day(world):
    # when a case is opened on Friday 18 September 2026 at 16:00 (accept within 1 working day)
    case = opened(world, "2026-09-18 16:00", code="house.roof")
    # then Saturday the 19th is off and Sunday the 20th (调休) counts
    assert case.accept_due_at == at("2026-09-20 16:00")


def test_a_pause_over_national_day_moves_the_deadline_by_exactly_the_working_time_paused(
    world, parties
):
    # given a case accepted by the property company before the holiday
    case = opened(world, "2026-09-28 09:00", code="house.roof", party=parties.property)
    with clocks.frozen_at(at("2026-09-28 11:00")):
        actions.case_accept(actor=world.sun, case=case)
    due_before = fresh(case).solve_due_at
    # 15 h of the 28th, the 29th, 30th, 8th and 9th whole, 9 h of Saturday the 10th (调休)
    assert due_before == at("2026-10-10 09:00")
    # when it is paused on Tuesday 29 September at 10:00 (waiting for the resident) …
    with clocks.frozen_at(at("2026-09-29 10:00")):
        actions.case_pause(actor=world.sun, case=fresh(case), reason="resident")
    assert fresh(case).state == CaseState.PAUSED and fresh(case).next_due_at is None
    # … and resumed on Friday 9 October at 10:00
    with clocks.frozen_at(at("2026-10-09 10:00")):
        actions.case_resume(actor=world.sun, case=fresh(case))
    case = fresh(case)
    # then the pause held 14 h of the 29th, all the 30th and the 8th, and 10 h of the 9th
    pause = CasePause.objects.get(case=case)
    assert pause.working_seconds == 3 * DAY == case.stopped_seconds
    assert pause.ended_at == at("2026-10-09 10:00") and pause.started_by == world.sun
    # and the deadline moved by exactly that much working time (over the 调休 Saturday 10th)
    assert working_seconds_between(due_before, case.solve_due_at) == 3 * DAY
    assert case.solve_due_at == at("2026-10-14 09:00")


def test_a_deadline_already_passed_when_the_pause_began_stays_passed(world, parties):
    # given a case opened Tuesday 1 September 2026 09:00: answer within 2, solve within 5 days
    case = opened(world, "2026-09-01 09:00", code="house.roof", party=parties.property)
    with clocks.frozen_at(at("2026-09-01 10:00")):
        actions.case_accept(actor=world.sun, case=case)
    late = fresh(case).respond_due_at
    assert late == at("2026-09-03 09:00")
    # when it is paused after the answer was due, for one working day
    with clocks.frozen_at(at("2026-09-03 10:00")):
        actions.case_pause(actor=world.sun, case=fresh(case), reason="third_party")
    with clocks.frozen_at(at("2026-09-04 10:00")):
        actions.case_resume(actor=world.sun, case=fresh(case))
    case = fresh(case)
    # then the late answer stays late; the solve deadline moves by the day paused
    assert case.respond_due_at == late
    assert case.solve_due_at == at("2026-09-09 09:00")


def test_a_decision_deadline_runs_to_the_end_of_that_day(world):
    with clocks.frozen_at(at("2026-09-30 10:00")):
        case = open_case(world, deadline=dt.date(2026, 10, 9))
    assert case.deadline_fixed and case.solve_due_at == at("2026-10-10 00:00")


def test_the_solve_time_of_a_paused_case_leaves_the_pause_out(world, parties):
    case = opened(world, "2026-09-28 09:00", code="house.roof", party=parties.property)
    for moment, step in [
        ("2026-09-28 10:00", lambda c: actions.case_accept(actor=world.sun, case=c)),
        (
            "2026-09-29 10:00",
            lambda c: actions.case_pause(actor=world.sun, case=c, reason="resident"),
        ),
        ("2026-10-09 10:00", lambda c: actions.case_resume(actor=world.sun, case=c)),
        ("2026-10-12 09:00", lambda c: actions.case_solve(actor=world.sun, case=c, note="修好了")),
    ]:
        with clocks.frozen_at(at(moment)):
            step(fresh(case))
    case = fresh(case)
    # 28 Sept 09:00 → 12 Oct 09:00 is 6 working days (28, 29, 30, 8, 9, 10), 3 of them paused
    assert case.solve_working_seconds == 3 * DAY
    assert case.solved_on_time is True
