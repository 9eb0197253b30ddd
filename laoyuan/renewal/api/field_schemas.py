"""Shapes of the renewal API for the work in the field (现场工作): supervision and inspections,
the schedule, acceptance and the survey, maintenance, rectification items, the check-up, the
portfolio and the resident's side. Same rules as renewal.api.schemas."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.renewal.api.schemas import (
    ConditionIn,
    ItemStateIn,
    LongText,
    MoneyIn,
    MoneyOut,
    PositiveMoney,
    SatisfactionIn,
    Strict,
    money,
)
from laoyuan.renewal.models import Origin
from laoyuan.voices.schemas import Many

# --- supervision ------------------------------------------------------------------------------


class VolunteerIn(Strict):
    resident_id: Id


class VolunteerOut(Schema):
    id: int
    number: int = Field(description="报名序号（抽签候选号）")
    name: str = Field(description="姓名，按登记信息")
    via: str
    member: bool


class GroupIn(Strict):
    method: Literal["drawn", "elected"]
    formed_on: dt.date
    seats: int | None = Field(None, ge=1, le=15, description="抽签名额")
    seed: Text(100) = Field("", description="抽签种子：当场在见证人面前确定的数字或文字")
    witnesses: Text(300) = ""
    volunteer_ids: Many(Id, most=15, least=0) = Field(
        default_factory=list, description="推选时：成员的志愿者编号"
    )
    leader_id: Id | None = Field(None, description="推选时：组长的志愿者编号")


class TicketOut(Schema):
    number: int
    key: str = Field(description="SHA-256(“种子:报名序号”)，十六进制")
    chosen: bool


class GroupMemberOut(Schema):
    id: int
    volunteer_id: int
    number: int
    name: str
    role: str
    signed: bool
    agrees: bool | None


class SupervisionOut(Schema):
    project: Ref
    volunteers: list[VolunteerOut]
    method: str | None
    formed_on: dt.date | None
    seats: int | None
    seed: str
    witnesses: str
    draw: list[TicketOut]
    draw_verified: bool | None = Field(description="用记录的种子和名单重新抽签，结果是否一致")
    members: list[GroupMemberOut]


class ProblemIn(Strict):
    title: Text(120, min_length=1)
    responsible_party: Text(120, min_length=1)
    work_days: int = Field(ge=1, le=250, description="整改时限（工作日，节假日顺延、调休上班计入）")
    location: Text(120) = ""
    description: LongText = ""


class InspectionIn(Strict):
    inspected_on: dt.date
    inspectors: Text(200, min_length=1)
    findings: LongText
    problems: Many(ProblemIn, most=30, least=0) = Field(default_factory=list)


class CaseRef(Schema):
    id: int = Field(description="工单编号（/api/v1/cases/{id}）")
    request_id: str = Field(description="受理编号")
    state: str
    state_label: str


class ItemOut(Schema):
    id: int
    compound: Ref
    origin: str
    origin_label: str
    project_id: int | None
    inspection_id: int | None
    title: str
    location: str
    responsible_party: str
    found_on: dt.date
    work_days: int
    deadline: dt.date = Field(description="整改期限：发现日期后第 work_days 个工作日")
    overdue: bool
    state: str
    state_label: str
    rectified_on: dt.date | None
    closed_on: dt.date | None
    effective_state: str = Field(
        description="实际状态：工单已结案的事项算作已销号（closed），否则同 state"
    )
    case: CaseRef | None = Field(None, description="整治事项转成的工单（未转为工单时为 null）")

    @staticmethod
    def resolve_case(obj) -> dict | None:
        if obj.case_id is None:
            return None
        return {
            "id": obj.case_id,
            "request_id": obj.case.request_id,
            "state": obj.case.state,
            "state_label": str(obj.case.get_state_display()),
        }

    @staticmethod
    def resolve_origin_label(obj) -> str:
        return str(obj.get_origin_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from laoyuan.renewal.queries.rectification import is_overdue

        return is_overdue(obj)


class InspectionOut(Schema):
    id: int
    project_id: int
    inspected_on: dt.date
    inspectors: str
    findings: str
    photos: int
    problems: list[ItemOut]


# --- schedule and acceptance ------------------------------------------------------------------


class MilestoneIn(Strict):
    name: Text(120, min_length=1)
    planned_on: dt.date
    note: Text(200) = ""


class DoneIn(Strict):
    done_on: dt.date
    note: Text(200) = ""


class MilestoneOut(Schema):
    id: int
    name: str
    planned_on: dt.date
    done_on: dt.date | None
    note: str


class WorkItemIn(Strict):
    name: Text(120, min_length=1)
    weight: int = Field(ge=1, le=10**9, description="在总进度中的分量，如合同价（元）")
    planned_quantity: PositiveMoney
    unit: Text(10, min_length=1)


class WorkReportIn(Strict):
    done_quantity: MoneyIn
    note: Text(200) = ""


class WorkItemOut(Schema):
    id: int
    name: str
    weight: int
    planned_quantity: str
    done_quantity: str
    unit: str

    @staticmethod
    def resolve_planned_quantity(obj) -> str:
        return str(obj.planned_quantity)

    @staticmethod
    def resolve_done_quantity(obj) -> str:
        return str(obj.done_quantity)


class ScheduleOut(Schema):
    project: Ref
    progress_percent: str
    milestones: list[MilestoneOut]
    work_items: list[WorkItemOut]


class SignoffIn(Strict):
    member_id: Id
    agrees: bool
    remark: Text(300) = ""


class SurveyOpenIn(Strict):
    closes_on: dt.date


class PaperAnswerIn(Strict):
    household_id: Id
    choice: SatisfactionIn
    comment: LongText = ""


class ChoiceCount(Schema):
    choice: str
    label: str
    households: int


class SurveyOut(Schema):
    project: Ref
    open: bool
    opened_at: dt.datetime | None
    closes_on: dt.date | None
    closed_at: dt.datetime | None
    eligible: int = Field(description="应答户数（项目涉及楼栋的在住住户）")
    answered: int
    satisfied: int = Field(description="满意与基本满意的户数")
    rate_percent: str = Field(description="满意率（%）=（满意+基本满意）÷答卷户数，四舍五入到0.1")
    by_choice: list[ChoiceCount]


class MaintenanceIn(Strict):
    name: Text(120, min_length=1)
    responsible_party: Text(120, min_length=1)
    interval_months: int = Field(ge=1, le=120)
    first_due: dt.date


class MaintenanceOut(Schema):
    id: int
    name: str
    responsible_party: str
    interval_months: int
    next_due: dt.date
    last_done: dt.date | None


# --- rectification ----------------------------------------------------------------------------


class ItemIn(Strict):
    compound_id: Id
    title: Text(120, min_length=1)
    responsible_party: Text(120, min_length=1)
    found_on: dt.date
    work_days: int = Field(ge=1, le=250)
    location: Text(120) = ""
    description: LongText = ""
    topic_id: Id | None = None


class ItemTransitionIn(Strict):
    to_state: ItemStateIn
    note: LongText = ""


class ItemFilters(Schema):
    compound: Id | None = None
    project: Id | None = None
    origin: Literal[tuple(["", *Origin.values])] = ""
    state: Literal[tuple(["", "open", *[s for s in ItemStateIn.__args__]])] = ""
    overdue: bool = False


class ItemEventOut(Schema):
    at: dt.datetime
    actor: str | None
    from_state: str
    to_state: str
    note: str

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class ItemDetailOut(ItemOut):
    description: str
    events: list[ItemEventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        from laoyuan.renewal.queries.rectification import item_events

        return list(item_events(obj))


# --- the check-up -----------------------------------------------------------------------------


class AssetIn(Strict):
    asset_type: Text(32, min_length=1)
    name: Text(120, min_length=1)
    building_id: Id | None = None
    quantity: MoneyIn | None = None
    unit: Text(10) = ""
    installed_year: int | None = Field(None, ge=1900, le=2100)


class AssetOut(Schema):
    id: int
    asset_type: str
    asset_type_label: str
    name: str
    building_id: int | None
    quantity: str | None
    unit: str
    installed_year: int | None
    latest_condition: str | None
    latest_rating_id: int | None

    @staticmethod
    def resolve_asset_type_label(obj) -> str:
        return obj.asset_type_name

    @staticmethod
    def resolve_quantity(obj) -> str | None:
        return None if obj.quantity is None else str(obj.quantity)

    @staticmethod
    def resolve_latest_condition(obj) -> str | None:
        return getattr(obj, "latest_condition", None)

    @staticmethod
    def resolve_latest_rating_id(obj) -> int | None:
        return getattr(obj, "latest_rating_id", None)


class RatingIn(Strict):
    asset_id: Id
    condition: ConditionIn
    note: Text(200) = ""


class CheckupIn(Strict):
    checked_on: dt.date
    inspector: Text(120, min_length=1)
    parking_demand: int | None = Field(None, ge=0, le=100_000)
    note: LongText = ""
    ratings: Many(RatingIn, most=500)


class RatingOut(Schema):
    id: int
    asset_id: int
    condition: str
    note: str


class CheckupOut(Schema):
    id: int
    checked_on: dt.date
    inspector: str
    parking_demand: int | None
    ratings: list[RatingOut]


class IndicatorsOut(Schema):
    buildings: int
    buildings_needing_lift: list[Ref] = Field(description="需适老化改造的楼栋（4层及以上、无电梯）")
    parking_demand: int | None
    parking_spaces: str | None
    parking_gap: int | None
    no_ebike_charging: bool
    no_property_management: bool
    property_mode: str


class InventoryOut(Schema):
    compound: Ref
    assets: list[AssetOut]
    indicators: IndicatorsOut
    checkups: list[CheckupOut] = Field(description="最近的体检（至多10次）")


class RectifyIn(Strict):
    responsible_party: Text(120, min_length=1)
    work_days: int = Field(ge=1, le=250)


# --- portfolio and portal ---------------------------------------------------------------------


class PortfolioQuery(Schema):
    place: str = Field(
        "",
        max_length=40,
        description="district:编号、street:编号 或 community:编号；默认为工作范围",
    )


class CompoundsByStatus(Schema):
    compounds: int
    old_compounds: int
    renovated: int
    under_way: int
    waiting: int
    waiting_planned: int


class GroupMoneyOut(Schema):
    key: str
    label: str
    money: MoneyOut


class PortfolioOut(Schema):
    place: dict
    as_of: dt.date
    old_compounds: CompoundsByStatus
    projects: int
    projects_by_state: dict[str, int]
    budget_by_class: list[dict]
    money_by_source: list[GroupMoneyOut]
    money_by_class: list[GroupMoneyOut]
    money_total: MoneyOut
    behind_schedule: int
    behind_examples: list[Ref]
    survey_answers: int
    satisfied: int
    satisfaction_percent: str
    items_open: int
    items_overdue: int


class PortalProjectOut(Schema):
    id: int
    title: str
    renewal_class_label: str
    item_type_label: str
    state: str
    state_label: str
    budget: str | None
    planned_end: dt.date | None

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


class MyShareOut(Schema):
    unit: str
    basis: str
    amount: str
    paid: str


class PortalProjectDetailOut(PortalProjectOut):
    description: str
    progress_percent: str
    voices: int = Field(description="来自居民的意见条数")
    mine: int = Field(description="其中本人提的")
    money: MoneyOut
    my_shares: list[MyShareOut]
    volunteered: bool
    member: bool
    may_volunteer: bool
    survey_open: bool
    answered: str | None = Field(description="本户的评价；未答为 null")


class PortalSurveyIn(Strict):
    choice: SatisfactionIn
    comment: LongText = ""


class PortalSignoffIn(Strict):
    agrees: bool
    remark: Text(300) = ""
