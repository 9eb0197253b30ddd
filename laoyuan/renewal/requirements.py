"""What a project needs before each step of its lifecycle (生命周期的前置条件), as a table of
named checks: data plus one small predicate each, and the Chinese sentence that says what is
missing. `project_transition` refuses a step whose checks fail and lists those sentences; the
project page shows the same table as a checklist.

Adding a check is one entry: a `Requirement` under the state it guards, whose predicate reads
the `ProjectFacts` (and `applies`, when it concerns only some projects). Three checks read other
apps: the owners' vote (业主表决, decisions.votes) linked as `Project.vote` — closed, of the
project's matter type and passed per its sealed result (民法典第278条) — for *decided*, and the
same vote of the matter "using the maintenance fund" for *funded* when the fund pays (unless the
emergency procedure of art. 281 is recorded with its reason); and the plan's public notice
(公示, notices) about the project — its period over, closed (not withdrawn), every objection
answered and settled — for *published*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from laoyuan.decisions.votes.models import Vote, VoteStatus
from laoyuan.decisions.votes.results import result_of
from laoyuan.notices.models import Notice, NoticeKind, NoticeState, ObjectionState
from laoyuan.renewal.ledger import Balances
from laoyuan.renewal.models import (
    VOTE_MATTERS,
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
    open_q,
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
    # The linked owners' vote and whether its sealed result passed (None: not counted).
    vote: Vote | None = None
    vote_passed: bool | None = None
    # The plan's notices about the project: (title, state, ends_on, unresolved objections).
    plan_notices: list[tuple[str, str, object, int]] = field(default_factory=list)

    @property
    def progress(self) -> Fraction | None:
        return progress(self.work)


# The kinds of notice that publish a project's plan (方案公示).
PLAN_NOTICE_KINDS = (NoticeKind.PLAN, NoticeKind.PROJECT)


def vote_facts(project: Project) -> tuple[Vote | None, bool | None]:
    """The project's linked vote and whether its sealed result passed (three queries at most)."""
    if project.vote_id is None:
        return None, None
    vote = Vote.objects.get(pk=project.vote_id)
    sheet = result_of(vote)
    return vote, (None if sheet is None else sheet.passed)


def plan_notices(project: Project) -> list[tuple[str, str, object, int]]:
    """The notices publishing the project's plan, oldest first, each with how many of its
    objections are not settled now (answers given after closing count). One query."""
    rows = (
        Notice.objects.filter(
            subject_type=ContentType.objects.get_for_model(Project),
            subject_id=project.pk,
            kind__in=PLAN_NOTICE_KINDS,
        )
        .annotate(
            unresolved=Count("objections", filter=~Q(objections__state=ObjectionState.RESOLVED))
        )
        .order_by("starts_on", "pk")
        .values_list("title", "state", "ends_on", "unresolved")
    )
    return list(rows)


def facts_of(project: Project) -> ProjectFacts:
    """Load the facts of one project (fifteen queries at most, whatever its size)."""
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
    facts.open_problems = RectificationItem.objects.filter(open_q(), project=project).count()
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
    facts.vote, facts.vote_passed = vote_facts(project)
    facts.plan_notices = plan_notices(project)
    return facts


@dataclass(frozen=True)
class Requirement:
    """One named check: `met(facts)` says whether it holds; `missing(facts)` says, in Chinese,
    what is missing when it does not."""

    code: str
    label: str
    met: Callable[[ProjectFacts], bool]
    missing: Callable[[ProjectFacts], str]
    # Whether the check concerns this project at all (an owners' vote only when a matter needs it).
    applies: Callable[[ProjectFacts], bool] = lambda f: True


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


def vote_problem(project: Project, vote: Vote | None, passed: bool | None, matter: str) -> str:
    """Why the linked vote does not decide `matter` (an OwnersMatter) for the project, in
    Chinese; "" when it does: closed, of that matter type, of the compound, passed."""
    wanted = VOTE_MATTERS.get(matter, "")
    label = OwnersMatter(matter).label if matter in OwnersMatter.values else matter
    if vote is None:
        return str(
            _("尚未关联业主表决：“{matter}”须经业主表决通过（民法典第二百七十八条）。").format(
                matter=label
            )
        )
    if vote.compound_id != project.compound_id or vote.matter != wanted:
        return str(
            _("所关联的业主表决“{title}”表决的是“{theirs}”，不是本项目需要的“{matter}”。").format(
                title=vote.title, theirs=vote.get_matter_display(), matter=label
            )
        )
    if vote.status != VoteStatus.CLOSED:
        return str(
            _("业主表决“{title}”尚未结束计票（当前为“{status}”）。").format(
                title=vote.title, status=vote.get_status_display()
            )
        )
    if not passed:
        return str(_("业主表决“{title}”未获通过。").format(title=vote.title))
    return ""


def _needs_owners_vote(f: ProjectFacts) -> bool:
    return bool(f.project.vote_matter)


def _owners_vote_missing(f: ProjectFacts) -> str:
    return vote_problem(f.project, f.vote, f.vote_passed, f.project.vote_matter)


def _fund_pays(f: ProjectFacts) -> bool:
    return bool(f.pledged_by_kind.get(SourceKind.MAINTENANCE_FUND))


def fund_vote_problem(project: Project, vote: Vote | None, passed: bool | None) -> str:
    """Why the maintenance fund may not pay for the project yet ("" when it may): a passed
    owners' vote on using it, or the emergency procedure (民法典第二百八十一条) with its reason."""
    if project.fund_emergency and project.fund_emergency_reason.strip():
        return ""
    problem = vote_problem(project, vote, passed, OwnersMatter.USE_FUND)
    if not problem:
        return ""
    return str(
        _("使用住宅专项维修资金须经业主表决通过（应急程序除外）：{problem}").format(problem=problem)
    )


def _plan_published(f: ProjectFacts) -> bool:
    return any(state == NoticeState.CLOSED and not left for _t, state, _e, left in f.plan_notices)


def _plan_notice_missing(f: ProjectFacts) -> str:
    live = [n for n in f.plan_notices if n[1] != NoticeState.WITHDRAWN]
    if not live:
        return str(_("尚未公示改造方案：请在项目页发布方案公示，公示期满、异议都答复后再推进。"))
    title, state, ends_on, left = live[-1]
    if state in (NoticeState.DRAFT, NoticeState.PUBLISHED):
        return str(
            _("方案公示“{title}”尚未结束（公示期至{end}），期满结束后才能推进。").format(
                title=title, end=ends_on
            )
        )
    return str(_("方案公示“{title}”还有{n}条异议没有答复办结。").format(title=title, n=left))


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
        Requirement(
            "owners_vote",
            _("业主共同决定的事项经业主表决通过（民法典第二百七十八条）"),
            lambda f: not _owners_vote_missing(f),
            _owners_vote_missing,
            applies=_needs_owners_vote,
        ),
    ),
    ProjectState.PUBLISHED: (
        Requirement(
            "public_notice",
            _("方案公示期满结束，每条异议都已答复"),
            _plan_published,
            _plan_notice_missing,
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
        Requirement(
            "fund_vote",
            _("使用维修资金经业主表决通过（应急程序除外）"),
            lambda f: not fund_vote_problem(f.project, f.vote, f.vote_passed),
            lambda f: fund_vote_problem(f.project, f.vote, f.vote_passed),
            applies=_fund_pays,
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
        if r.applies(facts)
        for ok in (bool(r.met(facts)),)
    ]


def missing(facts: ProjectFacts, to_state: str) -> list[str]:
    return [c.missing for c in check(facts, to_state) if not c.met]


__all__ = [
    "MIN_GROUP_MEMBERS",
    "REQUIREMENTS",
    "CheckResult",
    "ProjectFacts",
    "Requirement",
    "check",
    "facts_of",
    "fund_vote_problem",
    "missing",
    "plan_notices",
    "vote_facts",
    "vote_problem",
]
