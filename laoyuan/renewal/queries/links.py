"""Reads of a project's links to other apps: the owners' votes (业主表决) it may be decided by,
its public notices (公示) with their state, and the compound's projects for its public page
(小区公开页, no personal data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.core.scopes import visible
from laoyuan.decisions.votes.models import Vote, VoteStatus
from laoyuan.notices.models import Notice, ObjectionState
from laoyuan.notices.phases import phase_label
from laoyuan.registry.models import Compound
from laoyuan.renewal.models import VOTE_MATTERS, Project, ProjectState
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries.projects import with_progress

PUBLIC_PROJECTS = 50  # a compound's library is a few dozen projects; the page shows the latest


def candidate_votes(user: User, project: Project) -> QuerySet[Vote]:
    """The votes of the project's compound and matter the user may see, not cancelled, newest
    first: those the project page offers to link."""
    matter = VOTE_MATTERS.get(project.vote_matter)
    if not matter:
        return Vote.objects.none()
    return (
        visible(user, Vote, "votes.view")
        .filter(compound_id=project.compound_id, matter=matter)
        .exclude(status=VoteStatus.CANCELLED)
        .order_by("-opens_at", "-id")
    )


def project_notices(project: Project) -> list[Notice]:
    """The notices about the project (plan, accounts …), newest first, each with its phase
    today and its objection counts (two queries)."""
    today = timezone.localdate()
    notices = list(
        Notice.objects.filter(
            subject_type=ContentType.objects.get_for_model(Project), subject_id=project.pk
        )
        .annotate(
            objection_count=Count("objections"),
            unresolved_count=Count(
                "objections", filter=~Q(objections__state=ObjectionState.RESOLVED)
            ),
        )
        .order_by("-starts_on", "-id")
    )
    for n in notices:
        n.phase = phase_label(n, today)
    return notices


@dataclass(frozen=True)
class PublicProject:
    title: str
    renewal_class: str
    item_type: str
    state: str
    state_label: str
    progress: str
    planned_end: object
    accepted_on: object
    accounts_key: str


def public_projects(request: HttpRequest, compound: Compound) -> dict | None:
    """The "改造项目" section of the compound's public page: each project's class, item type,
    state and progress, and its public accounts once published; no names, no money of
    households. Three queries; None when the compound has no projects."""
    projects = list(
        Project.objects.filter(compound=compound)
        .exclude(state=ProjectState.CANCELLED)
        .order_by("-created_at", "-id")[:PUBLIC_PROJECTS]
    )
    if not projects:
        return None
    with_progress(projects)
    rows = [
        PublicProject(
            title=p.title,
            renewal_class=p.get_renewal_class_display(),
            item_type=p.item_type_name,
            state=p.state,
            state_label=p.get_state_display(),
            progress=percent_down(p.progress),
            planned_end=p.planned_end,
            accepted_on=p.accepted_on,
            accounts_key=p.accounts_key if p.accounts_published_at else "",
        )
        for p in projects
    ]
    return {"projects": rows}
