"""Turning a decided topic (议题) or an on-site meeting's decision (现场办公会决定) into a case
(转为工单): choose the category and, if the decision's named party is not matched by itself,
the party. The topic then moves to "已转工单" and its residents are told."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laoyuan.cases import actions, forms, queries
from laoyuan.cases.actions.opening import match_category
from laoyuan.core.scopes import visible
from laoyuan.decisions.models import Decision, Meeting
from laoyuan.registry.views.furniture import Crumb
from laoyuan.voices import queries as voice_queries


def _origin_page(request, *, topic, decision, submit) -> HttpResponse:
    compound = topic.compound
    parties = queries.parties_serving(compound)
    category = match_category(topic.category, topic.subcategory)
    named = decision.responsible_party if decision else topic.responsible_party
    matched = queries.match_party(named, compound) if named else None
    kwargs = {"categories": queries.categories(), "parties": parties}
    if request.method == "POST":
        form = forms.FromOriginForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                case = submit(
                    category=queries.categories().filter(pk=form.cleaned_data["category"]).first(),
                    party=form.cleaned_data["party"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已转为工单 {rid}。").format(rid=case.request_id))
                return redirect("cases:detail", pk=case.pk)
    else:
        form = forms.FromOriginForm(
            initial={"category": category.pk, "party": matched.pk if matched else None}, **kwargs
        )
    return render(
        request,
        "cases/from_origin.html",
        {
            "form": form,
            "topic": topic,
            "decision": decision,
            "named": named,
            "matched": matched,
            "crumbs": [
                Crumb(_("议题"), reverse("voices:topics")),
                Crumb(topic.title, reverse("voices:topic", args=[topic.pk])),
                Crumb(_("转为工单")),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def from_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = voice_queries.topic_or_404(request.user, pk, "topics.decide")
    return _origin_page(
        request,
        topic=topic,
        decision=None,
        submit=lambda **kw: actions.case_open_from_topic(actor=request.user, topic=topic, **kw),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def from_decision(request: HttpRequest, pk: int) -> HttpResponse:
    # A decision is in scope when its meeting is (decisions have no place of their own).
    meetings = visible(request.user, Meeting, "topics.decide").values("pk")
    decision = (
        Decision.objects.filter(meeting__in=meetings, pk=pk)
        .select_related("meeting", "topic__compound__community")
        .first()
    )
    if decision is None:
        raise Http404
    return _origin_page(
        request,
        topic=decision.topic,
        decision=decision,
        submit=lambda **kw: actions.case_open_from_decision(
            actor=request.user, decision=decision, **kw
        ),
    )
