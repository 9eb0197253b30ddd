"""The clocks of a case (办理时限): deadlines in working time on the Chinese calendar.

Every deadline is `core.workdays.add_working_seconds(start, budget)`: holidays skipped, 调休
working weekends counted, a working day whole from midnight to midnight. The three steps:

- accept (受理): from when the case reaches its current holder (the dispatcher, or the party it
  was dispatched or transferred to), within the category's accept time;
- first response (首次响应): from the opening, within the respond time;
- solve (办结): from the opening, within the solve time, or by the end of the day a decision set.

A pause moves each pending deadline by exactly the working time paused; a reopening after a
dissatisfied rating gives the party a fresh solve time. `plan` then derives from the state and
the pending deadlines what the sweep reads: the next deadline, when to remind the holder (when a
quarter of the step's time is left) and when to escalate (at the deadline; after an escalation
the next level gets `ESCALATE_AFTER` of working time before the level above it is told).

`now()` is the time the actions write. The demo writes its history through the same actions
with the clock set back (`frozen_at`); nothing else moves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from laoyuan.cases.models import CLOCK_STATES, Case, CaseState, Step, SupervisionLevel
from laoyuan.core.workdays import DAY, add_working_seconds, is_workday, working_seconds_between

# A level that was told has this much working time to get the case moving before the level
# above it is told too.
ESCALATE_AFTER = DAY
# A case rated dissatisfied twice waits this long for its supervisor's decision.
REVIEW_SECONDS = 2 * DAY
# Remind the holder when this share of a step's time is left (a quarter).
REMIND_DIVISOR = 4

_frozen: ContextVar[dt.datetime | None] = ContextVar("laoyuan_cases_now", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Write with the clock at `moment` (the demo's history)."""
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def due(start: dt.datetime, seconds: int) -> dt.datetime:
    return add_working_seconds(start, seconds)


def end_of(day: dt.date) -> dt.datetime:
    """ "By 20 December" means until the end of that day, local time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def before(moment: dt.datetime, seconds: int) -> dt.datetime:
    """The moment `seconds` of working time before `moment` (the inverse of `due`)."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    m = timezone.localtime(moment)
    tz = m.tzinfo
    while True:
        start = dt.datetime.combine(m.date(), dt.time(), tzinfo=tz)
        if start == m:  # at midnight the working time before it is the previous day's
            start = dt.datetime.combine(m.date() - dt.timedelta(days=1), dt.time(), tzinfo=tz)
        if is_workday(start.date()):
            available = int((m - start).total_seconds())
            if seconds <= available:
                return m - dt.timedelta(seconds=seconds)
            seconds -= available
        m = start


def took(start: dt.datetime | None, end: dt.datetime, stopped: int = 0) -> int | None:
    """Working seconds from `start` to `end`, less the time the clock stood still."""
    if start is None:
        return None
    return max(0, working_seconds_between(start, end) - stopped)


# --- writing the clocks at each step --------------------------------------------------------


def start(case: Case, at: dt.datetime, *, fixed_deadline: dt.date | None = None) -> None:
    """A newly opened case: all three clocks start (the budgets are already on the case)."""
    case.opened_at = case.handed_at = case.state_changed_at = at
    case.accept_due_at = due(at, case.accept_seconds)
    case.respond_due_at = due(at, case.respond_seconds)
    if fixed_deadline is not None:
        case.solve_due_at = end_of(fixed_deadline)
        case.deadline_fixed = True
    else:
        case.solve_due_at = due(at, case.solve_seconds)


def hand_over(case: Case, at: dt.datetime) -> None:
    """The case reaches a new holder (dispatched, returned, transferred): its accept clock
    starts again; the resident's clocks (answer, solve) keep running."""
    case.handed_at = at
    case.accept_due_at = due(at, case.accept_seconds)
    case.accepted_at = None


def shift_for_pause(case: Case, paused_at: dt.datetime, at: dt.datetime) -> int:
    """Resume after a pause: each deadline still ahead when the pause began moves by exactly
    the working time paused (it keeps the working time it had left); one already passed stays
    passed. Returns the working seconds paused."""
    paused = working_seconds_between(paused_at, at)
    for name in ("accept_due_at", "respond_due_at", "solve_due_at"):
        deadline = getattr(case, name)
        if deadline is None or deadline <= paused_at:
            continue
        setattr(case, name, due(at, working_seconds_between(paused_at, deadline)))
    case.stopped_seconds += paused
    return paused


def reopen(case: Case, at: dt.datetime) -> None:
    """Dissatisfied: the party gets a fresh solve time; the wait for the rating is not its."""
    if case.solved_at is not None:
        case.stopped_seconds += working_seconds_between(case.solved_at, at)
    case.solve_due_at = due(at, case.solve_seconds)
    case.deadline_fixed = False
    case.solved_at = None
    case.solved_on_time = None
    case.solve_working_seconds = None


def _pending(case: Case) -> list[tuple[str, dt.datetime, int]]:
    if case.state == CaseState.REVIEW:
        return [(Step.REVIEW, case.review_due_at, REVIEW_SECONDS)] if case.review_due_at else []
    out: list[tuple[str, dt.datetime, int]] = []
    if case.state in (CaseState.DISPATCH, CaseState.ASSIGNED) and case.accept_due_at:
        out.append((Step.ACCEPT, case.accept_due_at, case.accept_seconds))
    if case.first_response_at is None and case.respond_due_at:
        out.append((Step.RESPOND, case.respond_due_at, case.respond_seconds))
    out.append((Step.SOLVE, case.solve_due_at, case.solve_seconds))
    return out


def plan(case: Case, at: dt.datetime) -> None:
    """Derive what the sweep reads from the state and the pending deadlines: the next step and
    its deadline, when to remind, when to escalate. A reminder already sent for the same step
    and deadline is not sent again."""
    before_step, before_due = case.next_step, case.next_due_at
    pending = _pending(case) if case.state in CLOCK_STATES else []
    if not pending:
        case.next_step, case.next_due_at = "", None
        case.remind_at = case.escalate_at = None
        return
    step, deadline, budget = min(pending, key=lambda p: p[1])
    case.next_step, case.next_due_at = step, deadline
    if (step, deadline) != (before_step, before_due):
        remind = before(deadline, budget // REMIND_DIVISOR)
        case.remind_at = remind if deadline > at else None
    case.escalate_at = escalation_moment(case, deadline)


def escalation_moment(case: Case, deadline: dt.datetime) -> dt.datetime | None:
    """When the case climbs to the next level, if it still runs late by then."""
    if case.level >= SupervisionLevel.STREET:
        return None
    if case.escalated_at is None:
        return deadline
    return max(deadline, due(case.escalated_at, ESCALATE_AFTER))
