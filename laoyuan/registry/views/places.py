"""The workspace (工作台) and the pages of places: community (社区), compound (小区), its age
structure (一老一小), building (楼栋), micro-grid (微网格) and dwelling unit (房屋)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.registry import queries
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    Grid,
    Unit,
)
from laoyuan.registry.views.furniture import (
    COMMUNITIES_PER_PAGE,
    PER_PAGE,
    UNITS_PER_PAGE,
    Crumb,
    ancestors,
    paginate,
    trail,
    view_assignments,
)


@login_required
@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    """The place tree within the user's scope: streets' communities, or the compounds of her
    community, or her buildings and micro-grids, each with households, residents and 65+."""
    user = request.user
    mine = view_assignments(user)
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
        "can_import": has_permission(user, "registry.import"),
        "communities": None,
        "compounds": None,
        "buildings": None,
        "grids": None,
    }
    if levels & {"district", "street"}:
        communities = paginate(
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
        compounds = paginate(
            request,
            queries.compounds_for(user).select_related("community__street").order_by("code"),
        )
        counts = queries.place_counts([c.pk for c in compounds])
        context["compounds"] = compounds
        context["compound_rows"] = [(c, counts.get(c.pk, queries.PlaceCounts())) for c in compounds]
    if "building" in levels:
        buildings = paginate(
            request,
            queries.buildings_for(user).order_by("compound__code", Length("number"), "number"),
            param="bpage",
        )
        counts = queries.building_counts([b.pk for b in buildings])
        context["buildings"] = buildings
        context["building_rows"] = [(b, counts.get(b.pk)) for b in buildings]
    if "grid" in levels:
        grids = paginate(
            request, queries.grids_for(user).order_by("compound__code", "id"), param="gpage"
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
    in_community = queries.compounds_for(user).filter(community=community)
    compounds = paginate(request, in_community.order_by("code"))
    # Counts of every compound at once (a community has tens of them): the page's rows and the
    # community's totals from the same two grouped queries.
    counts = queries.place_counts(list(in_community.values_list("id", flat=True).order_by()))
    totals = sum(counts.values(), queries.PlaceCounts())
    return render(
        request,
        "registry/community.html",
        {
            "community": community,
            "totals": totals,
            "compounds": compounds,
            "compound_rows": [(c, counts.get(c.pk, queries.PlaceCounts())) for c in compounds],
            "crumbs": trail(user, [community.street.district, community.street, community]),
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
    buildings = paginate(
        request,
        queries.buildings_for(user)
        .filter(compound=compound)
        .select_related("head")
        .order_by(Length("number"), "number"),
        param="bpage",
    )
    building_counts = queries.building_counts([b.pk for b in buildings])
    grids = paginate(
        request, queries.grids_for(user).filter(compound=compound).order_by("id"), param="gpage"
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
            "crumbs": trail(user, ancestors(compound)),
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
            "crumbs": trail(user, ancestors(compound), here=_("年龄结构")),
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
    units = paginate(
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
            "crumbs": trail(user, [*ancestors(building.compound), building]),
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
    households = paginate(request, queries.households_for(user).filter(grid=grid))
    members = queries.household_members(user, [h.pk for h in households])
    return render(
        request,
        "registry/grid.html",
        {
            "grid": grid,
            "summary": _grid_row(grid, queries.grid_household_counts([grid.pk]).get(grid.pk, 0)),
            "households": households,
            "household_rows": [(h, members[h.pk]) for h in households],
            "crumbs": trail(user, [*ancestors(grid.compound), grid]),
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
    ownerships = paginate(
        request, queries.unit_ownerships(user, unit), per_page=PER_PAGE, param="opage"
    )
    households = paginate(request, queries.households_for(user).filter(unit=unit).order_by("id"))
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
            "crumbs": trail(user, [*ancestors(unit.building.compound), unit.building, unit]),
        },
    )
