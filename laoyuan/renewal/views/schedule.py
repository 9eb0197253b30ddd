"""Schedule and acceptance pages (进度与验收): milestones with planned and actual dates, work
items and the progress they roll up to, the group's sign-off, the satisfaction survey (opened,
answered on paper by staff or on the portal by residents, closed, counted exactly) and the
maintenance schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.models import Building, Household, Unit
from laoyuan.renewal import actions
from laoyuan.renewal.forms.supervision import (
    DoneForm,
    MaintenanceForm,
    MilestoneForm,
    PaperAnswerForm,
    SignoffForm,
    SurveyOpenForm,
    WorkItemForm,
    WorkReportForm,
)
from laoyuan.renewal.models import (
    AnswerChannel,
    GroupMember,
    MaintenanceTask,
    Milestone,
    Survey,
    WorkItem,
)
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import projects as queries
from laoyuan.renewal.views.common import attempt, may, project_crumbs


def _form_page(request, project, form, heading: str, back: str) -> HttpResponse:
    return render(
        request,
        "renewal/supervision/simple_form.html",
        {
            "project": project,
            "form": form,
            "heading": heading,
            "back": back,
            "crumbs": project_crumbs(project, heading),
        },
    )


@login_required
@require_safe
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Milestones (late ones marked), work items with what is done, and the progress figure."""
    user = request.user
    project = queries.project_or_404(user, pk)
    plan = queries.schedule(project)
    for item in plan.work_items:
        item.percent = percent_down(item.fraction)
    return render(
        request,
        "renewal/supervision/schedule.html",
        {
            "project": project,
            "plan": plan,
            "progress": percent_down(plan.progress),
            "can_manage": may(user, "renewal.manage", project),
            "crumbs": project_crumbs(project, _("进度")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: actions.milestone_add(actor=user, project=project, **data)):
            messages.success(request, _("已添加节点“%(name)s”。") % {"name": data["name"]})
            return redirect("renewal:schedule", pk=project.pk)
    return _form_page(request, project, form, _("添加进度节点"), "renewal:schedule")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day a milestone was reached."""
    user = request.user
    milestone = get_visible_or_404(
        user, Milestone.objects.select_related("project__compound"), "renewal.manage", pk=pk
    )
    form = DoneForm(request.POST or None)
    del form.fields["note"]
    if request.method == "POST" and form.is_valid():
        done_on = form.cleaned_data["done_on"]
        if attempt(
            form, lambda: actions.milestone_done(actor=user, milestone=milestone, done_on=done_on)
        ):
            messages.success(request, _("已记录“%(name)s”完成。") % {"name": milestone.name})
            return redirect("renewal:schedule", pk=milestone.project_id)
    heading = _("节点完成：%(name)s（计划%(date)s）") % {
        "name": milestone.name,
        "date": milestone.planned_on,
    }
    return _form_page(request, milestone.project, form, heading, "renewal:schedule")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def work_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = WorkItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: actions.work_item_add(actor=user, project=project, **data)):
            messages.success(request, _("已添加工程子项“%(name)s”。") % {"name": data["name"]})
            return redirect("renewal:schedule", pk=project.pk)
    return _form_page(request, project, form, _("添加工程子项"), "renewal:schedule")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def work_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the running total done of a work item (work_item_report)."""
    user = request.user
    item = get_visible_or_404(
        user, WorkItem.objects.select_related("project__compound"), "renewal.manage", pk=pk
    )
    form = WorkReportForm(request.POST or None, initial={"done_quantity": item.done_quantity})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: actions.work_item_report(actor=user, item=item, **data)):
            messages.success(request, _("已填报“%(name)s”的进度。") % {"name": item.name})
            return redirect("renewal:schedule", pk=item.project_id)
    heading = _("填报进度：%(name)s（计划%(q)s%(unit)s）") % {
        "name": item.name,
        "q": item.planned_quantity,
        "unit": item.unit,
    }
    return _form_page(request, item.project, form, heading, "renewal:schedule")


# --- acceptance -------------------------------------------------------------------------------


def _unsigned(project):
    return (
        GroupMember.objects.filter(group__project=project, signoff__isnull=True)
        .select_related("volunteer__resident")
        .order_by("volunteer__number")
    )


@login_required
@require_safe
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's sign-off, the survey and its exact results, the maintenance schedule."""
    user = request.user
    project = queries.project_or_404(user, pk)
    members = list(queries.group_members(project))
    return render(
        request,
        "renewal/supervision/acceptance.html",
        {
            "project": project,
            "members": members,
            "agree": sum(1 for m in members if getattr(m, "signoff", None) and m.signoff.agrees),
            "results": queries.survey_results(project),
            "maintenance": list(project.maintenance.order_by("next_due", "id")),
            "can_manage": may(user, "renewal.manage", project),
            "crumbs": project_crumbs(project, _("验收与维护")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signoff_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a member's signature from the paper acceptance form (signoff_record)."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = SignoffForm(request.POST or None, members=_unsigned(project))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: actions.signoff_record(
                actor=user,
                project=project,
                member=data["member"],
                agrees=data["agrees"],
                remark=data["remark"],
            ),
        ):
            messages.success(request, _("已记录签字。"))
            return redirect("renewal:acceptance", pk=project.pk)
    return _form_page(request, project, form, _("记录验收签字"), "renewal:acceptance")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the residents' satisfaction survey; residents are told in the background."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = SurveyOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closes_on = form.cleaned_data["closes_on"]
        if attempt(
            form, lambda: actions.survey_open(actor=user, project=project, closes_on=closes_on)
        ):
            messages.success(request, _("满意度调查已开始，已通知本项目涉及的居民。"))
            return redirect("renewal:acceptance", pk=project.pk)
    return _form_page(request, project, form, _("开始居民满意度调查"), "renewal:acceptance")


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    survey = Survey.objects.filter(project=project).first()
    if survey is None:
        raise Http404
    try:
        actions.survey_close(actor=user, survey=survey)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("满意度调查已结束。"))
    return redirect("renewal:acceptance", pk=project.pk)


def _household_of(building: Building, entrance: str, room: str) -> tuple[Household | None, str]:
    units = Unit.objects.filter(building=building, room_number=room.strip())
    if entrance.strip():
        units = units.filter(entrance__number=entrance.strip())
    found = list(units[:2])
    if not found:
        return None, _("没有找到这个房号。")
    if len(found) > 1:
        return None, _("这栋楼有几个单元都有这个房号，请填写单元。")
    household = Household.objects.filter(unit=found[0], is_active=True).order_by("pk").first()
    if household is None:
        return None, _("这套房屋没有在住的住户。")
    return household, ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a paper answer (纸质问卷) for a household that answered on paper."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    survey = Survey.objects.filter(project=project).first()
    if survey is None:
        raise Http404
    buildings = Building.objects.filter(compound_id=project.compound_id).order_by("number")
    form = PaperAnswerForm(request.POST or None, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household, problem = _household_of(data["building"], data["entrance"], data["room"])
        if household is None:
            form.add_error("room", problem)
        elif attempt(
            form,
            lambda: actions.survey_answer(
                actor=user,
                survey=survey,
                household=household,
                choice=data["choice"],
                comment=data["comment"],
                channel=AnswerChannel.PAPER,
            ),
        ):
            messages.success(request, _("已录入%(unit)s的答卷。") % {"unit": household.unit})
            return redirect("renewal:survey_paper", pk=project.pk)
    return _form_page(request, project, form, _("录入纸质答卷"), "renewal:acceptance")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def maintenance_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = MaintenanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: actions.maintenance_add(actor=user, project=project, **data)):
            messages.success(request, _("已添加维护计划。"))
            return redirect("renewal:acceptance", pk=project.pk)
    return _form_page(request, project, form, _("添加维护计划"), "renewal:acceptance")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def maintenance_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_visible_or_404(
        user, MaintenanceTask.objects.select_related("project__compound"), "renewal.manage", pk=pk
    )
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: actions.maintenance_done(
                actor=user, task=task, done_on=data["done_on"], note=data["note"]
            ),
        ):
            messages.success(request, _("已记录维护。"))
            return redirect("renewal:acceptance", pk=task.project_id)
    heading = _("记录维护：%(name)s") % {"name": task.name}
    return _form_page(request, task.project, form, heading, "renewal:acceptance")


urlpatterns: list = [
    path("renewal/projects/<int:pk>/schedule/", schedule, name="schedule"),
    path("renewal/projects/<int:pk>/milestones/new/", milestone_new, name="milestone_new"),
    path("renewal/milestones/<int:pk>/done/", milestone_done, name="milestone_done"),
    path("renewal/projects/<int:pk>/work-items/new/", work_item_new, name="work_item_new"),
    path("renewal/work-items/<int:pk>/report/", work_report, name="work_report"),
    path("renewal/projects/<int:pk>/acceptance/", acceptance, name="acceptance"),
    path("renewal/projects/<int:pk>/signoffs/new/", signoff_new, name="signoff_new"),
    path("renewal/projects/<int:pk>/survey/open/", survey_open, name="survey_open"),
    path("renewal/projects/<int:pk>/survey/close/", survey_close, name="survey_close"),
    path("renewal/projects/<int:pk>/survey/paper/", survey_paper, name="survey_paper"),
    path("renewal/projects/<int:pk>/maintenance/new/", maintenance_new, name="maintenance_new"),
    path("renewal/maintenance/<int:pk>/done/", maintenance_done, name="maintenance_done"),
]
