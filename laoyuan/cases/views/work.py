"""The steps of the work on a case, one small view each, posted from the case page: dispatch
(派单), accept (签收), return (退回), transfer (转派), progress (进展), pause (暂停计时), resume
(恢复计时), solve (办结), rate (评价, a worker on the resident's behalf), review (复核), cancel
(撤销), and a supervision notice (督办单).

A view parses its form and calls the action. A refusal renders the case page again with the
form as typed and the Chinese reasons next to the fields (status 400); success goes back to the
case page with a message. A GET sends to the case page. Out of scope: 404; in scope but not the
user's step: 404 as well, as the page never offered it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from laoyuan.cases import actions, forms, queries
from laoyuan.cases.models import Case
from laoyuan.cases.views.detail import render_detail


def _parties(case: Case):
    return queries.parties_serving(case.compound)


STEPS: dict[str, tuple[Callable, Callable, str]] = {
    # name: (form factory (case, data, files), the action's call (user, case, cleaned), message)
    "dispatch": (
        lambda c, d, f: forms.DispatchForm(d, parties=_parties(c)),
        lambda u, c, x: actions.case_dispatch(actor=u, case=c, party=x["party"], note=x["note"]),
        _("已派单。"),
    ),
    "accept": (
        lambda c, d, f: forms.NoteForm(d),
        lambda u, c, x: actions.case_accept(actor=u, case=c, note=x["note"]),
        _("已签收受理。"),
    ),
    "return": (
        lambda c, d, f: forms.ReasonForm(d),
        lambda u, c, x: actions.case_return(actor=u, case=c, reason=x["reason"]),
        _("已退回派单人。"),
    ),
    "transfer": (
        lambda c, d, f: forms.TransferForm(d, parties=_parties(c)),
        lambda u, c, x: actions.case_transfer(
            actor=u, case=c, party=x["party"], reason=x["reason"]
        ),
        _("已转派。"),
    ),
    "progress": (
        lambda c, d, f: forms.ProgressForm(d, f),
        lambda u, c, x: actions.case_progress(actor=u, case=c, note=x["note"], photos=x["photos"]),
        _("已发布进展，反映人会收到通知。"),
    ),
    "pause": (
        lambda c, d, f: forms.PauseForm(d),
        lambda u, c, x: actions.case_pause(actor=u, case=c, reason=x["reason"], note=x["note"]),
        _("已暂停计时。"),
    ),
    "resume": (
        lambda c, d, f: forms.NoteForm(d),
        lambda u, c, x: actions.case_resume(actor=u, case=c, note=x["note"]),
        _("已恢复计时，期限已顺延。"),
    ),
    "solve": (
        lambda c, d, f: forms.SolveForm(d, f),
        lambda u, c, x: actions.case_solve(actor=u, case=c, note=x["note"], photos=x["photos"]),
        _("已办结，等待居民确认评价。"),
    ),
    "rate": (
        lambda c, d, f: forms.RateForm(d),
        lambda u, c, x: actions.case_rate(
            actor=u, case=c, rating=x["rating"], comment=x["comment"]
        ),
        _("已记录评价。"),
    ),
    "review": (
        lambda c, d, f: forms.ReviewForm(d, parties=_parties(c)),
        lambda u, c, x: actions.case_review(
            actor=u, case=c, decision=x["decision"], note=x["note"], party=x["party"]
        ),
        _("已记录复核决定。"),
    ),
    "cancel": (
        lambda c, d, f: forms.ReasonForm(d),
        lambda u, c, x: actions.case_cancel(actor=u, case=c, reason=x["reason"]),
        _("工单已撤销。"),
    ),
    "notice": (
        lambda c, d, f: forms.NoticeForm(d),
        lambda u, c, x: actions.notice_issue(
            actor=u, case=c, demand=x["demand"], due_on=x["due_on"]
        ),
        _("已签发督办单，可打印。"),
    ),
}


def _step_view(name: str):
    make_form, act, done = STEPS[name]

    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = queries.case_or_404(request.user, pk)
        if request.method != "POST":
            return redirect("cases:detail", pk=case.pk)
        form = make_form(case, request.POST, request.FILES)
        if form.is_valid():
            try:
                act(request.user, case, form.cleaned_data)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, str(done))
                return redirect("cases:detail", pk=case.pk)
        case.refresh_from_db()
        return render_detail(request, case, status=400, **{name: form})

    view.__name__ = f"case_{name}"
    view.__doc__ = f"The step “{name}” of a case, posted from its page."
    return view


urlpatterns = [
    path(f"cases/<int:pk>/{name}/", _step_view(name), name=f"case_{name}") for name in STEPS
]
