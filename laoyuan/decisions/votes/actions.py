"""Writes to owners' votes (业主表决): prepare one, change the draft, open it (the roll is frozen
and the rule copied onto it), close it (the count is final) or cancel it.

A binding vote (one of the nine matters of Civil Code art. 278) is taken at an owners' assembly
(业主大会) of its compound that was noticed in time (plan_actions.notice_problem): it opens once
the notice is out and closes no earlier than the assembly's day. An advisory poll (意见征询)
needs no assembly. A vote closes at its closing time, not before, and is counted when the
organiser closes it: paper ballots handed in before the closing time may still be typed in
until then.

Each action is atomic, takes the acting user, checks her permission on the place and writes
the audit log; each change of state is a row of the vote's hash chain (`chain.append`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log, field_changes
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.decisions.models import Meeting, MeetingKind, MeetingStatus, Resolution
from laoyuan.decisions.plan_actions import notice_problem
from laoyuan.decisions.votes import chain, counting, roll, rulesets, tally
from laoyuan.decisions.votes.models import (
    VOTE_TRANSITIONS,
    Matter,
    Vote,
    VoteEvent,
    VoteEventKind,
    VoteStatus,
    cents_to_m2,
)
from laoyuan.registry.models import Building, Compound
from laoyuan.voices import places

BINDING_OPTIONS = (
    (counting.YES, "同意"),
    (counting.NO, "不同意"),
    (counting.ABSTAIN, "弃权"),
)
MAX_OPTIONS = 10
OPTION_CHARS = 40
LONGEST_VOTE = dt.timedelta(days=180)


@dataclass
class VoteDraft:
    """What the organiser writes: the matter, the question and the period; the buildings
    (none: the whole compound); the owners' assembly it is taken at; an advisory poll's own
    options (a binding vote always offers 同意 / 不同意 / 弃权)."""

    title: str
    question: str
    matter: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    buildings: Sequence[Building] = ()
    meeting: Meeting | None = None
    options: Sequence[str] = field(default_factory=list)


def _require_compound(actor: User, permission: str, compound: Compound) -> None:
    if not places.may_on_compound(actor, permission, compound):
        raise PermissionDenied(permission)


def _require(actor: User, permission: str, vote: Vote) -> None:
    if not has_permission(actor, permission, vote):
        raise PermissionDenied(permission)


def _locked(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("compound").get(pk=vote.pk)


def _options(problems: dict, matter: str, labels: Sequence[str]) -> list[dict]:
    if matter != Matter.ADVISORY:
        return [{"key": key, "label": label} for key, label in BINDING_OPTIONS]
    clean = [(label or "").strip() for label in labels]
    clean = [label for label in clean if label]
    if len(clean) < 2:
        problems["options"] = _("意见征询至少要有两个选项。")
    elif len(clean) > MAX_OPTIONS:
        problems["options"] = _("最多{n}个选项。").format(n=MAX_OPTIONS)
    elif len(set(clean)) != len(clean):
        problems["options"] = _("选项不能重复。")
    elif any(len(label) > OPTION_CHARS for label in clean):
        problems["options"] = _("每个选项最多{n}个字。").format(n=OPTION_CHARS)
    return [{"key": f"o{i}", "label": label} for i, label in enumerate(clean, start=1)]


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time given without a zone (an API client's "2026-12-20T18:00") is local time."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _check_draft(compound: Compound, draft: VoteDraft) -> tuple[dict, list[dict], list]:
    draft.opens_at, draft.closes_at = aware(draft.opens_at), aware(draft.closes_at)
    problems: dict[str, str] = {}
    title = (draft.title or "").strip()
    question = (draft.question or "").strip()
    if not title:
        problems["title"] = _("请填写标题。")
    elif len(title) > 120:
        problems["title"] = _("标题最多120个字。")
    if not question:
        problems["question"] = _("请写明表决的内容。")
    elif len(question) > 5000:
        problems["question"] = _("表决内容最多5000个字。")
    if draft.matter not in Matter.values:
        problems["matter"] = _("请选择表决事项。")
    options = _options(problems, draft.matter, draft.options)
    if draft.opens_at is None:
        problems["opens_at"] = _("请填写开始时间。")
    if draft.closes_at is None:
        problems["closes_at"] = _("请填写截止时间。")
    if draft.opens_at and draft.closes_at:
        if draft.closes_at <= draft.opens_at:
            problems["closes_at"] = _("截止时间应晚于开始时间。")
        elif draft.closes_at - draft.opens_at > LONGEST_VOTE:
            problems["closes_at"] = _("投票期最长180天。")
    buildings = list(dict.fromkeys(draft.buildings))
    if any(b.compound_id != compound.pk for b in buildings):
        problems["buildings"] = _("只能选择本小区的楼栋。")
    meeting = draft.meeting
    if meeting is not None:
        if meeting.compound_id != compound.pk:
            problems["meeting"] = _("只能选择本小区的业主大会。")
        elif meeting.kind != MeetingKind.OWNERS_ASSEMBLY:
            problems["meeting"] = _("表决只能在业主大会上进行。")
        elif meeting.status == MeetingStatus.CANCELLED:
            problems["meeting"] = _("这次业主大会已取消。")
    if (
        meeting is not None
        and "meeting" not in problems
        and draft.matter in Matter.values
        and draft.matter != Matter.ADVISORY
        and draft.closes_at
    ):
        why = _closes_too_early(draft.closes_at, meeting)
        if why:
            problems["closes_at"] = why
    return problems, options, buildings


def _closes_too_early(closes_at: dt.datetime, meeting: Meeting) -> str:
    if timezone.localtime(closes_at).date() < meeting.held_on:
        return _(
            "截止时间不能早于业主大会召开的日期（{date}）：业主须在通知期满后才作决定。"
        ).format(date=f"{meeting.held_on:%Y-%m-%d}")
    return ""


def _event(vote: Vote, actor: User | None, kind: str, *, before: str, note: str = "", **data):
    row = VoteEvent(
        actor=actor,
        kind=kind,
        from_status=before,
        to_status=vote.status,
        note=note,
        data=data,
        at=timezone.now(),
    )
    chain.append(vote, row)
    return row


@transaction.atomic
def vote_create(
    *, actor: User, compound: Compound, draft: VoteDraft, resolution: Resolution | None = None
) -> Vote:
    """Prepare a vote of a compound (a draft: the roll is not frozen until it opens)."""
    _require_compound(actor, "votes.organise", compound)
    problems, options, buildings = _check_draft(compound, draft)
    if problems:
        raise ValidationError(problems)
    rule_set = rulesets.rule_set_for(compound)
    vote = Vote.objects.create(
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        meeting=draft.meeting,
        resolution=resolution,
        matter=draft.matter,
        title=draft.title.strip(),
        question=draft.question.strip(),
        options=options,
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        status=VoteStatus.DRAFT,
        status_changed_at=timezone.now(),
        rule_set=rule_set,
        created_by=actor,
    )
    if buildings:
        vote.buildings.set(buildings)
    vote = _locked(vote)
    _event(
        vote,
        actor,
        VoteEventKind.CREATED,
        before="",
        matter=vote.matter,
        title=vote.title,
        resolution=resolution.pk if resolution else None,
    )
    audit_log(
        actor=actor,
        action="vote.create",
        obj=vote,
        changes={
            "matter": vote.matter,
            "buildings": [b.pk for b in buildings],
            "meeting": draft.meeting.pk if draft.meeting else None,
        },
    )
    return vote


@transaction.atomic
def vote_update(*, actor: User, vote: Vote, draft: VoteDraft) -> Vote:
    """Change a draft vote (nothing of an open vote changes)."""
    _require(actor, "votes.organise", vote)
    vote = _locked(vote)
    if vote.status != VoteStatus.DRAFT:
        raise ValidationError(_("表决已开始，内容不能再改。"))
    problems, options, buildings = _check_draft(vote.compound, draft)
    if problems:
        raise ValidationError(problems)
    before = {
        "title": vote.title,
        "question": vote.question,
        "matter": vote.matter,
        "options": vote.options,
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "meeting": vote.meeting_id,
        "buildings": sorted(b.pk for b in vote.buildings.all()),
    }
    after = {
        "title": draft.title.strip(),
        "question": draft.question.strip(),
        "matter": draft.matter,
        "options": options,
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
        "meeting": draft.meeting.pk if draft.meeting else None,
        "buildings": sorted(b.pk for b in buildings),
    }
    changes = field_changes(before, after)
    if not changes:
        return vote
    for name in ("title", "question", "matter", "options", "opens_at", "closes_at"):
        setattr(vote, name, after[name])
    vote.meeting = draft.meeting
    vote.save()
    vote.buildings.set(buildings)
    audit_log(actor=actor, action="vote.update", obj=vote, changes=changes)
    return vote


def _transition(vote: Vote, to_status: str) -> str:
    if to_status not in VOTE_TRANSITIONS.get(vote.status, frozenset()):
        raise ValidationError(
            _("表决当前为“{now}”，不能改为“{to}”。").format(
                now=vote.get_status_display(), to=VoteStatus(to_status).label
            )
        )
    before = vote.status
    vote.status = to_status
    vote.status_changed_at = timezone.now()
    return before


def open_problems(vote: Vote, check: roll.RollCheck | None = None) -> list[str]:
    """Why the vote may not open now (Chinese sentences), or an empty list."""
    problems = []
    now = timezone.now()
    if vote.closes_at <= now:
        problems.append(_("截止时间已过，请先把截止时间改到以后。"))
    if vote.is_binding:
        meeting = vote.meeting
        if meeting is None:
            problems.append(
                _(
                    "《民法典》第二百七十八条的事项由业主共同决定，须在业主大会上表决："
                    "请先在“会议”里计划业主大会、登记通知，再在这里选择它。"
                )
            )
        elif meeting.status == MeetingStatus.CANCELLED:
            problems.append(_("这次业主大会已取消。"))
        else:
            why = notice_problem(meeting) or _closes_too_early(vote.closes_at, meeting)
            if why:
                problems.append(why)
    check = check or roll.roll_check(vote)
    if vote.is_binding and check.without_area_count:
        problems.append(
            _(
                "有{n}套房屋没有登记面积：面积是计票的依据（不动产登记、测绘或购房合同），"
                "请先在登记信息中补全。"
            ).format(n=check.without_area_count)
        )
    if vote.is_binding and check.without_owner_count:
        problems.append(
            _(
                "有{n}套房屋没有登记业主：没人能为它投票，却要计入总数，请先在登记信息中补全。"
            ).format(n=check.without_owner_count)
        )
    if check.units - check.without_owner_count <= 0:
        problems.append(_("表决范围内没有登记了业主的房屋。"))
    return problems


@transaction.atomic
def vote_open(*, actor: User, vote: Vote) -> Vote:
    """Open a draft vote: freeze the roll (units, areas, owners, voting persons) and the rule
    of its matter, and let owners vote from its opening time to its closing time."""
    _require(actor, "votes.organise", vote)
    vote = _locked(vote)
    if vote.status != VoteStatus.DRAFT:
        _transition(vote, VoteStatus.OPEN)  # says why not
    problems = open_problems(vote)
    if problems:
        raise ValidationError(problems)
    rule_set = rulesets.rule_set_for(vote.compound)
    rule = rulesets.rule_of(rule_set, vote.matter)
    totals = roll.freeze(vote, include_problems=not vote.is_binding)
    before = _transition(vote, VoteStatus.OPEN)
    vote.rule_set = rule_set
    vote.rule = rule.snapshot()
    vote.total_area_cents = totals.area_cents
    vote.total_persons = totals.persons
    vote.total_units = totals.units
    vote.save()
    _event(
        vote,
        actor,
        VoteEventKind.OPENED,
        before=before,
        roll_digest=totals.digest,
        total_area_cents=totals.area_cents,
        total_persons=totals.persons,
        total_units=totals.units,
        rule=vote.rule,
        options=vote.options,
        question=vote.question,
        opens_at=vote.opens_at.isoformat(),
        closes_at=vote.closes_at.isoformat(),
        buildings=sorted(b.pk for b in vote.buildings.all()),
    )
    audit_log(
        actor=actor,
        action="vote.open",
        obj=vote,
        changes={
            "status": [before, vote.status],
            "persons": totals.persons,
            "units": totals.units,
            "area": cents_to_m2(totals.area_cents),
        },
    )
    from laoyuan.decisions.votes.tasks import enqueue_owner_notices

    enqueue_owner_notices(vote, "opened")
    return vote


@transaction.atomic
def vote_close(*, actor: User, vote: Vote) -> Vote:
    """Close an open vote once its closing time has passed, and count it: the result is
    sealed in the closing event and nothing can be cast or typed in any more."""
    _require(actor, "votes.organise", vote)
    vote = _locked(vote)
    if vote.status == VoteStatus.OPEN and timezone.now() < vote.closes_at:
        raise ValidationError(
            _("投票截止时间（{at}）还没到，不能提前结束：业主在截止前都可以投票或改票。").format(
                at=f"{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}"
            )
        )
    before = _transition(vote, VoteStatus.CLOSED)
    result = tally.count(vote)
    vote.quorum_met = result.quorum_met
    vote.passed = result.passed
    vote.save()
    figures = tally.figures(result)
    _event(vote, actor, VoteEventKind.CLOSED, before=before, result=figures)
    audit_log(
        actor=actor,
        action="vote.close",
        obj=vote,
        changes={"status": [before, vote.status], "outcome": result.outcome},
    )
    from laoyuan.decisions.votes.tasks import enqueue_owner_notices

    enqueue_owner_notices(vote, "closed")
    return vote


@transaction.atomic
def vote_cancel(*, actor: User, vote: Vote, reason: str) -> Vote:
    """Call off a draft or open vote, with the reason; an open vote's ballots stay in its
    chain but nothing is counted."""
    _require(actor, "votes.organise", vote)
    vote = _locked(vote)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明取消的原因。")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("原因最多2000个字。")})
    was_open = vote.status == VoteStatus.OPEN
    before = _transition(vote, VoteStatus.CANCELLED)
    vote.cancel_reason = reason
    vote.save()
    _event(vote, actor, VoteEventKind.CANCELLED, before=before, note=reason)
    audit_log(
        actor=actor,
        action="vote.cancel",
        obj=vote,
        changes={"status": [before, vote.status], "reason": reason},
    )
    if was_open:
        from laoyuan.decisions.votes.tasks import enqueue_owner_notices

        enqueue_owner_notices(vote, "cancelled")
    return vote
