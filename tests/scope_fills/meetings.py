"""Scope-walk fillers for the meeting pages (会议): li's objects in 五福苑, qian tries the same,
zhang tries those of 马家沟小区."""

from __future__ import annotations

import datetime as dt

from laoyuan.decisions import actions
from laoyuan.decisions.models import MeetingKind
from tests.scope_fills.topics import topic_in


def meeting_in(world, compound=None):
    compound = compound or world.wufuyuan
    return actions.meeting_record(
        actor=world.li,
        compound=compound,
        kind=MeetingKind.ONSITE,
        title="现场办公会",
        held_on=dt.date.today(),
        place="小区议事厅",
        attendees=[actions.AttendeeEntry(name="李社工")],
        topics=[topic_in(world, compound)],
    )


_FILL = (
    lambda w: meeting_in(w),
    lambda w: meeting_in(w),
    lambda w: meeting_in(w, w.majiagou),
)
FILL = {
    "decisions:meeting": _FILL,
    "decisions:meeting_decide": _FILL,
    "decisions:meeting_new": (
        lambda w: w.wufuyuan,
        lambda w: w.wufuyuan,
        lambda w: w.majiagou,
    ),
}
