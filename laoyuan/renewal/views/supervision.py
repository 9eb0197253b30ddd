"""Supervision pages (居民监督): volunteers (found by name among the compound's residents, or
signed up on the portal), the supervision group drawn in public (with the draw re-run on the
page, so anyone can check it) or elected, and inspections with photos and the problems found.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry.models import Resident
from laoyuan.renewal import actions
from laoyuan.renewal import draw as draw_math
from laoyuan.renewal.forms.supervision import (
    DrawForm,
    ElectForm,
    InspectionForm,
    ProblemFormSet,
    ResidentSearchForm,
    problem_entries,
)
from laoyuan.renewal.models import (
    GroupMember,
    Inspection,
    InspectionPhoto,
    SupervisionGroup,
    Volunteer,
)
from laoyuan.renewal.queries import projects as queries
from laoyuan.renewal.queries import rectification as item_queries
from laoyuan.renewal.views.common import attempt, may, project_crumbs

SEARCH_LIMIT = 20


def _draw_check(group: SupervisionGroup | None) -> bool | None:
    """Run the recorded draw again from its seed and candidates: does it give the same?"""
    if group is None or not group.draw:
        return None
    numbers = [row["number"] for row in group.draw]
    again = draw_math.run_draw(group.seed, numbers, group.seats)
    return [(t.number, t.key, t.chosen) for t in again] == [
        (row["number"], row["key"], row["chosen"]) for row in group.draw
    ]


@login_required
@require_safe
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteers, the group (and its draw, checked again) and the inspections."""
    user = request.user
    project = queries.project_or_404(user, pk)
    group = SupervisionGroup.objects.filter(project=project).first()
    can_manage = may(user, "renewal.manage", project)
    search = ResidentSearchForm(request.GET)
    found = []
    if can_manage and search.is_valid() and search.cleaned_data["q"].strip():
        found = list(
            visible(user, Resident, "registry.view")
            .filter(
                compound_id=project.compound_id,
                is_active=True,
                name__contains=search.cleaned_data["q"].strip(),
            )
            .exclude(pk__in=Volunteer.objects.filter(project=project).values("resident_id"))
            .select_related("household__unit__building", "household__unit__entrance")
            .order_by("name", "pk")[:SEARCH_LIMIT]
        )
    volunteers = list(queries.project_volunteers(project))
    by_volunteer = {row["volunteer"]: row for row in (group.draw if group else [])}
    for v in volunteers:
        v.ticket = by_volunteer.get(v.pk)
    return render(
        request,
        "renewal/supervision/supervision.html",
        {
            "project": project,
            "group": group,
            "members": list(queries.group_members(project)) if group else [],
            "volunteers": volunteers,
            "draw_ok": _draw_check(group),
            "search": search,
            "found": found,
            "draw_form": DrawForm(),
            "elect_form": ElectForm(volunteers=queries.project_volunteers(project)),
            "inspections": list(queries.project_inspections(project)),
            "problems": list(item_queries.item_list(user, project_id=project.pk)),
            "can_manage": can_manage,
            "can_inspect": may(user, "renewal.inspect", project),
            "crumbs": project_crumbs(project, _("监督小组与检查")),
        },
    )


@login_required
@require_POST
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a resident of the compound as a volunteer (volunteer_add)."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    raw = request.POST.get("resident", "")
    resident = None
    if raw.isdigit() and len(raw) < 19:
        resident = (
            visible(user, Resident, "registry.view")
            .filter(pk=int(raw), compound_id=project.compound_id)
            .first()
        )
    if resident is None:
        messages.error(request, _("没有找到这位居民，请重新搜索。"))
        return redirect("renewal:supervision", pk=project.pk)
    try:
        volunteer = actions.volunteer_add(actor=user, project=project, resident=resident)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(
            request,
            _("已登记%(name)s为监督志愿者（%(n)d号）。")
            % {"name": resident.name, "n": volunteer.number},
        )
    return redirect("renewal:supervision", pk=project.pk)


def _group_page(request, project, form, which: str) -> HttpResponse:
    return render(
        request,
        "renewal/supervision/group_form.html",
        {
            "project": project,
            "form": form,
            "which": which,
            "volunteers": list(queries.project_volunteers(project)),
            "crumbs": project_crumbs(project, _("成立监督小组")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Form the group by a public draw among the volunteers (group_draw)."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        group = attempt(
            form,
            lambda: actions.group_draw(
                actor=user,
                project=project,
                seats=data["seats"],
                seed=data["seed"],
                witnesses=data["witnesses"],
                formed_on=data["formed_on"],
            ),
        )
        if group is not None:
            messages.success(request, _("抽签完成，监督小组已成立。"))
            return redirect("renewal:supervision", pk=project.pk)
    return _group_page(request, project, form, "draw")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_elect(request: HttpRequest, pk: int) -> HttpResponse:
    """Form the group from the volunteers the residents elected (group_elect)."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = ElectForm(request.POST or None, volunteers=queries.project_volunteers(project))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        group = attempt(
            form,
            lambda: actions.group_elect(
                actor=user,
                project=project,
                volunteers=list(data["volunteers"]),
                leader=data["leader"],
                formed_on=data["formed_on"],
            ),
        )
        if group is not None:
            messages.success(request, _("监督小组已成立。"))
            return redirect("renewal:supervision", pk=project.pk)
    return _group_page(request, project, form, "elect")


@login_required
@require_POST
def member_leader(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a member the group's leader (group_set_leader)."""
    user = request.user
    member = get_visible_or_404(
        user,
        GroupMember.objects.select_related("group__project", "volunteer__resident"),
        "renewal.manage",
        pk=pk,
    )
    try:
        actions.group_set_leader(actor=user, member=member)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("组长：%(name)s。") % {"name": member.volunteer.resident.name})
    return redirect("renewal:supervision", pk=member.group.project_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an inspection with photos and the problems found, each with its deadline."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.inspect")
    form = InspectionForm(request.POST or None, request.FILES or None)
    rows = ProblemFormSet(request.POST or None, prefix="p")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        data = form.cleaned_data
        inspection = attempt(
            form,
            lambda: actions.inspection_record(
                actor=user,
                project=project,
                inspected_on=data["inspected_on"],
                inspectors=data["inspectors"],
                findings=data["findings"],
                photos=data["photos"],
                problems=problem_entries(rows),
            ),
        )
        if inspection is not None:
            messages.success(
                request,
                _("已记录监督检查，发现%(n)d个问题。") % {"n": inspection.problems.count()},
            )
            return redirect("renewal:inspection", pk=inspection.pk)
    return render(
        request,
        "renewal/supervision/inspection_form.html",
        {
            "project": project,
            "form": form,
            "rows": rows,
            "crumbs": project_crumbs(project, _("记录监督检查")),
        },
    )


@login_required
@require_safe
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = get_visible_or_404(
        user,
        Inspection.objects.select_related("project__compound", "recorded_by"),
        "renewal.view",
        pk=pk,
    )
    return render(
        request,
        "renewal/supervision/inspection.html",
        {
            "inspection": inspection,
            "project": inspection.project,
            "photos": list(inspection.photos.order_by("id")),
            "problems": list(inspection.problems.select_related("case").order_by("deadline", "id")),
            "crumbs": project_crumbs(inspection.project, _("监督检查")),
        },
    )


@login_required
@require_safe
def inspection_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of an inspection in scope (sealed at rest, opened here)."""
    photo = get_visible_or_404(
        request.user, InspectionPhoto.objects.only("image"), "renewal.view", pk=pk
    )
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list = [
    path("renewal/projects/<int:pk>/supervision/", supervision, name="supervision"),
    path("renewal/projects/<int:pk>/volunteers/new/", volunteer_add, name="volunteer_add"),
    path("renewal/projects/<int:pk>/group/draw/", group_draw, name="group_draw"),
    path("renewal/projects/<int:pk>/group/elect/", group_elect, name="group_elect"),
    path("renewal/members/<int:pk>/leader/", member_leader, name="member_leader"),
    path("renewal/projects/<int:pk>/inspections/new/", inspection_new, name="inspection_new"),
    path("renewal/inspections/<int:pk>/", inspection_detail, name="inspection"),
    path("renewal/inspection-photos/<int:pk>/", inspection_photo, name="inspection_photo"),
]
