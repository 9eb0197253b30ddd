"""Formal supervision (督办): a community or the street issues a supervision notice (督办单) to the
party of a case, with its own deadline; the party answers it in writing. Issuing one puts the
case on the issuer's board (its level rises to the issuer's if it was lower).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases import clocks
from laoyuan.cases.actions.common import (
    clean_text,
    event,
    locked,
    party_staff,
    require,
    tell_staff,
)
from laoyuan.cases.models import (
    TEXT_MAX,
    Case,
    CaseState,
    EventKind,
    SupervisionLevel,
    SupervisionNotice,
)
from laoyuan.cases.queries import supervising_level
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Street

# A notice may ask for an answer at most this far ahead.
NOTICE_MAX_DAYS = 90


def _issuer(actor: User, case: Case) -> tuple[int, str]:
    """The level and name a notice is issued under: the street's office, or the community."""
    # The issuer and the number are the document's own words, in Chinese whatever the
    # language of the page that issued it.
    level = supervising_level(actor)
    if level == SupervisionLevel.STREET:
        return level, f"{case.street.name}办事处"
    return SupervisionLevel.COMMUNITY, f"{case.community.name}居民委员会"


def _next_number(case: Case, at: dt.datetime) -> str:
    """沙河督〔2026〕12号: per street and year, in the order issued (the street row is locked
    while counting, so two notices never share a number)."""
    Street.objects.select_for_update().filter(pk=case.street_id).first()
    year = timezone.localtime(at).year
    prefix = case.street.name.removesuffix("街道")[:4]
    count = SupervisionNotice.objects.filter(
        case__street_id=case.street_id, issued_at__year=year
    ).count()
    return f"{prefix}督〔{year}〕{count + 1}号"


@transaction.atomic
def notice_issue(
    *, actor: User, case: Case, demand: str, due_on: dt.date | None
) -> SupervisionNotice:
    """Issue a supervision notice (督办单) to the case's party: what is demanded, and by which
    day it must answer. The party's staff are told; the notice prints as an A4 PDF."""
    require(actor, "cases.notice", case)
    case = locked(case)
    demand = clean_text(demand, "demand", required=True, max_chars=TEXT_MAX)
    if case.state not in (
        CaseState.ASSIGNED,
        CaseState.IN_PROGRESS,
        CaseState.PAUSED,
        CaseState.REVIEW,
    ):
        raise ValidationError(
            _("工单当前为“{state}”，不能发督办单。").format(state=case.get_state_display())
        )
    if case.party is None:
        raise ValidationError(_("工单还没有责任方，不能发督办单。"))
    at = clocks.now()
    today = timezone.localdate(at)
    if due_on is None:
        raise ValidationError({"due_on": _("请填写反馈期限。")})
    if due_on < today:
        raise ValidationError({"due_on": _("反馈期限不能早于今天。")})
    if due_on > today + dt.timedelta(days=NOTICE_MAX_DAYS):
        raise ValidationError({"due_on": _("反馈期限最多{n}天以后。").format(n=NOTICE_MAX_DAYS)})
    level, issuer = _issuer(actor, case)
    notice = SupervisionNotice.objects.create(
        case=case,
        number=_next_number(case, at),
        level=level,
        issuer=issuer,
        party=case.party,
        demand=demand,
        due_at=clocks.end_of(due_on),
        issued_by=actor,
        issued_at=at,
    )
    if case.level < level:
        case.level = level
        case.escalated_at = at
        clocks.plan(case, at)
        case.save()
    event(
        case,
        actor=actor,
        kind=EventKind.NOTICE,
        at=at,
        note=demand,
        due_at=notice.due_at,
        data={"notice": notice.pk, "number": notice.number, "level": level},
    )
    audit_log(
        actor=actor,
        action="case.notice",
        obj=notice,
        changes={"case": case.pk, "party": case.party_id, "due_at": notice.due_at},
    )
    tell_staff(
        party_staff(case.party),
        case,
        _("督办单 {number}：{title}").format(number=notice.number, title=case.title),
        _("请在{due}前书面反馈办理情况。").format(due=due_on.isoformat()),
    )
    return notice


@transaction.atomic
def notice_answer(*, actor: User, notice: SupervisionNotice, answer: str) -> SupervisionNotice:
    """The party answers a supervision notice in writing (once)."""
    require(actor, "cases.handle", notice.case)
    notice = SupervisionNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    answer = clean_text(answer, "answer", required=True, max_chars=TEXT_MAX)
    if notice.answered_at is not None:
        raise ValidationError(_("这份督办单已经反馈过了。"))
    at = clocks.now()
    notice.answer, notice.answered_by, notice.answered_at = answer, actor, at
    notice.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    event(
        notice.case,
        actor=actor,
        kind=EventKind.NOTICE_ANSWERED,
        at=at,
        note=answer,
        due_at=notice.due_at,
        on_time=at <= notice.due_at,
        data={"notice": notice.pk, "number": notice.number},
    )
    audit_log(
        actor=actor,
        action="case.notice_answer",
        obj=notice,
        changes={"on_time": at <= notice.due_at},
    )
    case = notice.case
    issuers = [notice.issued_by] if has_permission(notice.issued_by, "cases.view", case) else []
    tell_staff(issuers, case, _("督办单 {number} 已反馈").format(number=notice.number), answer)
    return notice
