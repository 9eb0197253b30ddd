"""The renovation of the demo (演示改造): Wufuyuan's (五福苑) thirteen key projects, which the
voices demo put in the project library from the evening talks (五福夜话), carried as far as the
seed document tells — 15 million yuan of government money for the pipes, 25,000 m² of façade,
roads, parking and security; the party alliance's 700,000 yuan for the activity space; social
capital for the smart e-bike shed; the residents' own share of the one-meter-per-household
water supply; the maintenance fund for the roofs — with public accounts, a supervision group
drawn in public, an inspection that opened and closed a problem, acceptance with a survey, and
one project under construction with its milestones. A check-up rates the infrastructure and
proposes a project and a rectification item. A few projects in the other old compounds of
Shahe street (沙河街道) and Canglang street (沧浪街道) make their portfolios mean something:
their figures are the demo's own, not Jinjiang's 477 of 751.

Everything is written through the actions (with the demo accounts), then dated back to when it
happened in the story (`demo/links.py`): every project past 已决策 was publicised (方案公示) and
closed with its objections answered before 已公示; building 5's lift is decided by the votes
demo's lift vote, building 7's roof is paid by its maintenance fund after its owners' vote; the
drainage accounts were publicised as a notice; rectification items are carried by cases to
closure. Loading is idempotent: a compound that already has renewal projects beyond
those the voices demo made is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from laoyuan.core.audit import audit_log
from laoyuan.registry.models import Compound
from laoyuan.renewal.demo.builder import users_by_name
from laoyuan.renewal.demo.stories import DEMO_DISTRICT_CODES, WUFUYUAN_CODE
from laoyuan.renewal.demo.story import build_others, build_wufuyuan
from laoyuan.renewal.ledger import balances
from laoyuan.renewal.models import (
    Asset,
    Checkup,
    FundingSource,
    GroupMember,
    Inspection,
    LedgerEntry,
    MaintenanceTask,
    Milestone,
    PaymentRequest,
    Project,
    ProjectAttachment,
    ProjectEvent,
    RectificationEvent,
    RectificationItem,
    ShareScheme,
    SignOff,
    SupervisionGroup,
    Survey,
    SurveyAnswer,
    Volunteer,
    WorkItem,
)

__all__ = ["load_renewal_demo", "reset_renewal_demo"]


@transaction.atomic
def load_renewal_demo(*, today: dt.date | None = None) -> list[str]:
    """Load the renovation of the demo (after the voices demo); a compound already carried
    further than the voices demo left it is kept as it is. Returns lines for the report."""
    today = today or dt.date.today()
    users = users_by_name()
    if not {"jiedao", "shequ", "wuye", "yeweihui"} <= set(users):
        return []
    wufuyuan = Compound.objects.filter(code=WUFUYUAN_CODE).select_related("community").first()
    lines: list[str] = []
    if wufuyuan is not None:
        touched = ProjectEvent.objects.filter(project__compound=wufuyuan).exclude(
            Q(kind="created") | Q(kind="topics")
        )
        if not touched.exists():
            made = build_wufuyuan(wufuyuan, users, today)
            audit_log(
                actor=None, action="demo.renewal", obj=wufuyuan, changes={"projects": len(made)}
            )
    if users.get("canglang") is not None:
        build_others(users, today)
    if wufuyuan is not None:
        lines.append(_summary(wufuyuan))
    return lines


def _summary(compound: Compound) -> str:
    projects = Project.objects.filter(compound=compound)
    spent = LedgerEntry.objects.filter(project__compound=compound)
    b = balances(spent.values_list("debit", "credit", "amount"))
    done = projects.filter(state__in=("accepted", "maintenance")).count()
    building = projects.filter(state="construction").count()
    return (
        f"五福苑改造：{projects.count()} 个项目（{done} 个已验收，{building} 个施工中），"
        f"各方认缴 {b.pledged:,.2f} 元，已到位 {b.received:,.2f} 元，已支出 {b.spent:,.2f} 元"
    )


def reset_renewal_demo() -> None:
    """Remove the renovation records of the demo places, so that voices, meetings and places
    can go (projects keep topics and meeting decisions; the ledger keeps its vouchers). The
    cases, votes and notices the renovation opened live in the demo places too: the cases,
    votes and notices demos' resets, which run after this one, remove them with the rest (the
    projects and items that pointed at them are gone by then)."""
    in_demo = Q(compound__community__street__district__code__in=DEMO_DISTRICT_CODES)
    projects = Project.objects.filter(in_demo)
    by_project = Q(project__in=projects)
    SurveyAnswer.objects.filter(survey__project__in=projects).delete()
    Survey.objects.filter(by_project).delete()
    SignOff.objects.filter(by_project).delete()
    GroupMember.objects.filter(group__project__in=projects).delete()
    SupervisionGroup.objects.filter(by_project).delete()
    Volunteer.objects.filter(by_project).delete()
    RectificationEvent.objects.filter(item__in=RectificationItem.objects.filter(in_demo)).delete()
    RectificationItem.objects.filter(in_demo).delete()
    for photo_owner in Inspection.objects.filter(by_project):
        for photo in photo_owner.photos.all():
            photo.image.delete(save=False)
    Inspection.objects.filter(by_project).delete()
    WorkItem.objects.filter(by_project).delete()
    Milestone.objects.filter(by_project).delete()
    MaintenanceTask.objects.filter(by_project).delete()
    PaymentRequest.objects.filter(by_project).delete()
    ShareScheme.objects.filter(by_project).update(pledge=None)
    LedgerEntry.objects.filter(by_project, reverses__isnull=False).delete()
    LedgerEntry.objects.filter(by_project).delete()
    ShareScheme.objects.filter(by_project).delete()
    FundingSource.objects.filter(by_project).delete()
    for attachment in ProjectAttachment.objects.filter(by_project):
        attachment.file.delete(save=False)
    ProjectAttachment.objects.filter(by_project).delete()
    projects.delete()
    Checkup.objects.filter(in_demo).delete()
    Asset.objects.filter(in_demo).delete()
