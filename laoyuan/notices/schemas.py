"""Shapes of the public-notice API (公示接口).

What goes in: unknown fields are refused, every length and number is bounded, control
characters are refused (bodies, objections and answers may hold line breaks), so junk is a 422
with a Chinese message, never a 500. The rules themselves (a period of 1–60 working days or
1–90 calendar days, the start not in the past, the window for objections) are the actions',
whose Chinese messages come back keyed by field.

What comes out: staff see who objected (name as given, phone masked); a resident sees her own
objections and the answers; the public shapes carry no name, no phone and no staff member,
only redacted texts. Dates are ISO dates; `phase` says where a published notice stands today.
"""

import datetime as dt
from typing import Annotated, Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, model_validator

from laoyuan.notices.models import (
    CONTACT_MAX,
    ISSUER_MAX,
    TITLE_MAX,
    AnswerOutcome,
    NoticeKind,
)
from laoyuan.notices.phases import Phase, phase_label, phase_of
from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.schemas import Many

# The actions refuse longer texts with their own clear message (body 20,000; objection 2,000;
# answer 5,000); these bounds only keep absurd payloads from reaching them.
HARD_LIMIT = 60_000
MAX_DAYS_IN = 10_000


def _no_control_except_lines(value: str) -> str:
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in value):
        raise ValueError(_("不能包含控制字符"))
    return value


LongText = Annotated[
    str, StringConstraints(max_length=HARD_LIMIT), AfterValidator(_no_control_except_lines)
]
KindIn = Literal[tuple(NoticeKind.values)]
OutcomeIn = Literal[tuple(AnswerOutcome.values)]
PhaseIn = Literal[tuple([*Phase.values, "published"])]
DaysIn = Annotated[int, Field(ge=0, le=MAX_DAYS_IN)]


def _check_period(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise ValueError(_("开始日期不能晚于结束日期"))


# --- what comes in ---------------------------------------------------------------------------


class SubjectIn(Schema):
    """What the notice publishes: an object of another app, by its registered type."""

    model_config = ConfigDict(extra="forbid")

    type: Text(60, min_length=3) = Field(description="对象类型，如 voices.topic、decisions.meeting")
    id: Id


class NoticeIn(Schema):
    """A new draft notice. The place is a community (community_id, the whole community) or a
    compound (compound_id, optionally only some of its buildings: building_ids). The period is
    period_days days from starts_on (both ends included; working days unless working_days is
    false), or runs to ends_on."""

    model_config = ConfigDict(extra="forbid")

    community_id: Id | None = Field(
        None, description="全社区公示：社区编号（与 compound_id 二选一）"
    )
    compound_id: Id | None = Field(None, description="小区公示：小区编号")
    building_ids: Many(Id, most=200, least=0) = Field(
        default_factory=list, description="只对这些楼栋公示（须属于该小区）；不填即全小区"
    )
    kind: KindIn = Field(description="公示类型")
    title: Text(TITLE_MAX) = Field(description="标题，一行，最多120字")
    body: LongText = Field(description="正文，最多20000字")
    starts_on: dt.date = Field(description="公示开始日期（含），不早于今天")
    period_days: DaysIn | None = Field(
        None, description="公示天数：工作日最多60个，自然日最多90天（与 ends_on 至少填一项）"
    )
    working_days: bool = Field(True, description="true 按工作日计算（节假日不计、调休上班日计入）")
    ends_on: dt.date | None = Field(None, description="公示结束日期（含），可代替 period_days")
    issuer: Text(ISSUER_MAX) = Field("", description="发布单位（落款）；不填时按发布人的角色生成")
    objection_contact: Text(CONTACT_MAX) = Field("", description="书面异议交到哪里")
    subject: SubjectIn | None = Field(None, description="公示对象（可不填）")

    @model_validator(mode="after")
    def _one_place(self):
        if (self.community_id is None) == (self.compound_id is None):
            raise ValueError(_("请给出 community_id（全社区）或 compound_id（小区），二者只填一个"))
        return self


class NoticePatchIn(Schema):
    """Changes to a draft; fields left out stay as they are. Sending ends_on without
    period_days counts the days from it."""

    model_config = ConfigDict(extra="forbid")

    kind: KindIn | None = None
    title: Text(TITLE_MAX) | None = None
    body: LongText | None = None
    starts_on: dt.date | None = None
    period_days: DaysIn | None = None
    working_days: bool | None = None
    ends_on: dt.date | None = None
    building_ids: Many(Id, most=200, least=0) | None = Field(
        None, description="只对这些楼栋公示；空列表即全小区"
    )
    issuer: Text(ISSUER_MAX) | None = None
    objection_contact: Text(CONTACT_MAX) | None = None


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: LongText = Field(description="撤回理由（必填，最多1000字）")


class PaperObjectionIn(Schema):
    """An objection received on paper, typed in by staff during the period."""

    model_config = ConfigDict(extra="forbid")

    objector_name: Text(60) = Field(description="异议人姓名（按书面材料）")
    phone: Text(30) = Field("", description="联系电话（可不填；加密保存，只返回脱敏号码）")
    received_on: dt.date | None = Field(None, description="收到日期，默认今天")
    text: LongText = Field(description="异议内容，最多2000字")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: OutcomeIn = Field(description="adopted 采纳；explained 解释说明；follow_up 正在核实")
    text: LongText = Field(description="答复内容（公开，不显示异议人），最多5000字")


class PortalObjectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: LongText = Field(description="异议内容，最多2000字")


class NoticeFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    community: Id | None = Field(None, description="社区编号（含该社区的全社区公示和各小区的公示）")
    kind: KindIn | None = Field(None, description="公示类型")
    phase: PhaseIn | None = Field(
        None, description="draft/published/closed/withdrawn，或 upcoming/open/ended（按今天）"
    )
    since: dt.date | None = Field(None, description="公示期与此日及以后有交集")
    until: dt.date | None = Field(None, description="公示期与此日及以前有交集")
    q: Text(60) = Field("", description="标题包含的文字")

    @model_validator(mode="after")
    def _period(self):
        _check_period(self.since, self.until)
        return self


class PeriodQuery(Schema):
    starts_on: dt.date = Field(description="开始日期（含）")
    days: DaysIn | None = Field(None, description="公示天数")
    ends_on: dt.date | None = Field(None, description="或结束日期（含）")
    working: bool = Field(True, description="true 按工作日，false 按自然日")


# --- what goes out ---------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


class PeriodOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    days: int
    working_days: bool
    provisional_years: list[int] = Field(description="节假日安排尚未公布、按暂定日历计算的年份")
    summary: str
    warning: str


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    state: str
    state_label: str
    phase: str = Field(description="按今天：draft/upcoming/open/ended/closed/withdrawn")
    phase_label: str
    target_level: str = Field(description="community 全社区；compound 全小区；buildings 部分楼栋")
    target_label: str
    community: Ref
    compound: Ref | None
    starts_on: dt.date
    ends_on: dt.date
    period_days: int
    working_days: bool
    calendar_provisional: bool = Field(description="公示期按暂定日历计算（该年节假日未公布）")
    objection_count: int
    unresolved_count: int
    published_at: dt.datetime | None
    created_at: dt.datetime

    # The detail is built as a dict (a Notice's own `attachments` is its related manager).
    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj["kind_label"] if isinstance(obj, dict) else str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj["state_label"] if isinstance(obj, dict) else str(obj.get_state_display())

    @staticmethod
    def resolve_phase(obj) -> str:
        return obj["phase"] if isinstance(obj, dict) else phase_of(obj, _today())

    @staticmethod
    def resolve_phase_label(obj) -> str:
        return obj["phase_label"] if isinstance(obj, dict) else phase_label(obj, _today())


class NoticeAttachmentOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    content_type: str
    size: int = Field(description="字节")
    sha256: str
    width: int | None
    height: int | None
    url: str = Field(description="下载地址（接口，需登录）")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("api:notice_attachment_download", kwargs={"attachment_id": obj.pk})


class PublicAttachmentOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    url: str = Field(description="公开下载地址")

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("notices:public_attachment", args=[obj.notice_id, obj.pk])


class SubjectOut(Schema):
    type: str
    id: int
    kind_label: str
    label: str
    url: str = Field(description="对象的页面；调用者无权查看时为空")


class NoticeEventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str | None = Field(description="操作人；系统自动结束时为空")
    from_state: str
    to_state: str
    note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class CountsOut(Schema):
    total: int
    answered: int = Field(description="至少答复过一次的")
    resolved: int = Field(description="已办结（最近一次答复为采纳或解释说明）")


class ClosingOut(Schema):
    closed_at: dt.datetime
    objections: int
    answered: int
    unresolved: int
    all_resolved: bool


class NoticeBuildingOut(Schema):
    id: int
    label: str


class NoticeDetailOut(NoticeOut):
    body: str
    issuer: str
    objection_contact: str
    buildings: list[NoticeBuildingOut]
    subject: SubjectOut | None
    attachments: list[NoticeAttachmentOut]
    events: list[NoticeEventOut]
    objections: CountsOut
    closing: ClosingOut | None
    provisional_years: list[int] = Field(description="公示期所跨、节假日安排尚未公布的年份")
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    public_url: str = Field(description="公开页面（二维码指向的地址）")
    pdf_url: str = Field(description="A4 打印版 PDF（接口）")
    print_url: str = Field(description="A4 打印版 PDF（网页）")


class AnswerOut(Schema):
    id: int
    at: dt.datetime
    by: str
    outcome: str
    outcome_label: str
    text: str

    @staticmethod
    def resolve_by(obj) -> str:
        return str(obj.by)

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return str(obj.get_outcome_display())


class ObjectionOut(Schema):
    """An objection as staff see it: who (name as given, phone masked), when, how, answers."""

    id: int
    notice_id: int
    channel: str
    channel_label: str
    text: str = Field(description="异议内容（已去除电话、证件号、网页标记和链接）")
    objector_name: str
    phone_masked: str = Field(description="书面异议人的电话（脱敏）；查看完整号码另有接口并留痕")
    received_on: dt.date
    recorded_by: str | None
    state: str
    state_label: str
    answers: list[AnswerOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.text_redacted

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by_id else None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class PhoneOut(Schema):
    phone: str = Field(description="完整号码；本次查看已记录")


class PublicAnswerOut(Schema):
    """An answer as the objector and the public read it (no staff name; redacted)."""

    at: dt.datetime
    outcome: str
    outcome_label: str
    text: str

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_text(obj) -> str:
        from laoyuan.voices.engine.text import redact

        return redact(obj.text)


class PublicObjectionOut(Schema):
    id: int
    channel: str
    text: str
    received_on: dt.date
    state: str
    state_label: str
    answers: list[PublicAnswerOut]

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.text_redacted

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class MyObjectionOut(PublicObjectionOut):
    notice: Ref
    created_at: dt.datetime

    @staticmethod
    def resolve_notice(obj) -> dict:
        return {"id": obj.notice_id, "name": obj.notice.title}


class PublicNoticeOut(Schema):
    """A notice as anyone reads it; a withdrawn one says only that (and why)."""

    id: int
    kind: str
    kind_label: str
    title: str
    state: str
    phase: str
    phase_label: str
    target_label: str
    issuer: str
    objection_contact: str
    starts_on: dt.date
    ends_on: dt.date
    period_days: int
    working_days: bool
    body: str = Field(description="正文；已撤回的公示为空")
    withdrawn: bool
    withdraw_reason: str
    attachments: list[PublicAttachmentOut]
    objections: CountsOut | None
    closing: ClosingOut | None
    public_url: str


class PublicNoticeListOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    phase: str
    phase_label: str
    target_label: str
    starts_on: dt.date
    ends_on: dt.date
    url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_phase(obj) -> str:
        return phase_of(obj, _today())

    @staticmethod
    def resolve_phase_label(obj) -> str:
        return phase_label(obj, _today())

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("notices:public_notice", args=[obj.pk])


class PortalNoticeOut(PublicNoticeOut):
    """A notice on a resident's portal: may she object now, or why not; her objections."""

    may_object: bool
    refusal: str = Field(description="不能提出异议的原因；可以提出时为空")
    mine: list[PublicObjectionOut]
