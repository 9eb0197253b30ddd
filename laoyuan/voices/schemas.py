"""Shapes of the voices API (社情民意接口): residents' voices (意见) and topics (议题).

What comes out: a voice's text is always its redacted form (`text_redacted`: no phones, ID
numbers, markup or links); who said it reads "匿名" for an anonymous voice, and such a voice
never names its resident or its submitting account. Similarity scores and confidences are
strings (exact decimals, never floats). What goes in: unknown fields are refused, every length
and number is bounded, and control characters are refused (a voice's text may hold line
breaks), so junk is a 422 with a Chinese message, never a 500.
"""

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, model_validator

from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.models import Channel, TopicState

# The engine refuses texts above 5,000 characters with its own clear message; this bound only
# keeps absurd bodies from reaching it.
TEXT_HARD_LIMIT = 50_000
MAX_VOICES_PER_CALL = 500


def _no_control_except_lines(value: str) -> str:
    # Line breaks and tabs belong in a long message; NUL and friends break PostgreSQL text.
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in value):
        raise ValueError(_("不能包含控制字符"))
    return value


VoiceText = Annotated[
    str,
    StringConstraints(max_length=TEXT_HARD_LIMIT),
    AfterValidator(_no_control_except_lines),
]


def Many(item, *, most: int, least: int = 1):
    """A list of `item` with a Chinese message when it has too few or too many entries (the
    generic pydantic messages would not say which bound was broken)."""

    def _bounded(values: list) -> list:
        if len(values) < least:
            raise ValueError(_("至少要有%(n)s项") % {"n": least})
        if len(values) > most:
            raise ValueError(_("最多%(n)s项，请分批提交") % {"n": most})
        return values

    return Annotated[list[item], AfterValidator(_bounded)]


VoiceIds = Many(Id, most=MAX_VOICES_PER_CALL)
ChannelIn = Literal[tuple(Channel.values)]
# A topic reaches "merged" only by a merge, never by a transition.
TransitionState = Literal[tuple(s for s in TopicState.values if s != TopicState.MERGED)]


def _check_period(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise ValueError(_("开始日期不能晚于结束日期"))


# --- references -------------------------------------------------------------------------------


class BuildingRef(Schema):
    id: int
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)


class TopicRef(Schema):
    id: int
    title: str
    state: str
    state_label: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


# --- voices -----------------------------------------------------------------------------------


class VoiceOut(Schema):
    """One voice as staff see it: redacted text; "匿名" and no person for anonymous voices."""

    id: int
    compound: Ref
    building: BuildingRef | None
    spot: str
    text: str = Field(description="内容（已去除电话、证件号、网页标记和链接）")
    channel: str
    channel_label: str
    said_on: dt.date
    occasion: str = Field(description="场次，如“五福夜话 第3期”")
    anonymous: bool
    who: str = Field(description="反映人；匿名意见为“匿名”")
    resident_id: int | None = Field(description="登记的居民；匿名意见始终为 null")
    category: str
    subcategory: str
    category_confidence: str | None = Field(description="系统建议分类的置信度，字符串，如 0.870")
    category_source: str
    category_source_label: str
    topic: TopicRef | None
    recorded_by: str | None = Field(description="记录人（工作人员）；居民线上提交时为空")
    created_at: dt.datetime

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.text_redacted

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_who(obj) -> str:
        return obj.who

    @staticmethod
    def resolve_resident_id(obj) -> int | None:
        return None if obj.anonymous else obj.resident_id

    @staticmethod
    def resolve_category_confidence(obj) -> str | None:
        c = obj.category_confidence
        return None if c is None else str(c)

    @staticmethod
    def resolve_category_source_label(obj) -> str:
        return str(obj.get_category_source_display())

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        # A resident's own online voice is "recorded" by her account: never name it.
        if obj.recorded_by_id is None or obj.recorded_by_id == obj.author_id:
            return None
        return str(obj.recorded_by)


class VoiceEntryIn(Schema):
    """One voice heard: its text and who said it (or anonymous), and where."""

    model_config = ConfigDict(extra="forbid")

    text: VoiceText
    speaker_name: Text(60) = ""
    anonymous: bool = False
    building_id: Id | None = None
    spot: Text(100) = ""


class VoicesRecordIn(Schema):
    """Voices heard at one occasion (a meeting, a round of visits, a day of calls)."""

    model_config = ConfigDict(extra="forbid")

    compound_id: Id
    channel: ChannelIn = Field(description="渠道")
    said_on: dt.date = Field(description="反映日期，不晚于今天")
    occasion: Text(100) = Field("", description="场次，如“五福夜话 第3期”")
    entries: Many(VoiceEntryIn, most=200)


class InputErrorOut(Schema):
    loc: list[str | int]
    field: str
    msg: str
    type: str


class RowsRejectedOut(Schema):
    """Rows of a batch that cannot be saved; nothing was saved."""

    detail: list[InputErrorOut]
    rows: dict[str, list[str]] = Field(description="行号（从1起）→ 该行的问题")


class VoiceCategoryIn(Schema):
    """Confirm the proposed category (send the same one) or correct it."""

    model_config = ConfigDict(extra="forbid")

    category: Text(40, min_length=1)
    subcategory: Text(60) = ""


class VoiceFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    community: Id | None = Field(None, description="社区编号")
    channel: ChannelIn | None = Field(None, description="渠道")
    category: Text(40) = Field("", description="一级分类；“-”为未归类")
    grouped: bool | None = Field(None, description="true 只看已归入议题的，false 只看未归入的")
    q: Text(60) = Field("", description="内容包含的文字")
    since: dt.date | None = Field(None, description="反映日期不早于")
    until: dt.date | None = Field(None, description="反映日期不晚于")

    @model_validator(mode="after")
    def _period(self):
        _check_period(self.since, self.until)
        return self


# --- the resident's side ----------------------------------------------------------------------


class PortalVoiceIn(Schema):
    """A resident's own suggestion; with `topic_id`, her voice added to an open topic (附议)."""

    model_config = ConfigDict(extra="forbid")

    compound_id: Id
    text: VoiceText
    building_id: Id | None = None
    spot: Text(100) = ""
    anonymous: bool = False
    topic_id: Id | None = None


class PortalTopicOut(TopicRef):
    """The topic as its authors follow it: its state and the answer they are given."""

    decision: str
    answer: str
    reason: str = Field(description="不予采纳的理由")
    deadline: dt.date | None


class MyVoiceOut(Schema):
    id: int
    compound: Ref
    text: str
    said_on: dt.date
    anonymous: bool
    category: str
    topic: PortalTopicOut | None
    created_at: dt.datetime

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.text_redacted


# --- topics -----------------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    compound: Ref
    title: str
    category: str
    subcategory: str
    state: str
    state_label: str
    state_changed_at: dt.datetime | None
    voice_count: int = Field(description="意见条数")
    channel_count: int = Field(description="涉及的渠道数")
    decision: str
    responsible_party: str
    deadline: dt.date | None
    answer: str
    reason: str
    merged_into_id: int | None = Field(description="已并入的议题（状态为 merged 时）")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_state_label(obj) -> str:
        # The detail is built as a dict (a Topic's own `voices` is its related manager).
        state = obj["state"] if isinstance(obj, dict) else obj.state
        return str(TopicState(state).label)


class ChannelCount(Schema):
    channel: str
    label: str
    voices: int


class TopicSummaryOut(Schema):
    voices: int
    by_channel: list[ChannelCount]
    supporters: int = Field(description="反映人数：登记居民、账号、留名者，匿名者各算一人")
    anonymous: int
    first_said: dt.date | None
    last_said: dt.date | None


class TopicEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str | None = Field(description="操作人；居民本人附议时不显示")
    from_state: str
    to_state: str
    note: str
    other_topic: Ref | None
    voice_ids: list[int]


class VoicePage(Schema):
    items: list[VoiceOut]
    count: int


class EventPage(Schema):
    items: list[TopicEventOut]
    count: int


class TopicDetailOut(TopicOut):
    merged_into: Ref | None
    summary: TopicSummaryOut
    voices: VoicePage = Field(
        description="本议题的全部意见，按反映日期；用 voices_limit/offset 翻页"
    )
    events: EventPage = Field(description="议题记录，按时间；用 events_limit/offset 翻页")


class TopicDetailQuery(Schema):
    voices_limit: int = Field(100, ge=1, le=200, description="每页意见条数")
    voices_offset: int = Field(0, ge=0, le=10**9)
    events_limit: int = Field(100, ge=1, le=200, description="每页记录条数")
    events_offset: int = Field(0, ge=0, le=10**9)


class TopicFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    community: Id | None = Field(None, description="社区编号")
    state: Literal[tuple([*TopicState.values, "live"])] | None = Field(
        None, description="状态；live 为仍可附议的（待议、协商中、已决定）；默认不含已合并的"
    )
    category: Text(40) = Field("", description="一级分类")
    q: Text(60) = Field("", description="议题名称包含的文字")


class TopicCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    voice_ids: VoiceIds
    title: Text(120) = Field("", description="留空则取第一条意见的开头")


class TopicMergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    into_topic_id: Id = Field(description="并入的议题")
    note: Text(500) = ""


class TopicSplitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    voice_ids: VoiceIds = Field(description="拆出到新议题的意见")
    title: Text(120) = ""


class TopicMoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    voice_ids: VoiceIds = Field(description="移入本议题的意见")


class TopicTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_state: TransitionState = Field(description="新状态")
    decision: Annotated[str, StringConstraints(max_length=5000)] = Field(
        "", description="决定内容（改为已决定时必填）"
    )
    answer: Annotated[str, StringConstraints(max_length=5000)] = Field(
        "", description="给居民的答复（答复办结时必填，已有决定时可省略）"
    )
    reason: Annotated[str, StringConstraints(max_length=5000)] = Field(
        "", description="不予采纳的理由（不予采纳时必填）"
    )
    responsible_party: Text(120) = ""
    deadline: dt.date | None = Field(None, description="完成时限，不早于今天")
    note: Text(500) = ""


class TopicPatchIn(Schema):
    """Only what is sent changes; a new category without a subcategory clears the old one."""

    model_config = ConfigDict(extra="forbid")

    title: Text(120, min_length=1) = None
    category: Text(40) = None
    subcategory: Text(60) = None


class SimilarQuery(Schema):
    compound_id: Id = Field(description="小区编号")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class SimilarTopicOut(Schema):
    topic: TopicRef
    score: str = Field(description="相似度 0–1，字符串")
    voice_count: int
    example: str = Field(description="最相似的一条意见（已去除号码）")


# --- grouping proposals -----------------------------------------------------------------------


class ProposedVoice(Schema):
    id: int
    text: str
    channel: str
    said_on: dt.date


class ProposalOut(Schema):
    voice_ids: list[int]
    topic: Ref | None = Field(description="建议并入的已有议题；为空则建议新建议题")
    title: str
    voices: list[ProposedVoice]


class ProposalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    voice_ids: VoiceIds
    topic_id: Id | None = None
    title: Text(120) = ""


class ProposalsAcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    proposals: Many(ProposalIn, most=500)


class ProposalsAcceptedOut(Schema):
    grouped: int = Field(description="归入议题的意见条数（其间已被归类的不计）")


# --- the funnel -------------------------------------------------------------------------------


class FunnelQuery(Schema):
    place: Annotated[
        str, StringConstraints(pattern=r"^(street|community|compound):[1-9]\d{0,17}$")
    ] = Field("", description="street:编号、community:编号 或 compound:编号；省略为全部可见范围")
    since: dt.date | None = None
    until: dt.date | None = None

    @model_validator(mode="after")
    def _period(self):
        _check_period(self.since, self.until)
        return self


class PlaceOut(Schema):
    kind: str
    id: int
    name: str


class FunnelRowOut(Schema):
    key: str
    label: str
    voices: int
    topics: int
    decided: int
    project: int
    case: int
    answered: int
    rejected: int


class FunnelOut(Schema):
    place: PlaceOut | None
    since: dt.date | None
    until: dt.date | None
    total: FunnelRowOut
    by_channel: list[FunnelRowOut]
    by_category: list[FunnelRowOut]
    ungrouped: int = Field(description="尚未归入议题的意见")
