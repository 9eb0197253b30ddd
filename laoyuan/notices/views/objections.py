"""Staff pages for objections (异议): typing in one received on paper, answering one (答复),
and revealing a paper objector's full phone (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laoyuan.core.scopes import has_permission
from laoyuan.notices import actions, queries
from laoyuan.notices.forms import AnswerForm, PaperObjectionForm
from laoyuan.notices.models import Objection, ObjectionAnswer
from laoyuan.notices.targets import PUBLISH
from laoyuan.notices.views.staff import crumbs


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def objection_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in an objection received on paper during the period."""
    user = request.user
    notice = queries.notice_or_404(user, pk, "notices.record_objection")
    form = PaperObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.objection_record_paper(
                actor=user,
                notice=notice,
                objector_name=data["objector_name"],
                phone=data["phone"],
                received_on=data["received_on"],
                text=data["text"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已录入书面异议。请在下方答复。"))
            return redirect(reverse("notices:notice", args=[notice.pk]) + "#objections")
    return render(
        request,
        "notices/staff/paper.html",
        {"notice": notice, "form": form, "crumbs": crumbs(_("录入书面异议"), notice)},
    )


def _answers(objection: Objection) -> list[ObjectionAnswer]:
    return list(
        ObjectionAnswer.objects.filter(objection=objection).select_related("by").order_by("at")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer an objection (a further answer may follow an earlier one)."""
    user = request.user
    objection = queries.objection_or_404(user, pk, PUBLISH)
    notice = objection.notice
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.objection_answer(
                actor=user,
                objection=objection,
                text=form.cleaned_data["text"],
                outcome=form.cleaned_data["outcome"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已答复。"))
            return redirect(reverse("notices:notice", args=[notice.pk]) + f"#objection-{pk}")
    return render(
        request,
        "notices/staff/answer.html",
        {
            "notice": notice,
            "objection": objection,
            "answers": _answers(objection),
            "form": form,
            "can_reveal": has_permission(user, "pii.reveal", objection),
            "crumbs": crumbs(_("答复异议"), notice),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def objection_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper objector's full phone, shown once (the reveal is logged)."""
    user = request.user
    objection = queries.objection_or_404(user, pk, "pii.reveal")
    if request.method != "POST":
        return redirect("notices:answer", pk=objection.pk)
    try:
        phone = actions.objection_reveal_phone(actor=user, objection=objection)
    except PermissionDenied as exc:
        raise Http404 from exc
    response = render(
        request,
        "notices/staff/answer.html",
        {
            "notice": objection.notice,
            "objection": objection,
            "answers": _answers(objection),
            "form": AnswerForm(),
            "can_reveal": True,
            "revealed_phone": phone,
            "crumbs": crumbs(_("答复异议"), objection.notice),
        },
    )
    add_never_cache_headers(response)
    return response


urlpatterns: list = [
    path("notices/<int:pk>/objections/new/", objection_paper, name="paper_objection"),
    path("notices/objections/<int:pk>/answer/", objection_answer, name="answer"),
    path("notices/objections/<int:pk>/reveal/", objection_reveal, name="objection_reveal"),
]
