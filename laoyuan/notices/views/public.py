"""Public pages (公开页面, no account needed; URL names start with "public_"): a notice's online
page — where the QR code on the bulletin board leads — with its attachments and its objections
and answers (texts redacted, never who objected), and a compound's public page listing its
current and past notices.

A draft is a 404 here, exactly as if it did not exist; a withdrawn notice shows only its title
and that it was withdrawn, with the reason (redacted).
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.notices import periods, printing, queries
from laoyuan.notices.models import NoticeState
from laoyuan.notices.phases import Phase, phase_label, phase_of
from laoyuan.notices.public_page import Section, register_section, sections_for
from laoyuan.notices.views.staff import attachment_response
from laoyuan.registry.models import Compound
from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.voices.engine.text import redact

OBJECTIONS_PER_PAGE = 20
NOTICES_PER_PAGE = 15
CURRENT_LIMIT = 20


def _crumbs(compound: Compound | None, here: str = "") -> list[Crumb]:
    out = []
    if compound is not None:
        url = reverse("notices:public_compound", args=[compound.pk]) if here else ""
        out.append(Crumb(_("{name}公开信息").format(name=compound.name), url))
    if here:
        out.append(Crumb(here))
    return out


@require_safe
def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice as anyone reads it online."""
    notice = queries.public_notice_or_404(pk)
    today = timezone.localdate()
    withdrawn = notice.state == NoticeState.WITHDRAWN
    objections = None
    if not withdrawn:
        objections = paginate(
            request, queries.public_objections(notice), per_page=OBJECTIONS_PER_PAGE
        )
        for objection in objections.object_list:
            # Answers are staff's words; a phone or ID number typed into one is still hidden.
            objection.public_answers = [(a, redact(a.text)) for a in objection.answers.all()]
    phase = phase_of(notice, today)
    return render(
        request,
        "notices/public/notice.html",
        {
            "notice": notice,
            "phase": phase,
            "phase_label": phase_label(notice, today),
            "open": phase == Phase.OPEN,
            "withdrawn": withdrawn,
            "withdraw_reason": redact(notice.withdraw_reason) if withdrawn else "",
            "period_text": periods.describe(notice.period_days, notice.working_days),
            "attachments": [] if withdrawn else list(queries.notice_attachments(notice)),
            "objections": objections,
            "counts": None if withdrawn else queries.objection_counts(notice),
            "closing": getattr(notice, "closing", None)
            if notice.state == NoticeState.CLOSED
            else None,
            "public_url": printing.public_url(notice),
            "crumbs": _crumbs(notice.compound, notice.title),
        },
    )


@require_safe
def public_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment of a published or closed notice."""
    notice = queries.public_notice_or_404(pk)
    return attachment_response(queries.public_attachment_or_404(notice, attachment_pk), public=True)


@require_safe
def public_compound(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's public page: each section registered for it (notices first)."""
    compound = queries.public_compound_or_404(pk)
    return render(
        request,
        "notices/public/compound.html",
        {
            "compound": compound,
            "sections": sections_for(request, compound),
            "crumbs": _crumbs(compound),
        },
    )


def notices_section(request: HttpRequest, compound: Compound) -> dict:
    """The compound's notices: those open now (or about to start), then all the others,
    paginated; a fixed number of queries whatever their number."""
    today = timezone.localdate()
    notices = queries.public_notices_of(compound)
    current = list(queries.in_phase(notices, Phase.OPEN, today)[:CURRENT_LIMIT]) + list(
        queries.in_phase(notices, Phase.UPCOMING, today)[:CURRENT_LIMIT]
    )
    shown = {n.pk for n in current}
    past = paginate(
        request,
        notices.exclude(pk__in=shown),
        per_page=NOTICES_PER_PAGE,
        param="np",
    )
    for notice in [*current, *past.object_list]:
        notice.phase = phase_of(notice, today)
        notice.phase_label = phase_label(notice, today)
    return {"current": current, "past": past}


def register_notices_section() -> None:
    register_section(
        Section(
            key="notices",
            order=10,
            template="notices/public/_notices_section.html",
            context=notices_section,
        )
    )


urlpatterns: list = [
    path("public/notices/<int:pk>/", public_notice, name="public_notice"),
    path(
        "public/notices/<int:pk>/files/<int:attachment_pk>/",
        public_attachment,
        name="public_attachment",
    ),
    path("public/compounds/<int:pk>/", public_compound, name="public_compound"),
]
