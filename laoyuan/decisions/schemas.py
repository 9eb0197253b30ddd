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

from laoyuan.decisions.models import AttendeeKind, MeetingKind, NoticeChannel, ResolutionKind
from laoyuan.decisions.votes.models import Matter
from laoyuan.decisions.votes.schemas import ResultNoticeOut, result_notice_out
from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.schemas import Many, TopicRef, VoiceText

MeetingKindIn = Literal[tuple(MeetingKind.values)]
AttendeeKindIn = Literal[tuple(AttendeeKind.values)]
StatusIn = Literal["planned", "held", "cancelled"]
ChannelIn = Literal[tuple(NoticeChannel.values)]
ResolutionKindIn = Literal[tuple(ResolutionKind.values)]
MatterIn = Literal[tuple(Matter.values)]


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    compound: Ref
    title: str
    held_on: dt.date = Field(description="开会日期（计划中的会议为计划日期）")
    starts_at: dt.time | None
    status: str = Field(description="planned 计划中、held 已召开、cancelled 已取消")
    status_label: str
    place: str
    attendees: int = Field(description="参会人数")
    topics: int = Field(description="讨论的议题数")
    decisions: int = Field(description="作出的决定数")
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

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
    signed_in: str = Field(description="recorded 会后记录、paper 纸质签到、phone 手机签到")
    signed_at: dt.datetime | None

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


class AgendaOut(Schema):
    position: int
    title: str
    topic_id: int | None
    note: str


class MeetingNoticeOut(Schema):
    id: int
    noticed_on: dt.date
    for_date: dt.date = Field(description="通知的会议日期")
    for_time: dt.time | None
    channels: list[str]
    posted_where: str
    text: str


class ResolutionOut(Schema):
    id: int
    number: int
    kind: str
    kind_label: str
    text: str
    topic_ids: list[int] = Field(description="决定的议题")
    vote_id: int | None = Field(description="提交表决生成的表决（草稿）")
    notice: ResultNoticeOut | None = Field(description="公示决定事项发布的公示")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_notice(obj) -> dict | None:
        return result_notice_out(obj.notice) if obj.notice_id else None

    @staticmethod
    def resolve_topic_ids(obj) -> list[int]:
        return [d.topic_id for d in obj.decisions.all()]

    @staticmethod
    def resolve_vote_id(obj) -> int | None:
        vote = getattr(obj, "vote", None)
        return vote.pk if vote else None


class MeetingDetailOut(MeetingOut):
    minutes: str
    created_by: str | None
    buildings: list[Ref]
    cancel_reason: str
    notice_problem: str = Field(description="业主大会通知不足时的说明；为空则没有问题")
    agenda: list[AgendaOut]
    notices: list[MeetingNoticeOut]
    attendee_list: list[AttendeeOut]
    topic_list: list[MeetingTopicOut]
    decision_list: list[DecisionOut]
    resolution_list: list[ResolutionOut]

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return None if obj.created_by_id is None else str(obj.created_by)

    @staticmethod
    def resolve_buildings(obj) -> list[dict]:
        return [{"id": b.pk, "name": str(b)} for b in obj.buildings.all()]

    @staticmethod
    def resolve_agenda(obj) -> list:
        return obj.agenda_list

    @staticmethod
    def resolve_notices(obj) -> list:
        return obj.notice_list


class MeetingFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    kind: MeetingKindIn | None = Field(None, description="会议类型")
    status: StatusIn | None = Field(None, description="状态")
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


class MeetingNoticeIn(Schema):
    """The notice of a meeting: when it went out, how, where it was posted."""

    model_config = ConfigDict(extra="forbid")

    noticed_on: dt.date = Field(description="通知日期，不晚于今天")
    channels: Many(ChannelIn, most=7) = Field(description="通知方式")
    posted_where: Text(200) = ""
    text: Annotated[VoiceText, Field(max_length=5000)] = ""


class AgendaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text(200) = Field("", description="议程；只给议题时以议题为议程")
    topic_id: Id | None = None


class MeetingPlanIn(Schema):
    """A meeting planned ahead. An owners' assembly must leave the full notice period (15
    days) after its notice, or after today when no notice is given."""

    model_config = ConfigDict(extra="forbid")

    compound_id: Id
    kind: MeetingKindIn
    title: Text(120, min_length=1)
    held_on: dt.date = Field(description="会议日期，不早于今天")
    starts_at: dt.time | None = None
    place: Text(120, min_length=1)
    building_ids: Many(Id, most=200, least=0) = Field(
        default_factory=list, description="只涉及这些楼栋；空为全小区"
    )
    agenda: Many(AgendaIn, most=50, least=0) = Field(default_factory=list)
    notice: MeetingNoticeIn | None = Field(None, description="已经发出的通知")


class MeetingChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120, min_length=1)
    held_on: dt.date
    starts_at: dt.time | None = None
    place: Text(120, min_length=1)


class AgendaAddIn(Schema):
    model_config = ConfigDict(extra="forbid")

    items: Many(AgendaIn, most=50)


class AttendanceIn(Schema):
    """The paper sign-in sheet typed in."""

    model_config = ConfigDict(extra="forbid")

    attendees: Many(AttendeeIn, most=500)


class HoldIn(Schema):
    model_config = ConfigDict(extra="forbid")

    held_on: dt.date = Field(description="实际开会日期")
    minutes: Annotated[VoiceText, Field(max_length=20000)] = ""


class MinutesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    minutes: Annotated[VoiceText, Field(max_length=20000)]


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[VoiceText, Field(min_length=1, max_length=2000)]


class ResolutionNoticeIn(Schema):
    """The public notice a resolution of kind "notice" publishes (its text is the
    resolution's; its subject the meeting)."""

    model_config = ConfigDict(extra="forbid")

    title: Text(120) = Field("", description="公示标题；不填为“会议名称＋决议公示”")
    starts_on: dt.date | None = Field(None, description="公示开始日期，不早于今天；不填为今天")
    period_days: int = Field(
        7, ge=1, le=90, description="公示天数（工作日最多60天，自然日最多90天）"
    )
    working_days: bool = Field(True, description="true 按工作日（节假日不计）；false 按自然日")
    community_wide: bool = Field(
        False, description="true 对全社区公示；false 对会议的小区（或会议的楼栋）公示"
    )


class ResolutionIn(Schema):
    """A resolution of a held meeting: deciding topics (topic_ids, responsible_party,
    deadline), putting a matter to an owners' vote (matter: a draft vote is made), publishing
    it as a public notice (notice), or other."""

    model_config = ConfigDict(extra="forbid")

    kind: ResolutionKindIn
    text: Annotated[VoiceText, Field(min_length=1, max_length=5000)]
    topic_ids: Many(Id, most=50, least=0) = Field(default_factory=list)
    responsible_party: Text(120) = ""
    deadline: dt.date | None = None
    matter: MatterIn | None = Field(None, description="提交表决的事项")
    notice: ResolutionNoticeIn | None = Field(
        None, description="公示决定事项（kind=notice）：公示的标题、开始日期、天数和范围"
    )


class PortalMeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    held_on: dt.date
    starts_at: dt.time | None
    place: str
    status: str
    signed_in: bool = Field(description="您是否已签到")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_signed_in(obj) -> bool:
        return getattr(obj, "mine_signed", False)
