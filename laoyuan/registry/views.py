"""The staff workspace (工作台) and the resident portal (居民端): server-rendered pages.

Views parse input, read through `registry.queries` (already scoped to the user) and write through
`registry.actions`. Every object is looked up with `get_visible_or_404`, so a place outside the
user's scope answers 404 exactly as one that does not exist. Lists are paginated, and each page
runs a fixed number of queries: counts come grouped, for the rows of the current page only.
Full ID numbers (身份证号) and phones never reach a template except on the answer to an explicit,
logged reveal (查看完整号码).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, get_visible_or_404, has_permission
from laoyuan.registry import actions, queries
from laoyuan.registry.forms import ResidentFilterForm, ResidentForm
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    District,
    Grid,
    Household,
    Resident,
    Street,
    Unit,
)

PER_PAGE = 25
# Each community row of the workspace sums all its residents: fewer rows per page keep a
# district-wide workspace fast.
COMMUNITIES_PER_PAGE = 12
UNITS_PER_PAGE = 50
RESIDENTS_PER_PAGE = 50
# The resident list of a whole street or district would count hundreds of thousands of rows on
# every page; counting stops here and the page asks the user to narrow the search instead.
RESIDENT_COUNT_CAP = 10_000
# A filter menu is only offered when it stays short enough to be read and chosen from.
MAX_OPTIONS = 300

_RESIDENT_PLACE = (
    "household__unit__building__compound__community__street__district",
    "household__unit__entrance",
    "household__grid",
)


# --- page furniture: breadcrumbs (位置) and pagination ------------------------------------------


@dataclass
class Crumb:
    label: str
    url: str = ""


_LEVEL_OF = {
    District: "district",
    Street: "street",
    Community: "community",
    Compound: "compound",
    Building: "building",
    Grid: "grid",
    Household: "household",
}
_URL_OF = {
    Community: "registry:community",
    Compound: "registry:compound",
    Building: "registry:building",
    Grid: "registry:grid",
    Unit: "registry:unit",
}


def _view_assignments(user: User) -> list[RoleAssignment]:
    roles = roles_with("registry.view")
    return [a for a in assignments_of(user) if a.role in roles]


def _sees(user: User, model: type[models.Model], chain: dict[str, int | None]) -> bool:
    """Whether the user may open a node, judged from its ancestors without a query.

    Mirrors `scopes.scope_q`: some assignment sits on one of the levels the model can be reached
    from, on exactly this node's ancestor. Only decides whether a breadcrumb is a link; the page
    behind the link still checks with `get_visible_or_404`."""
    paths = getattr(model, "scope_paths", {})
    return any(
        a.level in paths and chain.get(a.level) == a.node_id for a in _view_assignments(user)
    )


def _label(node: models.Model) -> str:
    if isinstance(node, Unit):
        entrance = f"{node.entrance.number}单元" if node.entrance_id else ""
        return f"{entrance}{node.room_number}"
    return str(node)


def _trail(
    user: User, nodes: list[models.Model], *, here: str = "", also: dict | None = None
) -> list[Crumb]:
    """Breadcrumbs from the workspace down the place tree to this page.

    `nodes` are the ancestors, widest first; `also` adds levels that are not shown but decide
    links (the household's micro-grid, for a grid worker)."""
    chain: dict[str, int | None] = dict(also or {})
    crumbs = [Crumb(_("工作台"), reverse("registry:workspace"))]
    for node in nodes:
        if type(node) in _LEVEL_OF:
            chain[_LEVEL_OF[type(node)]] = node.pk
        url = ""
        if type(node) in _URL_OF and _sees(user, type(node), chain):
            url = reverse(_URL_OF[type(node)], args=[node.pk])
        crumbs.append(Crumb(_label(node), url))
    if here:
        crumbs.append(Crumb(here))
    return crumbs


def _ancestors(compound: Compound) -> list[models.Model]:
    community = compound.community
    return [community.street.district, community.street, community, compound]


class BoundedPaginator(Paginator):
    """Counts at most `cap` rows, so the count stays cheap on a whole street or district."""

    def __init__(self, object_list, per_page, *, cap: int = RESIDENT_COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


@dataclass
class PageLinks:
    first: str = ""
    previous: str = ""
    next: str = ""
    last: str = ""
    numbers: list[tuple[int, str, bool]] = field(default_factory=list)


def _paginate(
    request: HttpRequest,
    object_list,
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    paginator_class: type[Paginator] = Paginator,
) -> Page:
    """One page of `object_list`, with links that keep every other query parameter (filters)."""
    page = paginator_class(object_list, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    current, last = page.number, page.paginator.num_pages
    page.links = PageLinks(
        first=url(1) if current > 1 else "",
        previous=url(current - 1) if page.has_previous() else "",
        next=url(current + 1) if page.has_next() else "",
        last=url(last) if current < last else "",
        numbers=[
            (n, url(n), n == current)
            for n in range(max(1, current - 2), min(last, current + 2) + 1)
        ],
    )
    return page


def _require_staff(user: User) -> None:
    if not has_permission(user, "registry.view"):
        raise Http404


# --- workspace and places ----------------------------------------------------------------------


@login_required
@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    """The place tree within the user's scope: streets' communities, or the compounds of her
    community, or her buildings and micro-grids, each with households, residents and 65+."""
    user = request.user
    mine = _view_assignments(user)
    if not mine:
        return redirect("core:home")
    levels = {a.level for a in mine}
    context: dict = {
        "my_places": RoleAssignment.objects.filter(pk__in=[a.pk for a in mine])
        .select_related(
            "district",
            "street",
            "community",
            "compound",
            "building__compound",
            "grid__compound",
        )
        .order_by("id"),
        "crumbs": [Crumb(_("工作台"))],
        "communities": None,
        "compounds": None,
        "buildings": None,
        "grids": None,
    }
    if levels & {"district", "street"}:
        communities = _paginate(
            request,
            queries.communities_for(user).order_by("street__code", "code"),
            per_page=COMMUNITIES_PER_PAGE,
        )
        compound_rows = list(
            queries.compounds_for(user)
            .filter(community_id__in=[c.pk for c in communities])
            .values_list("id", "community_id")
            .order_by()
        )
        counts = queries.place_counts([cid for cid, _community in compound_rows])
        totals: dict[int, queries.PlaceCounts] = {}
        compounds_in: Counter[int] = Counter()
        for cid, community_id in compound_rows:
            compounds_in[community_id] += 1
            totals[community_id] = totals.get(community_id, queries.PlaceCounts()) + counts.get(
                cid, queries.PlaceCounts()
            )
        context["communities"] = communities
        context["community_rows"] = [
            (c, compounds_in[c.pk], totals.get(c.pk, queries.PlaceCounts())) for c in communities
        ]
    elif levels & {"community", "compound"}:
        compounds = _paginate(
            request,
            queries.compounds_for(user).select_related("community__street").order_by("code"),
        )
        counts = queries.place_counts([c.pk for c in compounds])
        context["compounds"] = compounds
        context["compound_rows"] = [(c, counts.get(c.pk, queries.PlaceCounts())) for c in compounds]
    if "building" in levels:
        buildings = _paginate(
            request,
            queries.buildings_for(user).order_by("compound__code", Length("number"), "number"),
            param="bpage",
        )
        counts = queries.building_counts([b.pk for b in buildings])
        context["buildings"] = buildings
        context["building_rows"] = [(b, counts.get(b.pk)) for b in buildings]
    if "grid" in levels:
        grids = _paginate(
            request, queries.grids_for(user).order_by("compound__code", "name"), param="gpage"
        )
        counts = queries.grid_household_counts([g.pk for g in grids])
        context["grids"] = grids
        context["grid_rows"] = [(g, counts.get(g.pk, 0)) for g in grids]
    return render(request, "registry/workspace.html", context)


@login_required
@require_safe
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A community (社区): its totals and its compounds, a page at a time."""
    user = request.user
    community = get_visible_or_404(
        user, Community.objects.select_related("street__district"), pk=pk
    )
    compounds = _paginate(
        request, queries.compounds_for(user).filter(community=community).order_by("code")
    )
    counts = queries.place_counts([c.pk for c in compounds])
    return render(
        request,
        "registry/community.html",
        {
            "community": community,
            "totals": queries.community_totals(community),
            "compounds": compounds,
            "compound_rows": [(c, counts.get(c.pk, queries.PlaceCounts())) for c in compounds],
            "crumbs": _trail(user, [community.street.district, community.street, community]),
        },
    )


def _compound_or_404(user: User, pk: int) -> Compound:
    return get_visible_or_404(
        user, Compound.objects.select_related("community__street__district"), pk=pk
    )


@login_required
@require_safe
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound (小区): its facts, buildings with their heads (楼栋长), micro-grids."""
    user = request.user
    compound = _compound_or_404(user, pk)
    counts = queries.place_counts([compound.pk]).get(compound.pk, queries.PlaceCounts())
    buildings = _paginate(
        request,
        queries.buildings_for(user)
        .filter(compound=compound)
        .select_related("head")
        .order_by(Length("number"), "number"),
        param="bpage",
    )
    building_counts = queries.building_counts([b.pk for b in buildings])
    grids = _paginate(
        request, queries.grids_for(user).filter(compound=compound).order_by("name"), param="gpage"
    )
    grid_counts = queries.grid_household_counts([g.pk for g in grids])
    registered = compound.registered_households
    return render(
        request,
        "registry/compound.html",
        {
            "compound": compound,
            "counts": counts,
            # Registered (登记) vs counted households: a gap means the roster is incomplete.
            "not_yet_entered": max(registered - counts.households, 0) if registered else 0,
            "more_than_registered": max(counts.households - registered, 0) if registered else 0,
            "buildings": buildings,
            "building_rows": [(b, building_counts.get(b.pk)) for b in buildings],
            "grids": grids,
            "grid_rows": [_grid_row(g, grid_counts.get(g.pk, 0)) for g in grids],
            "can_import": has_permission(user, "registry.import", compound),
            "crumbs": _trail(user, _ancestors(compound)),
        },
    )


@dataclass
class GridRow:
    grid: Grid
    households: int

    @property
    def outside_recommended(self) -> bool:
        """Outside the 30–100 households recommended for a micro-grid."""
        return not (Grid.RECOMMENDED_MIN <= self.households <= Grid.RECOMMENDED_MAX)


def _grid_row(grid: Grid, households: int) -> GridRow:
    return GridRow(grid, households)


@dataclass
class AgeBar:
    row: queries.AgeRow
    url: str
    infant_width: str


def _age_bars(rows: list[queries.AgeRow], url_name: str) -> list[AgeBar]:
    most = max((r.infants for r in rows), default=0)
    return [
        AgeBar(
            row=r,
            url=reverse(url_name, args=[r.key]) if r.key is not None else "",
            infant_width=queries.share_percent(r.infants, most),
        )
        for r in rows
    ]


@login_required
@require_safe
def age_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Age structure (一老一小) of a compound: 65+ share and children under 3, per building and
    per micro-grid, as tables with simple bars."""
    user = request.user
    compound = _compound_or_404(user, pk)
    structure = queries.age_structure(compound)
    return render(
        request,
        "registry/age_structure.html",
        {
            "compound": compound,
            "structure": structure,
            "building_bars": _age_bars(structure.by_building, "registry:building"),
            "grid_bars": _age_bars(structure.by_grid, "registry:grid"),
            "crumbs": _trail(user, _ancestors(compound), here=_("年龄结构")),
        },
    )


@login_required
@require_safe
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A building (楼栋): its head and its dwelling units with area and households."""
    user = request.user
    building = get_visible_or_404(
        user,
        Building.objects.select_related("compound__community__street__district", "head"),
        pk=pk,
    )
    units = _paginate(
        request,
        queries.units_for(user)
        .filter(building=building)
        .order_by("entrance__number", "floor", Length("room_number"), "room_number", "id"),
        per_page=UNITS_PER_PAGE,
    )
    counts = queries.unit_counts([u.pk for u in units])
    return render(
        request,
        "registry/building.html",
        {
            "building": building,
            "units": units,
            "unit_rows": [(u, counts.get(u.pk)) for u in units],
            "crumbs": _trail(user, [*_ancestors(building.compound), building]),
        },
    )


@login_required
@require_safe
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A micro-grid (微网格): grid worker, group head (居民小组长), its households."""
    user = request.user
    grid = get_visible_or_404(
        user,
        Grid.objects.select_related(
            "compound__community__street__district", "worker", "group_head"
        ),
        pk=pk,
    )
    households = _paginate(request, queries.households_for(user).filter(grid=grid))
    members = queries.household_members(user, [h.pk for h in households])
    return render(
        request,
        "registry/grid.html",
        {
            "grid": grid,
            "summary": _grid_row(grid, queries.grid_household_counts([grid.pk]).get(grid.pk, 0)),
            "households": households,
            "household_rows": [(h, members[h.pk]) for h in households],
            "crumbs": _trail(user, [*_ancestors(grid.compound), grid]),
        },
    )


@login_required
@require_safe
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dwelling unit (房屋): area and its source, owners (业主, ID masked), households."""
    user = request.user
    unit = get_visible_or_404(
        user,
        Unit.objects.select_related("building__compound__community__street__district", "entrance"),
        pk=pk,
    )
    ownerships = _paginate(
        request, queries.unit_ownerships(user, unit), per_page=PER_PAGE, param="opage"
    )
    households = _paginate(request, queries.households_for(user).filter(unit=unit).order_by("id"))
    ids = [h.pk for h in households]
    members = queries.household_members(user, ids)
    editable = queries.editable_household_ids(user, ids)
    return render(
        request,
        "registry/unit.html",
        {
            "unit": unit,
            "ownerships": ownerships,
            "households": households,
            "household_rows": [(h, members[h.pk], h.pk in editable) for h in households],
            "crumbs": _trail(user, [*_ancestors(unit.building.compound), unit.building, unit]),
        },
    )


# --- residents -----------------------------------------------------------------------------------


@dataclass
class FilterOptions:
    """The menus of the resident list as (id, label) pairs; empty when there are too many."""

    communities: list[tuple[int, str]] = field(default_factory=list)
    compounds: list[tuple[int, str]] = field(default_factory=list)
    buildings: list[tuple[int, str]] = field(default_factory=list)
    grids: list[tuple[int, str]] = field(default_factory=list)
    too_many_compounds: bool = False


def _bounded(rows) -> tuple[list, bool]:
    rows = list(rows[: MAX_OPTIONS + 1])
    if len(rows) > MAX_OPTIONS:
        return [], True
    return rows, False


def _filter_options(user: User, filters: dict) -> FilterOptions:
    """The menus of the resident list, narrowed by what is already chosen: buildings and grids
    once a compound is chosen (or, for a grid worker, her own grids)."""
    options = FilterOptions()
    options.communities, _too_many_communities = _bounded(
        queries.communities_for(user).order_by("street__code", "code").values_list("id", "name")
    )
    compounds = queries.compounds_for(user).order_by("code")
    if filters["community_id"]:
        compounds = compounds.filter(community_id=filters["community_id"])
    options.compounds, options.too_many_compounds = _bounded(compounds.values_list("id", "name"))
    grids = queries.grids_for(user).order_by("compound__code", "name")
    if filters["compound_id"]:
        options.buildings = [
            (pk, _("%(number)s栋") % {"number": number})
            for pk, number in queries.buildings_for(user)
            .filter(compound_id=filters["compound_id"])
            .order_by(Length("number"), "number")
            .values_list("id", "number")[:MAX_OPTIONS]
        ]
        options.grids, _too_many_grids = _bounded(
            grids.filter(compound_id=filters["compound_id"]).values_list("id", "name")
        )
    elif not options.compounds and not options.too_many_compounds:
        # A grid worker sees no compound, only her grids: name them with their compound.
        options.grids = [
            (pk, f"{compound} · {name}")
            for pk, name, compound in _bounded(grids.values_list("id", "name", "compound__name"))[0]
        ]
    return options


@login_required
@require_safe
def resident_list(request: HttpRequest) -> HttpResponse:
    """Residents (居民) in scope: search by name prefix or exact full ID/phone number, filters by
    place, age group and care flags; a page at a time with a bounded count."""
    user = request.user
    _require_staff(user)
    form = ResidentFilterForm(request.GET)
    filters = form.filters()
    residents = _paginate(
        request,
        queries.resident_list(user, **filters),
        per_page=RESIDENTS_PER_PAGE,
        paginator_class=BoundedPaginator,
    )
    return render(
        request,
        "registry/residents.html",
        {
            "form": form,
            "filters": filters,
            "options": _filter_options(user, filters),
            "residents": residents,
            "crumbs": [
                Crumb(_("工作台"), reverse("registry:workspace")),
                Crumb(_("居民名册")),
            ],
        },
    )


def _resident_or_404(user: User, pk: int, permission: str = "registry.view") -> Resident:
    return get_visible_or_404(
        user, Resident.objects.select_related(*_RESIDENT_PLACE), permission, pk=pk
    )


def _resident_trail(user: User, resident: Resident, *, here: str = "") -> list[Crumb]:
    household = resident.household
    unit = household.unit
    crumbs = _trail(
        user,
        [*_ancestors(unit.building.compound), unit.building, unit],
        also={"grid": household.grid_id, "household": household.pk},
    )
    if here:
        crumbs.append(Crumb(resident.name, reverse("registry:resident", args=[resident.pk])))
        crumbs.append(Crumb(here))
    else:
        crumbs.append(Crumb(resident.name))
    return crumbs


def _grid_url(user: User, resident: Resident) -> str:
    """Link to the resident's micro-grid page when the user may open it."""
    grid_id = resident.household.grid_id
    compound = resident.household.unit.building.compound
    chain = {
        "district": compound.community.street.district_id,
        "street": compound.community.street_id,
        "community": compound.community_id,
        "compound": compound.pk,
        "grid": grid_id,
    }
    if grid_id and _sees(user, Grid, chain):
        return reverse("registry:grid", args=[grid_id])
    return ""


def _render_resident(
    request: HttpRequest, resident: Resident, *, revealed: dict[str, str] | None = None
) -> HttpResponse:
    user = request.user
    can_edit = has_permission(user, "registry.edit", resident)
    members = queries.household_members(user, [resident.household_id])[resident.household_id]
    response = render(
        request,
        "registry/resident.html",
        {
            "resident": resident,
            "members": [m for m in members if m.pk != resident.pk],
            "can_edit": can_edit,
            "can_reveal": has_permission(user, "pii.reveal", resident),
            "revealed": revealed or {},
            "grid_url": _grid_url(user, resident),
            "crumbs": _resident_trail(user, resident),
        },
    )
    if revealed:
        add_never_cache_headers(response)
    return response


@login_required
@require_safe
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One resident, every field; ID number and phone masked."""
    return _render_resident(request, _resident_or_404(request.user, pk))


@login_required
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one full number (查看完整号码) once, on the page that answers the POST; logged
    through `actions.resident_reveal`. Roles without pii.reveal on the resident get 404."""
    resident = _resident_or_404(request.user, pk, "pii.reveal")
    if request.method != "POST":
        return redirect("registry:resident", pk=resident.pk)
    field_name = request.POST.get("field", "")
    if field_name not in actions.PII_FIELDS:
        return HttpResponseBadRequest(_("只能查看身份证号或联系电话"))
    try:
        value = actions.resident_reveal(actor=request.user, resident=resident, field=field_name)
    except PermissionDenied as exc:
        raise Http404 from exc
    return _render_resident(request, resident, revealed={field_name: value})


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a resident through `actions.resident_update`; errors in Chinese next to the field,
    and what was typed stays in the form."""
    user = request.user
    resident = _resident_or_404(user, pk, "registry.edit")
    if request.method == "POST":
        form = ResidentForm(request.POST, resident=resident)
        if form.is_valid():
            try:
                actions.resident_update(actor=user, resident=resident, **form.action_arguments())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
                resident.refresh_from_db()  # the action changed the object before refusing
            else:
                messages.success(request, _("已保存 %(name)s 的信息。") % {"name": resident.name})
                return redirect("registry:resident", pk=resident.pk)
    else:
        form = ResidentForm(resident=resident)
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "resident": resident,
            "household": resident.household,
            "crumbs": _resident_trail(user, resident, here=_("编辑")),
        },
    )


@login_required
def resident_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a resident to a household through `actions.resident_create`."""
    user = request.user
    household = get_visible_or_404(
        user,
        Household.objects.select_related(
            "unit__building__compound__community__street__district", "unit__entrance", "grid"
        ),
        "registry.edit",
        pk=pk,
    )
    if request.method == "POST":
        form = ResidentForm(request.POST)
        if form.is_valid():
            try:
                resident = actions.resident_create(
                    actor=user, household=household, **form.action_arguments()
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已添加居民 %(name)s。") % {"name": resident.name})
                return redirect("registry:resident", pk=resident.pk)
    else:
        form = ResidentForm()
    unit = household.unit
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "resident": None,
            "household": household,
            "crumbs": _trail(
                user,
                [*_ancestors(unit.building.compound), unit.building, unit],
                here=_("添加居民"),
                also={"grid": household.grid_id, "household": household.pk},
            ),
        },
    )


# --- the resident portal (居民端) ----------------------------------------------------------------


def _render_portal(request: HttpRequest, *, revealed: dict | None = None) -> HttpResponse:
    user = request.user
    households = list(queries.portal_households(user))
    members = queries.household_members(user, [h.pk for h in households], permission="portal.view")
    own_ids = {a.resident_id for a in assignments_of(user) if a.role == "resident"}
    me = [m for group in members.values() for m in group if m.pk in own_ids]
    response = render(
        request,
        "registry/portal.html",
        {
            "me": me,
            "household_rows": [(h, members[h.pk]) for h in households],
            "revealed": revealed or {},
            "can_reveal": has_permission(user, "portal.reveal"),
            "crumbs": [Crumb(_("我的家"))],
        },
    )
    if revealed:
        add_never_cache_headers(response)
    return response


@login_required
@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    """A resident's own household, details and compound; nobody else's."""
    if not has_permission(request.user, "portal.view"):
        raise Http404
    return _render_portal(request)


@login_required
def portal_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident sees her own full number once (logged, as every reveal)."""
    resident = get_visible_or_404(request.user, Resident, "portal.reveal", pk=pk)
    if request.method != "POST":
        return redirect("registry:portal")
    field_name = request.POST.get("field", "")
    if field_name not in actions.PII_FIELDS:
        return HttpResponseBadRequest(_("只能查看身份证号或联系电话"))
    try:
        value = actions.resident_reveal(actor=request.user, resident=resident, field=field_name)
    except PermissionDenied as exc:
        raise Http404 from exc
    return _render_portal(request, revealed={"resident": resident.pk, field_name: value})
