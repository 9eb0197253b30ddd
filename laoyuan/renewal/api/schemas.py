"""Shapes of the renewal API (改造接口): what goes in, what comes out.

Money and quantities come out as strings (exact decimals to the fen, never floats) and go in as
strings or numbers with at most two decimals. Inputs forbid unknown fields, bound every length
and number and refuse control characters, so junk is a 422 with a Chinese message, never a 500.
People appear only as the registry holds them, phones masked; residents' answers and the
public accounts name nobody.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.renewal.models import (
    AttachmentKind,
    Condition,
    OwnersMatter,
    ProjectState,
    RectificationState,
    RenewalClass,
    Satisfaction,
    ShareBasis,
    SourceKind,
)
from laoyuan.voices.schemas import Many, VoiceText

MoneyIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
StateIn = Literal[tuple(ProjectState.values)]
ItemStateIn = Literal[tuple(RectificationState.values)]
SourceKindIn = Literal[tuple(SourceKind.values)]
BasisIn = Literal[tuple(ShareBasis.values)]
ConditionIn = Literal[tuple(Condition.values)]
SatisfactionIn = Literal[tuple(Satisfaction.values)]
VoteMatterIn = Literal[tuple([*OwnersMatter.values, ""])]
ClassIn = Literal[tuple([*RenewalClass.values, ""])]
AttachmentKindIn = Literal[tuple(AttachmentKind.values)]
LongText = VoiceText  # multi-line text: line breaks allowed, control characters refused


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- projects ---------------------------------------------------------------------------------


class QuantityIn(Strict):
    item: Text(120, min_length=1)
    amount: PositiveMoney
    unit: Text(10, min_length=1)


class QuantityOut(Schema):
    item: str
    amount: str
    unit: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)


class ProjectFieldsIn(Strict):
    title: Text(120, min_length=1)
    item_type: Text(32, min_length=1) = Field(description="改造项编码，见 GET /renewal/item-types")
    description: LongText = ""
    budget: MoneyIn | None = Field(None, description='预算（元），如 "15000000.00"')
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    designer: Text(120) = ""
    contractor: Text(120) = ""
    vote_matter: VoteMatterIn = Field(
        "", description="需业主共同决定的事项（民法典第278条），空为无须表决"
    )
    fund_emergency: bool = Field(False, description="按应急程序使用维修资金（民法典第281条）")
    fund_emergency_reason: LongText = ""
    building_ids: Many(Id, most=200, least=0) = Field(default_factory=list)
    quantities: Many(QuantityIn, most=50, least=0) = Field(default_factory=list)


class ProjectCreateIn(ProjectFieldsIn):
    compound_id: Id
    topic_ids: Many(Id, most=100, least=0) = Field(
        default_factory=list, description="本小区已决定（或已入项目库）的议题"
    )


class ProjectPatchIn(Strict):
    """Only the fields sent change; building_ids and quantities, when sent, replace the lists."""

    title: Text(120, min_length=1) | None = None
    item_type: Text(32, min_length=1) | None = None
    description: LongText | None = None
    budget: MoneyIn | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    designer: Text(120) | None = None
    contractor: Text(120) | None = None
    vote_matter: VoteMatterIn | None = None
    fund_emergency: bool | None = None
    fund_emergency_reason: LongText | None = None
    building_ids: Many(Id, most=200, least=0) | None = None
    quantities: Many(QuantityIn, most=50, least=0) | None = None


class ProjectBase(Schema):
    """A project's fields as the list and the detail answer them (no resolvers: the detail
    is built as a dict)."""

    id: int
    compound: Ref
    title: str
    renewal_class: str
    renewal_class_label: str
    item_type: str
    item_type_label: str
    state: str
    state_label: str
    state_changed_at: dt.datetime | None
    budget: str | None = Field(description="预算（元），字符串形式的精确小数")
    planned_start: dt.date | None
    planned_end: dt.date | None
    behind_schedule: bool = Field(description="进度滞后：计划完工已过，或有节点超过计划日期未完成")


class ProjectOut(ProjectBase):
    @staticmethod
    def resolve_renewal_class_label(obj) -> str:
        return str(obj.get_renewal_class_display())

    @staticmethod
    def resolve_item_type_label(obj) -> str:
        return obj.item_type_name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_budget(obj) -> str | None:
        return money(obj.budget)

    @staticmethod
    def resolve_behind_schedule(obj) -> bool:
        return bool(getattr(obj, "is_behind", False))


class CheckOut(Schema):
    code: str
    label: str
    met: bool
    missing: str = Field(description="不满足时缺什么（中文）")


class StepOut(Schema):
    state: str
    label: str
    forward: bool = Field(description="向前推进（须满足前置条件）；否则为退回或撤销（须写理由）")
    ready: bool
    checks: list[CheckOut]


class MoneyOut(Schema):
    pledged: str
    received: str
    spent: str
    cash: str = Field(description="已到位未支出（结余）")
    outstanding: str = Field(description="已认缴未到位")


def money_out(b) -> dict:
    return {
        "pledged": money(b.pledged),
        "received": money(b.received),
        "spent": money(b.spent),
        "cash": money(b.cash),
        "outstanding": money(b.outstanding),
    }


class TopicBrief(Schema):
    id: int
    title: str
    state: str
    voices: int


class ProjectResolutionOut(Schema):
    decision_id: int
    meeting: Ref
    held_on: dt.date
    solution: str


class VoteBrief(Schema):
    id: int = Field(description="表决编号（/api/v1/votes/{id}）")
    title: str
    matter: str
    status: str
    status_label: str
    passed: bool | None = Field(description="按计票封存的结果是否通过；未计票为 null")


class NoticeBrief(Schema):
    id: int = Field(description="公示编号（/api/v1/notices/{id}）")
    kind: str
    kind_label: str
    title: str
    state: str
    phase: str = Field(
        description="今天所处阶段（中文）：即将开始、公示中、公示期满、已结束、已撤回"
    )
    starts_on: dt.date
    ends_on: dt.date
    objections: int
    unresolved: int = Field(description="尚未答复办结的异议条数")


class ProjectDetailOut(ProjectBase):
    description: str
    designer: str
    contractor: str
    vote_matter: str
    fund_emergency: bool
    fund_emergency_reason: str
    started_on: dt.date | None
    accepted_on: dt.date | None
    cancel_reason: str
    buildings: list[Ref]
    quantities: list[QuantityOut]
    topics: list[TopicBrief]
    voices: int = Field(description="来自居民的意见条数")
    resolution: ProjectResolutionOut | None
    progress_percent: str = Field(description="工程进度（%），向下取到0.1，无工程子项时为“—”")
    money: MoneyOut
    open_problems: int
    group_members: int
    next_steps: list[StepOut]
    accounts_public_url: str = Field(description="账目公开后的公开地址，未公开为空")
    vote: VoteBrief | None = Field(
        description="决定本项目表决事项的业主表决（民法典第278条），未关联为 null"
    )
    notices: list[NoticeBrief] = Field(description="以本项目为对象的公示（方案、账目……）")


class ProjectVoteIn(Strict):
    vote_id: Id | None = Field(description="本小区、同一事项的业主表决；null 取消关联")


class ProjectNoticeIn(Strict):
    starts_on: dt.date = Field(description="开始日期（今天或以后）")
    period_days: int = Field(7, ge=1, le=90, description="公示天数")
    working_days: bool = Field(True, description="按工作日计算（节假日顺延）")
    title: Text(120) = Field("", description="标题；留空自动生成")
    body: LongText = Field(
        "", description="正文；留空自动生成（方案：范围、工程量、预算；账目：附件与公开网址）"
    )


class TransitionIn(Strict):
    to_state: StateIn
    note: LongText = ""


class TopicsIn(Strict):
    topic_ids: Many(Id, most=100)


class ProjectResolutionIn(Strict):
    decision_id: Id


class ProjectEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str | None
    from_state: str
    to_state: str
    note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class ProjectFilters(Schema):
    compound: Id | None = None
    community: Id | None = None
    street: Id | None = None
    state: Literal[tuple(["", "live", "done", *ProjectState.values])] = ""
    renewal_class: ClassIn = ""
    behind: bool = False
    q: Text(40) = ""


class ProjectAttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class CatalogItemOut(Schema):
    code: str
    name: str
    renewal_class: str
    unit: str


class CatalogAssetOut(Schema):
    code: str
    name: str
    unit: str
    proposes: str


class CatalogOut(Schema):
    item_types: list[CatalogItemOut]
    asset_types: list[CatalogAssetOut]


# --- money ------------------------------------------------------------------------------------


class SourceIn(Strict):
    kind: SourceKindIn
    funder: Text(120, min_length=1)
    reference: Text(120) = ""
    pledged: MoneyIn | None = Field(
        None, description="认缴金额（元）；居民自筹可留空，按分摊方案认缴"
    )
    booked_on: dt.date | None = None


class SourceOut(Schema):
    id: int
    kind: str
    kind_label: str
    funder: str
    reference: str
    money: MoneyOut


class MoneyMoveIn(Strict):
    amount: PositiveMoney
    booked_on: dt.date
    description: Text(200) = ""


class ReceiptIn(MoneyMoveIn):
    share_id: Id | None = Field(None, description="居民缴纳分摊时：这户的分摊编号")


class EntryOut(Schema):
    id: int
    source_id: int
    kind: str
    kind_label: str
    debit: str
    credit: str
    amount: str
    booked_on: dt.date
    description: str
    reverses_id: int | None
    voucher_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)


class PaymentIn(Strict):
    amount: PositiveMoney
    payee: Text(120, min_length=1)
    purpose: Text(200, min_length=1)


class DecideIn(Strict):
    approve: bool
    note: Text(200) = ""


class PaymentOut(Schema):
    id: int
    source_id: int
    amount: str
    payee: str
    purpose: str
    state: str
    state_label: str
    requested_by: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    entry_id: int | None

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return str(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class ReverseIn(Strict):
    reason: Text(180, min_length=1)


class SchemeIn(Strict):
    source_id: Id
    basis: BasisIn
    total: MoneyIn
    building_ids: Many(Id, most=200)
    coefficients: dict[
        Annotated[str, Field(max_length=4)], Annotated[str, Field(max_length=12)]
    ] = Field(default_factory=dict, description='按楼层分摊时各层系数，如 {"1": "0", "2": "0.6"}')
    agreed_at: Text(200) = ""


class SchemeOut(Schema):
    id: int
    source_id: int
    basis: str
    basis_label: str
    total: str
    coefficients: dict
    unit_count: int
    weight_total: str
    agreed_at: str
    rule: str = "每户应缴 = 总额 × 本户权重 ÷ 权重合计，精确到分；尾差按最大余额法逐分分给余数最大的户（余数相同按清单顺序）"

    @staticmethod
    def resolve_basis_label(obj) -> str:
        return str(obj.get_basis_display())

    @staticmethod
    def resolve_total(obj) -> str:
        return money(obj.total)


class ShareOut(Schema):
    id: int
    unit_id: int
    unit: str
    payer_names: list[str] = Field(description="业主（或户主）姓名，按登记信息")
    phone: str = Field(description="联系电话（脱敏）")
    weight: str
    amount: str
    collected: str
    extra_fen: bool = Field(description="按最大余额法分得尾差1分")


class ShareFilters(Schema):
    status: Literal["", "paid", "part", "unpaid"] = ""
    q: Text(20) = ""


class SourceLineOut(Schema):
    source: Ref
    kind: str
    kind_label: str
    money: MoneyOut


class StatementEntryOut(Schema):
    booked_on: dt.date
    kind: str
    kind_label: str
    source_id: int
    description: str
    amount: str
    households: int = Field(description="大于0时，本行为当天这么多户居民缴纳分摊的合计（不列姓名）")
    reversal: bool


class SchemeSummaryOut(Schema):
    scheme_id: int
    basis: str
    units: int
    paid_in_full: int
    paid_some: int
    unpaid: int
    total: str
    collected: str


class StatementOut(Schema):
    project: Ref
    as_of: dt.datetime
    budget: str | None
    sources: list[SourceLineOut]
    by_kind: list[SourceLineOut]
    total: MoneyOut
    entries: list[StatementEntryOut]
    schemes: list[SchemeSummaryOut]
    pending_payments: int
    pending_amount: str
