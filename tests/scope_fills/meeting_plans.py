"""Scope-walk fillers for planned meetings (计划会议) and the resident's meeting page: li's
meetings in 五福苑, qian tries the same, zhang (grid worker of 五福苑) tries those of 马家沟小区.
On the portal page liu is the insider; staff have no portal at all."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import MeetingKind
from tests.scope_fills.meetings import meeting_in


def planned_in(world, compound=None):
    return plan_actions.meeting_plan(
        actor=world.li,
        compound=compound or world.wufuyuan,
        kind=MeetingKind.DELIBERATION,
        title="居民议事会",
        held_on=timezone.localdate() + dt.timedelta(days=3),
        place="议事厅",
        agenda=[plan_actions.AgendaEntry(title="加装电梯")],
    )


_PLANNED = (
    lambda w: planned_in(w),
    lambda w: planned_in(w),
    lambda w: planned_in(w, w.majiagou),
)
_HELD = (
    lambda w: meeting_in(w),
    lambda w: meeting_in(w),
    lambda w: meeting_in(w, w.majiagou),
)
FILL = {
    "decisions:meeting_plan": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "decisions:meeting_change": _PLANNED,
    "decisions:meeting_notice": _PLANNED,
    "decisions:meeting_notice_pdf": _PLANNED,
    "decisions:meeting_agenda": _PLANNED,
    "decisions:meeting_hold": _PLANNED,
    "decisions:meeting_cancel": _PLANNED,
    "decisions:meeting_attendance": _HELD,
    "decisions:meeting_minutes": _HELD,
    "decisions:meeting_resolve": _HELD,
    "decisions:portal_meeting": _PLANNED,
}
INSIDER = {"decisions:portal_meeting": "liu"}
