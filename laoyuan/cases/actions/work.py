"""The work on a case: the dispatcher sends it to a party (派单) or cancels it; the party accepts
it (签收), returns it to the dispatcher (退回) or transfers it to another party (转派), posts
progress with photos (进展), pauses the clock while waiting for the resident or a third party
(暂停计时) and resumes it, and marks it solved (办结).

Each action locks the case, checks the transition against `CASE_TRANSITIONS`, moves the clocks
(`cases.clocks`), writes one timeline row and one audit row, and tells whoever must act next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laoyuan.cases import clocks
from laoyuan.cases.actions.common import (
    attach_photos,
    clean_text,
    dispatchers,
    event,
    locked,
    move,
    party_staff,
    refuse_state,
    require,
    tell_followers,
    tell_staff,
)
from laoyuan.cases.models import (
    Case,
    CasePause,
    CaseState,
    EventKind,
    Party,
    PauseReason,
    Step,
)
from laoyuan.cases.queries import serves
from laoyuan.core import pii
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission

STATUS_NOTE_MAX = 300


def _check_party(case: Case, party: Party | None, field: str = "party") -> Party:
    if party is None:
        raise ValidationError({field: _("请选择责任方。")})
    if not party.is_active or not serves(party, case.compound):
        raise ValidationError({field: _("所选责任方不负责这个小区，请重新选择。")})
    return party


def dispatch_locked(
    case: Case, *, actor: User | None, party: Party, at: dt.datetime, note: str
) -> Case:
    """Send a (locked, checked) case to a party: its accept clock starts; its staff are told."""
    case.party = party
    clocks.hand_over(case, at)
    move(
        case,
        CaseState.ASSIGNED,
        actor=actor,
        kind=EventKind.DISPATCHED,
        at=at,
        doing=pgettext("case step", "派单"),
        note=note,
        audit={"party": party.pk},
    )
    tell_staff(
        party_staff(party),
        case,
        _("新派工单：{title}").format(title=case.title),
        _("请在{due}前签收受理。").format(due=clocks_text(case.accept_due_at)),
    )
    return case


def clocks_text(moment: dt.datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@transaction.atomic
def case_dispatch(*, actor: User, case: Case, party: Party, note: str = "") -> Case:
    """Send a case waiting for dispatch to a party that serves its place (派单)."""
    require(actor, "cases.dispatch", case)
    case = locked(case)
    _check_party(case, party)
    if case.state != CaseState.DISPATCH:
        raise refuse_state(case, pgettext("case step", "派单"))
    note = clean_text(note, "note", required=False)
    return dispatch_locked(case, actor=actor, party=party, at=clocks.now(), note=note)


@transaction.atomic
def case_accept(*, actor: User, case: Case, note: str = "") -> Case:
    """The party signs for the case (签收受理): the accept step ends, on time or late."""
    require(actor, "cases.handle", case)
    case = locked(case)
    note = clean_text(note, "note", required=False)
    at = clocks.now()
    if case.state != CaseState.ASSIGNED:
        raise refuse_state(case, pgettext("case step", "签收受理"))
    due, handed = case.accept_due_at, case.handed_at
    case.accepted_at = at
    move(
        case,
        CaseState.IN_PROGRESS,
        actor=actor,
        kind=EventKind.ACCEPTED,
        at=at,
        doing=pgettext("case step", "签收受理"),
        note=note,
        took_seconds=clocks.took(handed, at),
        step=Step.ACCEPT,
        due_at=due,
        on_time=due is None or at <= due,
    )
    tell_followers(case, _("您的工单已由{party}受理").format(party=case.party))
    return case


@transaction.atomic
def case_return(*, actor: User, case: Case, reason: str) -> Case:
    """The party hands the case back to the dispatcher, saying why (退回): not theirs, not
    enough information … The dispatcher's accept clock starts."""
    require(actor, "cases.handle", case)
    case = locked(case)
    reason = clean_text(reason, "reason", required=True)
    if case.state not in (CaseState.ASSIGNED, CaseState.IN_PROGRESS):
        raise refuse_state(case, pgettext("case step", "退回"))
    at = clocks.now()
    left = case.party
    case.party = None
    clocks.hand_over(case, at)
    move(
        case,
        CaseState.DISPATCH,
        actor=actor,
        kind=EventKind.RETURNED,
        at=at,
        doing=pgettext("case step", "退回"),
        note=reason,
        other_party=left,
        audit={"party": [left.pk if left else None, None], "reason": reason},
    )
    tell_staff(
        dispatchers(case),
        case,
        _("工单被退回：{title}").format(title=case.title),
        _("{party}退回：{reason}").format(party=left, reason=reason),
    )
    return case


@transaction.atomic
def case_transfer(*, actor: User, case: Case, party: Party, reason: str) -> Case:
    """The party passes the case to another party that serves its place, saying why (转派).
    The new party's accept clock starts; the resident's clocks keep running."""
    require(actor, "cases.handle", case)
    case = locked(case)
    reason = clean_text(reason, "reason", required=True)
    _check_party(case, party)
    if party.pk == case.party_id:
        raise ValidationError({"party": _("不能转派给自己：请选择另一个责任方。")})
    if case.state not in (CaseState.ASSIGNED, CaseState.IN_PROGRESS):
        raise refuse_state(case, pgettext("case step", "转派"))
    at = clocks.now()
    left = case.party
    case.party = party
    clocks.hand_over(case, at)
    move(
        case,
        CaseState.ASSIGNED,
        actor=actor,
        kind=EventKind.TRANSFERRED,
        at=at,
        doing=pgettext("case step", "转派"),
        note=reason,
        other_party=left,
        audit={"party": [left.pk if left else None, party.pk], "reason": reason},
    )
    title = _("转派工单：{title}").format(title=case.title)
    tell_staff(
        party_staff(party),
        case,
        title,
        _("{party}转来：{reason}").format(party=left, reason=reason),
    )
    tell_staff(
        dispatchers(case),
        case,
        title,
        _("{old} → {new}：{reason}").format(old=left, new=party, reason=reason),
    )
    return case


def _may_post(actor: User, case: Case) -> bool:
    """The handling party, or a dispatcher of the place (e.g. "已收到，正在联系责任单位")."""
    if case.state in (CaseState.IN_PROGRESS, CaseState.PAUSED) and has_permission(
        actor, "cases.handle", case
    ):
        return True
    return has_permission(actor, "cases.dispatch", case)


@transaction.atomic
def case_progress(
    *, actor: User, case: Case, note: str, photos: Sequence[UploadedFile] = ()
) -> Case:
    """Post progress (进展) with photos. The first answer to the resident ends the "first
    response" step, on time or late; the note becomes the case's latest status."""
    case = locked(case)
    if not _may_post(actor, case):
        raise PermissionDenied("cases.handle")
    if case.state in (CaseState.SOLVED, CaseState.CLOSED, CaseState.CANCELLED):
        raise refuse_state(case, pgettext("case step", "发布进展"))
    note = clean_text(note, "note", required=True)
    at = clocks.now()
    fields: dict = {}
    if case.first_response_at is None:
        case.first_response_at = at
        case.responded_on_time = at <= case.respond_due_at if case.respond_due_at else True
        fields = {
            "step": Step.RESPOND,
            "due_at": case.respond_due_at,
            "on_time": case.responded_on_time,
            "took_seconds": clocks.took(case.opened_at, at, case.stopped_seconds),
        }
        clocks.plan(case, at)
    case.status_note = note[:STATUS_NOTE_MAX]
    case.save()
    row = event(case, actor=actor, kind=EventKind.PROGRESS, at=at, note=note, **fields)
    attach_photos(case, row, photos, actor)
    audit_log(
        actor=actor,
        action="case.progress",
        obj=case,
        changes={"photos": len(photos), "first_response": bool(fields)},
    )
    tell_followers(case, _("您的工单有新进展：{title}").format(title=case.title), note)
    return case


@transaction.atomic
def case_pause(*, actor: User, case: Case, reason: str, note: str = "") -> Case:
    """Stop the clocks while waiting for the resident or a third party (暂停计时): every pause
    is a row (from, to, why, who); resuming moves the deadlines by the working time paused."""
    require(actor, "cases.handle", case)
    case = locked(case)
    if reason not in PauseReason.values:
        raise ValidationError({"reason": _("请选择暂停的原因。")})
    note = clean_text(note, "note", required=reason == PauseReason.OTHER)
    if case.state != CaseState.IN_PROGRESS:
        raise refuse_state(case, pgettext("case step", "暂停计时"))
    at = clocks.now()
    case.paused_at = at
    CasePause.objects.create(case=case, reason=reason, note=note, started_at=at, started_by=actor)
    move(
        case,
        CaseState.PAUSED,
        actor=actor,
        kind=EventKind.PAUSED,
        at=at,
        doing=pgettext("case step", "暂停计时"),
        note=note or str(PauseReason(reason).label),
        data={"reason": reason},
        audit={"reason": reason},
    )
    return case


@transaction.atomic
def case_resume(*, actor: User, case: Case, note: str = "") -> Case:
    """Start the clocks again (恢复计时): the deadlines move by exactly the working time paused."""
    case = locked(case)
    if not (
        has_permission(actor, "cases.handle", case) or has_permission(actor, "cases.dispatch", case)
    ):
        raise PermissionDenied("cases.handle")
    note = clean_text(note, "note", required=False)
    if case.state != CaseState.PAUSED or case.paused_at is None:
        raise refuse_state(case, pgettext("case step", "恢复计时"))
    at = clocks.now()
    paused_at = case.paused_at
    paused = clocks.shift_for_pause(case, paused_at, at)
    case.paused_at = None
    CasePause.objects.filter(case=case, ended_at__isnull=True).update(
        ended_at=at, ended_by=actor, working_seconds=paused
    )
    move(
        case,
        CaseState.IN_PROGRESS,
        actor=actor,
        kind=EventKind.RESUMED,
        at=at,
        doing=pgettext("case step", "恢复计时"),
        note=note,
        took_seconds=paused,
        data={"paused_seconds": paused},
        audit={"paused_seconds": paused, "solve_due_at": case.solve_due_at},
    )
    return case


@transaction.atomic
def case_solve(*, actor: User, case: Case, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """The party marks the case solved (办结), saying what was done, with photos; the resident
    is asked to confirm and rate it."""
    require(actor, "cases.handle", case)
    case = locked(case)
    note = clean_text(note, "note", required=True)
    if case.state != CaseState.IN_PROGRESS:
        raise refuse_state(case, pgettext("case step", "办结"))
    at = clocks.now()
    if case.first_response_at is None:  # solving it answers the resident too
        case.first_response_at = at
        case.responded_on_time = case.respond_due_at is None or at <= case.respond_due_at
    case.solved_at = at
    case.ever_solved = True
    case.solved_on_time = at <= case.solve_due_at
    case.solve_working_seconds = clocks.took(case.opened_at, at, case.stopped_seconds)
    case.status_note = note[:STATUS_NOTE_MAX]
    row = move(
        case,
        CaseState.SOLVED,
        actor=actor,
        kind=EventKind.SOLVED,
        at=at,
        doing=pgettext("case step", "办结"),
        note=note,
        step=Step.SOLVE,
        due_at=case.solve_due_at,
        on_time=case.solved_on_time,
        took_seconds=case.solve_working_seconds,
        audit={"on_time": case.solved_on_time},
    )
    attach_photos(case, row, photos, actor)
    tell_followers(
        case,
        _("您的工单已办结，请确认并评价：{title}").format(title=case.title),
        note,
    )
    return case


@transaction.atomic
def case_cancel(*, actor: User, case: Case, reason: str) -> Case:
    """Cancel a case not yet accepted (撤销): a duplicate, opened by mistake, not a matter
    for anyone here. The reason is kept and the resident told."""
    require(actor, "cases.dispatch", case)
    case = locked(case)
    reason = clean_text(reason, "reason", required=True)
    if case.state not in (CaseState.DISPATCH, CaseState.ASSIGNED):
        raise refuse_state(case, pgettext("case step", "撤销"))
    at = clocks.now()
    case.closed_at = at
    move(
        case,
        CaseState.CANCELLED,
        actor=actor,
        kind=EventKind.CANCELLED,
        at=at,
        doing=pgettext("case step", "撤销"),
        note=reason,
        audit={"reason": reason},
    )
    tell_followers(case, _("您的工单已撤销：{title}").format(title=case.title), reason)
    return case


def case_reporter_reveal(*, actor: User, case: Case) -> str:
    """The reporter's full phone, for the party that must call her back or staff who may reveal
    personal data; logged as a reveal every time."""
    if not (
        has_permission(actor, "cases.handle", case) or has_permission(actor, "pii.reveal", case)
    ):
        raise PermissionDenied("pii.reveal")
    if not case.reporter_phone_cipher:
        raise ValidationError(_("这张工单没有留联系电话。"))
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="pii.reveal.case_reporter_phone",
            obj=case,
            changes={"field": "reporter_phone"},
        )
    return pii.decrypt(case.reporter_phone_cipher)
