"""Residents (居民): the list with search and filters, the detail page with the logged reveal of a
full number (查看完整号码), and the forms to change a resident or add one to a household."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.registry import actions, queries
from laoyuan.registry.forms import ResidentFilterForm, ResidentForm
from laoyuan.registry.models import (
    Grid,
    Household,
    Resident,
)
from laoyuan.registry.views.furniture import (
    MAX_OPTIONS,
    RESIDENTS_PER_PAGE,
    BoundedPaginator,
    Crumb,
    ancestors,
    paginate,
    require_staff,
    sees,
    trail,
)

# What a resident's pages show of her place: the breadcrumbs up to the district.
RESIDENT_PLACE = (
    "household__unit__building__compound__community__street__district",
    "household__unit__entrance",
    "household__grid",
)


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
    grids = queries.grids_for(user).order_by("compound__code", "id")
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
    require_staff(user)
    form = ResidentFilterForm(request.GET)
    filters = form.filters()
    found = queries.number_search_key(filters["search"])
    if found:
        # A full ID number or phone must not stay in the address bar, the browser history or
        # the server logs: search again by its keyed hash, showing only the masked number.
        query = request.GET.copy()
        for name in ("q", "page"):
            query.pop(name, None)
        query["number"], query["shown"] = found
        return redirect(reverse("registry:residents") + "?" + query.urlencode())
    residents = paginate(
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
            "shown_number": form.cleaned_data.get("shown", "") if filters["number_key"] else "",
            "without_number": _query_without(request, "number", "shown", "page"),
            "options": _filter_options(user, filters),
            "residents": residents,
            "crumbs": [
                Crumb(_("工作台"), reverse("registry:workspace")),
                Crumb(_("居民名册")),
            ],
        },
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return "?" + query.urlencode()


def _resident_or_404(user: User, pk: int, permission: str = "registry.view") -> Resident:
    return get_visible_or_404(
        user, Resident.objects.select_related(*RESIDENT_PLACE), permission, pk=pk
    )


def _resident_trail(user: User, resident: Resident, *, here: str = "") -> list[Crumb]:
    household = resident.household
    unit = household.unit
    crumbs = trail(
        user,
        [*ancestors(unit.building.compound), unit.building, unit],
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
    if grid_id and sees(user, Grid, chain):
        return reverse("registry:grid", args=[grid_id])
    return ""


def _render_resident(
    request: HttpRequest, resident: Resident, *, revealed: dict[str, str] | None = None
) -> HttpResponse:
    user = request.user
    can_edit = has_permission(user, "registry.edit", resident)
    can_reveal = has_permission(user, "pii.reveal", resident)
    members = queries.household_members(user, [resident.household_id])[resident.household_id]
    response = render(
        request,
        "registry/resident.html",
        {
            "resident": resident,
            "members": [m for m in members if m.pk != resident.pk],
            "can_edit": can_edit,
            "can_reveal": can_reveal,
            # Those who may reveal also see who did (查看留痕 is only useful if it is read).
            "reveal_events": queries.reveal_log([resident.pk])[resident.pk] if can_reveal else None,
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
            "crumbs": trail(
                user,
                [*ancestors(unit.building.compound), unit.building, unit],
                here=_("添加居民"),
                also={"grid": household.grid_id, "household": household.pk},
            ),
        },
    )
