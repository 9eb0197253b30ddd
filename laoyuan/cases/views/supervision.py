"""Supervision pages (督办): the overdue board of a supervisor (逾期督办看板), a supervision
notice printed as an A4 PDF (督办单), and the party's written answer to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.cases import actions, clocks, forms, queries
from laoyuan.cases.models import SupervisionLevel
from laoyuan.cases.views.detail import render_detail
from laoyuan.core.pdf import pdf_response, qr_svg, render_pdf
from laoyuan.core.scopes import has_permission
from laoyuan.core.workdays import working_seconds_between
from laoyuan.registry.views.furniture import BoundedPaginator, Crumb, paginate

BOARD_PER_PAGE = 25


@login_required
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """The overdue board: open cases in scope that run late or were escalated, those at the
    supervisor's level or above unless she asks for all; each with how late it is."""
    user = request.user
    if not has_permission(user, "cases.supervise"):
        raise Http404
    now = clocks.now()
    level = queries.supervising_level(user)
    everything = request.GET.get("all") == "1"
    page = paginate(
        request,
        queries.board(user, level=level, everything=everything, now=now),
        per_page=BOARD_PER_PAGE,
        paginator_class=BoundedPaginator,
    )
    for case in page.object_list:
        due = case.next_due_at
        case.late_seconds = working_seconds_between(due, now) if due and due < now else 0
        case.level_label = SupervisionLevel(case.level).label
    return render(
        request,
        "cases/board.html",
        {
            "page": page,
            "level": level,
            "level_label": SupervisionLevel(level).label if level is not None else "",
            "everything": everything,
            "now": now,
            "crumbs": [Crumb(_("工单"), reverse("cases:list")), Crumb(_("督办看板"))],
        },
    )


@login_required
@require_safe
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervision notice as an A4 PDF, with the QR code of the case's page."""
    notice = queries.notice_or_404(request.user, pk)
    url = request.build_absolute_uri(reverse("cases:detail", args=[notice.case_id]))
    pdf = render_pdf(
        "cases/print/notice.html",
        {"notice": notice, "case": notice.case, "url": url, "qr": qr_svg(url)},
        request=request,
    )
    return pdf_response(pdf, f"督办单-{notice.number}.pdf")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The party's written answer to a supervision notice, posted from the case page."""
    notice = queries.notice_or_404(request.user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=notice.case_id)
    form = forms.NoticeAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.notice_answer(
                actor=request.user, notice=notice, answer=form.cleaned_data["answer"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已反馈督办单 {number}。").format(number=notice.number))
            return redirect("cases:detail", pk=notice.case_id)
    case = queries.case_or_404(request.user, notice.case_id)
    return render_detail(
        request, case, status=400, extra={"answer_form": form, "answer_notice": notice.pk}
    )
