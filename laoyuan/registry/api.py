"""The registry JSON API (登记信息接口) under /api/v1/: places, households and residents.

Reads go through `registry.queries` (already scoped to the caller) and answer 404 "未找到" for
anything outside the caller's scope, exactly as for something that does not exist. Lists are
paginated with `limit` (at most 200) and `offset`, in primary-key order, and run a fixed number of
queries whatever the page or the data size. Writes go through `registry.actions` only: they
check the permission, validate and write the audit log; the API only parses the input. An object
the caller cannot see answers 404; one they can see but may not change answers 403.

Personal data (个人信息) is masked in every answer; the full value comes only from
`POST /residents/{id}/reveal`, which is logged.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from laoyuan.core import pii
from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.rules import PERMISSIONS
from laoyuan.core.scopes import assignments_of, get_visible_or_404, visible
from laoyuan.registry import actions, queries
from laoyuan.registry.models import (
    Building,
    Compound,
    Grid,
    Household,
    Ownership,
    Resident,
    Unit,
)
from laoyuan.registry.schemas import (
    MAX_ID,
    AgeStructureOut,
    AssignmentOut,
    BuildingOut,
    CommunityFilters,
    CommunityOut,
    CompoundCounts,
    CompoundDetailOut,
    CompoundFilter,
    CompoundFilters,
    CompoundOut,
    GridAssignIn,
    GridOut,
    HouseholdCreateIn,
    HouseholdFilters,
    HouseholdOut,
    MeOut,
    MyHouseholdOut,
    OwnershipOut,
    ResidentCreateIn,
    ResidentDetailOut,
    ResidentFilters,
    ResidentOut,
    ResidentPatchIn,
    RevealIn,
    RevealOut,
    StreetOut,
    UnitCreateIn,
    UnitFilters,
    UnitOut,
)

router = Router()

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200

PLACES = ["地点 places"]
PEOPLE = ["居民 residents"]
ME = ["我的 me"]


class Page(LimitOffsetPagination):
    """limit/offset pagination; a limit above 200 is refused rather than silently cut."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX, description="每页条数")
        offset: int = Field(0, ge=0, le=10**9, description="跳过的条数")


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _user(request: HttpRequest) -> User:
    return request.auth


# --- places ---------------------------------------------------------------------------------


@router.get("/streets", response=list[StreetOut], tags=PLACES, summary="街道列表")
@paginate(Page)
def street_list(request: HttpRequest):
    return queries.streets_for(_user(request)).select_related("district").order_by("pk")


@router.get("/communities", response=list[CommunityOut], tags=PLACES, summary="社区列表")
@paginate(Page)
def community_list(request: HttpRequest, filters: Query[CommunityFilters]):
    qs = queries.communities_for(_user(request))
    if filters.street:
        qs = qs.filter(street_id=filters.street)
    return qs.order_by("pk")


@router.get("/compounds", response=list[CompoundOut], tags=PLACES, summary="小区列表")
@paginate(Page)
def compound_list(request: HttpRequest, filters: Query[CompoundFilters]):
    qs = queries.compounds_for(_user(request))
    if filters.community:
        qs = qs.filter(community_id=filters.community)
    if filters.is_old is not None:
        qs = qs.filter(is_old=filters.is_old)
    if filters.property_mode:
        qs = qs.filter(property_mode=filters.property_mode)
    return qs.order_by("pk")


@router.get("/compounds/{compound_id}", response=CompoundDetailOut, tags=PLACES, summary="小区详情")
def compound_detail(request: HttpRequest, compound_id: int = _pk("小区编号")):
    compound = get_visible_or_404(
        _user(request), Compound.objects.select_related("community__street"), pk=compound_id
    )
    compound.counts = CompoundCounts(
        buildings=compound.buildings.count(),
        grids=compound.grids.count(),
        units=compound.units.count(),
        households=compound.households.filter(is_active=True).count(),
        residents=compound.residents.filter(is_active=True).count(),
    )
    return compound


@router.get(
    "/compounds/{compound_id}/age-structure",
    response=AgeStructureOut,
    tags=PLACES,
    summary="一老一小：小区年龄结构",
    description="在住居民中65岁及以上与3岁以下的人数和占比：全小区、每栋楼、每个微网格。",
)
def compound_age_structure(request: HttpRequest, compound_id: int = _pk("小区编号")):
    compound = get_visible_or_404(_user(request), Compound, pk=compound_id)
    today = dt.date.today()
    ages = queries.age_structure(compound, today=today)
    return {
        "compound": compound,
        "as_of": today,
        "total": ages.total,
        "by_building": ages.by_building,
        "by_grid": ages.by_grid,
    }


@router.get("/buildings", response=list[BuildingOut], tags=PLACES, summary="楼栋列表")
@paginate(Page)
def building_list(request: HttpRequest, filters: Query[CompoundFilter]):
    qs = queries.buildings_for(_user(request)).select_related("head")
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    return qs.order_by("pk")


@router.get("/grids", response=list[GridOut], tags=PLACES, summary="微网格列表")
@paginate(Page)
def grid_list(request: HttpRequest, filters: Query[CompoundFilter]):
    qs = queries.grids_for(_user(request)).annotate(
        household_count=Count("households", filter=Q(households__is_active=True))
    )
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    return qs.order_by("pk")


@router.get("/units", response=list[UnitOut], tags=PLACES, summary="房屋列表")
@paginate(Page)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]):
    qs = queries.units_for(_user(request))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.building:
        qs = qs.filter(building_id=filters.building)
    return qs.order_by("pk")


@router.get(
    "/units/{unit_id}/owners",
    response=list[OwnershipOut],
    tags=PEOPLE,
    summary="房屋的业主",
    description="该房屋的产权人（业主）及份额；证件号和电话均已脱敏。",
)
@paginate(Page)
def unit_owners(request: HttpRequest, unit_id: int = _pk("房屋编号")):
    user = _user(request)
    unit = get_visible_or_404(user, Unit, pk=unit_id)
    # Ownerships are scoped on their own: a grid worker sees the unit, not who owns it.
    return visible(user, Ownership).filter(unit=unit).select_related("owner").order_by("pk")


@router.get("/households", response=list[HouseholdOut], tags=PEOPLE, summary="住户列表")
@paginate(Page)
def household_list(request: HttpRequest, filters: Query[HouseholdFilters]):
    qs = _households(_user(request))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.building:
        qs = qs.filter(building_id=filters.building)
    if filters.grid:
        qs = qs.filter(grid_id=filters.grid)
    return qs.order_by("pk")


def _households(user: User):
    return queries.households_for(user).annotate(
        resident_count=Count("residents", filter=Q(residents__is_active=True))
    )


# --- residents ------------------------------------------------------------------------------


@router.get(
    "/residents",
    response=list[ResidentOut],
    tags=PEOPLE,
    summary="居民列表",
    description=(
        "q：姓名开头，或完整的身份证号/电话（按密文索引精确查找，不解密）。"
        "age_group：elderly（65岁及以上）或 infant（3岁以下）。"
        "flag：lives_alone 独居、disabled 残疾、low_income 低保/低收入、party_member 党员。"
    ),
)
@paginate(Page)
def resident_list(request: HttpRequest, filters: Query[ResidentFilters]):
    return (
        queries.residents_for(
            _user(request),
            search=filters.q,
            community_id=filters.community,
            compound_id=filters.compound,
            building_id=filters.building,
            grid_id=filters.grid,
            age_group=filters.age_group or "",
            flag=filters.flag or "",
        )
        # Primary-key order keeps offset pages stable while others add residents.
        .order_by("pk")
    )


def _resident_detail(user: User, resident_id: int) -> Resident:
    related = Resident.objects.select_related(
        "household__unit__building", "household__unit__entrance", "household__grid", "compound"
    )
    return get_visible_or_404(user, related, pk=resident_id)


@router.get("/residents/{resident_id}", response=ResidentDetailOut, tags=PEOPLE, summary="居民详情")
def resident_detail(request: HttpRequest, resident_id: int = _pk("居民编号")):
    return _resident_detail(_user(request), resident_id)


@router.post(
    "/residents/{resident_id}/reveal",
    response=RevealOut,
    tags=PEOPLE,
    summary="查看完整身份证号或电话（留痕）",
    description=(
        "仅限有查看权限的工作人员（pii.reveal），或居民查看本户成员（portal.reveal）。"
        "每次查看都写入审计日志。无权查看时回答 404。"
    ),
)
def resident_reveal(request: HttpRequest, payload: RevealIn, resident_id: int = _pk("居民编号")):
    user = _user(request)
    # Either permission finds the resident; without both, the resident "does not exist".
    resident = (
        visible(user, Resident, "pii.reveal").filter(pk=resident_id).first()
        or visible(user, Resident, "portal.reveal").filter(pk=resident_id).first()
    )
    if resident is None:
        raise Http404
    try:
        value = actions.resident_reveal(actor=user, resident=resident, field=payload.field)
    except PermissionDenied as exc:
        raise Http404 from exc
    return RevealOut(resident_id=resident.pk, field=payload.field, value=value)


def _check_id_consistency(
    *, id_number: str | None, birth_date: dt.date | None, sex: str | None
) -> None:
    """A birth date or sex that contradicts the ID number (GB 11643) is a typing error."""
    if not id_number:
        return
    try:
        facts = pii.check_id_number(id_number)
    except pii.InvalidIdNumber:
        return  # the action reports the bad number itself
    errors = {}
    if birth_date and birth_date != facts.birth_date:
        errors["birth_date"] = _("出生日期与身份证号不一致（身份证号中为%(date)s）") % {
            "date": facts.birth_date.isoformat()
        }
    if sex and sex != facts.sex:
        errors["sex"] = _("性别与身份证号不一致")
    if errors:
        raise ValidationError(errors)


@router.post(
    "/households/{household_id}/residents",
    response={201: ResidentDetailOut},
    tags=PEOPLE,
    summary="新增居民",
    description="出生日期和性别未填时由身份证号得出；身份证号、电话保存为密文，只显示脱敏值。",
)
def resident_create(
    request: HttpRequest, payload: ResidentCreateIn, household_id: int = _pk("住户编号")
):
    user = _user(request)
    household = get_visible_or_404(user, Household, pk=household_id)
    data = payload.dict()
    _check_id_consistency(
        id_number=data["id_number"], birth_date=data["birth_date"], sex=data["sex"]
    )
    resident = actions.resident_create(actor=user, household=household, **data)
    return Status(201, _resident_detail(user, resident.pk))


@router.patch(
    "/residents/{resident_id}",
    response=ResidentDetailOut,
    tags=PEOPLE,
    summary="修改居民信息",
    description="只修改请求中出现的字段。id_number / phone：省略为不变，空字符串为清除。",
)
def resident_update(
    request: HttpRequest, payload: ResidentPatchIn, resident_id: int = _pk("居民编号")
):
    user = _user(request)
    resident = get_visible_or_404(user, Resident, pk=resident_id)
    fields = payload.dict(exclude_unset=True)
    id_number = fields.pop("id_number", None)
    phone = fields.pop("phone", None)
    _check_id_consistency(
        id_number=id_number,
        birth_date=fields.get("birth_date", resident.birth_date),
        sex=fields.get("sex", resident.sex),
    )
    actions.resident_update(
        actor=user, resident=resident, id_number=id_number, phone=phone, **fields
    )
    return _resident_detail(user, resident.pk)


# --- units and households -------------------------------------------------------------------


@router.post(
    "/buildings/{building_id}/units",
    response={201: UnitOut},
    tags=PLACES,
    summary="新增房屋",
    description="单元号不存在时自动创建该单元；填写面积而未填来源时，来源记为不动产登记。",
)
def unit_create(request: HttpRequest, payload: UnitCreateIn, building_id: int = _pk("楼栋编号")):
    user = _user(request)
    building = get_visible_or_404(user, Building, pk=building_id)
    data = payload.dict()
    taken = Unit.objects.filter(building=building, room_number=data["room_number"])
    if data["entrance_number"]:
        taken = taken.filter(entrance__number=data["entrance_number"])
    else:
        taken = taken.filter(entrance__isnull=True)
    duplicate = ValidationError({"room_number": _room_taken(building, data)})
    if taken.exists():
        raise duplicate
    try:
        unit = actions.unit_create(actor=user, building=building, **data)
    except IntegrityError as exc:  # the same room added by someone else a moment ago
        raise duplicate from exc
    return Status(201, get_visible_or_404(user, queries.units_for(user), pk=unit.pk))


def _room_taken(building: Building, data: dict) -> str:
    if data["entrance_number"]:
        return _("%(building)s栋%(entrance)s单元已有房号%(room)s") % {
            "building": building.number,
            "entrance": data["entrance_number"],
            "room": data["room_number"],
        }
    return _("%(building)s栋已有房号%(room)s") % {
        "building": building.number,
        "room": data["room_number"],
    }


def _grid_or_error(user: User, grid_id: int | None) -> Grid | None:
    if grid_id is None:
        return None
    grid = visible(user, Grid).filter(pk=grid_id).first()
    if grid is None:
        raise ValidationError({"grid_id": _("未找到该微网格")})
    return grid


def _as_grid_id_error(exc: ValidationError) -> ValidationError:
    # The action names the field "grid"; the caller sent "grid_id".
    if hasattr(exc, "error_dict") and "grid" in exc.error_dict:
        return ValidationError({"grid_id": exc.message_dict["grid"]})
    return exc


@router.post(
    "/units/{unit_id}/households",
    response={201: HouseholdOut},
    tags=PEOPLE,
    summary="新增住户",
)
def household_create(
    request: HttpRequest, payload: HouseholdCreateIn, unit_id: int = _pk("房屋编号")
):
    user = _user(request)
    unit = get_visible_or_404(user, Unit, pk=unit_id)
    grid = _grid_or_error(user, payload.grid_id)
    try:
        household = actions.household_create(actor=user, unit=unit, grid=grid)
    except ValidationError as exc:
        raise _as_grid_id_error(exc) from exc
    return Status(201, get_visible_or_404(user, _households(user), pk=household.pk))


@router.put(
    "/households/{household_id}/grid",
    response=HouseholdOut,
    tags=PEOPLE,
    summary="调整住户所属微网格",
)
def household_assign_grid(
    request: HttpRequest, payload: GridAssignIn, household_id: int = _pk("住户编号")
):
    user = _user(request)
    household = get_visible_or_404(user, Household, pk=household_id)
    grid = _grid_or_error(user, payload.grid_id)
    try:
        actions.household_assign_grid(actor=user, household=household, grid=grid)
    except ValidationError as exc:
        raise _as_grid_id_error(exc) from exc
    # After moving a household out of her own grid, a grid worker may no longer see it.
    found = _households(user).filter(pk=household.pk).first()
    if found is None:
        household.resident_count = household.residents.filter(is_active=True).count()
        return household
    return found


# --- the signed-in user and the resident portal ---------------------------------------------


def _assignment_out(a: RoleAssignment) -> AssignmentOut:
    return AssignmentOut(
        role=a.role,
        role_label=str(a.get_role_display()),
        level=a.level,
        level_label=str(a.get_level_display()),
        node_id=a.node_id,
        node_name=str(a.node),
        resident_id=a.resident_id,
    )


@router.get("/me", response=MeOut, tags=ME, summary="当前用户、角色与任命")
def me(request: HttpRequest):
    user = _user(request)
    assignments = (
        RoleAssignment.objects.filter(user=user)
        .select_related(
            "district",
            "street",
            "community",
            "compound",
            "building",
            "grid",
            "household__unit__building",
            "household__unit__entrance",
        )
        .order_by("pk")
    )
    roles = {a.role for a in assignments_of(user)}
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name or user.username,
        assignments=[_assignment_out(a) for a in assignments],
        permissions=sorted(p for p, granted in PERMISSIONS.items() if roles & granted),
    )


@router.get(
    "/me/household",
    response=MyHouseholdOut,
    tags=ME,
    summary="居民：我的住户与家庭成员",
    description="居民本人所在住户及在住成员（脱敏）。没有居民身份时回答 404。",
)
def my_household(request: HttpRequest):
    user = _user(request)
    household = (
        visible(user, Household, "portal.view")
        .select_related("unit__building", "unit__entrance", "compound", "grid")
        .order_by("pk")
        .first()
    )
    if household is None:
        raise Http404
    members = (
        visible(user, Resident, "portal.view")
        .filter(household=household, is_active=True)
        .order_by("pk")
    )
    # Plain data: ninja validates it against MyHouseholdOut (members through their resolvers).
    return {
        "id": household.pk,
        "unit_label": str(household.unit),
        "compound": household.compound,
        "address": household.compound.address,
        "grid": household.grid,
        "members": list(members),
    }
