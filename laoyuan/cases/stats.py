"""Statistics of case work (工单统计) for a place and a period, per party, category, community or
street: response rate (响应率), on-time resolution rate (按期办结率), satisfaction rate (满意率),
reopen rate (重办率), average and 90th-percentile time to solve, in working time.

Definitions (cases opened in the period, cancelled ones left out; "due" means its deadline has
passed or the step was done, so a case opened yesterday does not count against anyone yet):
- response rate: first answered within its deadline ÷ cases whose first answer was due;
- on-time resolution: solved within its deadline ÷ cases whose solving was due;
- satisfaction: rated 满意 or 基本满意 ÷ cases rated;
- reopen rate: reopened at least once ÷ cases solved at least once;
- time to solve: working seconds from opening to solving, less the time the clock stood still;
  the 90th percentile by the nearest-rank method (the smallest value with at least 90% of the
  values at or below it), from a window function, so SQLite and PostgreSQL answer alike.

Everything reads columns written when it happened (`Case.responded_on_time`,
`solve_working_seconds` …): one aggregate query per grouping, one for the percentiles, one for
the names, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases.models import OPEN_STATES, Case, CaseState, Category, Party, Rating
from laoyuan.core.models import User
from laoyuan.core.scopes import visible
from laoyuan.registry.models import Community, Street
from laoyuan.registry.schemas import percent

GROUPS = {
    "party": "party_id",
    "category": "category_id",
    "community": "community_id",
    "street": "street_id",
}
_NAMES = {"party": Party, "category": Category, "community": Community, "street": Street}


@dataclass
class Row:
    key: int | None
    label: str
    opened: int = 0
    respond_due: int = 0
    responded_on_time: int = 0
    solve_due: int = 0
    solved: int = 0
    solved_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    ever_solved: int = 0
    reopened: int = 0
    solve_sum: int = 0
    solve_n: int = 0
    overdue: int = 0
    p90: int | None = None

    @property
    def response_rate(self) -> str | None:
        return percent(self.responded_on_time, self.respond_due) if self.respond_due else None

    @property
    def on_time_rate(self) -> str | None:
        return percent(self.solved_on_time, self.solve_due) if self.solve_due else None

    @property
    def satisfaction_rate(self) -> str | None:
        return percent(self.satisfied, self.rated) if self.rated else None

    @property
    def reopen_rate(self) -> str | None:
        return percent(self.reopened, self.ever_solved) if self.ever_solved else None

    @property
    def average_solve(self) -> int | None:
        """Whole seconds, rounded half up, in integers."""
        return (2 * self.solve_sum + self.solve_n) // (2 * self.solve_n) if self.solve_n else None


@dataclass
class Stats:
    since: dt.date
    until: dt.date
    group: str
    total: Row
    rows: list[Row] = field(default_factory=list)


def period_cases(
    user: User,
    *,
    since: dt.date,
    until: dt.date,
    street_id: int | None = None,
    community_id: int | None = None,
    compound_id: int | None = None,
) -> QuerySet[Case]:
    """The cases the statistics count: in the user's supervision scope, opened in the period
    (local days, both ends included), not cancelled, optionally in one street, community or
    compound."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    qs = visible(user, Case, "cases.supervise").filter(opened_at__gte=start, opened_at__lt=end)
    if street_id:
        qs = qs.filter(street_id=street_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return qs.exclude(state=CaseState.CANCELLED)


def _aggregates(now: dt.datetime) -> dict:
    return {
        "opened": Count("id"),
        "respond_due": Count(
            "id", filter=Q(first_response_at__isnull=False) | Q(respond_due_at__lt=now)
        ),
        "responded_on_time": Count("id", filter=Q(responded_on_time=True)),
        "solve_due": Count("id", filter=Q(solved_at__isnull=False) | Q(solve_due_at__lt=now)),
        "solved": Count("id", filter=Q(solved_at__isnull=False)),
        "solved_on_time": Count("id", filter=Q(solved_on_time=True)),
        "rated": Count("id", filter=~Q(rating="")),
        "satisfied": Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        "ever_solved": Count("id", filter=Q(ever_solved=True)),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "solve_sum": Sum("solve_working_seconds"),
        "solve_n": Count("solve_working_seconds"),
        "overdue": Count("id", filter=Q(state__in=OPEN_STATES, next_due_at__lt=now)),
    }


def percentile_90(qs: QuerySet[Case], key: str | None) -> dict[int | None, int]:
    """The nearest-rank 90th percentile of the working time to solve per value of `key`, in one
    query: number the solved cases by their time within each group (a window function) and
    keep the row whose rank is ceil(0.9 × the group's size), computed in integers as
    (9 n + 9) / 10, which both databases divide as integers. With key None: over all cases, as
    {None: value}."""
    secs = F("solve_working_seconds")
    partition = [F(key)] if key else []
    ranked = (
        qs.filter(solve_working_seconds__isnull=False)
        .order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=secs.asc()),
            size=Window(Count("id"), partition_by=partition),
        )
        .filter(rank=(F("size") * 9 + 9) / 10)
        .values(*([key] if key else []), "solve_working_seconds")
    )
    return {(row[key] if key else None): row["solve_working_seconds"] for row in ranked}


def percentile_90_of(qs: QuerySet[Case], solved: int) -> int | None:
    """The overall nearest-rank 90th percentile when the number of solved cases is known: one
    ordered query with an offset (the rank ceil(0.9 n), counted from 1)."""
    if not solved:
        return None
    rank = (9 * solved + 9) // 10
    found = (
        qs.filter(solve_working_seconds__isnull=False)
        .order_by("solve_working_seconds")
        .values_list("solve_working_seconds", flat=True)[rank - 1 : rank]
    )
    return next(iter(found), None)


def statistics(
    user: User,
    *,
    group: str,
    since: dt.date,
    until: dt.date,
    now: dt.datetime,
    street_id: int | None = None,
    community_id: int | None = None,
    compound_id: int | None = None,
) -> Stats:
    """The statistics of the period for the user's scope, one row per party (or category,
    community, street) plus the total: four queries whatever the number of cases (the groups'
    counts, their percentiles, the overall percentile, the groups' names); the total's counts
    are the sums of the groups'."""
    key = GROUPS[group]
    qs = period_cases(
        user,
        since=since,
        until=until,
        street_id=street_id,
        community_id=community_id,
        compound_id=compound_id,
    )
    grouped = list(qs.values(key).annotate(**_aggregates(now)).order_by("-opened", key))
    p90 = percentile_90(qs, key)
    names = _NAMES[group].objects.in_bulk([r[key] for r in grouped if r[key] is not None])
    rows = []
    total = Row(key=None, label=_("合计"))
    for r in grouped:
        pk = r.pop(key)
        label = str(names[pk]) if pk in names else _("未派单") if group == "party" else "—"
        row = Row(key=pk, label=label, **_ints(r))
        row.p90 = p90.get(pk)
        rows.append(row)
        for name in _COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.p90 = percentile_90_of(qs, total.solve_n)
    return Stats(since=since, until=until, group=group, total=total, rows=rows)


_COUNTS = (
    "opened",
    "respond_due",
    "responded_on_time",
    "solve_due",
    "solved",
    "solved_on_time",
    "rated",
    "satisfied",
    "ever_solved",
    "reopened",
    "solve_sum",
    "solve_n",
    "overdue",
)


def _ints(values: dict) -> dict:
    return {k: int(v or 0) for k, v in values.items()}


def overdue_cases(user: User, *, now: dt.datetime) -> QuerySet[Case]:
    """Open cases in the user's supervision scope past a deadline, the most overdue first."""
    return (
        visible(user, Case, "cases.supervise")
        .filter(state__in=OPEN_STATES, next_due_at__lt=now)
        .select_related("compound", "category", "party")
        .order_by("next_due_at", "pk")
    )
