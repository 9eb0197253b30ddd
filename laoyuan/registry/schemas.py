"""Shapes of the registry API (登记信息接口): what goes in, what comes out.

Personal data leaves only masked: `id_number` and `phone` in every answer read the `*_masked`
columns; the full value comes only from the logged reveal endpoint. Areas and percentages are
strings (exact decimals, never floats). Inputs forbid unknown fields, bound every length and
number, and reject control characters, so junk is a 422 with a Chinese message, never a 500.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, field_validator

from laoyuan.registry.models import (
    ELDERLY_AGE,
    INFANT_AGE,
    AreaSource,
    PropertyMode,
    Relation,
    Sex,
    Tenure,
)

# The largest primary key a bigint column holds; larger ids would overflow the database driver.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_control_characters(value: str) -> str:
    # NUL and friends break PostgreSQL text columns and have no business in a name or note.
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(_("不能包含控制字符（如换行、制表符）"))
    return value


def Text(max_length: int, *, min_length: int = 0):
    """A stripped, single-line string of bounded length."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
    ]


def _plausible_birth_date(value: dt.date | None) -> dt.date | None:
    if value is None:
        return value
    if value > dt.date.today():
        raise ValueError(_("出生日期不能晚于今天"))
    if value < dt.date(1900, 1, 1):
        raise ValueError(_("出生日期不能早于1900年"))
    return value


BirthDate = Annotated[dt.date | None, AfterValidator(_plausible_birth_date)]
Area = Annotated[Decimal, Field(gt=0, max_digits=9, decimal_places=2)]
# Choices as plain literals (not Enum | Literal[""]) so a wrong value gives one clear error.
SexIn = Literal[tuple([*Sex.values, ""])]
AreaSourceIn = Literal[tuple([*AreaSource.values, ""])]


def percent(part: int, whole: int) -> str:
    """part/whole as a percentage with one decimal, rounded half up, in integers only."""
    if not whole:
        return "0.0"
    tenths = (part * 1000 * 2 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


# --- references to related objects ----------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


# --- places ---------------------------------------------------------------------------------


class StreetOut(Schema):
    id: int
    code: str
    name: str
    district: Ref


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    street: Ref


class CompoundOut(Schema):
    id: int
    code: str
    name: str
    address: str
    year_built: int | None
    is_old: bool = Field(description="老旧小区：2001年前建成")
    registered_households: int | None
    property_mode: str
    property_mode_label: str
    community: Ref

    @staticmethod
    def resolve_property_mode_label(obj) -> str:
        return str(obj.get_property_mode_display())


class CompoundCounts(Schema):
    buildings: int
    grids: int
    units: int
    households: int
    residents: int = Field(description="在住居民")


class CompoundDetailOut(CompoundOut):
    street: Ref
    counts: CompoundCounts

    @staticmethod
    def resolve_street(obj) -> Ref:
        return Ref(id=obj.community.street_id, name=obj.community.street.name)


class AgeRowOut(Schema):
    """一老一小 for one group: residents 65 and over, children under 3."""

    key: int | None = Field(description="楼栋或微网格编号；未划入网格时为 null")
    label: str
    residents: int
    elderly: int
    infants: int
    elderly_percent: str = Field(description="65岁及以上占比（%），一位小数，字符串")
    infant_percent: str = Field(description="3岁以下占比（%），一位小数，字符串")

    @staticmethod
    def resolve_elderly_percent(obj) -> str:
        return percent(obj.elderly, obj.residents)

    @staticmethod
    def resolve_infant_percent(obj) -> str:
        return percent(obj.infants, obj.residents)


class AgeStructureOut(Schema):
    compound: Ref
    as_of: dt.date
    elderly_age: int = ELDERLY_AGE
    infant_age: int = INFANT_AGE
    total: AgeRowOut
    by_building: list[AgeRowOut]
    by_grid: list[AgeRowOut]


class BuildingOut(Schema):
    id: int
    compound_id: int
    number: str
    label: str
    floors: int | None
    head: PersonRef | None = Field(description="楼栋长")

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)


class GridOut(Schema):
    id: int
    compound_id: int
    name: str
    worker: PersonRef | None = Field(description="网格员")
    group_head: PersonRef | None = Field(description="居民小组长")
    households: int = Field(description="划入本网格的在住住户数")

    @staticmethod
    def resolve_households(obj) -> int:
        return obj.household_count


class UnitOut(Schema):
    id: int
    compound_id: int
    building_id: int
    building_number: str
    entrance_number: str | None
    room_number: str
    label: str
    floor: int | None
    area: str | None = Field(description='建筑面积（㎡），字符串形式的精确小数，如 "65.40"')
    area_source: str

    @staticmethod
    def resolve_building_number(obj) -> str:
        return obj.building.number

    @staticmethod
    def resolve_entrance_number(obj) -> str | None:
        return obj.entrance.number if obj.entrance_id else None

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_area(obj) -> str | None:
        return None if obj.area is None else str(obj.area)


class UnitRef(Schema):
    id: int
    label: str
    area: str | None

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_area(obj) -> str | None:
        return None if obj.area is None else str(obj.area)


class HouseholdOut(Schema):
    id: int
    compound_id: int
    building_id: int
    unit: UnitRef
    grid: Ref | None
    is_active: bool
    residents: int = Field(description="在住居民人数")

    @staticmethod
    def resolve_residents(obj) -> int:
        return obj.resident_count


class OwnershipOut(Schema):
    """One owner (业主) of a unit, with the share held (null: common ownership 共同共有)."""

    owner_id: int
    kind: str
    kind_label: str
    name: str
    id_number: str = Field(description="证件号（脱敏）")
    phone: str = Field(description="联系电话（脱敏）")
    share: str | None
    since: dt.date | None

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.owner.kind

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.owner.get_kind_display())

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.owner.id_number_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.owner.phone_masked

    @staticmethod
    def resolve_share(obj) -> str | None:
        return None if obj.share is None else str(obj.share)


# --- people ---------------------------------------------------------------------------------


class MemberOut(Schema):
    """A person as anyone allowed to see them sees them: personal numbers masked."""

    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    age: int | None
    id_number: str = Field(description="身份证号（脱敏），如 5101**********123X")
    phone: str = Field(description="联系电话（脱敏），如 138****5678")
    relation: str
    relation_label: str
    tenure: str
    tenure_label: str

    @staticmethod
    def resolve_age(obj) -> int | None:
        return obj.age()

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_number_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_relation_label(obj) -> str:
        return str(obj.get_relation_display())

    @staticmethod
    def resolve_tenure_label(obj) -> str:
        return str(obj.get_tenure_display())


class ResidentOut(MemberOut):
    household_id: int
    compound_id: int
    unit_label: str
    lives_alone: bool
    disabled: bool
    low_income: bool
    party_member: bool
    is_active: bool
    note: str

    @staticmethod
    def resolve_unit_label(obj) -> str:
        return str(obj.household.unit)


class ResidentDetailOut(ResidentOut):
    compound_name: str
    building_id: int
    grid: Ref | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_compound_name(obj) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_building_id(obj) -> int:
        return obj.household.building_id

    @staticmethod
    def resolve_grid(obj) -> Ref | None:
        grid = obj.household.grid
        return None if grid is None else Ref(id=grid.pk, name=grid.name)


class MyHouseholdOut(Schema):
    id: int
    unit_label: str
    compound: Ref
    address: str
    grid: Ref | None
    members: list[MemberOut]


class AssignmentOut(Schema):
    role: str
    role_label: str
    level: str
    level_label: str
    node_id: int
    node_name: str
    resident_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    assignments: list[AssignmentOut]
    permissions: list[str] = Field(description="在至少一处任命中持有的权限")


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    resident_id: int
    field: str
    value: str = Field(description="完整值；每次查看都记入审计日志")


# --- list filters (query string) ------------------------------------------------------------


class CommunityFilters(Schema):
    street: Id | None = Field(None, description="街道编号")


class CompoundFilters(Schema):
    community: Id | None = Field(None, description="社区编号")
    is_old: bool | None = Field(None, description="true 只看老旧小区，false 只看其他小区")
    property_mode: PropertyMode | None = Field(None, description="物业管理模式")


class CompoundFilter(Schema):
    compound: Id | None = Field(None, description="小区编号")


class UnitFilters(CompoundFilter):
    building: Id | None = Field(None, description="楼栋编号")


class HouseholdFilters(UnitFilters):
    grid: Id | None = Field(None, description="微网格编号")


class ResidentFilters(HouseholdFilters):
    q: Text(60) = Field(
        "", description="姓名开头，或完整的身份证号/电话（按密文索引精确查找，不解密）"
    )
    community: Id | None = Field(None, description="社区编号")
    age_group: Literal["elderly", "infant"] | None = Field(
        None, description="一老一小：elderly 65岁及以上，infant 3岁以下"
    )
    flag: Literal["lives_alone", "disabled", "low_income", "party_member"] | None = Field(
        None,
        description="lives_alone 独居、disabled 残疾、low_income 低保/低收入、party_member 党员",
    )


# --- writes ---------------------------------------------------------------------------------

IdNumberIn = Text(40)
PhoneIn = Text(30)


class ResidentCreateIn(Schema):
    """A new resident (居民) of the household. ID number and phone are optional."""

    model_config = ConfigDict(extra="forbid")

    name: Text(60, min_length=1)
    id_number: IdNumberIn | None = None
    phone: PhoneIn | None = None
    sex: SexIn = ""
    birth_date: BirthDate = None
    relation: Relation = Relation.HEAD
    tenure: Tenure = Tenure.OWNER
    lives_alone: bool = False
    disabled: bool = False
    low_income: bool = False
    party_member: bool = False
    note: Text(200) = ""


class ResidentPatchIn(Schema):
    """Only the fields sent change. `id_number`/`phone`: omitted = unchanged, "" = cleared."""

    model_config = ConfigDict(extra="forbid")

    name: Text(60, min_length=1) = None
    id_number: IdNumberIn = None
    phone: PhoneIn = None
    sex: SexIn = None
    birth_date: BirthDate = None
    relation: Relation = None
    tenure: Tenure = None
    lives_alone: bool = None
    disabled: bool = None
    low_income: bool = None
    party_member: bool = None
    is_active: bool = None
    note: Text(200) = None

    @field_validator(
        "name",
        "id_number",
        "phone",
        "sex",
        "relation",
        "tenure",
        "lives_alone",
        "disabled",
        "low_income",
        "party_member",
        "is_active",
        "note",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value):
        # null is ambiguous ("clear" or "leave"?): say which one by omitting or sending "".
        if value is None:
            raise ValueError(_("不能为 null：不修改请省略此字段，清空请传空字符串"))
        return value


class UnitCreateIn(Schema):
    """A dwelling unit (房屋) in the building; the entrance (单元) is created when new."""

    model_config = ConfigDict(extra="forbid")

    room_number: Text(20, min_length=1)
    entrance_number: Text(20) = ""
    floor: Annotated[int, Field(ge=-10, le=300)] | None = None
    area: Area | None = Field(None, description='建筑面积（㎡），建议用字符串，如 "65.40"')
    area_source: AreaSourceIn = ""


class HouseholdCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    grid_id: Id | None = None


class GridAssignIn(Schema):
    """The micro-grid (微网格) the household belongs to; null takes it out of any grid."""

    model_config = ConfigDict(extra="forbid")

    grid_id: Id | None
