"""Writes to public notices (公示). Each action is atomic, keyword-only, takes the acting user,
checks her permission on the notice's place, writes the notice's own history (NoticeEvent) and
the audit log. Bad input raises ValidationError with Chinese messages keyed by field; a missing
permission raises PermissionDenied. Nothing half-done is ever stored.

Other apps publish through `notice_publish` (draft and publish in one step); the pages and the
API write drafts, publish, withdraw, and record and answer objections.
"""

from laoyuan.notices.actions.closing import notice_close, notices_close_due
from laoyuan.notices.actions.drafting import (
    default_issuer,
    notice_attach,
    notice_create_draft,
    notice_detach,
    notice_publish,
    notice_publish_draft,
    notice_update_draft,
    notice_withdraw,
)
from laoyuan.notices.actions.objections import (
    MAX_OBJECTIONS_PER_PERSON,
    objection_answer,
    objection_file,
    objection_record_paper,
    objection_reveal_phone,
)

__all__ = [
    "MAX_OBJECTIONS_PER_PERSON",
    "default_issuer",
    "notice_attach",
    "notice_close",
    "notice_create_draft",
    "notice_detach",
    "notice_publish",
    "notice_publish_draft",
    "notice_update_draft",
    "notice_withdraw",
    "notices_close_due",
    "objection_answer",
    "objection_file",
    "objection_record_paper",
    "objection_reveal_phone",
]
