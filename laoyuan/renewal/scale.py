"""Renewal at district scale (改造规模数据): projects, their funding and ledger, surveys at
acceptance and rectification items for every old compound of a generated district (`laoyuan
seed-scale`), so that the portfolio and the lists can be measured where they must be fast
(bench/renewal.py). Synthetic only: written in bulk with `bulk_create`, in batches, without
the actions (no audit rows, no timelines), and never into a district that has projects already.

Shares like Jinjiang's: about two thirds of the old compounds renovated, a fifth under way,
the rest waiting; 1–4 projects each; every project funded by the government and, often, the
residents, alliance units, social capital or the maintenance fund.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from laoyuan.registry.models import Compound, District, Household
from laoyuan.renewal import catalog
from laoyuan.renewal.models import (
    BUILDING_STATES,
    DONE_STATES,
    ENTRY_ACCOUNTS,
    LIFECYCLE,
    PLANNING_STATES,
    EntryKind,
    FundingSource,
    LedgerEntry,
    Milestone,
    Origin,
    Project,
    RectificationItem,
    RectificationState,
    Satisfaction,
    SourceKind,
    Survey,
    SurveyAnswer,
)

BATCH = 2000
ANSWERS_PER_SURVEY = (20, 80)


class AlreadySeeded(Exception):
    pass


@dataclass
class RenewalScaleReport:
    compounds: int = 0
    projects: int = 0
    entries: int = 0
    answers: int = 0
    items: int = 0

    def lines(self) -> list[str]:
        return [
            f"改造规模数据：{self.compounds} 个老旧小区，{self.projects} 个项目，"
            f"{self.entries} 笔台账分录，{self.answers} 份满意度答卷，{self.items} 项整治事项"
        ]


def _status(rng: random.Random) -> str:
    roll = rng.random()
    return "done" if roll < 0.64 else "building" if roll < 0.84 else "waiting"


def _states(rng: random.Random, status: str, n: int) -> list[str]:
    if status == "done":
        first = rng.choice(DONE_STATES)
        return [first] + [rng.choice(LIFECYCLE) for _ in range(n - 1)]
    if status == "building":
        return [rng.choice(BUILDING_STATES)] + [rng.choice(PLANNING_STATES) for _ in range(n - 1)]
    return [rng.choice(PLANNING_STATES) for _ in range(n)]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high)) * 100


@transaction.atomic
def seed_renewal_scale(district: District, *, seed: int = 1) -> RenewalScaleReport:
    """Fill the district's old compounds with renewal data (once)."""
    if Project.objects.filter(street__district=district).exists():
        raise AlreadySeeded(f"{district.name}已有改造项目，不再生成。")
    rng = random.Random(f"laoyuan-scale:renewal:{district.code}:{seed}")
    today = timezone.localdate()
    items = [t for t in catalog.item_types() if not t.code.startswith("other_")]
    report = RenewalScaleReport()
    compounds = list(
        Compound.objects.filter(community__street__district=district, is_old=True)
        .select_related("community")
        .order_by("pk")
    )
    report.compounds = len(compounds)
    projects: list[Project] = []
    plans: list[tuple[Project, str]] = []
    for compound in compounds:
        status = _status(rng)
        for state in _states(rng, status, rng.randint(1, 4)):
            kind = rng.choice(items)
            months = rng.randint(1, 48)
            start = today - dt.timedelta(days=30 * months)
            late = state in BUILDING_STATES and rng.random() < 0.15
            project = Project(
                compound=compound,
                community_id=compound.community_id,
                street_id=compound.community.street_id,
                title=f"{compound.name}{kind.name_zh}",
                renewal_class=kind.renewal_class,
                item_type=kind.code,
                state=state,
                state_changed_at=timezone.now(),
                budget=_money(rng, 1000, 60000),
                planned_start=start,
                planned_end=(today - dt.timedelta(days=20))
                if late
                else start + dt.timedelta(days=rng.randint(200, 900)),
            )
            projects.append(project)
            plans.append((project, state))
    Project.objects.bulk_create(projects, batch_size=BATCH)
    report.projects = len(projects)
    sources, entries, milestones, surveys = [], [], [], []
    for project, state in plans:
        shares = [(SourceKind.GOVERNMENT, Decimal("0.7"))]
        extra = rng.choice(
            [
                SourceKind.RESIDENTS,
                SourceKind.ALLIANCE,
                SourceKind.SOCIAL,
                SourceKind.MAINTENANCE_FUND,
                SourceKind.COMMON_INCOME,
            ]
        )
        shares.append((extra, Decimal("0.3")))
        funded = LIFECYCLE.index(state) >= LIFECYCLE.index("funded")
        for kind, part in shares:
            source = FundingSource(project=project, kind=kind, funder=f"{kind}资金")
            sources.append(source)
            if not funded:
                continue
            pledged = (project.budget * part).quantize(Decimal("0.01"))
            received = (
                pledged
                if state in DONE_STATES
                else (pledged * Decimal("0.5")).quantize(Decimal("0.01"))
            )
            spent = (received * Decimal("0.9")).quantize(Decimal("0.01"))
            for entry_kind, amount in (
                (EntryKind.PLEDGE, pledged),
                (EntryKind.RECEIPT, received),
                (EntryKind.PAYMENT, spent),
            ):
                debit, credit = ENTRY_ACCOUNTS[entry_kind]
                entries.append(
                    (
                        source,
                        LedgerEntry(
                            project=project,
                            kind=entry_kind,
                            debit=debit,
                            credit=credit,
                            amount=amount,
                            booked_on=project.planned_start,
                            description=f"{entry_kind}",
                        ),
                    )
                )
        if state in BUILDING_STATES:
            milestones.append(
                Milestone(
                    project=project,
                    name="竣工验收",
                    planned_on=project.planned_end,
                )
            )
        if state in DONE_STATES:
            surveys.append(
                Survey(
                    project=project,
                    opened_at=timezone.now() - dt.timedelta(days=60),
                    closes_on=today - dt.timedelta(days=40),
                    closed_at=timezone.now() - dt.timedelta(days=40),
                )
            )
    FundingSource.objects.bulk_create(sources, batch_size=BATCH)
    for source, entry in entries:
        entry.source = source
    LedgerEntry.objects.bulk_create([e for _s, e in entries], batch_size=BATCH)
    report.entries = len(entries)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    Survey.objects.bulk_create(surveys, batch_size=BATCH)
    households: dict[int, list[int]] = {}
    for compound_id, pk in Household.objects.filter(
        compound__in=[c.pk for c in compounds]
    ).values_list("compound_id", "pk"):
        households.setdefault(compound_id, []).append(pk)
    answers = []
    choices = (
        [Satisfaction.SATISFIED] * 16 + [Satisfaction.FAIRLY] * 3 + [Satisfaction.DISSATISFIED]
    )
    for survey in surveys:
        pool = households.get(survey.project.compound_id, [])
        for household in rng.sample(pool, min(len(pool), rng.randint(*ANSWERS_PER_SURVEY))):
            answers.append(
                SurveyAnswer(
                    survey=survey,
                    household_id=household,
                    choice=rng.choice(choices),
                    channel="paper",
                )
            )
    SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
    report.answers = len(answers)
    rectifications = []
    for compound in compounds:
        for n in range(rng.randint(0, 3)):
            found = today - dt.timedelta(days=rng.randint(1, 400))
            state = rng.choice(list(RectificationState.values))
            rectifications.append(
                RectificationItem(
                    compound=compound,
                    community_id=compound.community_id,
                    street_id=compound.community.street_id,
                    origin=Origin.LIST,
                    title=f"整治事项{n + 1}",
                    responsible_party="物业",
                    found_on=found,
                    work_days=5,
                    deadline=found + dt.timedelta(days=7),
                    state=state,
                )
            )
    RectificationItem.objects.bulk_create(rectifications, batch_size=BATCH)
    report.items = len(rectifications)
    return report
