"""Shapes of the meetings API (会议接口): meetings where topics are decided — on-site office
meetings (现场办公会), contact days (社情民意联系日), evening talks (夜话), courtyard meetings
(坝坝会) — with attendees, the topics raised and each decision's responsible party (责任方),
solution and deadline. Inputs forbid unknown fields and bound every length.
"""

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from laoyuan.decisions.models import AttendeeKind, MeetingKind
from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.schemas import Many, TopicRef, VoiceText

MeetingKindIn = Literal[tuple(MeetingKind.values)]
AttendeeKindIn = Literal[tuple(AttendeeKind.values)]


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    compound: Ref
    title: str
    held_on: dt.date
    place: str
    attendees: int = Field(description="参会人数")
    topics: int = Field(description="讨论的议题数")
    decisions: int = Field(description="作出的决定数")
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_attendees(obj) -> int:
        return obj.attendee_count

    @staticmethod
    def resolve_topics(obj) -> int:
        return obj.topic_count

    @staticmethod
    def resolve_decisions(obj) -> int:
        return obj.decision_count


class AttendeeOut(Schema):
    kind: str
    kind_label: str
    name: str
    organisation: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class DecisionOut(Schema):
    id: int
    meeting_id: int
    topic: TopicRef = Field(description="议题及其当前状态")
    responsible_party: str
    solution: str
    deadline: dt.date
    decided_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return None if obj.decided_by_id is None else str(obj.decided_by)


class MeetingTopicOut(TopicRef):
    merged_into: Ref | None = Field(description="已并入的议题（状态为 merged 时）")

    @staticmethod
    def resolve_merged_into(obj) -> dict | None:
        t = obj.merged_into
        return None if t is None else {"id": t.pk, "name": t.title}


class MeetingDetailOut(MeetingOut):
    minutes: str
    created_by: str | None
    attendee_list: list[AttendeeOut]
    topic_list: list[MeetingTopicOut]
    decision_list: list[DecisionOut]

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return None if obj.created_by_id is None else str(obj.created_by)


class MeetingFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    kind: MeetingKindIn | None = Field(None, description="会议类型")
    since: dt.date | None = Field(None, description="开会日期不早于")
    until: dt.date | None = Field(None, description="开会日期不晚于")

    @model_validator(mode="after")
    def _period(self):
        if self.since and self.until and self.since > self.until:
            raise ValueError(_("开始日期不能晚于结束日期"))
        return self


class AttendeeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text(60, min_length=1)
    kind: AttendeeKindIn = AttendeeKind.STAFF
    organisation: Text(120) = ""


class MeetingCreateIn(Schema):
    """A meeting already held: when, where, who came, which topics were raised."""

    model_config = ConfigDict(extra="forbid")

    compound_id: Id
    kind: MeetingKindIn = Field(description="会议类型")
    title: Text(120, min_length=1)
    held_on: dt.date = Field(description="开会日期，不晚于今天")
    place: Text(120, min_length=1)
    minutes: Annotated[VoiceText, Field(max_length=20000)] = Field("", description="纪要")
    attendees: Many(AttendeeIn, most=300)
    topic_ids: Many(Id, most=200, least=0) = Field(
        default_factory=list, description="会上讨论的本小区议题"
    )


class DecisionCreateIn(Schema):
    """One decision on one topic: who does what by when. The topic becomes "decided"."""

    model_config = ConfigDict(extra="forbid")

    topic_id: Id
    responsible_party: Text(120, min_length=1) = Field(description="责任方")
    solution: Annotated[VoiceText, Field(min_length=1, max_length=5000)] = Field(
        description="解决办法"
    )
    deadline: dt.date = Field(description="完成时限，不早于开会日期")
