"""Pages of planned meetings (计划会议): plan a meeting of a compound — residents' deliberation
meeting (居民议事会), owners' assembly (业主大会), owners' committee meeting (业委会会议), joint
meeting (三方联席会) … — with its agenda (议程) and notice (会议通知); change it; record the notice;
add agenda items; type in the paper sign-in sheet; mark it held with its minutes (纪要); correct
the minutes; cancel it; record its resolutions (决议); print its notice for the bulletin board.

Views parse the input and call the actions (plan_actions, resolutions); a meeting outside the
user's scope, or one she may not plan, answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt

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
from laoyuan.core.scopes import get_visible_or_404
from laoyuan.decisions import plan_actions, queries, resolutions
from laoyuan.decisions.forms import AttendeeFormSet, attendee_entries
from laoyuan.decisions.models import Meeting, MeetingKind, MeetingStatus, ResolutionKind
from laoyuan.decisions.plan_forms import (
    CancelForm,
    HoldForm,
    MeetingChangeForm,
    MeetingPlanForm,
    MinutesForm,
    NoticeFields,
    NoticeForm,
    ResolutionForm,
    agenda_entries,
    agenda_formset,
)
from laoyuan.decisions.views.meetings import _crumbs
from laoyuan.decisions.votes import actions as vote_actions
from laoyuan.registry.models import Building, Compound
from laoyuan.registry.views.furniture import MAX_OPTIONS
from laoyuan.voices import queries as voice_queries
from laoyuan.voices.models import LIVE_STATES, TopicState


def _live_topics(user, compound: Compound):
    return (
        voice_queries.topics_for(user, "voices.view")
        .filter(compound=compound, state__in=LIVE_STATES)
        .order_by("-updated_at", "-id")
    )


def _planning(user, pk: int) -> Meeting:
    return queries.meeting_or_404(user, pk, "meetings.plan")


def _hint(kind_days: int, today: dt.date) -> str:
    return _("业主大会须至少提前{days}日通知全体业主：今天发出通知，会议最早可定在{date}。").format(
        days=kind_days, date=f"{today + dt.timedelta(days=kind_days):%Y-%m-%d}"
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a meeting of a compound with its agenda and, if it already went out, its notice."""
    user = request.user
    compound = get_visible_or_404(
        user, Compound.objects.select_related("community"), "meetings.plan", pk=pk
    )
    buildings = Building.objects.filter(compound=compound).order_by("pk")
    topics = _live_topics(user, compound)
    if request.method == "POST":
        form = MeetingPlanForm(request.POST, buildings=buildings)
        agenda = agenda_formset(request.POST, topics=topics)
        wants_notice = request.POST.get("noticed") == "on"
        notice = NoticeFields(request.POST if wants_notice else None)
        notice_ok = not wants_notice or notice.is_valid()
        if form.is_valid() and agenda.is_valid() and notice_ok:
            data = form.cleaned_data
            try:
                meeting = plan_actions.meeting_plan(
                    actor=user,
                    compound=compound,
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    buildings=list(data["buildings"]),
                    agenda=agenda_entries(agenda),
                    notice=notice.notice() if wants_notice else None,
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
                if wants_notice and hasattr(exc, "error_dict"):
                    for name in ("noticed_on", "channels", "posted_where", "notice_text"):
                        if name in exc.message_dict:
                            notice.add_error(name, exc.message_dict[name])
            else:
                messages.success(request, _("已计划会议“%(title)s”。") % {"title": meeting.title})
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        kind = request.GET.get("kind", "")
        form = MeetingPlanForm(
            buildings=buildings,
            initial={
                "kind": kind if kind in MeetingKind.values else MeetingKind.DELIBERATION,
                "held_on": timezone.localdate() + dt.timedelta(days=16),
            },
        )
        agenda = agenda_formset(topics=topics)
        notice = NoticeFields(initial={"noticed_on": timezone.localdate()})
    for row in agenda.forms:
        row.fields["topic"].queryset = topics[:MAX_OPTIONS]
    return render(
        request,
        "decisions/plans/plan.html",
        {
            "form": form,
            "agenda": agenda,
            "notice": notice,
            "compound": compound,
            "assembly_hint": _hint(
                plan_actions.notice_days(MeetingKind.OWNERS_ASSEMBLY, compound),
                timezone.localdate(),
            ),
            "crumbs": _crumbs(_("计划会议")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a planned meeting's title, date, time or place."""
    meeting = _planning(request.user, pk)
    if request.method == "POST":
        form = MeetingChangeForm(request.POST)
        if form.is_valid():
            try:
                plan_actions.meeting_change(
                    actor=request.user, meeting=meeting, **form.cleaned_data
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已修改。日期改了的话，请重新登记通知。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = MeetingChangeForm(
            initial={
                "title": meeting.title,
                "held_on": meeting.held_on,
                "starts_at": meeting.starts_at,
                "place": meeting.place,
            }
        )
    return _form_page(request, meeting, form, _("修改会议"), _("保存修改"))


def _form_page(
    request, meeting, form, heading, button, *, template="decisions/plans/form.html", **extra
):
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "form": form,
            "heading": heading,
            "button": button,
            "crumbs": _crumbs(heading, meeting),
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the meeting's notice went out (when, how, where it was posted)."""
    meeting = _planning(request.user, pk)
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                plan_actions.meeting_notice(
                    actor=request.user, meeting=meeting, notice=form.notice()
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已登记会议通知。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = NoticeForm(initial={"noticed_on": timezone.localdate()})
    days = plan_actions.notice_days(meeting.kind, meeting.compound)
    hint = ""
    if days:
        hint = _("{kind}须至少提前{days}日通知：通知最晚应在{date}发出。").format(
            kind=meeting.get_kind_display(),
            days=days,
            date=f"{meeting.held_on - dt.timedelta(days=days):%Y-%m-%d}",
        )
    return _form_page(request, meeting, form, _("登记会议通知"), _("保存通知"), hint=hint)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Add items to a planned meeting's agenda."""
    meeting = _planning(request.user, pk)
    topics = _live_topics(request.user, meeting.compound)
    errors: list[str] = []
    if request.method == "POST":
        agenda = agenda_formset(request.POST, topics=topics)
        if agenda.is_valid():
            try:
                plan_actions.agenda_add(
                    actor=request.user, meeting=meeting, entries=agenda_entries(agenda)
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已添加议程。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        agenda = agenda_formset(topics=topics)
    for row in agenda.forms:
        row.fields["topic"].queryset = topics[:MAX_OPTIONS]
    return render(
        request,
        "decisions/plans/agenda.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "errors": errors,
            "items": list(meeting.agenda.select_related("topic")),
            "crumbs": _crumbs(_("添加议程"), meeting),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in the paper sign-in sheet (签到表) of a meeting on or after its day."""
    meeting = _planning(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        attendees = AttendeeFormSet(request.POST, prefix="attendees")
        if attendees.is_valid():
            try:
                made = plan_actions.attendance_record(
                    actor=request.user, meeting=meeting, attendees=attendee_entries(attendees)
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已录入%(n)d人签到。") % {"n": len(made)})
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        attendees = AttendeeFormSet(prefix="attendees")
    return render(
        request,
        "decisions/plans/attendance.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "errors": errors,
            "crumbs": _crumbs(_("录入签到"), meeting),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a planned meeting held, with its minutes."""
    meeting = _planning(request.user, pk)
    if request.method == "POST":
        form = HoldForm(request.POST)
        if form.is_valid():
            try:
                plan_actions.meeting_hold(actor=request.user, meeting=meeting, **form.cleaned_data)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已记为已召开。可以记录决议了。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = HoldForm(initial={"held_on": min(meeting.held_on, timezone.localdate())})
    return _form_page(request, meeting, form, _("记为已召开"), _("保存"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct or complete the minutes of a held meeting."""
    meeting = _planning(request.user, pk)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                plan_actions.meeting_minutes(
                    actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("已保存纪要。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = MinutesForm(initial={"minutes": meeting.minutes})
    return _form_page(request, meeting, form, _("会议纪要"), _("保存纪要"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call off a planned meeting, with the reason."""
    meeting = _planning(request.user, pk)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                plan_actions.meeting_cancel(
                    actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("会议已取消。"))
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = CancelForm()
    return _form_page(request, meeting, form, _("取消会议"), _("确认取消会议"))


def _resolvable_topics(meeting: Meeting):
    return (
        queries.meeting_topics(meeting)
        .filter(state__in=LIVE_STATES)
        .exclude(state=TopicState.DECIDED)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a resolution of a held meeting: decide topics, put a matter to an owners' vote
    (a draft vote is prepared and opened next), publish it as a public notice, or another
    resolution."""
    user = request.user
    meeting = queries.meeting_or_404(user, pk)
    kinds = resolutions.may_resolve(user, meeting)
    if not kinds:
        raise Http404
    topics = _resolvable_topics(meeting)
    if request.method == "POST":
        form = ResolutionForm(request.POST, topics=queries.meeting_topics(meeting), kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            draft = None
            if data["kind"] == ResolutionKind.VOTE:
                draft = _vote_from(meeting, data)
            try:
                made = resolutions.resolution_record(
                    actor=user,
                    meeting=meeting,
                    kind=data["kind"],
                    text=data["text"],
                    topics=list(data["topics"]),
                    responsible_party=data["responsible_party"],
                    deadline=data["deadline"],
                    vote=draft,
                    notice=form.resolution_notice(),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                if made.kind == ResolutionKind.VOTE:
                    messages.success(
                        request,
                        _("已记录决议，并生成了表决草稿：请补全投票时间和业主大会，再开始投票。"),
                    )
                    return redirect("decisions:vote_edit", pk=made.vote.pk)
                if made.kind == ResolutionKind.NOTICE:
                    messages.success(
                        request,
                        _("已记录第%(n)d项决议，并发布了公示，公示期至%(end)s。")
                        % {"n": made.number, "end": f"{made.notice.ends_on:%Y-%m-%d}"},
                    )
                    return redirect("notices:notice", pk=made.notice_id)
                messages.success(request, _("已记录第%(n)d项决议。") % {"n": made.number})
                return redirect("decisions:meeting", pk=meeting.pk)
    else:
        form = ResolutionForm(topics=topics, kinds=kinds, initial={"kind": kinds[0]})
    form.fields["topics"].queryset = topics
    return render(
        request,
        "decisions/plans/resolve.html",
        {"meeting": meeting, "form": form, "crumbs": _crumbs(_("记录决议"), meeting)},
    )


def _vote_from(meeting: Meeting, data: dict) -> vote_actions.VoteDraft | None:
    """The draft vote a resolution calls for: its text as the question, the meeting's
    buildings, fifteen days to vote (the organiser completes it before opening)."""
    if not data.get("matter"):
        return None
    now = timezone.localtime().replace(second=0, microsecond=0)
    text = data["text"].strip()
    return vote_actions.VoteDraft(
        title=text if len(text) <= 60 else text[:59] + "…",
        question=text,
        matter=data["matter"],
        opens_at=now,
        closes_at=(now + dt.timedelta(days=15)).replace(hour=18, minute=0),
        buildings=list(meeting.buildings.all()),
        options=[_("同意"), _("不同意")] if data["matter"] == "advisory" else [],
    )


@login_required
@require_safe
def meeting_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's notice as an A4 PDF for the bulletin board, with a QR code residents
    scan to open the meeting on their phone (and sign in on the day)."""
    meeting = _planning(request.user, pk)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("会议已取消，不能再打印通知。"))
        return redirect("decisions:meeting", pk=meeting.pk)
    portal_url = request.build_absolute_uri(reverse("decisions:portal_meeting", args=[meeting.pk]))
    document = pdf.render_pdf(
        "decisions/plans/notice_pdf.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda.select_related("topic")),
            "buildings": list(meeting.buildings.all()),
            "notice": meeting.notices.order_by("-noticed_on", "-id").first(),
            "qr": pdf.qr_svg(portal_url),
            "today": timezone.localdate(),
        },
        request=request,
    )
    return pdf.pdf_response(document, f"会议通知-{meeting.held_on:%Y%m%d}-{meeting.pk}.pdf")


urlpatterns: list = [
    path("compounds/<int:pk>/meetings/plan/", meeting_plan, name="meeting_plan"),
    path("meetings/<int:pk>/change/", meeting_change, name="meeting_change"),
    path("meetings/<int:pk>/notice/", meeting_notice, name="meeting_notice"),
    path("meetings/<int:pk>/notice.pdf", meeting_notice_pdf, name="meeting_notice_pdf"),
    path("meetings/<int:pk>/agenda/", meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/hold/", meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/resolve/", meeting_resolve, name="meeting_resolve"),
]
