"""Scope-walk fillers for the topic pages (议题): a topic of 五福苑 for li, the same for the
outsider qian, and one of 马家沟小区 for the grid worker zhang (she sees all of 五福苑)."""

from __future__ import annotations

import datetime as dt

from laoyuan.voices import actions
from laoyuan.voices.models import Channel


def topic_in(world, compound=None):
    """A fresh open topic of two voices in the compound (五福苑 unless told), made by li."""
    voices = actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[
            actions.VoiceEntry(text="3栋楼顶漏雨，天花板滴水", speaker_name="王大爷"),
            actions.VoiceEntry(text="3栋屋顶漏水好几年了", speaker_name="李阿姨"),
        ],
    )
    return actions.topic_create(actor=world.li, voices=voices, title="3栋楼顶漏雨")


_FILL = (
    lambda w: topic_in(w),
    lambda w: topic_in(w),
    lambda w: topic_in(w, w.majiagou),
)
FILL = {
    name: _FILL
    for name in (
        "voices:topic",
        "voices:topic_edit",
        "voices:topic_merge",
        "voices:topic_split",
        "voices:topic_move",
        "voices:topic_transition",
    )
}
