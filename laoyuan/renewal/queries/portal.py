"""Reads for the resident portal (居民端) of renewal: the projects of her own compound, her
household's share and survey answer, whether she volunteered or sits in the supervision group.
Nothing here names another resident."""

from __future__ import annotations

from django.db.models import QuerySet

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.renewal.actions.supervision import own_households, own_residents
from laoyuan.renewal.models import (
    GroupMember,
    HouseholdShare,
    Project,
    ProjectState,
    SurveyAnswer,
    Volunteer,
)
from laoyuan.renewal.queries.funding import collected_subquery

PORTAL = "portal.renewal"


def portal_projects(user: User) -> QuerySet[Project]:
    """The projects of her compound, cancelled ones left out."""
    return (
        visible(user, Project, PORTAL)
        .exclude(state=ProjectState.CANCELLED)
        .select_related("compound")
        .order_by("-state_changed_at", "-id")
    )


def portal_project_or_404(user: User, pk: int) -> Project:
    return get_visible_or_404(
        user,
        Project.objects.exclude(state=ProjectState.CANCELLED).select_related("compound"),
        PORTAL,
        pk=pk,
    )


def my_shares(user: User, project: Project) -> QuerySet[HouseholdShare]:
    """Her household's shares of the project's schemes, each with what it has paid."""
    units = [h.unit_id for h in own_households(user)]
    return (
        HouseholdShare.objects.filter(scheme__project=project, unit_id__in=units)
        .select_related("unit__building", "unit__entrance", "scheme")
        .annotate(collected=collected_subquery())
        .order_by("pk")
    )


def my_answer(user: User, project: Project) -> SurveyAnswer | None:
    households = [h.pk for h in own_households(user)]
    return SurveyAnswer.objects.filter(survey__project=project, household_id__in=households).first()


def my_volunteering(user: User, project: Project) -> Volunteer | None:
    residents = [r.pk for r in own_residents(user)]
    return Volunteer.objects.filter(project=project, resident_id__in=residents).first()


def my_membership(user: User, project: Project) -> GroupMember | None:
    residents = [r.pk for r in own_residents(user)]
    return (
        GroupMember.objects.filter(group__project=project, volunteer__resident_id__in=residents)
        .select_related("signoff")
        .first()
    )


def may_volunteer(project: Project) -> bool:
    """Volunteers sign up until the project is accepted."""
    return project.state not in (
        ProjectState.CANCELLED,
        ProjectState.ACCEPTED,
        ProjectState.MAINTENANCE,
    )
