"""The resident's side of renewal (居民端): the projects of her compound and, for each, where it
stands, how many neighbours asked for it (and whether she did), the progress, the public
accounts, her household's share, and what she can do — volunteer to supervise, sign the
acceptance if she sits in the group, answer the satisfaction survey once for her household.
Nothing here names another resident. Staff have no portal (404), as elsewhere."""

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

from laoyuan.core.scopes import has_permission
from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.renewal import actions, requirements
from laoyuan.renewal.actions.supervision import own_households
from laoyuan.renewal.forms.supervision import PortalSignoffForm, PortalSurveyForm
from laoyuan.renewal.models import LIFECYCLE, EventKind, ProjectEvent, ProjectState, Survey
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import funding as funding_queries
from laoyuan.renewal.queries import portal as queries
from laoyuan.voices.models import Voice

PROJECTS_PER_PAGE = 10


def _require_resident(user) -> None:
    if not has_permission(user, "portal.renewal"):
        raise Http404


def _crumbs(here: str = "", project=None) -> list[Crumb]:
    crumbs = [
        Crumb(_("我的家"), reverse("registry:portal")),
        Crumb(_("小区改造"), reverse("renewal:portal_projects") if here or project else ""),
    ]
    if project is not None:
        crumbs.append(Crumb(project.title, reverse("renewal:portal_project", args=[project.pk])))
    if here:
        crumbs.append(Crumb(here))
    return crumbs


@login_required
@require_safe
def portal_projects(request: HttpRequest) -> HttpResponse:
    """The renovation projects of her compound, the latest news first."""
    _require_resident(request.user)
    page = paginate(request, queries.portal_projects(request.user), per_page=PROJECTS_PER_PAGE)
    return render(
        request,
        "renewal/portal/projects.html",
        {
            "page": page,
            "crumbs": [Crumb(_("我的家"), reverse("registry:portal")), Crumb(_("小区改造"))],
        },
    )


def _project_context(request: HttpRequest, project) -> dict:
    user = request.user
    facts = requirements.facts_of(project)
    current = LIFECYCLE.index(project.state) if project.state in LIFECYCLE else -1
    survey = Survey.objects.filter(project=project).first()
    today = timezone.localdate()
    survey_open = bool(survey and survey.closed_at is None and today <= survey.closes_on)
    member = queries.my_membership(user, project)
    answered = queries.my_answer(user, project)
    statement = funding_queries.accounts_statement(project)
    return {
        "project": project,
        "progress": percent_down(facts.progress),
        "lifecycle": [
            (ProjectState(s).label, i < current, i == current) for i, s in enumerate(LIFECYCLE)
        ],
        "neighbours": Voice.objects.filter(topic__renewal_projects=project).count(),
        "mine": Voice.objects.filter(topic__renewal_projects=project, author=user).count(),
        "news": list(
            ProjectEvent.objects.filter(
                project=project, kind__in=(EventKind.CREATED, EventKind.STATE)
            ).order_by("-at", "-id")[:12]
        )[::-1],
        "statement": statement,
        "shares": [(s, s.collected or 0) for s in queries.my_shares(user, project)[:5]],
        "volunteer": queries.my_volunteering(user, project),
        "may_volunteer": queries.may_volunteer(project),
        "member": member,
        "may_sign": bool(
            member and project.state == ProjectState.CONSTRUCTION and not hasattr(member, "signoff")
        ),
        "survey": survey,
        "survey_open": survey_open and answered is None,
        "answered": answered,
        "survey_form": PortalSurveyForm(),
        "signoff_form": PortalSignoffForm(),
        "crumbs": [
            Crumb(_("我的家"), reverse("registry:portal")),
            Crumb(_("小区改造"), reverse("renewal:portal_projects")),
            Crumb(project.title),
        ],
    }


@login_required
@require_safe
def portal_project(request: HttpRequest, pk: int) -> HttpResponse:
    """One project of her compound: where it stands and what she can do."""
    _require_resident(request.user)
    project = queries.portal_project_or_404(request.user, pk)
    return render(request, "renewal/portal/project.html", _project_context(request, project))


@login_required
@require_POST
def portal_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    """She offers to supervise the project (volunteer_signup)."""
    _require_resident(request.user)
    project = queries.portal_project_or_404(request.user, pk)
    try:
        volunteer = actions.volunteer_signup(actor=request.user, project=project)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("谢谢您报名监督！您的报名序号是%(n)d号。监督小组成立时，社区会通知您。")
            % {"n": volunteer.number},
        )
    return redirect("renewal:portal_project", pk=project.pk)


def _form_again(request, project, **forms) -> HttpResponse:
    context = _project_context(request, project)
    context.update(forms)
    return render(request, "renewal/portal/project.html", context)


@login_required
@require_http_methods(["POST"])
def portal_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    """A member of the supervision group signs the acceptance on her phone."""
    _require_resident(request.user)
    project = queries.portal_project_or_404(request.user, pk)
    form = PortalSignoffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.signoff_mine(
                actor=request.user, project=project, agrees=data["agrees"], remark=data["remark"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已签字，谢谢您的监督。"))
            return redirect("renewal:portal_project", pk=project.pk)
    return _form_again(request, project, signoff_form=form)


@login_required
@require_http_methods(["POST"])
def portal_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """Her household's answer to the satisfaction survey (once per household)."""
    _require_resident(request.user)
    project = queries.portal_project_or_404(request.user, pk)
    survey = Survey.objects.filter(project=project).first()
    homes = [h for h in own_households(request.user) if h.compound_id == project.compound_id]
    if survey is None or not homes:
        raise Http404
    form = PortalSurveyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.survey_answer(
                actor=request.user,
                survey=survey,
                household=homes[0],
                choice=data["choice"],
                comment=data["comment"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("谢谢您！您家的评价已收到。"))
            return redirect("renewal:portal_project", pk=project.pk)
    return _form_again(request, project, survey_form=form)


@login_required
@require_safe
def portal_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's accounts as residents see them (the statement; no one named)."""
    _require_resident(request.user)
    project = queries.portal_project_or_404(request.user, pk)
    return render(
        request,
        "renewal/portal/accounts.html",
        {
            "project": project,
            "statement": funding_queries.accounts_statement(project),
            "crumbs": _crumbs(_("项目账目"), project),
        },
    )


urlpatterns: list = [
    path("portal/renewal/", portal_projects, name="portal_projects"),
    path("portal/renewal/<int:pk>/", portal_project, name="portal_project"),
    path("portal/renewal/<int:pk>/volunteer/", portal_volunteer, name="portal_volunteer"),
    path("portal/renewal/<int:pk>/signoff/", portal_signoff, name="portal_signoff"),
    path("portal/renewal/<int:pk>/survey/", portal_survey, name="portal_survey"),
    path("portal/renewal/<int:pk>/accounts/", portal_accounts, name="portal_accounts"),
]
