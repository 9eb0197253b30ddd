"""The registry endpoints of the case-work API: responsible parties (责任方) with their contacts
(phones masked; the full number from the logged reveal) and accounts, the categories with the
service level of a street, the street's own service levels, and the resident's own cases."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Status
from ninja.pagination import paginate

from laoyuan.cases import actions, queries
from laoyuan.cases.api.base import CASES, _pk, _user, renamed, router
from laoyuan.cases.api.schemas import (
    CaseRevealOut,
    CategoryOut,
    CategoryQuery,
    ContactIn,
    MemberIn,
    MyCaseOut,
    PartyDetailOut,
    PartyFilters,
    PartyIn,
    PartyOut,
    PartyPatchIn,
    PortalCaseIn,
    RateIn,
    ServiceLevelIn,
)
from laoyuan.cases.models import CaseState, Category, PartyContact, ServiceLevel
from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building, Community, Compound, Street
from laoyuan.voices.queries import portal_compounds


def _party_detail(user: User, party_id: int):
    """The party with its accounts' usernames (for those who manage it or act for it)."""
    party = queries.party_or_404(user, party_id)
    manage = actions.may_manage(user, street=party.street, community=party.community)
    members = manage or party.pk in queries.my_parties(user)
    party.members = (
        list(queries.party_members(party).values_list("username", flat=True)) if members else []
    )
    return party


def _places(user: User, community_id: int | None, compound_id: int | None):
    community = compound = None
    if compound_id:
        compound = Compound.objects.filter(pk=compound_id).select_related("community").first()
        if compound is None:
            raise ValidationError({"compound_id": _("未找到该小区")})
    if community_id:
        community = Community.objects.filter(pk=community_id).first()
        if community is None:
            raise ValidationError({"community_id": _("未找到该社区")})
    return community, compound


@router.get("/parties", response=list[PartyOut], tags=CASES, summary="责任方名录")
@paginate(Page)
def party_list(request: HttpRequest, filters: Query[PartyFilters]):
    qs = queries.parties_for(_user(request))
    if filters.street:
        qs = qs.filter(street_id=filters.street)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("street_id", "kind", "name", "pk")


@router.post(
    "/parties",
    response={201: PartyDetailOut},
    tags=CASES,
    summary="登记责任方",
    description="街道干部登记本街道的责任方；社区工作者登记服务本社区（或其中一个小区）的。",
)
def party_create(request: HttpRequest, payload: PartyIn):
    user = _user(request)
    street = visible(user, Street, "cases.view").filter(pk=payload.street_id).first()
    if street is None:
        street = Street.objects.filter(
            pk=payload.street_id, communities__in=visible(user, Community, "cases.parties")
        ).first()
    if street is None:
        raise Http404
    community, compound = _places(user, payload.community_id, payload.compound_id)
    party = actions.party_create(
        actor=user,
        street=street,
        name=payload.name,
        kind=payload.kind,
        community=community,
        compound=compound,
        aliases=payload.aliases,
        duty=payload.duty,
        service_phone=payload.service_phone,
    )
    return Status(201, _party_detail(user, party.pk))


@router.get("/parties/{party_id}", response=PartyDetailOut, tags=CASES, summary="责任方详情")
def party_detail(request: HttpRequest, party_id: int = _pk("责任方编号")):
    return _party_detail(_user(request), party_id)


@router.patch("/parties/{party_id}", response=PartyDetailOut, tags=CASES, summary="修改责任方")
def party_update(request: HttpRequest, payload: PartyPatchIn, party_id: int = _pk("责任方编号")):
    user = _user(request)
    party = queries.party_or_404(user, party_id)
    sent = payload.model_dump(exclude_unset=True)
    community, compound = _places(
        user,
        sent.get("community_id", party.community_id),
        sent.get("compound_id", party.compound_id),
    )
    actions.party_update(
        actor=user,
        party=party,
        name=sent.get("name", party.name),
        kind=sent.get("kind", party.kind),
        community=community,
        compound=compound,
        aliases=sent.get("aliases", party.aliases),
        duty=sent.get("duty", party.duty),
        service_phone=sent.get("service_phone", party.service_phone),
        is_active=sent.get("is_active", party.is_active),
    )
    return _party_detail(user, party_id)


@router.post(
    "/parties/{party_id}/contacts",
    response={201: PartyDetailOut},
    tags=CASES,
    summary="添加联系人",
    description="电话加密保存，只返回脱敏号码。",
)
def contact_add(request: HttpRequest, payload: ContactIn, party_id: int = _pk("责任方编号")):
    user = _user(request)
    party = queries.party_or_404(user, party_id)
    actions.party_contact_add(
        actor=user, party=party, name=payload.name, post=payload.post, phone=payload.phone
    )
    return Status(201, _party_detail(user, party_id))


def _contact(user: User, contact_id: int) -> PartyContact:
    return get_visible_or_404(
        user,
        PartyContact.objects.select_related("party__street", "party__community"),
        "cases.view",
        pk=contact_id,
        is_active=True,
    )


@router.post(
    "/party-contacts/{contact_id}/reveal",
    response=CaseRevealOut,
    tags=CASES,
    summary="查看联系人的完整电话（留痕）",
)
def contact_reveal(request: HttpRequest, contact_id: int = _pk("联系人编号")):
    user = _user(request)
    contact = _contact(user, contact_id)
    return {"value": actions.party_contact_reveal(actor=user, contact=contact)}


@router.delete(
    "/party-contacts/{contact_id}", response={204: None}, tags=CASES, summary="移除联系人"
)
def contact_remove(request: HttpRequest, contact_id: int = _pk("联系人编号")):
    user = _user(request)
    actions.party_contact_remove(actor=user, contact=_contact(user, contact_id))
    return Status(204, None)


def _account(username: str) -> User:
    account = User.objects.filter(username=username).first()
    if account is None:
        raise ValidationError({"username": _("没有这个账号：{name}").format(name=username)})
    return account


@router.post(
    "/parties/{party_id}/members",
    response=PartyDetailOut,
    tags=CASES,
    summary="添加代表本单位的账号",
    description="该账号只能看到派给本单位的工单，可签收、退回、转派、发布进展、暂停计时和办结。",
)
def member_add(request: HttpRequest, payload: MemberIn, party_id: int = _pk("责任方编号")):
    user = _user(request)
    party = queries.party_or_404(user, party_id)
    actions.party_member_add(actor=user, party=party, user=_account(payload.username))
    return _party_detail(user, party_id)


@router.post(
    "/parties/{party_id}/members/remove",
    response=PartyDetailOut,
    tags=CASES,
    summary="移除代表本单位的账号",
)
def member_remove(request: HttpRequest, payload: MemberIn, party_id: int = _pk("责任方编号")):
    user = _user(request)
    party = queries.party_or_404(user, party_id)
    actions.party_member_remove(actor=user, party=party, user=_account(payload.username))
    return _party_detail(user, party_id)


# --- categories and service levels -------------------------------------------------------------


@router.get(
    "/case-categories",
    response=list[CategoryOut],
    tags=CASES,
    summary="工单分类及时限",
    description="code 可作 Open311 的 service_code。带 street 时列出该街道的时限（未设置的为默认）。",
)
@paginate(Page)
def category_list(request: HttpRequest, params: Query[CategoryQuery]):
    user = _user(request)
    own: dict[int, ServiceLevel] = {}
    if params.street:
        if not visible(user, Street, "cases.view").filter(pk=params.street).exists() and not (
            Street.objects.filter(
                pk=params.street, communities__in=visible(user, Community, "cases.view")
            ).exists()
        ):
            raise Http404
        own = {s.category_id: s for s in ServiceLevel.objects.filter(street_id=params.street)}
    return _CategoryList(queries.categories(), own)


class _CategoryList:
    """The categories with their street's levels, sliced by the paginator like a queryset."""

    def __init__(self, qs, own: dict[int, ServiceLevel]) -> None:
        self.qs, self.own = qs, own

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        rows = list(self.qs[index])
        for c in rows:
            mine = self.own.get(c.pk)
            c.street_level = mine is not None
            if mine is not None:
                c.accept_seconds = mine.accept_seconds
                c.respond_seconds = mine.respond_seconds
                c.solve_seconds = mine.solve_seconds
        return rows


def _street_and_category(user: User, street_id: int, code: str) -> tuple[Street, Category]:
    street = queries.service_level_streets(user).filter(pk=street_id).first()
    category = queries.categories().filter(code=code).first()
    if street is None or category is None:
        raise Http404
    return street, category


@router.put(
    "/service-levels/{street_id}/{category_code}",
    response=CategoryOut,
    tags=CASES,
    summary="设置本街道某分类的时限",
    description="以工作时间的秒数表示（1个工作日 = 86400）；只影响以后受理的工单。",
)
def service_level_set(
    request: HttpRequest,
    payload: ServiceLevelIn,
    street_id: int = _pk("街道编号"),
    category_code: str = Path(..., max_length=32, description="分类编码"),
):
    user = _user(request)
    street, category = _street_and_category(user, street_id, category_code)
    row = actions.service_level_set(
        actor=user,
        street=street,
        category=category,
        accept_seconds=payload.accept_seconds,
        respond_seconds=payload.respond_seconds,
        solve_seconds=payload.solve_seconds,
    )
    category.accept_seconds, category.respond_seconds, category.solve_seconds = (
        row.accept_seconds,
        row.respond_seconds,
        row.solve_seconds,
    )
    category.street_level = True
    return category


@router.delete(
    "/service-levels/{street_id}/{category_code}",
    response={204: None},
    tags=CASES,
    summary="恢复某分类的默认时限",
)
def service_level_reset(
    request: HttpRequest,
    street_id: int = _pk("街道编号"),
    category_code: str = Path(..., max_length=32, description="分类编码"),
):
    user = _user(request)
    street, category = _street_and_category(user, street_id, category_code)
    actions.service_level_reset(actor=user, street=street, category=category)
    return Status(204, None)


# --- the resident's side -------------------------------------------------------------------------


def _mine(request: HttpRequest, case) -> object:
    case.mine = case.reporter_account_id == request.auth.pk
    case.public_url = request.build_absolute_uri(
        reverse("cases:public_progress", args=[case.public_token])
    )
    return case


class _MyCases:
    def __init__(self, request: HttpRequest, qs) -> None:
        self.request, self.qs = request, qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return [_mine(self.request, c) for c in self.qs[index]]


@router.get(
    "/portal/cases",
    response=list[MyCaseOut],
    tags=CASES,
    summary="居民：我的工单",
    description="本人反映的工单，以及由本人参与的议题转成的工单。",
)
@paginate(Page)
def portal_cases(request: HttpRequest):
    return _MyCases(request, queries.my_cases(_user(request)))


@router.post(
    "/portal/cases",
    response={201: MyCaseOut},
    tags=CASES,
    summary="居民：我要报事",
    description="向本人所在的小区反映需要办理的问题。照片请在网页上传。",
)
def portal_case_submit(request: HttpRequest, payload: PortalCaseIn):
    user = _user(request)
    compound = portal_compounds(user).filter(pk=payload.compound_id).first()
    if compound is None:
        raise Http404
    category = queries.categories().filter(code=payload.category_code).first()
    if category is None:
        raise ValidationError(
            {"category_code": _("分类编码不对：{code}").format(code=payload.category_code)}
        )
    building = None
    if payload.building_id:
        building = Building.objects.filter(pk=payload.building_id, compound=compound).first()
        if building is None:
            raise ValidationError({"building_id": _("未找到该楼栋，或它不在这个小区")})
    try:
        case = actions.case_submit(
            actor=user,
            compound=compound,
            category=category,
            description=payload.description,
            building=building,
            spot=payload.spot,
            phone=payload.phone,
            anonymous=payload.anonymous,
        )
    except ValidationError as exc:
        raise renamed(exc, {"category": "category_code", "building": "building_id"}) from exc
    except PermissionDenied as exc:
        raise Http404 from exc
    return Status(201, _mine(request, queries.portal_case_or_404(user, case.pk)))


@router.get("/portal/cases/{case_id}", response=MyCaseOut, tags=CASES, summary="居民：我的一张工单")
def portal_case(request: HttpRequest, case_id: int = _pk("工单编号")):
    return _mine(request, queries.portal_case_or_404(_user(request), case_id))


@router.post(
    "/portal/cases/{case_id}/rate",
    response=MyCaseOut,
    tags=CASES,
    summary="居民：确认并评价",
    description="满意、基本满意结案；不满意（须写明意见）第一次重新办理，第二次升级复核。",
)
def portal_case_rate(request: HttpRequest, payload: RateIn, case_id: int = _pk("工单编号")):
    user = _user(request)
    if not has_permission(user, "portal.case"):
        raise Http404
    case = queries.portal_case_or_404(user, case_id)
    if case.reporter_account_id != user.pk:
        raise PermissionDenied("cases.rate")
    if case.state != CaseState.SOLVED:
        raise ValidationError(_("这张工单现在不需要评价。"))
    actions.case_rate(actor=user, case=case, rating=payload.rating, comment=payload.comment)
    return _mine(request, queries.portal_case_or_404(user, case_id))
