"""A compound's rectification list (整治清单) and infrastructure check-up (城市体检) pages: the
items in scope (overdue ones marked, deadlines in working days), an item with its timeline and
its next step; the inventory with the latest ratings and the indicators, recording assets and
check-ups, and turning a poor rating into a project or a rectification item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.models import Building
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.renewal import actions
from laoyuan.renewal.actions import rectification as rectification_actions
from laoyuan.renewal.forms.places import (
    AssetForm,
    CheckupForm,
    ItemFilterForm,
    ItemForm,
    ItemTransitionForm,
    RatingFormSet,
    RatingRectifyForm,
)
from laoyuan.renewal.models import (
    RECTIFICATION_TRANSITIONS,
    Asset,
    Checkup,
    ConditionRating,
    RectificationItem,
    RectificationState,
)
from laoyuan.renewal.queries import checkup as checkup_queries
from laoyuan.renewal.queries import rectification as queries
from laoyuan.renewal.views.common import (
    attempt,
    base_crumbs,
    compound_crumbs,
    compound_or_404,
    compounds_of,
    may,
    require_view,
)
from laoyuan.voices.models import LIVE_STATES, TopicState
from laoyuan.voices.queries import topics_for

ITEMS_PER_PAGE = 25


@login_required
@require_safe
def item_list(request: HttpRequest) -> HttpResponse:
    """Rectification items in scope, soonest deadline first."""
    user = request.user
    require_view(user)
    compounds = compounds_of(user)
    form = ItemFilterForm(request.GET, compounds=compounds)
    page = paginate(request, queries.item_list(user, **form.filters()), per_page=ITEMS_PER_PAGE)
    return render(
        request,
        "renewal/places/items.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "crumbs": [base_crumbs()[0], Crumb(_("整治清单"))],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an item on the compound's rectification list."""
    user = request.user
    compound = compound_or_404(user, pk, "renewal.manage")
    topics = (
        topics_for(user)
        .filter(compound=compound, state__in=(*LIVE_STATES, TopicState.CASE))
        .order_by("-updated_at", "-id")
    )
    form = ItemForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = attempt(
            form, lambda: actions.rectification_create(actor=user, compound=compound, **data)
        )
        if item is not None:
            messages.success(
                request,
                _("已列入整治清单，期限%(date)s（%(n)d个工作日）。")
                % {"date": item.deadline, "n": item.work_days},
            )
            return redirect("renewal:rectification", pk=item.pk)
    form.fields["topic"].queryset = topics[:MAX_OPTIONS]
    return render(
        request,
        "renewal/places/item_form.html",
        {
            "form": form,
            "compound": compound,
            "crumbs": compound_crumbs(compound, _("列入整治清单")),
        },
    )


def _item_steps(item: RectificationItem) -> list[tuple[str, str]]:
    if item.effective_state != item.state:
        return []  # closed with its case
    return [(s, RectificationState(s).label) for s in RECTIFICATION_TRANSITIONS.get(item.state, ())]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item: what, where, who, by when; its timeline; its next step."""
    user = request.user
    item = queries.item_or_404(user, pk)
    form = ItemTransitionForm(
        request.POST if request.POST.get("form") != "case" else None, states=_item_steps(item)
    )
    if request.method == "POST" and request.POST.get("form") == "case":
        if attempt(form, lambda: actions.rectification_open_case(actor=user, item=item)):
            item.refresh_from_db()
            messages.success(request, _("已转为工单 %(rid)s。") % {"rid": item.case.request_id})
            return redirect("renewal:rectification", pk=item.pk)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: actions.rectification_transition(
                actor=user, item=item, to_state=data["to_state"], note=data["note"]
            ),
        )
        if done is not None:
            messages.success(
                request, _("已改为“%(state)s”。") % {"state": done.get_state_display()}
            )
            return redirect("renewal:rectification", pk=item.pk)
    return render(
        request,
        "renewal/places/item.html",
        {
            "item": item,
            "form": form,
            "overdue": queries.is_overdue(item),
            "events": list(queries.item_events(item)),
            "may_move": bool(_item_steps(item))
            and (may(user, "renewal.rectify", item) or may(user, "renewal.inspect", item)),
            "may_open_case": item.case_id is None
            and item.is_open
            and rectification_actions.may_open_case(user, item.compound),
            "may_see_case": item.case_id is not None and may(user, "cases.view", item.case),
            "crumbs": compound_crumbs(item.compound, item.title),
        },
    )


# --- the check-up -----------------------------------------------------------------------------


@login_required
@require_safe
def checkup(request: HttpRequest, pk: int) -> HttpResponse:
    """The compound's inventory with each asset's latest rating, its indicators and check-ups."""
    user = request.user
    compound = compound_or_404(user, pk)
    return render(
        request,
        "renewal/places/checkup.html",
        {
            "compound": compound,
            "assets": list(checkup_queries.inventory(compound)),
            "indicators": checkup_queries.indicators(compound),
            "checkups": paginate(request, checkup_queries.checkups(compound), per_page=20),
            "can_checkup": may(user, "renewal.checkup", compound),
            "crumbs": compound_crumbs(compound, _("城市体检")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    compound = compound_or_404(user, pk, "renewal.checkup")
    buildings = Building.objects.filter(compound=compound).order_by("number")
    form = AssetForm(request.POST or None, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asset = attempt(
            form,
            lambda: actions.asset_add(
                actor=user,
                compound=compound,
                asset_type=data["asset_type"],
                name=data["name"],
                building=data["building"],
                quantity_value=data["quantity"] or None,
                unit=data["unit"],
                installed_year=data["installed_year"],
            ),
        )
        if asset is not None:
            messages.success(request, _("已登记设施“%(name)s”。") % {"name": asset.name})
            return redirect("renewal:checkup", pk=compound.pk)
    return render(
        request,
        "renewal/places/simple_form.html",
        {
            "form": form,
            "heading": _("登记设施"),
            "back": reverse("renewal:checkup", args=[compound.pk]),
            "crumbs": compound_crumbs(compound, _("登记设施")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkup_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check-up: one rating per asset of the inventory (assets left "未检查" skip)."""
    user = request.user
    compound = compound_or_404(user, pk, "renewal.checkup")
    assets = list(
        Asset.objects.filter(compound=compound)
        .select_related("building")
        .order_by("asset_type", "id")[:500]
    )
    form = CheckupForm(request.POST or None)
    rows = RatingFormSet(
        request.POST or None,
        prefix="r",
        initial=None if request.method == "POST" else [{"asset": a.pk} for a in assets],
    )
    by_id = {a.pk: a for a in assets}
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        entries = [
            actions.RatingEntry(
                asset=by_id[r.cleaned_data["asset"]],
                condition=r.cleaned_data["condition"],
                note=r.cleaned_data["note"],
            )
            for r in rows.forms
            if r.cleaned_data.get("asset") in by_id and r.cleaned_data.get("condition")
        ]
        data = form.cleaned_data
        made = attempt(
            form,
            lambda: actions.checkup_record(
                actor=user,
                compound=compound,
                checked_on=data["checked_on"],
                inspector=data["inspector"],
                parking_demand=data["parking_demand"],
                note=data["note"],
                ratings=entries,
            ),
        )
        if made is not None:
            messages.success(request, _("已记录体检。"))
            return redirect("renewal:checkup_detail", pk=made.pk)
    return render(
        request,
        "renewal/places/checkup_form.html",
        {
            "compound": compound,
            "form": form,
            "rows": rows,
            "rated": [(f, by_id.get(_asset_id(f))) for f in rows.forms],
            "crumbs": compound_crumbs(compound, _("记录体检")),
        },
    )


def _asset_id(form) -> int | None:
    value = form.initial.get("asset") if form.initial else form.data.get(f"{form.prefix}-asset")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_safe
def checkup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A check-up's ratings; a poor one can become a project or a rectification item."""
    user = request.user
    made = get_visible_or_404(
        user, Checkup.objects.select_related("compound", "created_by"), "renewal.view", pk=pk
    )
    return render(
        request,
        "renewal/places/checkup_detail.html",
        {
            "checkup": made,
            "compound": made.compound,
            "ratings": list(checkup_queries.checkup_ratings(made)),
            "can_propose": may(user, "renewal.manage", made.compound),
            "rectify_form": RatingRectifyForm(),
            "crumbs": compound_crumbs(made.compound, _("体检记录")),
        },
    )


def _rating_or_404(user, pk: int) -> ConditionRating:
    return get_visible_or_404(
        user,
        ConditionRating.objects.select_related("checkup__compound", "asset"),
        "renewal.view",
        pk=pk,
    )


@login_required
@require_POST
def rating_project(request: HttpRequest, pk: int) -> HttpResponse:
    """A poor rating goes into the project library (rating_to_project)."""
    user = request.user
    rating = _rating_or_404(user, pk)
    try:
        project = actions.rating_to_project(actor=user, rating=rating)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("renewal:checkup_detail", pk=rating.checkup_id)
    messages.success(request, _("已列入项目库：%(title)s。") % {"title": project.title})
    return redirect("renewal:project", pk=project.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rating_rectification(request: HttpRequest, pk: int) -> HttpResponse:
    """A poor rating goes on the rectification list (rating_to_rectification)."""
    user = request.user
    rating = _rating_or_404(user, pk)
    if not may(user, "renewal.manage", rating.checkup.compound):
        raise Http404
    form = RatingRectifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = attempt(
            form,
            lambda: actions.rating_to_rectification(
                actor=user,
                rating=rating,
                responsible_party=data["responsible_party"],
                work_days=data["work_days"],
            ),
        )
        if item is not None:
            messages.success(request, _("已列入整治清单，期限%(date)s。") % {"date": item.deadline})
            return redirect("renewal:rectification", pk=item.pk)
    return render(
        request,
        "renewal/places/simple_form.html",
        {
            "form": form,
            "heading": _("列入整治清单：%(asset)s（%(c)s）")
            % {"asset": rating.asset.name, "c": rating.get_condition_display()},
            "back": reverse("renewal:checkup_detail", args=[rating.checkup_id]),
            "crumbs": compound_crumbs(rating.checkup.compound, _("列入整治清单")),
        },
    )


urlpatterns: list = [
    path("renewal/rectifications/", item_list, name="rectifications"),
    path("renewal/compounds/<int:pk>/rectifications/new/", item_new, name="rectification_new"),
    path("renewal/rectifications/<int:pk>/", item_detail, name="rectification"),
    path("renewal/compounds/<int:pk>/checkup/", checkup, name="checkup"),
    path("renewal/compounds/<int:pk>/assets/new/", asset_new, name="asset_new"),
    path("renewal/compounds/<int:pk>/checkups/new/", checkup_new, name="checkup_new"),
    path("renewal/checkups/<int:pk>/", checkup_detail, name="checkup_detail"),
    path("renewal/ratings/<int:pk>/project/", rating_project, name="rating_project"),
    path(
        "renewal/ratings/<int:pk>/rectification/", rating_rectification, name="rating_rectification"
    ),
]
