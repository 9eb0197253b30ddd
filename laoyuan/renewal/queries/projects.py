"""Reads of the project library (改造项目库), already scoped to the user: lists with filters,
one project with everything its page shows, and the trace from residents' voices to projects.
Every list runs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry.models import Household
from laoyuan.renewal import requirements
from laoyuan.renewal.models import (
    DONE_STATES,
    LIFECYCLE,
    LIVE_STATES,
    PROJECT_TRANSITIONS,
    SATISFIED_CHOICES,
    GroupMember,
    Inspection,
    Milestone,
    Project,
    ProjectEvent,
    ProjectState,
    RectificationItem,
    Satisfaction,
    Survey,
    SurveyAnswer,
    Volunteer,
    WorkItem,
)
from laoyuan.renewal.progress import percent_half_up, progress
from laoyuan.voices.models import Topic, Voice


def projects_for(user: User, permission: str = "renewal.view") -> QuerySet[Project]:
    return visible(user, Project, permission).select_related("compound")


def behind_schedule_q(today: dt.date) -> Q:
    """A live project is behind schedule (滞后) when its planned completion has passed, or a
    milestone's planned date has passed without it being reached."""
    late_milestone = Milestone.objects.filter(
        project=OuterRef("pk"), planned_on__lt=today, done_on__isnull=True
    )
    return Q(state__in=LIVE_STATES) & (Q(planned_end__lt=today) | Exists(late_milestone))


def project_list(
    user: User,
    *,
    compound_id: int | None = None,
    community_id: int | None = None,
    street_id: int | None = None,
    state: str = "",
    renewal_class: str = "",
    behind: bool = False,
    text: str = "",
    today: dt.date | None = None,
) -> QuerySet[Project]:
    """The staff list of projects: newest first, with the list page's filters; `state` may be
    a state, "live" or "done"."""
    today = today or timezone.localdate()
    qs = projects_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if street_id:
        qs = qs.filter(street_id=street_id)
    if state == "live":
        qs = qs.filter(state__in=LIVE_STATES)
    elif state == "done":
        qs = qs.filter(state__in=DONE_STATES)
    elif state:
        qs = qs.filter(state=state)
    if renewal_class:
        qs = qs.filter(renewal_class=renewal_class)
    if text:
        qs = qs.filter(title__contains=text)
    if behind:
        qs = qs.filter(behind_schedule_q(today))
    return qs.annotate(
        is_behind=Exists(Project.objects.filter(pk=OuterRef("pk")).filter(behind_schedule_q(today)))
    ).order_by("-created_at", "-id")


def with_progress(projects: list[Project]) -> list[Project]:
    """Set `progress` (a Fraction or None) on each project of a page: one query."""
    work: dict[int, list] = {}
    for row in WorkItem.objects.filter(project__in=[p.pk for p in projects]).values_list(
        "project_id", "weight", "planned_quantity", "done_quantity"
    ):
        work.setdefault(row[0], []).append(row[1:])
    for p in projects:
        p.progress = progress(work.get(p.pk, []))
    return projects


def project_or_404(user: User, pk: int, permission: str = "renewal.view") -> Project:
    return get_visible_or_404(
        user,
        Project.objects.select_related(
            "compound__community__street", "resolution__meeting", "created_by", "from_rating"
        ),
        permission,
        pk=pk,
    )


def project_topics(project: Project) -> QuerySet[Topic]:
    """The topics that asked for the project, each with its number of voices."""
    return project.topics.annotate(voice_count=Count("voices")).order_by("pk")


def project_voice_count(project: Project) -> int:
    return Voice.objects.filter(topic__renewal_projects=project).count()


def project_events(project: Project) -> QuerySet[ProjectEvent]:
    return ProjectEvent.objects.filter(project=project).select_related("actor").order_by("at", "id")


@dataclass
class Schedule:
    milestones: list[Milestone]
    work_items: list[WorkItem]
    progress: Fraction | None
    late_milestones: int


def schedule(project: Project, today: dt.date | None = None) -> Schedule:
    today = today or timezone.localdate()
    milestones = list(project.milestones.order_by("planned_on", "id"))
    for m in milestones:
        m.is_late = m.done_on is None and m.planned_on < today
        m.days_late = (m.done_on - m.planned_on).days if m.done_on else None
    items = list(project.work_items.order_by("id"))
    for item in items:
        item.fraction = progress([(item.weight, item.planned_quantity, item.done_quantity)])
    return Schedule(
        milestones=milestones,
        work_items=items,
        progress=progress((i.weight, i.planned_quantity, i.done_quantity) for i in items),
        late_milestones=sum(1 for m in milestones if m.is_late),
    )


@dataclass
class Step:
    """A next state on the project page, with its checklist."""

    state: str
    label: str
    forward: bool
    checks: list[requirements.CheckResult] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(c.met for c in self.checks)


def next_steps(project: Project, facts: requirements.ProjectFacts | None = None) -> list[Step]:
    """The states the project may move to, each with its checks as they stand."""
    facts = facts or requirements.facts_of(project)
    steps = []
    for state in PROJECT_TRANSITIONS.get(project.state, ()):
        forward = state in LIFECYCLE and LIFECYCLE.index(state) > LIFECYCLE.index(project.state)
        steps.append(
            Step(
                state=state,
                label=str(ProjectState(state).label),
                forward=forward,
                checks=requirements.check(facts, state) if forward else [],
            )
        )
    return steps


def project_problems(project: Project) -> QuerySet[RectificationItem]:
    return (
        RectificationItem.objects.filter(project=project)
        .select_related("case")
        .order_by("state", "deadline", "id")
    )


def project_inspections(project: Project) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(project=project)
        .prefetch_related("photos")
        .annotate(problem_count=Count("problems"))
        .order_by("-inspected_on", "-id")
    )


def project_volunteers(project: Project) -> QuerySet[Volunteer]:
    """Volunteers with their (masked) contact as the registry holds it."""
    return (
        Volunteer.objects.filter(project=project)
        .select_related(
            "resident__household__unit__building", "resident__household__unit__entrance", "member"
        )
        .order_by("number")
    )


def group_members(project: Project) -> QuerySet[GroupMember]:
    return (
        GroupMember.objects.filter(group__project=project)
        .select_related("volunteer__resident", "signoff")
        .order_by("-role", "volunteer__number")
    )


def budget_total(projects: QuerySet[Project]) -> Decimal:
    from django.db.models import Sum

    return projects.aggregate(t=Sum("budget"))["t"] or Decimal("0")


def projects_of_topic(topic: Topic) -> QuerySet[Project]:
    """The projects a topic went into (the resident's trace from her voice to the work)."""
    return topic.renewal_projects.order_by("pk")


@dataclass
class SurveyResults:
    """A survey's answers, counted exactly: the rate is (满意 + 基本满意) / answers."""

    survey: object | None
    eligible: int
    by_choice: list[tuple[str, str, int]]
    answered: int
    satisfied: int

    @property
    def rate(self) -> str:
        return percent_half_up(self.satisfied, self.answered)

    @property
    def turnout(self) -> str:
        return percent_half_up(self.answered, self.eligible)


def survey_results(project: Project) -> SurveyResults:
    """The project's satisfaction survey, if any: households asked, answers by choice."""
    survey = Survey.objects.filter(project=project).first()
    households = Household.objects.filter(compound_id=project.compound_id, is_active=True)
    buildings = list(project.buildings.values_list("pk", flat=True))
    if buildings:
        households = households.filter(building_id__in=buildings)
    counts = (
        dict(
            SurveyAnswer.objects.filter(survey=survey)
            .values("choice")
            .annotate(n=Count("id"))
            .values_list("choice", "n")
            .order_by()
        )
        if survey
        else {}
    )
    return SurveyResults(
        survey=survey,
        eligible=households.count(),
        by_choice=[(c, str(label), counts.get(c, 0)) for c, label in Satisfaction.choices],
        answered=sum(counts.values()),
        satisfied=sum(counts.get(c, 0) for c in SATISFIED_CHOICES),
    )
