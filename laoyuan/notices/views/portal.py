"""The resident's side of public notices (居民端公示): the notices of her community, compound and
building open now, a notice's page with its attachments, and her objections (异议) with their
answers; filing an objection during the period.

Staff have no portal (404), as in the registry's and the voices' portal pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core.scopes import has_permission
from laoyuan.notices import actions, periods, queries, subjects
from laoyuan.notices.forms import ObjectionForm
from laoyuan.notices.models import PUBLIC_STATES, NoticeState
from laoyuan.notices.phases import phase_label, phase_of
from laoyuan.notices.targets import resident_households
from laoyuan.registry.views.furniture import Crumb, paginate

NOTICES_PER_PAGE = 10


def _require_resident(request: HttpRequest) -> None:
    if not has_permission(request.user, "portal.object"):
        raise Http404


def _crumbs(here: str = "") -> list[Crumb]:
    out = [
        Crumb(_("我的家"), reverse("registry:portal")),
        Crumb(_("小区公示"), reverse("notices:portal_list") if here else ""),
    ]
    if here:
        out.append(Crumb(here))
    return out


@login_required
@require_safe
def portal_list(request: HttpRequest) -> HttpResponse:
    """ "小区公示": what is posted for her place now, and her own objections."""
    _require_resident(request)
    today = timezone.localdate()
    page = paginate(
        request, queries.portal_open_notices(request.user, today), per_page=NOTICES_PER_PAGE
    )
    mine = paginate(
        request, queries.my_objections(request.user), per_page=NOTICES_PER_PAGE, param="mp"
    )
    compounds = {}
    for household in resident_households(request.user):
        compounds.setdefault(household.compound_id, household.compound)
    return render(
        request,
        "notices/portal/list.html",
        {
            "page": page,
            "mine": mine,
            "compounds": list(compounds.values()),
            "crumbs": _crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice on her portal: what is posted, her objections and their answers, and the box
    to object while the period runs (or, in plain words, why she cannot)."""
    _require_resident(request)
    user = request.user
    notice = queries.portal_notice_or_404(user, pk)
    today = timezone.localdate()
    refusal = queries.resident_refusal(user, notice, today)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.objection_file(actor=user, notice=notice, text=form.cleaned_data["text"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "谢谢您！您的异议已经提交。工作人员会逐条答复，答复会显示在这里，"
                    "我们也会在“通知”里告诉您。"
                ),
            )
            return redirect("notices:portal_notice", pk=notice.pk)
    public = notice.state in PUBLIC_STATES
    return render(
        request,
        "notices/portal/notice.html",
        {
            "notice": notice,
            "phase": phase_of(notice, today),
            "phase_label": phase_label(notice, today),
            "period_text": periods.describe(notice.period_days, notice.working_days),
            "attachments": list(queries.notice_attachments(notice)) if public else [],
            "withdrawn": notice.state == NoticeState.WITHDRAWN,
            "mine": list(queries.my_objections(user, notice)),
            "subject": subjects.link(notice, user, portal=True),
            "form": form,
            "refusal": refusal,
            "crumbs": _crumbs(notice.title),
        },
    )


urlpatterns: list = [
    path("portal/notices/", portal_list, name="portal_list"),
    path("portal/notices/<int:pk>/", portal_notice, name="portal_notice"),
]
