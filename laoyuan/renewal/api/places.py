"""The renewal API of places: rectification items (整治事项) with their working-day deadlines,
a compound's inventory and check-ups (城市体检) with the indicators, what a poor rating
proposes, and the portfolio (改造总览) of a district, a street or a community."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building
from laoyuan.renewal import actions
from laoyuan.renewal.api.common import TAGS, pk, router, user_of
from laoyuan.renewal.api.field_schemas import (
    AssetIn,
    AssetOut,
    CheckupIn,
    InventoryOut,
    ItemDetailOut,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemTransitionIn,
    PortfolioOut,
    PortfolioQuery,
    RectifyIn,
)
from laoyuan.renewal.api.projects import detail
from laoyuan.renewal.api.schemas import ProjectDetailOut, money, money_out
from laoyuan.renewal.models import Asset, ConditionRating, RenewalClass, SourceKind
from laoyuan.renewal.progress import percent_half_up
from laoyuan.renewal.queries import checkup as checkup_queries
from laoyuan.renewal.queries import portfolio as portfolio_queries
from laoyuan.renewal.queries import rectification as queries
from laoyuan.voices.api import compound_for_voices_or_404
from laoyuan.voices.queries import topics_for


def _item_detail(item):
    """The item as the detail endpoints answer it (the schema resolves labels and events)."""
    return item


@router.get(
    "/renewal/rectifications",
    response=list[ItemOut],
    tags=TAGS,
    summary="整治事项列表（整治清单、监督检查与体检发现的问题）",
    description="按整改期限排序。state 可为状态或 open（未销号）；overdue=true 只看超期未整改的。",
)
@paginate(Page)
def item_list(request: HttpRequest, filters: Query[ItemFilters]):
    return queries.item_list(
        user_of(request),
        compound_id=filters.compound,
        project_id=filters.project,
        origin=filters.origin,
        state=filters.state,
        overdue=filters.overdue,
    )


@router.post(
    "/renewal/rectifications",
    response={201: ItemDetailOut},
    tags=TAGS,
    summary="列入整治清单",
    description="整改期限为发现日期后第 work_days 个工作日（法定节假日顺延，调休上班日计入）。",
)
def item_create(request: HttpRequest, payload: ItemIn):
    user = user_of(request)
    compound = compound_for_voices_or_404(user, payload.compound_id, "renewal.view")
    topic = None
    if payload.topic_id:
        topic = topics_for(user).filter(pk=payload.topic_id, compound=compound).first()
        if topic is None:
            raise ValidationError({"topic_id": _("未找到本小区的这个议题")})
    item = actions.rectification_create(
        actor=user,
        compound=compound,
        title=payload.title,
        responsible_party=payload.responsible_party,
        found_on=payload.found_on,
        work_days=payload.work_days,
        location=payload.location,
        description=payload.description,
        topic=topic,
    )
    return Status(201, _item_detail(queries.item_or_404(user, item.pk)))


@router.get(
    "/renewal/rectifications/{item_id}",
    response=ItemDetailOut,
    tags=TAGS,
    summary="整治事项详情及记录",
)
def item_detail(request: HttpRequest, item_id: int = pk("整治事项编号")):
    return _item_detail(queries.item_or_404(user_of(request), item_id))


@router.post(
    "/renewal/rectifications/{item_id}/transition",
    response=ItemDetailOut,
    tags=TAGS,
    summary="整治事项的下一步：整改中、已整改、销号、复核不通过退回、撤销",
    description="责任方报告整改；销号须由监督人员或工作人员现场复核。撤销或退回须写理由。",
)
def item_transition(
    request: HttpRequest, payload: ItemTransitionIn, item_id: int = pk("整治事项编号")
):
    user = user_of(request)
    item = queries.item_or_404(user, item_id)
    actions.rectification_transition(
        actor=user, item=item, to_state=payload.to_state, note=payload.note
    )
    return _item_detail(queries.item_or_404(user, item_id))


@router.post(
    "/renewal/rectifications/{item_id}/case",
    response=ItemDetailOut,
    tags=TAGS,
    summary="整治事项转为工单（记录者无权立案时，由工作人员补开）",
    description=(
        "由有立案权限（cases.open）的工作人员为尚未转为工单的整治事项开立工单；"
        "工单结案后，事项自动算作已销号。"
    ),
)
def item_case(request: HttpRequest, item_id: int = pk("整治事项编号")):
    user = user_of(request)
    item = queries.item_or_404(user, item_id)
    actions.rectification_open_case(actor=user, item=item)
    return _item_detail(queries.item_or_404(user, item_id))


def _inventory(compound) -> dict:
    ind = checkup_queries.indicators(compound)
    recent = list(checkup_queries.checkups(compound).prefetch_related("ratings")[:10])
    return {
        "compound": {"id": compound.pk, "name": compound.name},
        "assets": list(checkup_queries.inventory(compound)),
        "indicators": {
            "buildings": ind.buildings,
            "buildings_needing_lift": [{"id": b.pk, "name": str(b)} for b in ind.needing_lift],
            "parking_demand": ind.parking_demand,
            "parking_spaces": None if ind.parking_spaces is None else str(ind.parking_spaces),
            "parking_gap": ind.parking_gap,
            "no_ebike_charging": ind.no_ebike_charging,
            "no_property_management": ind.no_property_management,
            "property_mode": ind.property_mode,
        },
        "checkups": [
            {
                "id": c.pk,
                "checked_on": c.checked_on,
                "inspector": c.inspector,
                "parking_demand": c.parking_demand,
                "ratings": [
                    {"id": r.pk, "asset_id": r.asset_id, "condition": r.condition, "note": r.note}
                    for r in c.ratings.all()
                ],
            }
            for c in recent
        ],
    }


@router.get(
    "/renewal/compounds/{compound_id}/checkup",
    response=InventoryOut,
    tags=TAGS,
    summary="城市体检：设施台账（含最近评级）、指标与体检记录",
)
def inventory(request: HttpRequest, compound_id: int = pk("小区编号")):
    compound = compound_for_voices_or_404(user_of(request), compound_id, "renewal.view")
    return _inventory(compound)


@router.post(
    "/renewal/compounds/{compound_id}/assets",
    response={201: AssetOut},
    tags=TAGS,
    summary="登记设施",
)
def asset_add(request: HttpRequest, payload: AssetIn, compound_id: int = pk("小区编号")):
    user = user_of(request)
    compound = compound_for_voices_or_404(user, compound_id, "renewal.view")
    building = None
    if payload.building_id:
        building = Building.objects.filter(pk=payload.building_id, compound=compound).first()
        if building is None:
            raise ValidationError({"building_id": _("未找到这个小区的这栋楼")})
    asset = actions.asset_add(
        actor=user,
        compound=compound,
        asset_type=payload.asset_type,
        name=payload.name,
        building=building,
        quantity_value=payload.quantity,
        unit=payload.unit,
        installed_year=payload.installed_year,
    )
    return Status(201, asset)


@router.post(
    "/renewal/compounds/{compound_id}/checkups",
    response={201: InventoryOut},
    tags=TAGS,
    summary="记录一次体检（逐项评级）",
)
def checkup_record(request: HttpRequest, payload: CheckupIn, compound_id: int = pk("小区编号")):
    user = user_of(request)
    compound = compound_for_voices_or_404(user, compound_id, "renewal.view")
    assets = Asset.objects.filter(compound=compound).in_bulk([r.asset_id for r in payload.ratings])
    missing = [r.asset_id for r in payload.ratings if r.asset_id not in assets]
    if missing:
        raise ValidationError(
            {"ratings": _("未找到这个小区的这些设施：{ids}").format(ids=missing[:20])}
        )
    actions.checkup_record(
        actor=user,
        compound=compound,
        checked_on=payload.checked_on,
        inspector=payload.inspector,
        parking_demand=payload.parking_demand,
        note=payload.note,
        ratings=[
            actions.RatingEntry(assets[r.asset_id], r.condition, r.note) for r in payload.ratings
        ],
    )
    return Status(201, _inventory(compound))


def _rating(request, rating_id: int) -> ConditionRating:
    return get_visible_or_404(
        user_of(request),
        ConditionRating.objects.select_related("checkup__compound", "asset"),
        "renewal.view",
        pk=rating_id,
    )


@router.post(
    "/renewal/ratings/{rating_id}/project",
    response={201: ProjectDetailOut},
    tags=TAGS,
    summary="较差的体检评级转入项目库（立项）",
)
def rating_project(request: HttpRequest, rating_id: int = pk("评级编号")):
    project = actions.rating_to_project(actor=user_of(request), rating=_rating(request, rating_id))
    return Status(201, detail(request, project.pk))


@router.post(
    "/renewal/ratings/{rating_id}/rectification",
    response={201: ItemDetailOut},
    tags=TAGS,
    summary="较差的体检评级列入整治清单",
)
def rating_rectification(request: HttpRequest, payload: RectifyIn, rating_id: int = pk("评级编号")):
    user = user_of(request)
    item = actions.rating_to_rectification(
        actor=user,
        rating=_rating(request, rating_id),
        responsible_party=payload.responsible_party,
        work_days=payload.work_days,
    )
    return Status(201, _item_detail(queries.item_or_404(user, item.pk)))


@router.get(
    "/renewal/portfolio",
    response=PortfolioOut,
    tags=TAGS,
    summary="改造总览：老旧小区已改造、改造中、待改造，资金按来源和类别，进度滞后，满意率",
    description=(
        "小区状态：有项目在招标或施工为改造中；否则有项目已验收为已改造；其余为待改造。"
        "金额为字符串形式的精确小数。"
    ),
)
def portfolio(request: HttpRequest, params: Query[PortfolioQuery]):
    user = user_of(request)
    value = params.place or portfolio_queries.default_place(user)
    if not value:
        raise Http404
    place = portfolio_queries.place_or_404(user, value)
    p = portfolio_queries.portfolio(place)
    sources = dict(SourceKind.choices)
    classes = dict(RenewalClass.choices)
    return {
        "place": {"kind": value.partition(":")[0], "id": place.pk, "name": place.name},
        "as_of": p.today,
        "old_compounds": {
            "compounds": p.compounds,
            "old_compounds": p.old_compounds,
            "renovated": p.renovated,
            "under_way": p.under_way,
            "waiting": p.waiting,
            "waiting_planned": p.waiting_planned,
        },
        "projects": p.projects,
        "projects_by_state": p.projects_by_state,
        "budget_by_class": [
            {"class": k, "label": str(classes.get(k, k)), "projects": n, "budget": money(b)}
            for k, (n, b) in p.budget_by_class.items()
        ],
        "money_by_source": [
            {"key": k, "label": str(sources.get(k, k)), "money": money_out(b)}
            for k, b in p.money_by_source.items()
        ],
        "money_by_class": [
            {"key": k, "label": str(classes.get(k, k)), "money": money_out(b)}
            for k, b in p.money_by_class.items()
        ],
        "money_total": money_out(p.money_total),
        "behind_schedule": p.behind,
        "behind_examples": [{"id": x.pk, "name": x.title} for x in p.behind_examples],
        "survey_answers": p.answered,
        "satisfied": p.satisfied,
        "satisfaction_percent": percent_half_up(p.satisfied, p.answered),
        "items_open": p.items_open,
        "items_overdue": p.items_overdue,
    }
