"""Meeting pages (会议): the list in scope, recording a meeting held — on-site office meeting
(现场办公会), contact day (社情民意联系日), evening talk (夜话), courtyard meeting (坝坝会) — with
its attendees and the topics raised, a meeting's page, and recording its decisions (决定:
responsible party, solution, deadline) one topic at a time.
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

from laoyuan.core import pdf
from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.decisions import actions, plan_actions, queries, resolutions
from laoyuan.decisions.forms import (
    AttendeeFormSet,
    DecideForm,
    MeetingFilterForm,
    MeetingForm,
    attendee_entries,
)
from laoyuan.decisions.models import MeetingKind, MeetingStatus
from laoyuan.registry.models import Compound
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.voices import queries as voice_queries
from laoyuan.voices.models import LIVE_STATES, TopicState
from laoyuan.voices.places import voice_compounds

MEETINGS_PER_PAGE = 25


def _crumbs(here: str = "", meeting=None) -> list[Crumb]:
    crumbs = [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("会议记录"), reverse("decisions:meetings") if here or meeting else ""),
    ]
    if meeting is not None:
        crumbs.append(Crumb(meeting.title, reverse("decisions:meeting", args=[meeting.pk])))
    if here:
        crumbs.append(Crumb(here))
    return crumbs


@login_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Meetings in scope, latest first, with filters by compound, kind and period."""
    user = request.user
    if not has_permission(user, "voices.view"):
        raise Http404
    # The compounds of voices work (a grid worker's is her grid's compound: voices.places).
    compounds = list(
        voice_compounds(user, "voices.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    form = MeetingFilterForm(request.GET, compounds=compounds)
    filters = form.filters()
    meetings = paginate(request, queries.meeting_list(user, **filters), per_page=MEETINGS_PER_PAGE)
    return render(
        request,
        "decisions/list.html",
        {
            "form": form,
            "filters": filters,
            "meetings": meetings,
            "new_for": filters["compound_id"]
            if filters["compound_id"] and has_permission(user, "topics.decide")
            else None,
            "can_decide": has_permission(user, "topics.decide"),
            "plan_for": filters["compound_id"]
            if filters["compound_id"] and has_permission(user, "meetings.plan")
            else None,
            "can_plan": has_permission(user, "meetings.plan"),
            "crumbs": _crumbs(),
        },
    )


def _raised_topics(user, compound: Compound):
    """The compound's live topics: what a meeting may take up."""
    return (
        voice_queries.topics_for(user, "topics.decide")
        .filter(compound=compound, state__in=LIVE_STATES)
        .order_by("-updated_at", "-id")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a meeting of a compound: kind, title, date, place, minutes, attendees (as many
    rows as needed) and the topics raised (meeting_record)."""
    user = request.user
    compound = get_visible_or_404(
        user, Compound.objects.select_related("community"), "topics.decide", pk=pk
    )
    topics = _raised_topics(user, compound)
    if request.method == "POST":
        form = MeetingForm(request.POST, topics=topics)
        attendees = AttendeeFormSet(request.POST, prefix="attendees")
        if form.is_valid() and attendees.is_valid():
            data = form.cleaned_data
            try:
                meeting = actions.meeting_record(
                    actor=user,
                    compound=compound,
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                    place=data["place"],
                    minutes=data["minutes"],
                    attendees=attendee_entries(attendees),
                    topics=list(data["topics"]),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已记录会议“%(title)s”。可以在下面为每个议题记录决定。")
                    % {"title": meeting.title},
                )
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        chosen = request.GET.get("topic", "")
        form = MeetingForm(
            topics=topics, initial={"topics": [int(chosen)] if chosen.isdigit() else []}
        )
        attendees = AttendeeFormSet(prefix="attendees")
    form.fields["topics"].queryset = topics[:MAX_OPTIONS]
    return render(
        request,
        "decisions/form.html",
        {
            "form": form,
            "attendees": attendees,
            "compound": compound,
            "crumbs": _crumbs(_("记录会议")),
        },
    )


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting with everything recorded: its status and notice, agenda, attendees, minutes,
    resolutions, the topics raised and where each stands now, the decisions with their
    deadlines, the votes taken at it and its history. A fixed number of queries."""
    user = request.user
    meeting = queries.meeting_or_404(user, pk)
    can_decide = has_permission(user, "topics.decide", meeting)
    can_plan = has_permission(user, "meetings.plan", meeting)
    topics = list(queries.meeting_topics(meeting))
    decisions = list(queries.meeting_decisions(meeting))
    decided_here = {d.topic_id for d in decisions}
    for t in topics:
        t.decidable = (
            t.state in LIVE_STATES and t.state != TopicState.DECIDED and t.pk not in decided_here
        )
    held = meeting.status == MeetingStatus.HELD
    planned = meeting.status == MeetingStatus.PLANNED
    today = timezone.localdate()
    notices = list(queries.meeting_notices(meeting))
    return render(
        request,
        "decisions/detail.html",
        {
            "meeting": meeting,
            "buildings": list(meeting.buildings.all()),
            "attendees": list(queries.meeting_attendees(meeting)),
            "topics": topics,
            "decisions": decisions,
            "agenda": list(queries.meeting_agenda(meeting)),
            "notices": notices,
            "notice_problem": plan_actions.notice_problem(meeting) if planned else "",
            "notice_days": plan_actions.notice_days(meeting.kind, meeting.compound),
            "resolutions": list(queries.meeting_resolutions(meeting)),
            "votes": list(queries.meeting_votes(user, meeting)),
            "events": list(queries.meeting_events(meeting)),
            "can_decide": held and can_decide and any(t.decidable for t in topics),
            "can_plan": can_plan,
            "can_resolve": held and bool(resolutions.may_resolve(user, meeting)),
            "can_vote": has_permission(user, "votes.organise", meeting)
            and meeting.kind == MeetingKind.OWNERS_ASSEMBLY
            and meeting.status != MeetingStatus.CANCELLED,
            "planned": planned,
            "held": held,
            "sign_in_open": can_plan
            and meeting.status != MeetingStatus.CANCELLED
            and meeting.held_on <= today,
            "sign_in_qr": pdf.qr_svg(
                request.build_absolute_uri(reverse("decisions:portal_meeting", args=[meeting.pk]))
            )
            if can_plan and meeting.held_on == today and meeting.status != MeetingStatus.CANCELLED
            else "",
            # A decided topic may still be turned into a case (laoyuan.cases).
            "may_open_cases": can_decide,
            "crumbs": _crumbs(meeting.title),
        },
    )


def _decidable(meeting):
    """The meeting's topics a decision may still be made on."""
    return (
        queries.meeting_topics(meeting)
        .filter(state__in=LIVE_STATES)
        .exclude(state=TopicState.DECIDED)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the meeting's decision on one of its topics: responsible party, solution and
    deadline (meeting_decide); the topic becomes "decided" and its authors are told."""
    user = request.user
    meeting = queries.meeting_or_404(user, pk, "topics.decide")
    if request.method == "POST":
        # Any topic of the meeting is accepted here, so that one decided meanwhile gets the
        # action's own reason ("已决定，不能再作决定") instead of a bare "not a choice".
        form = DecideForm(request.POST, topics=queries.meeting_topics(meeting))
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.meeting_decide(
                    actor=user,
                    meeting=meeting,
                    topic=data["topic"],
                    responsible_party=data["responsible_party"],
                    solution=data["solution"],
                    deadline=data["deadline"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已记录对“%(title)s”的决定，已通知反映人。") % {"title": data["topic"].title},
                )
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        chosen = request.GET.get("topic", "")
        form = DecideForm(
            topics=queries.meeting_topics(meeting),
            initial={"topic": int(chosen) if chosen.isdigit() else None},
        )
    form.fields["topic"].queryset = _decidable(meeting)
    return render(
        request,
        "decisions/decide.html",
        {"meeting": meeting, "form": form, "crumbs": _crumbs(_("记录决定"), meeting)},
    )


urlpatterns: list = [
    path("meetings/", meeting_list, name="meetings"),
    path("compounds/<int:pk>/meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/decide/", meeting_decide, name="meeting_decide"),
]
