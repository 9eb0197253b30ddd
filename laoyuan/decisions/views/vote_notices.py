"""Publishing a vote's result as a public notice (表决结果公示), from the vote's page.

The organiser chooses the period (from today, 7 working days unless she changes it) and may
add a note; the result PDF is attached and the notice published at once. A vote she may not
organise answers 404, like one that does not exist; a vote whose result cannot be published
(not counted, cancelled, already published) shows why, and a refused form keeps what she
typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laoyuan.decisions.views.votes import crumbs
from laoyuan.decisions.votes import publishing, queries
from laoyuan.decisions.votes.forms import ResultNoticeForm
from laoyuan.decisions.votes.results import result_of


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the result of a closed vote as a notice of its compound (or buildings)."""
    user = request.user
    vote = queries.vote_or_404(user, pk, "votes.organise")
    form = ResultNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = publishing.vote_publish_result(
                actor=user,
                vote=vote,
                starts_on=data["starts_on"],
                period_days=data["period_days"],
                working_days=data["working_days"],
                note=data["note"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(
                request,
                _("已发布表决结果公示，公示期至{end}。可以打印张贴到公告栏。").format(
                    end=f"{notice.ends_on:%Y-%m-%d}"
                ),
            )
            return redirect("notices:notice", pk=notice.pk)
    buildings = list(vote.buildings.all())
    target = vote.compound.name
    if buildings:
        target += "（" + "、".join(str(b) for b in buildings) + "）"
    return render(
        request,
        "decisions/votes/notice.html",
        {
            "vote": vote,
            "form": form,
            "refusal": publishing.refusal(vote),
            "sheet": result_of(vote),
            "title": publishing.notice_title(vote),
            "target": target,
            "crumbs": crumbs(_("公示表决结果"), vote),
        },
    )


urlpatterns: list = [
    path("votes/<int:pk>/notice/", vote_notice, name="vote_notice"),
]
