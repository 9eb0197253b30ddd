"""Shapes of the case-work API (工单接口).

What comes out: texts are their redacted forms; the reporter reads "匿名" for an anonymous case,
and her phone only masked (the full number comes from the logged reveal endpoint); the party's
staff never get the resident record. Rates are exact decimal strings ("87.5"), times whole
seconds of working time. What goes in: unknown fields are refused, every length and number is
bounded, and control characters are refused (a description may hold line breaks), so junk is a
422 with a Chinese message, never a 500.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, model_validator

from laoyuan.cases.models import CaseSource, CaseState, PartyKind, PauseReason, Rating
from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.schemas import VoiceText, _no_control_except_lines

# The action refuses texts above its own limit (2,000) with a clear message; this bound only
# keeps absurd bodies from reaching it.
NoteText = Annotated[
    str, StringConstraints(max_length=10_000), AfterValidator(_no_control_except_lines)
]
Description = VoiceText
StateIn = Literal[tuple([*CaseState.values, "open"])]
SourceIn = Literal[tuple(CaseSource.values)]
RatingIn = Literal[tuple(Rating.values)]
PauseReasonIn = Literal[tuple(PauseReason.values)]
PartyKindIn = Literal[tuple(PartyKind.values)]
ReviewIn_ = Literal["reopen", "reassign", "close"]
GroupIn = Literal["party", "category", "community", "street"]
Seconds = Annotated[int, Field(ge=1, le=10**8)]


def _check_period(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise ValueError(_("开始日期不能晚于结束日期"))


# --- references ------------------------------------------------------------------------------


class CategoryRef(Schema):
    id: int
    code: str = Field(description="分类编码（Open311 service_code）")
    group: str
    name: str


class PartyRef(Schema):
    id: int
    name: str
    kind: str


class CompoundRef(Schema):
    id: int
    code: str
    name: str


# --- cases -----------------------------------------------------------------------------------


class CaseOut(Schema):
    """A case in a list: where, what, who has it, where it stands, its clocks."""

    id: int
    request_id: str = Field(description="受理编号（Open311 service_request_id）")
    title: str
    state: str
    state_label: str
    level: int = Field(description="督办层级：0 网格，1 社区，2 街道")
    level_label: str
    source: str
    source_label: str
    category: CategoryRef
    compound: CompoundRef
    building_id: int | None
    spot: str
    party: PartyRef | None
    status_note: str
    opened_at: dt.datetime
    accept_due_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    solve_due_at: dt.datetime
    next_step: str
    next_due_at: dt.datetime | None
    accepted_at: dt.datetime | None
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    rating: str
    reopen_count: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())


class ReporterOut(Schema):
    """Who raised it, as much as the caller may know: party staff get the name as written and
    the masked phone, never the resident record."""

    anonymous: bool
    name: str = Field(description="反映人；匿名为“匿名”")
    phone_masked: str
    resident_id: int | None
    online: bool = Field(description="居民网上提交（可在“我的工单”跟进和评价）")


class ClockOut(Schema):
    step: str
    label: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    on_time: bool | None
    left_seconds: int | None = Field(description="剩余的工作时间（秒）；负数为已逾期")


class CaseEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str | None = Field(description="工作人员；居民本人的操作为“居民”，系统为空")
    from_state: str
    to_state: str
    party: PartyRef | None
    other_party: PartyRef | None
    note: str
    took_seconds: int | None = Field(description="本环节用时（工作时间，秒）")
    step: str
    due_at: dt.datetime | None
    on_time: bool | None
    photo_ids: list[int]


class CaseEventPage(Schema):
    items: list[CaseEventOut]
    count: int


class SupervisionNoticeOut(Schema):
    id: int
    case_id: int
    number: str
    level: int
    issuer: str
    party: PartyRef
    demand: str
    due_at: dt.datetime
    issued_at: dt.datetime
    issued_by: str
    answer: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_issued_by(obj) -> str:
        return str(obj.issued_by)


class CaseDetailOut(CaseOut):
    description: str
    solution_asked: str
    attributes: dict
    address: str
    lat: Decimal | None
    lon: Decimal | None
    external_ref: str
    topic_id: int | None
    decision_id: int | None
    voice_id: int | None
    reporter: ReporterOut
    clocks: list[ClockOut]
    actions: list[str] = Field(description="调用者现在可以做的办理环节")
    supervision_notices: list[SupervisionNoticeOut]
    timeline: CaseEventPage = Field(
        description="办理记录（按时间），分页见 events_limit/events_offset"
    )
    rating_comment: str
    public_url: str = Field(description="公开的办理进度页（不含个人信息）")


class CaseDetailQuery(Schema):
    events_limit: int = Field(100, ge=1, le=200)
    events_offset: int = Field(0, ge=0, le=10**6)


class CaseFilters(Schema):
    compound: Id | None = None
    community: Id | None = None
    party: Id | None = None
    category: Text(32) | None = Field(None, description="分类编码")
    state: StateIn | None = Field(None, description="状态；open 为所有未结案的")
    source: SourceIn | None = None
    q: Text(40) = Field("", description="标题包含，或受理编号")
    overdue: bool = False
    since: dt.date | None = None
    until: dt.date | None = None


class CaseOpenIn(Schema):
    """Open a case. With `topic_id` (a decided topic) or `decision_id` (a meeting's decision)
    the case is opened from it: the place, text, party and deadline come from there."""

    model_config = ConfigDict(extra="forbid")
    compound_id: Id | None = None
    category_code: Text(32) | None = None
    description: Description | None = None
    title: Text(200) = ""
    solution_asked: NoteText = ""
    building_id: Id | None = None
    spot: Text(200) = ""
    address: Text(400) = ""
    lat: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    lon: Annotated[Decimal, Field(ge=-180, le=180, max_digits=10, decimal_places=6)] | None = None
    attributes: dict[Text(32), Text(400) | list[Text(100)]] = Field(default_factory=dict)
    reporter_name: Text(120) = ""
    reporter_phone: Text(40) = ""
    anonymous: bool = False
    party_id: Id | None = None
    deadline: dt.date | None = Field(None, description="办结期限（该日结束前）；不填按时限标准")
    external_ref: Text(64) = Field("", description="外部系统的编号，同一编号只登记一次")
    topic_id: Id | None = None
    decision_id: Id | None = None


class PartyIdIn(Schema):
    model_config = ConfigDict(extra="forbid")
    party_id: Id
    note: NoteText = ""


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: NoteText = ""


class RequiredNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: NoteText


class CaseReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: NoteText


class TransferIn(Schema):
    model_config = ConfigDict(extra="forbid")
    party_id: Id
    reason: NoteText


class PauseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: PauseReasonIn
    note: NoteText = ""


class RateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rating: RatingIn
    comment: NoteText = ""


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: ReviewIn_
    note: NoteText
    party_id: Id | None = None


class SupervisionNoticeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    demand: NoteText
    due_on: dt.date


class SupervisionNoticeAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer: NoteText


class SupervisionNoticeFilters(Schema):
    answered: bool | None = None
    compound: Id | None = None


class CaseRevealOut(Schema):
    value: str
    logged: bool = True


class BoardQuery(Schema):
    all: bool = Field(False, description="包括本级以下的逾期工单")
    compound: Id | None = None
    community: Id | None = None


# --- parties ----------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    name: str
    post: str
    phone_masked: str


class PartyOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    street: Ref
    community_id: int | None
    compound_id: int | None
    serves: str
    aliases: list[str]
    duty: str
    service_phone: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class PartyDetailOut(PartyOut):
    contacts: list[ContactOut]
    members: list[str] = Field(description="代表本单位办理工单的账号（用户名）")

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.filter(is_active=True).order_by("pk"))


class PartyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    street_id: Id
    name: Text(200)
    kind: PartyKindIn
    community_id: Id | None = None
    compound_id: Id | None = None
    aliases: list[Text(80)] = Field(default_factory=list, max_length=20)
    duty: NoteText = ""
    service_phone: Text(60) = ""


class PartyPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Text(200) | None = None
    kind: PartyKindIn | None = None
    community_id: Id | None = None
    compound_id: Id | None = None
    aliases: list[Text(80)] | None = Field(None, max_length=20)
    duty: NoteText | None = None
    service_phone: Text(60) | None = None
    is_active: bool | None = None


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Text(80)
    post: Text(80) = ""
    phone: Text(40)


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: Text(150)


class PartyFilters(Schema):
    street: Id | None = None
    kind: PartyKindIn | None = None
    active: bool | None = None


# --- categories and service levels -------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    code: str
    group: str
    name: str
    description: str
    attributes: list[dict]
    usual_party_kind: str
    accept_seconds: int
    respond_seconds: int
    solve_seconds: int
    street_level: bool = Field(description="时限为所问街道自己的设置（否则为默认）")


class CategoryQuery(Schema):
    street: Id | None = Field(None, description="按该街道的时限显示")


class ServiceLevelIn(Schema):
    model_config = ConfigDict(extra="forbid")
    accept_seconds: Seconds
    respond_seconds: Seconds
    solve_seconds: Seconds


# --- statistics ---------------------------------------------------------------------------------


class StatsQuery(Schema):
    group: GroupIn = "party"
    since: dt.date | None = Field(None, description="默认90天前")
    until: dt.date | None = Field(None, description="默认今天")
    street: Id | None = None
    community: Id | None = None
    compound: Id | None = None

    @model_validator(mode="after")
    def _period(self):
        _check_period(self.since, self.until)
        return self


class StatsRowOut(Schema):
    key: int | None
    label: str
    opened: int
    respond_due: int
    responded_on_time: int
    response_rate: str | None
    solve_due: int
    solved: int
    solved_on_time: int
    on_time_rate: str | None
    rated: int
    satisfied: int
    satisfaction_rate: str | None
    ever_solved: int
    reopened: int
    reopen_rate: str | None
    average_solve_seconds: int | None
    p90_solve_seconds: int | None
    overdue: int

    @staticmethod
    def resolve_average_solve_seconds(obj) -> int | None:
        return obj.average_solve

    @staticmethod
    def resolve_p90_solve_seconds(obj) -> int | None:
        return obj.p90


class StatsOut(Schema):
    since: dt.date
    until: dt.date
    group: str
    total: StatsRowOut
    rows: list[StatsRowOut]


# --- the resident's side ---------------------------------------------------------------------


class PortalCaseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    compound_id: Id
    category_code: Text(32)
    description: Description
    building_id: Id | None = None
    spot: Text(200) = ""
    phone: Text(40) = ""
    anonymous: bool = False


class MyCaseOut(Schema):
    id: int
    request_id: str
    title: str
    state: str
    state_label: str
    category: CategoryRef
    compound: CompoundRef
    party_name: str | None
    status_note: str
    opened_at: dt.datetime
    solve_due_at: dt.datetime
    solved_at: dt.datetime | None
    rating: str
    mine: bool = Field(description="本人反映的（可评价）；否则来自本人参与的议题")
    public_url: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_party_name(obj) -> str | None:
        return obj.party.name if obj.party_id else None
