"""The renewal API for residents (居民端): her compound's projects, one project with her
household's share and what she can do, volunteering, her household's survey answer and, for a
member of the supervision group, her signature. Nothing names another resident."""

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Status
from ninja.pagination import paginate

from laoyuan.core.scopes import has_permission
from laoyuan.registry.api import Page
from laoyuan.renewal import actions, requirements
from laoyuan.renewal.actions.supervision import own_households
from laoyuan.renewal.api.common import TAGS, pk, router, user_of
from laoyuan.renewal.api.field_schemas import (
    PortalProjectDetailOut,
    PortalProjectOut,
    PortalSignoffIn,
    PortalSurveyIn,
)
from laoyuan.renewal.api.schemas import money, money_out
from laoyuan.renewal.models import Survey
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import funding as funding_queries
from laoyuan.renewal.queries import portal as queries
from laoyuan.voices.models import Voice


def _resident(request: HttpRequest):
    user = user_of(request)
    if not has_permission(user, "portal.renewal"):
        raise Http404
    return user


def _detail(user, project):
    """The project with what the resident's detail shows set on it (the schema reads both)."""
    facts = requirements.facts_of(project)
    survey = Survey.objects.filter(project=project).first()
    answered = queries.my_answer(user, project)
    open_now = bool(
        survey and survey.closed_at is None and timezone.localdate() <= survey.closes_on
    )
    project.progress_percent = percent_down(facts.progress)
    project.voices = Voice.objects.filter(topic__renewal_projects=project).count()
    project.mine = Voice.objects.filter(topic__renewal_projects=project, author=user).count()
    project.money = money_out(funding_queries.accounts_statement(project).total)
    project.my_shares = [
        {
            "unit": str(s.unit),
            "basis": str(s.scheme.get_basis_display()),
            "amount": money(s.amount),
            "paid": money(s.collected or 0),
        }
        for s in queries.my_shares(user, project)[:5]
    ]
    project.volunteered = queries.my_volunteering(user, project) is not None
    project.member = queries.my_membership(user, project) is not None
    project.may_volunteer = queries.may_volunteer(project)
    project.survey_open = open_now and answered is None
    project.answered = answered.choice if answered else None
    return project


@router.get(
    "/renewal/portal/projects",
    response=list[PortalProjectOut],
    tags=TAGS,
    summary="居民：本小区的改造项目",
)
@paginate(Page)
def portal_projects(request: HttpRequest):
    return queries.portal_projects(_resident(request))


@router.get(
    "/renewal/portal/projects/{project_id}",
    response=PortalProjectDetailOut,
    tags=TAGS,
    summary="居民：改造项目进展、资金、我家的分摊，以及可以做什么",
)
def portal_project(request: HttpRequest, project_id: int = pk("项目编号")):
    user = _resident(request)
    return _detail(user, queries.portal_project_or_404(user, project_id))


@router.post(
    "/renewal/portal/projects/{project_id}/volunteer",
    response={201: PortalProjectDetailOut},
    tags=TAGS,
    summary="居民：报名参加改造监督",
)
def portal_volunteer(request: HttpRequest, project_id: int = pk("项目编号")):
    user = _resident(request)
    project = queries.portal_project_or_404(user, project_id)
    actions.volunteer_signup(actor=user, project=project)
    return Status(201, _detail(user, project))


@router.post(
    "/renewal/portal/projects/{project_id}/survey",
    response={201: PortalProjectDetailOut},
    tags=TAGS,
    summary="居民：为改造打分（每户一份）",
)
def portal_survey(request: HttpRequest, payload: PortalSurveyIn, project_id: int = pk("项目编号")):
    user = _resident(request)
    project = queries.portal_project_or_404(user, project_id)
    survey = Survey.objects.filter(project=project).first()
    homes = [h for h in own_households(user) if h.compound_id == project.compound_id]
    if survey is None or not homes:
        raise Http404
    actions.survey_answer(
        actor=user,
        survey=survey,
        household=homes[0],
        choice=payload.choice,
        comment=payload.comment,
    )
    return Status(201, _detail(user, project))


@router.post(
    "/renewal/portal/projects/{project_id}/signoff",
    response={201: PortalProjectDetailOut},
    tags=TAGS,
    summary="居民（监督小组成员）：验收签字",
)
def portal_signoff(
    request: HttpRequest, payload: PortalSignoffIn, project_id: int = pk("项目编号")
):
    user = _resident(request)
    project = queries.portal_project_or_404(user, project_id)
    actions.signoff_mine(actor=user, project=project, agrees=payload.agrees, remark=payload.remark)
    return Status(201, _detail(user, project))
