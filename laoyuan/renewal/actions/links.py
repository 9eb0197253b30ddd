"""A project's links to the other apps: the owners' vote (业主表决, decisions.votes) that decided
its matter, and its public notices (公示, notices) — the plan, with its attachments, and the
accounts statement (收支账目), with the accounts as an A4 PDF.

The notices are written through `notices.actions.notice_publish` (its permission check on the
place, period arithmetic, file checks, history, audit and the residents told); the project's
timeline notes each, and the notice links back to the project (its subject).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.decisions.votes.models import Vote, VoteStatus
from laoyuan.notices import actions as notice_actions
from laoyuan.notices.models import Notice, NoticeKind, NoticeState
from laoyuan.renewal import requirements
from laoyuan.renewal.actions.common import event, require
from laoyuan.renewal.actions.funding import accounts_publish
from laoyuan.renewal.models import (
    LIFECYCLE,
    VOTE_MATTERS,
    AttachmentKind,
    EventKind,
    FundingSource,
    OwnersMatter,
    Project,
    ProjectState,
)

# A vote is chosen while the project is being decided and funded; after that it is history.
VOTE_STATES = frozenset(LIFECYCLE[: LIFECYCLE.index(ProjectState.FUNDED)])
# The plan is publicised once designed (usually once decided), before the step to 已公示.
PLAN_NOTICE_STATES = frozenset({ProjectState.DESIGNED, ProjectState.DECIDED})
# What a plan notice carries of the project's documents.
PLAN_DOCUMENTS = (AttachmentKind.PLAN, AttachmentKind.DRAWING, AttachmentKind.BUDGET)
DEFAULT_PERIOD_DAYS = 7
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def vote_refusal(project: Project, vote: Vote) -> str:
    """Why this vote cannot decide the project ("" when it can): another compound, another
    matter, called off, or buildings the vote did not ask."""
    if vote.compound_id != project.compound_id:
        return _("只能选择本小区的业主表决。")
    if not project.vote_matter:
        return _("本项目没有需业主共同决定的事项：请先在项目中选择表决事项。")
    wanted = VOTE_MATTERS[project.vote_matter]
    if vote.matter != wanted:
        return _("表决“{title}”表决的是“{theirs}”，本项目需要“{matter}”的表决。").format(
            title=vote.title,
            theirs=vote.get_matter_display(),
            matter=OwnersMatter(project.vote_matter).label,
        )
    if vote.status == VoteStatus.CANCELLED:
        return _("表决“{title}”已取消。").format(title=vote.title)
    asked = set(vote.buildings.values_list("pk", flat=True))
    if asked:
        mine = set(project.buildings.values_list("pk", flat=True))
        if not mine or not mine <= asked:
            return _("表决“{title}”只由部分楼栋的业主表决，不包括本项目涉及的全部楼栋。").format(
                title=vote.title
            )
    return ""


@transaction.atomic
def project_set_vote(*, actor: User, project: Project, vote: Vote | None) -> Project:
    """Link the owners' vote (业主表决) that decides the project's matter (民法典第278条): a
    vote of the same compound and matter type, not cancelled, asked of the project's buildings;
    `None` unlinks it. The link may change until the project is funded."""
    require(actor, "renewal.manage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.state not in VOTE_STATES:
        raise ValidationError(
            {
                "vote": _("项目已是“{state}”，不能再更换业主表决。").format(
                    state=project.get_state_display()
                )
            }
        )
    if vote is not None:
        refusal = vote_refusal(project, vote)
        if refusal:
            raise ValidationError({"vote": refusal})
    before = project.vote_id
    project.vote = vote
    project.save(update_fields=["vote", "updated_at"])
    event(
        project,
        actor,
        EventKind.VOTE,
        note=(
            _("关联业主表决“{title}”（{status}）").format(
                title=vote.title, status=vote.get_status_display()
            )
            if vote
            else _("取消关联业主表决")
        ),
        data={"vote": vote.pk if vote else None},
    )
    audit_log(
        actor=actor,
        action="renewal.project_vote",
        obj=project,
        changes={"vote": [before, vote.pk if vote else None]},
    )
    return project


def _plan_files(project: Project) -> list[ContentFile]:
    """The plan's documents, opened from sealed storage, named as the notice shows them."""
    files = []
    for a in project.attachments.filter(kind__in=PLAN_DOCUMENTS).order_by("kind", "id"):
        with a.file.open("rb") as handle:
            data = handle.read()
        name = f"{a.title}.{EXTENSIONS.get(a.content_type, 'pdf')}"
        files.append(ContentFile(data, name=name))
    return files


def plan_body(project: Project) -> str:
    """The default text of the plan's notice: what, where, for how much."""
    lines = [
        _("项目名称：{title}").format(title=project.title),
        _("类别：{cls}（{item}）").format(
            cls=project.get_renewal_class_display(), item=project.item_type_name
        ),
    ]
    buildings = [str(b) for b in project.buildings.order_by("number")]
    lines.append(
        _("范围：{where}").format(where="、".join(buildings) if buildings else _("全小区"))
    )
    for q in project.quantities.order_by("id"):
        lines.append(f"· {q.item} {q.amount.normalize():f}{q.unit}")
    if project.budget is not None:
        lines.append(_("预算：{budget}元").format(budget=f"{project.budget:,.2f}"))
    if project.description:
        lines.append("")
        lines.append(project.description)
    lines.append("")
    lines.append(_("公示期内如有异议，请在线提出或书面交社区居委会。"))
    return "\n".join(lines)


def _live_notice(project: Project, kinds) -> Notice | None:
    return (
        Notice.objects.filter(
            subject_type__app_label="renewal",
            subject_type__model="project",
            subject_id=project.pk,
            kind__in=kinds,
            state__in=(NoticeState.DRAFT, NoticeState.PUBLISHED),
        )
        .order_by("pk")
        .first()
    )


def _noted(actor: User, project: Project, notice: Notice, what: str) -> None:
    event(
        project,
        actor,
        EventKind.NOTICE,
        note=_("发布{what}“{title}”：{start}至{end}").format(
            what=what, title=notice.title, start=notice.starts_on, end=notice.ends_on
        ),
        data={"notice": notice.pk, "kind": notice.kind},
    )
    audit_log(
        actor=actor,
        action="renewal.project_notice",
        obj=project,
        changes={"notice": notice.pk, "kind": notice.kind},
    )


@transaction.atomic
def project_publish_plan(
    *,
    actor: User,
    project: Project,
    starts_on: dt.date | None,
    period_days: int | None = DEFAULT_PERIOD_DAYS,
    working_days: bool = True,
    title: str = "",
    body: str = "",
) -> Notice:
    """Publicise the project's plan (方案公示) as a notice about the project, to its compound
    (or its buildings), with the plan, drawings and budget attached. One at a time: a plan
    notice still running must end (or be withdrawn) before another."""
    require(actor, "renewal.manage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.state not in PLAN_NOTICE_STATES:
        raise ValidationError(
            _("项目当前为“{state}”：方案设计完成后（已设计或已决策）才能公示方案。").format(
                state=project.get_state_display()
            )
        )
    running = _live_notice(project, requirements.PLAN_NOTICE_KINDS)
    if running is not None:
        raise ValidationError(
            _("方案公示“{title}”还没有结束：期满或撤回后才能再发布。").format(title=running.title)
        )
    notice = notice_actions.notice_publish(
        actor=actor,
        place=project.compound,
        kind=NoticeKind.PLAN,
        title=title or _("{title}改造方案公示").format(title=project.title),
        body=body or plan_body(project),
        starts_on=starts_on,
        period_days=period_days,
        working_days=working_days,
        buildings=list(project.buildings.order_by("number")),
        subject=project,
        attachments=_plan_files(project),
    )
    _noted(actor, project, notice, _("方案公示"))
    return notice


def accounts_pdf(project: Project) -> bytes:
    """The project's accounts as the A4 PDF of the bulletin board, with the QR code of its
    public page (the same template the accounts' print page uses)."""
    from laoyuan.core.pdf import qr_svg, render_pdf
    from laoyuan.renewal.queries.funding import accounts_statement

    public_url = settings.LAOYUAN_SITE_URL.rstrip("/") + reverse(
        "renewal:public_accounts", args=[project.accounts_key]
    )
    context = {
        "statement": accounts_statement(project),
        "project": project,
        "public_url": public_url,
        "qr": qr_svg(public_url),
    }
    return render_pdf("renewal/print/accounts.html", context)


def accounts_body(project: Project) -> str:
    public_url = settings.LAOYUAN_SITE_URL.rstrip("/") + reverse(
        "renewal:public_accounts", args=[project.accounts_key]
    )
    return "\n".join(
        [
            _("“{title}”的资金收支情况见附件（A4 账目表）。").format(title=project.title),
            _("各方认缴、到位和支出按来源逐笔列出，居民缴纳的分摊款按日汇总，不列姓名。"),
            _("随时可查看的公开账目：{url}").format(url=public_url),
            "",
            _("公示期内如有异议，请在线提出或书面交社区居委会。"),
        ]
    )


@transaction.atomic
def project_publish_accounts(
    *,
    actor: User,
    project: Project,
    starts_on: dt.date | None,
    period_days: int | None = DEFAULT_PERIOD_DAYS,
    working_days: bool = True,
    title: str = "",
    body: str = "",
) -> Notice:
    """Publicise the project's accounts (账目公示) as a notice about the project with the A4
    accounts attached; the accounts' public address opens (or stays) as `accounts_publish`
    makes it. Needs "renewal.funds" on the project and "notices.publish" on its compound."""
    require(actor, "renewal.funds", project)
    if project.state == ProjectState.CANCELLED:
        raise ValidationError(_("项目已撤销，不能再公示账目。"))
    if not FundingSource.objects.filter(project=project).exists():
        raise ValidationError(_("项目还没有资金来源，没有可以公示的账目。"))
    running = _live_notice(project, (NoticeKind.ACCOUNT,))
    if running is not None:
        raise ValidationError(
            _("账目公示“{title}”还没有结束：期满或撤回后才能再发布。").format(title=running.title)
        )
    project = accounts_publish(actor=actor, project=project)
    pdf = ContentFile(accounts_pdf(project), name=f"{project.title}账目.pdf")
    notice = notice_actions.notice_publish(
        actor=actor,
        place=project.compound,
        kind=NoticeKind.ACCOUNT,
        title=title or _("{title}资金收支公示").format(title=project.title),
        body=body or accounts_body(project),
        starts_on=starts_on,
        period_days=period_days,
        working_days=working_days,
        buildings=list(project.buildings.order_by("number")),
        subject=project,
        attachments=[pdf],
    )
    _noted(actor, project, notice, _("账目公示"))
    return notice
