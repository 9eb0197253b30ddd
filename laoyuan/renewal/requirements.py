"""What a project needs before each step of its lifecycle (生命周期的前置条件), as a table of
named checks: data plus one small predicate each, and the Chinese sentence that says what is
missing. `project_transition` refuses a step whose checks fail and lists those sentences; the
project page shows the same table as a checklist.

Adding a check is one entry: a `Requirement` under the state it guards, whose predicate reads
the `ProjectFacts`. `DEFERRED` lists the checks that need parts not merged yet — the owners'
vote of the right matter type (decisions, issue 5) and the public notice with every objection
answered (notices, issue 5). They are NOT enforced: pages and the API say so plainly until the
integration moves each into `REQUIREMENTS` with its predicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from laoyuan.renewal.ledger import Balances
from laoyuan.renewal.models import (
    OPEN_STATES,
    AttachmentKind,
    GroupMember,
    LedgerEntry,
    OwnersMatter,
    Project,
    ProjectState,
    RectificationItem,
    SignOff,
    SourceKind,
    Survey,
)
from laoyuan.renewal.progress import progress

# A supervision group needs at least this many residents to watch a building site.
MIN_GROUP_MEMBERS = 3


@dataclass
class ProjectFacts:
    """What the checks read, loaded in a fixed number of queries whatever the project's size."""

    project: Project
    topics: int = 0
    buildings: int = 0
    quantities: int = 0
    attachments: Counter = field(default_factory=Counter)
    pledged: Decimal = Decimal("0")
    received: Decimal = Decimal("0")
    pledged_by_kind: dict[str, Decimal] = field(default_factory=dict)
    milestones: int = 0
    work: list[tuple[int, Decimal, Decimal]] = field(default_factory=list)
    members: int = 0
    open_problems: int = 0
    agree: int = 0
    signed: int = 0
    survey_exists: bool = False
    survey_closed: bool = False
    survey_answers: int = 0
    maintenance_tasks: int = 0

    @property
    def progress(self) -> Fraction | None:
        return progress(self.work)


def facts_of(project: Project) -> ProjectFacts:
    """Load the facts of one project (eleven queries, whatever its size)."""
    facts = ProjectFacts(project=project)
    facts.topics = project.topics.count()
    facts.buildings = project.buildings.count()
    facts.quantities = project.quantities.count()
    facts.attachments = Counter(
        dict(
            project.attachments.values("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
            .order_by()
        )
    )
    rows = list(
        LedgerEntry.objects.filter(project=project)
        .values_list("source__kind", "debit", "credit")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_kind: dict[str, Balances] = {}
    everything = Balances()
    for kind, debit, credit, total in rows:
        by_kind.setdefault(kind, Balances()).post(debit, credit, total)
        everything.post(debit, credit, total)
    facts.pledged_by_kind = {k: b.pledged for k, b in by_kind.items()}
    facts.pledged = everything.pledged
    facts.received = everything.received
    facts.milestones = project.milestones.count()
    facts.work = list(project.work_items.values_list("weight", "planned_quantity", "done_quantity"))
    facts.members = GroupMember.objects.filter(group__project=project).count()
    facts.open_problems = RectificationItem.objects.filter(
        project=project, state__in=OPEN_STATES
    ).count()
    votes = SignOff.objects.filter(project=project).aggregate(
        signed=Count("id"), agree=Count("id", filter=Q(agrees=True))
    )
    facts.signed, facts.agree = votes["signed"], votes["agree"]
    survey = Survey.objects.filter(project=project).annotate(n=Count("answers")).first()
    if survey is not None:
        facts.survey_exists = True
        facts.survey_closed = survey.closed_at is not None
        facts.survey_answers = survey.n
    facts.maintenance_tasks = project.maintenance.count()
    return facts


@dataclass(frozen=True)
class Requirement:
    """One named check: `met(facts)` says whether it holds; `missing(facts)` says, in Chinese,
    what is missing when it does not."""

    code: str
    label: str
    met: Callable[[ProjectFacts], bool]
    missing: Callable[[ProjectFacts], str]


@dataclass(frozen=True)
class DeferredCheck:
    """A check that needs a part not merged yet: what it will check and what it will read.
    Not enforced; `applies(facts)` says whether it concerns this project at all."""

    code: str
    label: str
    needs: str
    applies: Callable[[ProjectFacts], bool]


def _yuan(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):,.2f}"


def _pledge_gap(f: ProjectFacts) -> str:
    if not f.project.budget:
        return str(_("尚未填写预算，无法核对资金是否落实。"))
    return str(
        _("各方认缴合计{pledged}元，低于预算{budget}元，还差{gap}元。").format(
            pledged=_yuan(f.pledged),
            budget=_yuan(f.project.budget),
            gap=_yuan(f.project.budget - f.pledged),
        )
    )


def _fund_matter_ok(f: ProjectFacts) -> bool:
    if not f.pledged_by_kind.get(SourceKind.MAINTENANCE_FUND):
        return True
    if f.project.fund_emergency:
        return bool(f.project.fund_emergency_reason.strip())
    return f.project.vote_matter == OwnersMatter.USE_FUND


def _survey_missing(f: ProjectFacts) -> str:
    if not f.survey_exists:
        return str(_("尚未开展居民满意度调查。"))
    if not f.survey_closed:
        return str(_("居民满意度调查尚未结束。"))
    return str(_("居民满意度调查没有收到答卷。"))


def _signed_off(f: ProjectFacts) -> bool:
    # More than half of the group's members agree (compared in integers).
    return f.members > 0 and 2 * f.agree > f.members


REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    ProjectState.CONSULTED: (
        Requirement(
            "residents_heard",
            _("关联了居民意见（议题）"),
            lambda f: f.topics > 0,
            lambda f: str(_("尚未关联居民议题：请先把征集到的居民意见（议题）关联到本项目。")),
        ),
    ),
    ProjectState.DESIGNED: (
        Requirement(
            "plan",
            _("上传了改造方案"),
            lambda f: f.attachments[AttachmentKind.PLAN] > 0,
            lambda f: str(_("缺少改造方案：请上传“改造方案”附件。")),
        ),
        Requirement(
            "drawings",
            _("上传了设计图纸"),
            lambda f: f.attachments[AttachmentKind.DRAWING] > 0,
            lambda f: str(_("缺少设计图纸：请上传“设计图纸”附件。")),
        ),
        Requirement(
            "scope",
            _("填写了工程量"),
            lambda f: f.quantities > 0,
            lambda f: str(_("尚未填写工程量（如更换管网多少米、外立面多少平方米）。")),
        ),
        Requirement(
            "budget",
            _("填写了预算"),
            lambda f: bool(f.project.budget and f.project.budget > 0),
            lambda f: str(_("尚未填写预算金额。")),
        ),
    ),
    ProjectState.DECIDED: (
        Requirement(
            "resolution",
            _("关联了会议决议"),
            lambda f: f.project.resolution_id is not None,
            lambda f: str(_("尚未关联会议决议：请选择作出决定的会议及其决定。")),
        ),
    ),
    ProjectState.FUNDED: (
        Requirement(
            "pledges_cover_budget",
            _("各方认缴资金覆盖预算"),
            lambda f: bool(f.project.budget) and f.pledged >= f.project.budget,
            _pledge_gap,
        ),
        Requirement(
            "fund_matter",
            _("使用维修资金时标明了表决事项或应急程序"),
            _fund_matter_ok,
            lambda f: str(
                _(
                    "认缴资金含住宅专项维修资金：请把“需业主共同决定的事项”设为“使用维修资金”，"
                    "或按应急程序使用并写明应急理由。"
                )
            ),
        ),
    ),
    ProjectState.TENDERING: (
        Requirement(
            "schedule",
            _("定了计划开工和完工日期"),
            lambda f: bool(f.project.planned_start and f.project.planned_end),
            lambda f: str(_("尚未填写计划开工和计划完工日期。")),
        ),
        Requirement(
            "milestones",
            _("排了进度节点"),
            lambda f: f.milestones > 0,
            lambda f: str(_("尚未排进度节点。")),
        ),
    ),
    ProjectState.CONSTRUCTION: (
        Requirement(
            "contractor",
            _("确定了施工单位"),
            lambda f: bool(f.project.contractor.strip()),
            lambda f: str(_("尚未填写施工单位。")),
        ),
        Requirement(
            "supervision_group",
            _("成立了居民监督小组"),
            lambda f: f.members >= MIN_GROUP_MEMBERS,
            lambda f: str(
                _("居民监督小组尚未成立：至少需要{n}名成员，现有{m}名。").format(
                    n=MIN_GROUP_MEMBERS, m=f.members
                )
            ),
        ),
        Requirement(
            "work_items",
            _("列出了工程子项"),
            lambda f: bool(f.work),
            lambda f: str(_("尚未列出工程子项，无法计算进度。")),
        ),
    ),
    ProjectState.ACCEPTED: (
        Requirement(
            "work_done",
            _("全部工程子项完成"),
            lambda f: f.progress == 1,
            lambda f: str(
                _("工程尚未全部完成：当前进度{p}%。").format(
                    p=_percent(f.progress),
                )
            ),
        ),
        Requirement(
            "problems_closed",
            _("监督检查发现的问题全部销号"),
            lambda f: f.open_problems == 0,
            lambda f: str(_("还有{n}个监督检查发现的问题未销号。").format(n=f.open_problems)),
        ),
        Requirement(
            "group_signed_off",
            _("监督小组过半数成员签字同意验收"),
            _signed_off,
            lambda f: str(
                _("监督小组{members}名成员中同意验收的有{agree}名，未过半数。").format(
                    members=f.members, agree=f.agree
                )
            ),
        ),
        Requirement(
            "acceptance_report",
            _("上传了验收报告"),
            lambda f: f.attachments[AttachmentKind.ACCEPTANCE] > 0,
            lambda f: str(_("缺少验收报告：请上传“验收报告”附件。")),
        ),
        Requirement(
            "survey_done",
            _("居民满意度调查已结束"),
            lambda f: f.survey_closed and f.survey_answers > 0,
            _survey_missing,
        ),
    ),
    ProjectState.MAINTENANCE: (
        Requirement(
            "maintenance_plan",
            _("制定了维护计划"),
            lambda f: f.maintenance_tasks > 0,
            lambda f: str(_("尚未制定维护计划（维护内容、责任方、周期）。")),
        ),
    ),
}


def _percent(value: Fraction | None) -> str:
    from laoyuan.renewal.progress import percent_down

    return percent_down(value if value is not None else Fraction(0))


# Checks that wait for parts being built elsewhere (issue 5). They are shown, never enforced.
DEFERRED: dict[str, tuple[DeferredCheck, ...]] = {
    ProjectState.DECIDED: (
        DeferredCheck(
            "owners_vote",
            _("业主共同决定：“需业主共同决定的事项”须有该事项类型的业主表决通过"),
            _("业主表决（决策模块）：本项目的 vote_matter 与表决结果（事项类型、是否通过）"),
            lambda f: bool(f.project.vote_matter),
        ),
    ),
    ProjectState.PUBLISHED: (
        DeferredCheck(
            "public_notice",
            _("方案公示：公示期已满，且每条异议都已答复"),
            _("公示模块：以本项目为对象的公示（公示期、异议及答复）"),
            lambda f: True,
        ),
    ),
    ProjectState.FUNDED: (
        DeferredCheck(
            "fund_vote",
            _("使用住宅专项维修资金：须有“使用维修资金”事项的业主表决通过（应急程序除外）"),
            _("业主表决（决策模块）：事项类型“使用维修资金”的表决结果；fund_emergency"),
            lambda f: bool(f.pledged_by_kind.get(SourceKind.MAINTENANCE_FUND)),
        ),
    ),
}


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    met: bool
    missing: str


def check(facts: ProjectFacts, to_state: str) -> list[CheckResult]:
    """Every enforced check of a step, met or not, with what is missing."""
    return [
        CheckResult(r.code, str(r.label), ok, "" if ok else r.missing(facts))
        for r in REQUIREMENTS.get(to_state, ())
        for ok in (bool(r.met(facts)),)
    ]


def deferred(facts: ProjectFacts, to_state: str) -> list[DeferredCheck]:
    """The not-yet-enforced checks of a step that concern this project."""
    return [d for d in DEFERRED.get(to_state, ()) if d.applies(facts)]


def missing(facts: ProjectFacts, to_state: str) -> list[str]:
    return [c.missing for c in check(facts, to_state) if not c.met]


__all__ = [
    "DEFERRED",
    "MIN_GROUP_MEMBERS",
    "REQUIREMENTS",
    "CheckResult",
    "DeferredCheck",
    "ProjectFacts",
    "Requirement",
    "check",
    "deferred",
    "facts_of",
    "missing",
]
