"""Pages of a project's links to other apps: choosing the owners' vote (业主表决) that decides
its matter, and publishing its plan and its accounts as public notices (公示). Views parse input
and call the actions; out of scope — or not allowed — answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laoyuan.decisions.votes.results import result_of
from laoyuan.registry.views.furniture import MAX_OPTIONS
from laoyuan.renewal import actions
from laoyuan.renewal.actions import links as link_actions
from laoyuan.renewal.forms.links import NoticeForm, VoteForm
from laoyuan.renewal.models import VOTE_MATTERS
from laoyuan.renewal.queries import links as queries
from laoyuan.renewal.queries.projects import project_or_404
from laoyuan.renewal.views.common import attempt, may, project_crumbs


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose, among the compound's votes of the project's matter, the one that decides it; or
    start one in the votes app when none fits."""
    user = request.user
    project = project_or_404(user, pk, "renewal.manage")
    votes = queries.candidate_votes(user, project)
    form = VoteForm(request.POST or None, votes=votes, initial={"vote": project.vote_id})
    if request.method == "POST" and form.is_valid():
        vote = form.cleaned_data["vote"]
        if attempt(form, lambda: actions.project_set_vote(actor=user, project=project, vote=vote)):
            messages.success(
                request,
                _("已关联业主表决“%(title)s”。") % {"title": vote.title}
                if vote
                else _("已取消关联业主表决。"),
            )
            return redirect("renewal:project", pk=project.pk)
    form.fields["vote"].queryset = votes[:MAX_OPTIONS]
    current = project.vote
    return render(
        request,
        "renewal/projects/vote.html",
        {
            "project": project,
            "form": form,
            "current": current,
            "result": result_of(current) if current else None,
            "matter": VOTE_MATTERS.get(project.vote_matter, ""),
            "has_candidates": votes.exists(),
            "can_organise": may(user, "votes.organise", project.compound),
            "can_see_votes": may(user, "votes.view", project.compound),
            "crumbs": project_crumbs(project, _("业主表决")),
        },
    )


NOTICE_KINDS = {
    "plan": (_("发布方案公示"), "renewal.manage"),
    "accounts": (_("发布账目公示"), "renewal.funds"),
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the plan with its documents as a notice about the project (方案公示)."""
    return _notice_new(request, pk, "plan")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def accounts_notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the accounts with the A4 PDF as a notice about the project (账目公示)."""
    return _notice_new(request, pk, "accounts")


def _notice_new(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Publish the plan (with its documents) or the accounts (with the A4 PDF) as a notice
    about the project, to its compound or its buildings."""
    heading, permission = NOTICE_KINDS[what]
    user = request.user
    project = project_or_404(user, pk, permission)
    if not may(user, "notices.publish", project.compound):
        raise Http404
    if what == "plan":
        title = _("{title}改造方案公示").format(title=project.title)[:120]
        body = link_actions.plan_body(project)
    else:
        title = _("{title}资金收支公示").format(title=project.title)[:120]
        body = ""
    initial = {
        "title": title,
        "body": body,
        "starts_on": timezone.localdate(),
        "period_days": link_actions.DEFAULT_PERIOD_DAYS,
        "working_days": True,
    }
    form = NoticeForm(request.POST or None, initial=initial)
    if what == "accounts":
        form.fields["body"].required = False
        form.fields["body"].help_text = _("留空则自动写明账目表附件和公开账目的网址。")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        publish = (
            actions.project_publish_plan if what == "plan" else actions.project_publish_accounts
        )
        notice = attempt(
            form,
            lambda: publish(
                actor=user,
                project=project,
                starts_on=data["starts_on"],
                period_days=data["period_days"],
                working_days=data["working_days"],
                title=data["title"],
                body=data["body"],
            ),
        )
        if notice is not None:
            messages.success(
                request,
                _("已发布公示“%(title)s”（%(start)s 至 %(end)s）。")
                % {"title": notice.title, "start": notice.starts_on, "end": notice.ends_on},
            )
            return redirect("renewal:project", pk=project.pk)
    return render(
        request,
        "renewal/projects/notice_form.html",
        {
            "project": project,
            "form": form,
            "what": what,
            "heading": heading,
            "attachments": list(
                project.attachments.filter(kind__in=link_actions.PLAN_DOCUMENTS).order_by(
                    "kind", "id"
                )
            )
            if what == "plan"
            else [],
            "crumbs": project_crumbs(project, heading),
        },
    )


urlpatterns: list = [
    path("renewal/projects/<int:pk>/vote/", project_vote, name="project_vote"),
    path("renewal/projects/<int:pk>/notices/plan/new/", plan_notice_new, name="plan_notice_new"),
    path(
        "renewal/projects/<int:pk>/notices/accounts/new/",
        accounts_notice_new,
        name="accounts_notice_new",
    ),
]
