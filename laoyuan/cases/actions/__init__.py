"""Writes of case work (工单). Each action is atomic, keyword-only, takes the acting user, checks
the permission on the case's place (or the party's), writes the timeline and the audit log and
tells who must act next. See each module: opening, intake, work, rating, supervision, parties."""

from laoyuan.cases.actions.intake import (
    case_open_from_decision,
    case_open_from_topic,
    cases_open_from_hotline,
    topic_became_case,
)
from laoyuan.cases.actions.opening import case_open, case_submit, match_category
from laoyuan.cases.actions.parties import (
    may_manage,
    party_contact_add,
    party_contact_remove,
    party_contact_reveal,
    party_create,
    party_member_add,
    party_member_remove,
    party_update,
    service_level_reset,
    service_level_set,
)
from laoyuan.cases.actions.rating import REVIEW_DECISIONS, case_rate, case_review, may_rate
from laoyuan.cases.actions.supervision import notice_answer, notice_issue
from laoyuan.cases.actions.work import (
    case_accept,
    case_cancel,
    case_dispatch,
    case_pause,
    case_progress,
    case_reporter_reveal,
    case_resume,
    case_return,
    case_solve,
    case_transfer,
)

__all__ = [
    "REVIEW_DECISIONS",
    "case_accept",
    "case_cancel",
    "case_dispatch",
    "case_open",
    "case_open_from_decision",
    "case_open_from_topic",
    "case_pause",
    "case_progress",
    "case_rate",
    "case_reporter_reveal",
    "case_resume",
    "case_return",
    "case_review",
    "case_solve",
    "case_submit",
    "case_transfer",
    "cases_open_from_hotline",
    "match_category",
    "may_manage",
    "may_rate",
    "notice_answer",
    "notice_issue",
    "party_contact_add",
    "party_contact_remove",
    "party_contact_reveal",
    "party_create",
    "party_member_add",
    "party_member_remove",
    "party_update",
    "service_level_reset",
    "service_level_set",
    "topic_became_case",
]
