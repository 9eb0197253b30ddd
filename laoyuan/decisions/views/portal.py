"""The resident's side of meetings and votes (居民端): her compound's meetings, where she signs
in on her phone on the day (手机签到), and her owners' votes (我的表决), where she votes.

Written for a 78-year-old on a small phone: one column, big buttons, plain words, and a
confirmation before a ballot is cast ("您选择了：同意。确认提交吗？"). She sees her own ballots
and, once a vote is closed, its result; never anyone else's ballot. Staff have no portal (404).
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

from laoyuan.core.scopes import has_permission, visible
from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import AgendaItem, Attendee, Meeting, MeetingStatus
from laoyuan.decisions.votes import ballots, publishing, queries
from laoyuan.decisions.votes.models import VoteStatus
from laoyuan.decisions.votes.results import option_label, result_of
from laoyuan.notices import queries as notice_queries
from laoyuan.registry.models import Household
from laoyuan.registry.views.furniture import Crumb, paginate

# How far back the portal lists meetings that were held (recent ones stay useful).
MEETINGS_BACK_DAYS = 30
VOTES_PER_PAGE = 10


def _require(user, permission: str) -> None:
    if not has_permission(user, permission):
        raise Http404


def _portal_crumbs(label: str, url_name: str, here: str = "") -> list[Crumb]:
    out = [
        Crumb(_("我的家"), reverse("registry:portal")),
        Crumb(label, reverse(url_name) if here else ""),
    ]
    if here:
        out.append(Crumb(here))
    return out


def _my_meetings(user):
    return visible(user, Meeting.objects.select_related("compound"), "portal.meetings")


@login_required
@require_safe
def portal_meetings(request: HttpRequest) -> HttpResponse:
    """Her compound's meetings from a month ago on, soonest first."""
    user = request.user
    _require(user, "portal.meetings")
    since = timezone.localdate() - dt.timedelta(days=MEETINGS_BACK_DAYS)
    meetings = list(
        _my_meetings(user)
        .filter(held_on__gte=since)
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related("buildings")
        .order_by("held_on", "pk")[:50]
    )
    # A meeting of some buildings only is hers when her home is in one of them.
    homes = set(
        Household.objects.filter(residents__pk__in=plan_actions.residents_of(user)).values_list(
            "building_id", flat=True
        )
    )
    mine = [
        m for m in meetings if not m.buildings.all() or {b.pk for b in m.buildings.all()} & homes
    ]
    return render(
        request,
        "decisions/portal/meetings.html",
        {
            "meetings": mine,
            "today": timezone.localdate(),
            "crumbs": _portal_crumbs(_("会议"), "decisions:portal_meetings"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting of her compound: when, where, the agenda; on the day, "签到" signs her in."""
    user = request.user
    _require(user, "portal.meetings")
    meeting = _my_meetings(user).filter(pk=pk).first()
    if meeting is None or not plan_actions.may_attend(user, meeting):
        raise Http404
    if request.method == "POST":
        try:
            plan_actions.meeting_sign_in(actor=user, meeting=meeting)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("签到成功，谢谢您来参加！"))
        return redirect("decisions:portal_meeting", pk=meeting.pk)
    ids = plan_actions.residents_of(user)
    signed = Attendee.objects.filter(meeting=meeting, resident_id__in=ids).first()
    today = timezone.localdate()
    return render(
        request,
        "decisions/portal/meeting.html",
        {
            "meeting": meeting,
            "agenda": list(AgendaItem.objects.filter(meeting=meeting).order_by("position")),
            "signed": signed,
            "can_sign_in": signed is None
            and meeting.held_on == today
            and meeting.status != MeetingStatus.CANCELLED,
            "crumbs": _portal_crumbs(_("会议"), "decisions:portal_meetings", meeting.title),
        },
    )


@login_required
@require_safe
def portal_votes(request: HttpRequest) -> HttpResponse:
    """Her votes: open ones first (to vote in), then closed ones (to see the result)."""
    user = request.user
    _require(user, "portal.vote")
    votes = paginate(request, queries.portal_votes(user), per_page=VOTES_PER_PAGE)
    return render(
        request,
        "decisions/portal/votes.html",
        {
            "votes": votes,
            "now": timezone.now(),
            "crumbs": _portal_crumbs(_("我的表决"), "decisions:portal_votes"),
        },
    )


def _person_view(vote, person, now):
    """What her card shows for one voting person: as whom she votes, the ballot that counts
    (hers or not), and whether she may vote now."""
    owner, proxy = person.voice
    ballots_of = list(person.ballots.all())
    counted = next((b for b in ballots_of if b.pk == person.counted_ballot_id), None)
    return {
        "person": person,
        "owner": owner,
        "proxy": proxy,
        "units": list(person.units.all()),
        "counted": counted,
        "counted_label": option_label(vote, counted.choice) if counted else "",
        "history": ballots_of,
        "paper_counts": counted is not None and counted.channel == "paper",
        "may_vote": vote.status == VoteStatus.OPEN
        and vote.opens_at <= now < vote.closes_at
        and not (counted is not None and counted.channel == "paper"),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote on her phone: choose, confirm, done. Step 1 posts the choice and shows it back
    for confirmation; step 2 ("确认投票") casts it. After the close: the result."""
    user = request.user
    _require(user, "portal.vote")
    vote = queries.portal_vote_or_404(user, pk)
    persons = queries.my_persons(user, vote)
    now = timezone.now()
    options = [(o["key"], option_label(vote, o["key"])) for o in vote.options]
    keys = dict(options)
    confirm = None
    error = ""
    if request.method == "POST":
        person_id = request.POST.get("person", "")
        person = next((p for p in persons if str(p.pk) == person_id), None)
        if person is None:
            raise Http404
        choice = request.POST.get("choice", "")
        if choice not in keys:
            error = _("请先点选一个选项，再点“下一步”。")
        elif request.POST.get("step") == "cast":
            try:
                ballots.ballot_cast_online(actor=user, vote=vote, person=person, choice=choice)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("投票成功！您选择了“%(choice)s”。截止前您还可以改。")
                    % {"choice": keys[choice]},
                )
                return redirect("decisions:portal_vote", pk=vote.pk)
        else:
            confirm = {"person": person, "choice": choice, "label": keys[choice]}
        persons = queries.my_persons(user, vote)
    cards = [_person_view(vote, p, now) for p in persons]
    return render(
        request,
        "decisions/portal/vote.html",
        {
            "vote": vote,
            "cards": cards,
            "options": options,
            "confirm": confirm,
            "error": error,
            "chosen": request.POST.get("choice", "") if request.method == "POST" else "",
            "not_started": now < vote.opens_at,
            "polls_closed": now >= vote.closes_at,
            "sheet": result_of(vote),
            "notices": _published_notices(user, vote),
            "buildings": list(vote.buildings.all()),
            "crumbs": _portal_crumbs(_("我的表决"), "decisions:portal_votes", vote.title),
        },
    )


def _published_notices(user, vote) -> list:
    """The notices that published the vote's result, as she may open them: on her portal when
    the notice reaches her home (she can object there), otherwise its public page (an owner
    living elsewhere). Drafts never show. Two queries."""
    notices = list(publishing.vote_notices(vote).filter(published_at__isnull=False))
    if notices:
        mine = set(
            notice_queries.portal_notices(user)
            .filter(pk__in=[n.pk for n in notices])
            .values_list("pk", flat=True)
        )
        for notice in notices:
            notice.on_portal = notice.pk in mine
    return notices


urlpatterns: list = [
    path("portal/meetings/", portal_meetings, name="portal_meetings"),
    path("portal/meetings/<int:pk>/", portal_meeting, name="portal_meeting"),
    path("portal/votes/", portal_votes, name="portal_votes"),
    path("portal/votes/<int:pk>/", portal_vote, name="portal_vote"),
]
