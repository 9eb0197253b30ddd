"""Who may do what with a case, as the pages and the API offer it (the actions check again).

`abilities` names the steps a user may take on a case in its current state; `as_party` tells
whether she sees it only as the responsible party's staff (责任单位人员), who get what they need
to do the work (the reporter's name as written and a masked phone, revealed on a logged click)
and nothing more about the resident.
"""

from __future__ import annotations

from laoyuan.cases.actions.rating import may_rate
from laoyuan.cases.models import Case, CaseState
from laoyuan.core.models import Role, User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, has_permission

NOTICE_STATES = (CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.PAUSED, CaseState.REVIEW)


def as_party(user: User) -> bool:
    """Whether the user sees cases only through a party (no role on a place that shows them)."""
    roles = roles_with("cases.view") - {Role.PARTY_STAFF}
    return not any(a.role in roles for a in assignments_of(user))


def abilities(user: User, case: Case) -> set[str]:
    """The steps `user` may take on `case` now."""
    state = case.state
    handle = has_permission(user, "cases.handle", case)
    dispatch = has_permission(user, "cases.dispatch", case)
    out: set[str] = set()
    if dispatch and state == CaseState.DISPATCH:
        out.add("dispatch")
    if dispatch and state in (CaseState.DISPATCH, CaseState.ASSIGNED):
        out.add("cancel")
    if handle and state == CaseState.ASSIGNED:
        out.add("accept")
    if handle and state in (CaseState.ASSIGNED, CaseState.IN_PROGRESS):
        out |= {"return", "transfer"}
    if (handle and state in (CaseState.IN_PROGRESS, CaseState.PAUSED)) or (
        dispatch and state not in (CaseState.SOLVED, CaseState.CLOSED, CaseState.CANCELLED)
    ):
        out.add("progress")
    if handle and state == CaseState.IN_PROGRESS:
        out |= {"pause", "solve"}
    if state == CaseState.PAUSED and (handle or dispatch):
        out.add("resume")
    if state == CaseState.SOLVED and may_rate(user, case):
        out.add("rate")
    if state == CaseState.REVIEW and dispatch:
        out.add("review")
    if state in NOTICE_STATES and case.party_id and has_permission(user, "cases.notice", case):
        out.add("notice")
    if case.reporter_phone_cipher and (handle or has_permission(user, "pii.reveal", case)):
        out.add("reveal")
    return out
