"""Pages of the project library (改造项目库): the list in scope, a compound's renewal page (its
library, rectification list and check-up at a glance), putting a project in the library,
a project's page with its checklist for each next step, editing it, moving it on, linking
topics and the meeting decision, attaching documents and reading them back (sealed).

Views parse input and call the actions; anything out of the user's scope — or that the user
may not change — answers 404, exactly as something that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core.scopes import get_visible_or_404
from laoyuan.decisions.models import Decision
from laoyuan.registry.models import Building
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.renewal import actions, requirements
from laoyuan.renewal.actions.links import PLAN_NOTICE_STATES
from laoyuan.renewal.forms.projects import (
    AttachmentForm,
    ProjectFilterForm,
    ProjectForm,
    QuantityFormSet,
    ResolutionForm,
    TopicsForm,
    TransitionForm,
    quantity_entries,
)
from laoyuan.renewal.models import (
    LIFECYCLE,
    PROJECT_TRANSITIONS,
    Project,
    ProjectAttachment,
    ProjectState,
)
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import checkup as checkup_queries
from laoyuan.renewal.queries import funding as funding_queries
from laoyuan.renewal.queries import links as link_queries
from laoyuan.renewal.queries import projects as queries
from laoyuan.renewal.queries import rectification as item_queries
from laoyuan.renewal.views.common import (
    attempt,
    base_crumbs,
    compound_crumbs,
    compound_or_404,
    compounds_of,
    may,
    project_crumbs,
    require_view,
)
from laoyuan.voices.models import TopicState
from laoyuan.voices.queries import topics_for

PROJECTS_PER_PAGE = 25
EVENTS_PER_PAGE = 50


@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects in scope, newest first, with filters (compound, state, class, behind schedule,
    title); each row with its progress."""
    user = request.user
    require_view(user)
    compounds = compounds_of(user)
    form = ProjectFilterForm(request.GET, compounds=compounds)
    page = paginate(
        request, queries.project_list(user, **form.filters()), per_page=PROJECTS_PER_PAGE
    )
    queries.with_progress(list(page.object_list))
    for p in page.object_list:
        p.progress_percent = percent_down(p.progress)
    return render(
        request,
        "renewal/projects/list.html",
        {
            "form": form,
            "page": page,
            "compounds": compounds,
            "crumbs": [base_crumbs()[0], Crumb(_("改造项目"))],
        },
    )


@login_required
@require_safe
def compound_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's renewal (小区改造): its project library, the open rectification items and
    the check-up's indicators."""
    user = request.user
    compound = compound_or_404(user, pk)
    projects = paginate(
        request,
        queries.project_list(user, compound_id=compound.pk),
        per_page=PROJECTS_PER_PAGE,
    )
    queries.with_progress(list(projects.object_list))
    for p in projects.object_list:
        p.progress_percent = percent_down(p.progress)
    items = item_queries.item_list(user, compound_id=compound.pk, state="open")
    return render(
        request,
        "renewal/compound.html",
        {
            "compound": compound,
            "projects": projects,
            "items": list(items[:20]),
            "items_total": items.count(),
            "indicators": checkup_queries.indicators(compound),
            "can_manage": may(user, "renewal.manage", compound),
            "can_checkup": may(user, "renewal.checkup", compound),
            "crumbs": compound_crumbs(compound),
        },
    )


def _project_form(request: HttpRequest, compound, *, initial=None, quantities=None):
    buildings = Building.objects.filter(compound=compound).order_by("number")
    if request.method == "POST":
        return (
            ProjectForm(request.POST, buildings=buildings),
            QuantityFormSet(request.POST, prefix="q"),
        )
    return (
        ProjectForm(initial=initial, buildings=buildings),
        QuantityFormSet(initial=quantities, prefix="q"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a project in a compound's library (project_create)."""
    user = request.user
    compound = compound_or_404(user, pk, "renewal.manage")
    form, rows = _project_form(request, compound)
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        project = attempt(
            form,
            lambda: actions.project_create(
                actor=user, compound=compound, fields=form.project_fields(quantity_entries(rows))
            ),
        )
        if project is not None:
            messages.success(request, _("已把“%(title)s”列入项目库。") % {"title": project.title})
            return redirect("renewal:project", pk=project.pk)
    return render(
        request,
        "renewal/projects/form.html",
        {
            "form": form,
            "rows": rows,
            "compound": compound,
            "project": None,
            "crumbs": compound_crumbs(compound, _("新建改造项目")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a project's fields and scope (project_edit)."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    initial = {
        "title": project.title,
        "item_type": project.item_type,
        "description": project.description,
        "buildings": list(project.buildings.values_list("pk", flat=True)),
        "budget": project.budget if project.budget is not None else "",
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "designer": project.designer,
        "contractor": project.contractor,
        "vote_matter": project.vote_matter,
        "fund_emergency": project.fund_emergency,
        "fund_emergency_reason": project.fund_emergency_reason,
    }
    quantities = [
        {"item": q.item, "amount": q.amount, "unit": q.unit}
        for q in project.quantities.order_by("id")
    ]
    form, rows = _project_form(request, project.compound, initial=initial, quantities=quantities)
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        done = attempt(
            form,
            lambda: actions.project_edit(
                actor=user, project=project, fields=form.project_fields(quantity_entries(rows))
            ),
        )
        if done is not None:
            messages.success(request, _("已保存“%(title)s”。") % {"title": done.title})
            return redirect("renewal:project", pk=project.pk)
    return render(
        request,
        "renewal/projects/form.html",
        {
            "form": form,
            "rows": rows,
            "compound": project.compound,
            "project": project,
            "crumbs": project_crumbs(project, _("修改项目")),
        },
    )


@login_required
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a project at a glance: facts, where it stands in the lifecycle with the
    checklist of each next step, its owners' vote and its notices, the topics and voices that
    asked for it, money, progress, supervision, documents and the timeline."""
    user = request.user
    project = queries.project_or_404(user, pk)
    facts = requirements.facts_of(project)
    can_manage = may(user, "renewal.manage", project)
    steps = queries.next_steps(project, facts) if can_manage else []
    statement = funding_queries.accounts_statement(project)
    events = paginate(
        request, queries.project_events(project), per_page=EVENTS_PER_PAGE, param="events_page"
    )
    current = LIFECYCLE.index(project.state) if project.state in LIFECYCLE else -1
    return render(
        request,
        "renewal/projects/detail.html",
        {
            "project": project,
            "facts": facts,
            "progress": percent_down(facts.progress),
            "lifecycle": [
                (s, ProjectState(s).label, i < current, i == current)
                for i, s in enumerate(LIFECYCLE)
            ],
            "steps": steps,
            "topics": list(queries.project_topics(project)),
            "voice_count": queries.project_voice_count(project),
            "quantities": list(project.quantities.select_related("building").order_by("id")),
            "buildings": list(project.buildings.order_by("number")),
            "attachments": list(
                project.attachments.select_related("uploaded_by").order_by("kind", "id")
            ),
            "statement": statement,
            "open_problems": facts.open_problems,
            "events": events,
            "can_manage": can_manage,
            "can_fund": may(user, "renewal.funds", project),
            "vote": facts.vote,
            "can_see_votes": may(user, "votes.view", project.compound),
            "notices": link_queries.project_notices(project),
            "can_see_notices": may(user, "notices.view", project.compound),
            "can_publish_plan": can_manage
            and project.state in PLAN_NOTICE_STATES
            and may(user, "notices.publish", project.compound),
            "can_publish_accounts": project.state != ProjectState.CANCELLED
            and statement_has_sources(statement)
            and may(user, "renewal.funds", project)
            and may(user, "notices.publish", project.compound),
            "crumbs": project_crumbs(project),
        },
    )


def statement_has_sources(statement) -> bool:
    return bool(statement.lines)


def _step_choices(project: Project) -> list[tuple[str, str]]:
    return [(s, ProjectState(s).label) for s in PROJECT_TRANSITIONS.get(project.state, ())]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the project one step; a refusal lists every requirement missing, in Chinese."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    form = TransitionForm(request.POST or None, states=_step_choices(project))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            lambda: actions.project_transition(
                actor=user,
                project=project,
                to_state=form.cleaned_data["to_state"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("项目“%(title)s”已改为“%(state)s”。")
                % {"title": done.title, "state": done.get_state_display()},
            )
            return redirect("renewal:project", pk=project.pk)
    elif request.method != "POST" and request.GET.get("to") in dict(_step_choices(project)):
        form = TransitionForm(
            initial={"to_state": request.GET["to"]}, states=_step_choices(project)
        )
    return render(
        request,
        "renewal/projects/transition.html",
        {
            "project": project,
            "form": form,
            "steps": queries.next_steps(project),
            "crumbs": project_crumbs(project, _("推进项目")),
        },
    )


def _linkable_topics(user, project: Project):
    return (
        topics_for(user, "topics.decide")
        .filter(compound_id=project.compound_id, state__in=(TopicState.DECIDED, TopicState.PROJECT))
        .exclude(renewal_projects=project)
        .annotate(voice_count=Count("voices"))
        .order_by("-updated_at", "-id")
    )


def _decisions(project: Project):
    return (
        Decision.objects.filter(meeting__compound_id=project.compound_id)
        .select_related("meeting", "topic")
        .order_by("-meeting__held_on", "-id")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_topics(request: HttpRequest, pk: int) -> HttpResponse:
    """Link decided topics of the compound to the project, and name the meeting decision it
    was decided by."""
    user = request.user
    project = queries.project_or_404(user, pk, "renewal.manage")
    topics = _linkable_topics(user, project)
    decisions = _decisions(project)
    which = request.POST.get("form", "")
    topics_form = TopicsForm(request.POST if which == "topics" else None, topics=topics)
    resolution_form = ResolutionForm(
        request.POST if which == "resolution" else None,
        decisions=decisions,
        initial={"resolution": project.resolution_id},
    )
    if request.method == "POST":
        if which == "topics" and topics_form.is_valid():
            chosen = list(topics_form.cleaned_data["topics"])
            if attempt(
                topics_form,
                lambda: actions.project_link_topics(actor=user, project=project, topics=chosen),
            ):
                messages.success(
                    request, _("已关联%(n)d个议题，已通知反映人。") % {"n": len(chosen)}
                )
                return redirect("renewal:project", pk=project.pk)
        elif which == "resolution" and resolution_form.is_valid():
            decision = resolution_form.cleaned_data["resolution"]
            if attempt(
                resolution_form,
                lambda: actions.project_set_resolution(
                    actor=user, project=project, decision=decision
                ),
            ):
                messages.success(request, _("已关联会议决议。"))
                return redirect("renewal:project", pk=project.pk)
    topics_form.fields["topics"].queryset = topics[:MAX_OPTIONS]
    resolution_form.fields["resolution"].queryset = decisions[:MAX_OPTIONS]
    return render(
        request,
        "renewal/projects/topics.html",
        {
            "project": project,
            "topics_form": topics_form,
            "resolution_form": resolution_form,
            "linked": list(queries.project_topics(project)),
            "crumbs": project_crumbs(project, _("议题与决议")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document, checked by content and sealed at rest (attachment_add)."""
    user = request.user
    project = queries.project_or_404(user, pk)
    if not (may(user, "renewal.manage", project) or may(user, "renewal.funds", project)):
        raise Http404
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method != "POST" and request.GET.get("kind"):
        form = AttachmentForm(initial={"kind": request.GET["kind"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: actions.attachment_add(
                actor=user,
                project=project,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
            ),
        )
        if done is not None:
            messages.success(request, _("已上传“%(title)s”。") % {"title": done.title})
            return redirect("renewal:project", pk=project.pk)
    return render(
        request,
        "renewal/projects/attach.html",
        {"project": project, "form": form, "crumbs": project_crumbs(project, _("上传附件"))},
    )


EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document of a project in scope, opened from sealed storage."""
    attachment = get_visible_or_404(
        request.user, ProjectAttachment.objects.select_related("project"), "renewal.view", pk=pk
    )
    name = f"{attachment.title}.{EXTENSIONS.get(attachment.content_type, 'bin')}"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type != "image/jpeg",
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    return response


urlpatterns: list = [
    path("renewal/projects/", project_list, name="projects"),
    path("renewal/compounds/<int:pk>/", compound_page, name="compound"),
    path("renewal/compounds/<int:pk>/projects/new/", project_new, name="project_new"),
    path("renewal/projects/<int:pk>/", project_detail, name="project"),
    path("renewal/projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("renewal/projects/<int:pk>/transition/", project_transition, name="project_transition"),
    path("renewal/projects/<int:pk>/topics/", project_topics, name="project_topics"),
    path("renewal/projects/<int:pk>/attachments/new/", project_attach, name="project_attach"),
    path("renewal/attachments/<int:pk>/", attachment_download, name="attachment"),
]
