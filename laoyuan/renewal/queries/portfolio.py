"""The renewal portfolio (改造总览) of a place — a district, a street or a community: old
compounds (老旧小区, built before 2001) renovated, under way and waiting (Jinjiang's "477 of
751"), money by source and by class, projects behind schedule, satisfaction at acceptance, open
and overdue rectification items; and the compound list behind those figures.

A compound's renewal status, from its projects:
- under way (改造中): a project is being tendered or built;
- renovated (已改造): otherwise, a project has been accepted (or is in maintenance);
- waiting (待改造): otherwise — with projects still being planned (在库), or none at all.

Every figure is one aggregate query over indexed place columns (projects carry their street
and community), so the page runs the same dozen queries for a community or a whole district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, visible
from laoyuan.registry.models import Community, Compound, District, Street
from laoyuan.registry.views.furniture import MAX_OPTIONS
from laoyuan.renewal.ledger import Balances
from laoyuan.renewal.models import (
    BUILDING_STATES,
    CLOCK_STATES,
    DONE_STATES,
    PLANNING_STATES,
    SATISFIED_CHOICES,
    LedgerEntry,
    Project,
    ProjectState,
    RectificationItem,
    RenewalClass,
    Satisfaction,
    SourceKind,
    SurveyAnswer,
    open_q,
)
from laoyuan.renewal.queries.projects import behind_schedule_q

Place = District | Street | Community
PERMISSION = "renewal.view"
PLACE_KINDS = {"district": District, "street": Street, "community": Community}

UNDER_WAY = "under_way"
RENOVATED = "renovated"
WAITING = "waiting"


def default_place(user: User) -> str:
    """The widest place the user sees as "kind:id": a district, a street or a community ("" for
    none: a user of one compound, building or grid has no portfolio)."""
    roles = roles_with(PERMISSION)
    mine = [a for a in assignments_of(user) if a.role in roles and a.level in PLACE_KINDS]
    for level in PLACE_KINDS:
        for a in mine:
            if a.level == level:
                return f"{level}:{a.node_id}"
    return ""


def place_or_404(user: User, value: str) -> Place:
    """The place named "kind:id" if the user may see it, else 404 (as if it did not exist)."""
    kind, _sep, key = (value or "").partition(":")
    if kind not in PLACE_KINDS or not key.isdigit() or len(key) > 18:
        raise Http404
    place = visible(user, PLACE_KINDS[kind], PERMISSION).filter(pk=int(key)).first()
    if place is None:
        raise Http404
    return place


def place_choices(user: User) -> list[tuple[str, str]]:
    """("kind:id", name) of the places the user may pick (at most MAX_OPTIONS of each kind)."""
    out = []
    for kind, model in PLACE_KINDS.items():
        rows = visible(user, model, PERMISSION).order_by("pk").values_list("pk", "name")
        out.extend((f"{kind}:{pk}", name) for pk, name in rows[:MAX_OPTIONS])
    return out


def place_q(place: Place, prefix: str = "") -> Q:
    """Rows of a place, for models that carry street and community (projects, items)."""
    if isinstance(place, District):
        return Q(**{f"{prefix}street__district_id": place.pk})
    if isinstance(place, Street):
        return Q(**{f"{prefix}street_id": place.pk})
    return Q(**{f"{prefix}community_id": place.pk})


def compounds_in(place: Place) -> QuerySet[Compound]:
    if isinstance(place, District):
        return Compound.objects.filter(community__street__district_id=place.pk)
    if isinstance(place, Street):
        return Compound.objects.filter(community__street_id=place.pk)
    return Compound.objects.filter(community_id=place.pk)


@dataclass
class CompoundStatus:
    planning: int = 0
    building: int = 0
    done: int = 0

    @property
    def status(self) -> str:
        if self.building:
            return UNDER_WAY
        if self.done:
            return RENOVATED
        return WAITING


@dataclass
class Portfolio:
    place: Place
    today: dt.date
    compounds: int = 0
    old_compounds: int = 0
    renovated: int = 0
    under_way: int = 0
    waiting: int = 0
    waiting_planned: int = 0  # waiting, with projects in the library being planned
    projects_by_state: dict[str, int] = field(default_factory=dict)
    budget_by_class: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    money_by_source: dict[str, Balances] = field(default_factory=dict)
    money_by_class: dict[str, Balances] = field(default_factory=dict)
    money_total: Balances = field(default_factory=Balances)
    behind: int = 0
    behind_examples: list[Project] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    surveys: int = 0
    items_open: int = 0
    items_overdue: int = 0
    statuses: dict[int, CompoundStatus] = field(default_factory=dict)

    @property
    def projects(self) -> int:
        return sum(self.projects_by_state.values())

    @property
    def answered(self) -> int:
        return sum(self.answers.values())

    @property
    def satisfied(self) -> int:
        return sum(self.answers.get(c, 0) for c in SATISFIED_CHOICES)


BEHIND_EXAMPLES = 10


def portfolio(place: Place, *, today: dt.date | None = None) -> Portfolio:
    """Every figure of the portfolio of a place the caller may see (eleven queries)."""
    today = today or timezone.localdate()
    out = Portfolio(place=place, today=today)
    projects = Project.objects.filter(place_q(place))
    compound_counts = compounds_in(place).aggregate(
        all=Count("id"), old=Count("id", filter=Q(is_old=True))
    )
    out.compounds, out.old_compounds = compound_counts["all"], compound_counts["old"]
    old_ids = set(compounds_in(place).filter(is_old=True).values_list("pk", flat=True))
    for compound_id, planning, building, done in (
        projects.values("compound_id")
        .annotate(
            planning=Count("id", filter=Q(state__in=PLANNING_STATES)),
            building=Count("id", filter=Q(state__in=BUILDING_STATES)),
            done=Count("id", filter=Q(state__in=DONE_STATES)),
        )
        .values_list("compound_id", "planning", "building", "done")
        .order_by()
    ):
        out.statuses[compound_id] = CompoundStatus(planning, building, done)
    for compound_id in old_ids:
        status = out.statuses.get(compound_id, CompoundStatus())
        if status.status == UNDER_WAY:
            out.under_way += 1
        elif status.status == RENOVATED:
            out.renovated += 1
        else:
            out.waiting += 1
            out.waiting_planned += status.planning > 0
    out.projects_by_state = dict(
        projects.values("state").annotate(n=Count("id")).values_list("state", "n").order_by()
    )
    out.budget_by_class = {
        c: (n, b or Decimal("0"))
        for c, n, b in projects.exclude(state=ProjectState.CANCELLED)
        .values("renewal_class")
        .annotate(n=Count("id"), b=Sum("budget"))
        .values_list("renewal_class", "n", "b")
        .order_by()
    }
    for kind, klass, debit, credit, total in (
        LedgerEntry.objects.filter(place_q(place, "project__"))
        .values("source__kind", "project__renewal_class", "debit", "credit")
        .annotate(total=Sum("amount"))
        .values_list("source__kind", "project__renewal_class", "debit", "credit", "total")
        .order_by()
    ):
        out.money_by_source.setdefault(kind, Balances()).post(debit, credit, total)
        out.money_by_class.setdefault(klass, Balances()).post(debit, credit, total)
        out.money_total.post(debit, credit, total)
    behind = projects.filter(behind_schedule_q(today))
    out.behind = behind.count()
    out.behind_examples = list(
        behind.select_related("compound").order_by("planned_end", "pk")[:BEHIND_EXAMPLES]
    )
    out.answers = dict(
        SurveyAnswer.objects.filter(place_q(place, "survey__project__"))
        .values("choice")
        .annotate(n=Count("id"))
        .values_list("choice", "n")
        .order_by()
    )
    out.surveys = projects.filter(survey__isnull=False).count()
    items = RectificationItem.objects.filter(place_q(place)).aggregate(
        open=Count("id", filter=open_q()),
        overdue=Count("id", filter=open_q(states=CLOCK_STATES) & Q(deadline__lt=today)),
    )
    out.items_open, out.items_overdue = items["open"], items["overdue"]
    return out


@dataclass
class CompoundRow:
    compound: Compound
    status: CompoundStatus
    budget: Decimal
    balances: Balances


def compound_rows(
    place: Place, statuses: dict[int, CompoundStatus], compounds: list[Compound]
) -> list[CompoundRow]:
    """The figures of one page of compounds (two queries whatever the page size)."""
    ids = [c.pk for c in compounds]
    budgets = dict(
        Project.objects.filter(compound_id__in=ids)
        .exclude(state=ProjectState.CANCELLED)
        .values("compound_id")
        .annotate(b=Sum("budget"))
        .values_list("compound_id", "b")
        .order_by()
    )
    money: dict[int, Balances] = {}
    for compound_id, debit, credit, total in (
        LedgerEntry.objects.filter(project__compound_id__in=ids)
        .values("project__compound_id", "debit", "credit")
        .annotate(total=Sum("amount"))
        .values_list("project__compound_id", "debit", "credit", "total")
        .order_by()
    ):
        money.setdefault(compound_id, Balances()).post(debit, credit, total)
    return [
        CompoundRow(
            compound=c,
            status=statuses.get(c.pk, CompoundStatus()),
            budget=budgets.get(c.pk) or Decimal("0"),
            balances=money.get(c.pk, Balances()),
        )
        for c in compounds
    ]


def compound_list(place: Place, *, old_only: bool = True, status: str = "", statuses=None):
    """The compounds of the place (old ones by default), in the order of the registry; with
    `status`, only those in that renewal status (given the statuses of `portfolio`)."""
    qs = compounds_in(place).select_related("community")
    if old_only:
        qs = qs.filter(is_old=True)
    if status and statuses is not None:
        chosen = [pk for pk, s in statuses.items() if s.status == status]
        if status == WAITING:
            qs = qs.exclude(pk__in=[pk for pk, s in statuses.items() if s.status != WAITING])
        else:
            qs = qs.filter(pk__in=chosen)
    return qs.order_by("community__code", "code")


CLASS_LABELS = dict(RenewalClass.choices)
SOURCE_LABELS = dict(SourceKind.choices)
SATISFACTION_LABELS = dict(Satisfaction.choices)
STATUS_KEYS = (RENOVATED, UNDER_WAY, WAITING)
