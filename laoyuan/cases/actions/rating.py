"""The resident's word at the end (回访评价), and what a supervisor does with a case she is still
unhappy with (复核).

The resident who raised the case (her portal account), or a worker who called her back, rates
it 满意 / 基本满意 / 不满意 with a comment. Satisfied closes it. The first dissatisfaction reopens
it with the same party and a fresh solve time; the second escalates it one level (grid →
community → street) for the supervisor to review: reopen it, give it to another party, or close
it with the reasons why.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laoyuan.cases import clocks
from laoyuan.cases.actions.common import (
    clean_text,
    dispatchers,
    locked,
    move,
    party_staff,
    refuse_state,
    require,
    supervisors,
    tell_followers,
    tell_staff,
)
from laoyuan.cases.actions.work import dispatch_locked
from laoyuan.cases.models import (
    Case,
    CaseState,
    EventKind,
    Party,
    Rating,
    SupervisionLevel,
)
from laoyuan.cases.queries import serves
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission

COMMENT_MAX = 500


def may_rate(actor: User, case: Case) -> bool:
    """The resident who raised it (on the portal), or a worker who called her back."""
    if case.reporter_account_id and case.reporter_account_id == actor.pk:
        return has_permission(actor, "portal.case")
    return has_permission(actor, "cases.rate", case)


@transaction.atomic
def case_rate(*, actor: User, case: Case, rating: str, comment: str = "") -> Case:
    """Confirm and rate a solved case. A dissatisfied rating needs a comment (what is still
    wrong); the first reopens the case, the second sends it up one level for review."""
    if not may_rate(actor, case):
        raise PermissionDenied("cases.rate")
    case = locked(case)
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意。")})
    comment = clean_text(
        comment, "comment", required=rating == Rating.DISSATISFIED, max_chars=COMMENT_MAX
    )
    if case.state != CaseState.SOLVED:
        raise refuse_state(case, pgettext("case step", "评价"))
    at = clocks.now()
    case.rating, case.rating_comment, case.rated_at = rating, comment, at
    on_behalf = case.reporter_account_id != actor.pk
    data = {"rating": rating, "on_behalf": on_behalf}
    label = str(Rating(rating).label)
    note = f"{label}：{comment}" if comment else label
    if rating != Rating.DISSATISFIED:
        case.closed_at = at
        move(
            case,
            CaseState.CLOSED,
            actor=actor,
            kind=EventKind.RATED,
            at=at,
            doing=pgettext("case step", "评价"),
            note=note,
            data=data,
            audit=data,
        )
        tell_staff(
            party_staff(case.party),
            case,
            _("工单已评价“{r}”并结案：{title}").format(r=label, title=case.title),
        )
        return case
    case.dissatisfied_count += 1
    if case.dissatisfied_count == 1:
        case.reopen_count += 1
        clocks.reopen(case, at)
        move(
            case,
            CaseState.IN_PROGRESS,
            actor=actor,
            kind=EventKind.REOPENED,
            at=at,
            doing=pgettext("case step", "评价"),
            note=note,
            data=data,
            audit=data,
        )
        title = _("居民不满意，工单重新办理：{title}").format(title=case.title)
        tell_staff(party_staff(case.party) + dispatchers(case), case, title, comment)
        return case
    case.level = min(case.level + 1, SupervisionLevel.STREET)
    case.escalated_at = at
    case.escalation_count += 1
    case.review_due_at = clocks.due(at, clocks.REVIEW_SECONDS)
    move(
        case,
        CaseState.REVIEW,
        actor=actor,
        kind=EventKind.REVIEW,
        at=at,
        doing=pgettext("case step", "评价"),
        note=note,
        data={**data, "level": case.level},
        audit={**data, "level": case.level},
    )
    tell_staff(
        supervisors(case, case.level),
        case,
        _("居民再次不满意，请复核：{title}").format(title=case.title),
        comment,
    )
    return case


REVIEW_DECISIONS = ("reopen", "reassign", "close")


@transaction.atomic
def case_review(
    *, actor: User, case: Case, decision: str, note: str, party: Party | None = None
) -> Case:
    """The supervisor's decision on a case rated dissatisfied twice (复核): reopen it with its
    party (a fresh solve time), give it to another party, or close it, saying why."""
    require(actor, "cases.dispatch", case)
    case = locked(case)
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": _("请选择：重新办理、改派或结案。")})
    note = clean_text(note, "note", required=True)
    if case.state != CaseState.REVIEW:
        raise refuse_state(case, pgettext("case step", "复核"))
    at = clocks.now()
    case.review_due_at = None
    if decision == "reopen":
        if case.party is None:
            raise ValidationError({"decision": _("这张工单没有责任方：请改派。")})
        case.reopen_count += 1
        clocks.reopen(case, at)
        move(
            case,
            CaseState.IN_PROGRESS,
            actor=actor,
            kind=EventKind.REOPENED,
            at=at,
            doing=pgettext("case step", "重新办理"),
            note=note,
            data={"review": decision},
            audit={"review": decision},
        )
        tell_staff(
            party_staff(case.party),
            case,
            _("复核后重新办理：{title}").format(title=case.title),
            note,
        )
    elif decision == "reassign":
        if party is None:
            raise ValidationError({"party": _("请选择改派给哪个责任方。")})
        if not party.is_active or not serves(party, case.compound):
            raise ValidationError({"party": _("所选责任方不负责这个小区，请重新选择。")})
        case.reopen_count += 1
        clocks.reopen(case, at)
        dispatch_locked(case, actor=actor, party=party, at=at, note=note)
    else:
        case.closed_at = at
        move(
            case,
            CaseState.CLOSED,
            actor=actor,
            kind=EventKind.CLOSED,
            at=at,
            doing=pgettext("case step", "结案"),
            note=note,
            data={"review": decision},
            audit={"review": decision},
        )
    tell_followers(case, _("您的工单已复核：{title}").format(title=case.title), note)
    return case
