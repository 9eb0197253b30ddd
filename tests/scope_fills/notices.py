"""Scope-walk fillers of the public-notice pages (公示): li's notices in 五福苑, qian (another
district) tries the same, zhang (grid worker of 五福苑) tries those of 马家沟小区. Portal pages
are the resident's: liu is the insider; staff get 404 whatever the object. Public pages
(public_*) are open to anyone and not walked here; their own tests prove they show no personal
data."""

from __future__ import annotations

from laoyuan.notices import actions
from tests.notices.helpers import draft, paper_objection, pdf_file, published


def _published(world, compound=None):
    return published(world, place=compound or world.wufuyuan)


def _draft_with_file(world, compound=None):
    notice = draft(world, place=compound or world.wufuyuan)
    (attachment,) = actions.notice_attach(actor=world.li, notice=notice, attachments=[pdf_file()])
    return attachment


def _objection(world, compound=None):
    return paper_objection(world, _published(world, compound))


_NOTICE = (
    lambda w: _published(w),
    lambda w: _published(w),
    lambda w: _published(w, w.majiagou),
)
_DRAFT = (
    lambda w: draft(w),
    lambda w: draft(w),
    lambda w: draft(w, place=w.majiagou),
)
_FILE = (
    lambda w: _draft_with_file(w),
    lambda w: _draft_with_file(w),
    lambda w: _draft_with_file(w, w.majiagou),
)
_OBJECTION = (
    lambda w: _objection(w),
    lambda w: _objection(w),
    lambda w: _objection(w, w.majiagou),
)
FILL = {
    "notices:new_compound": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "notices:new_community": (
        lambda w: w.shahe_community,
        lambda w: w.shahe_community,
        lambda w: w.dongguang_community,
    ),
    "notices:notice": _NOTICE,
    "notices:edit": _DRAFT,
    "notices:attach": _DRAFT,
    "notices:publish": _DRAFT,
    "notices:withdraw": _NOTICE,
    "notices:print": _NOTICE,
    "notices:paper_objection": _NOTICE,
    "notices:attachment": _FILE,
    "notices:attachment_remove": _FILE,
    "notices:answer": _OBJECTION,
    "notices:objection_reveal": _OBJECTION,
    "notices:portal_notice": (_published, _published, _published),
}
INSIDER = {"notices:portal_notice": "liu"}
