"""Reads of meetings (会议) and their decisions (决定), already scoped to the user.

Staff who may see a compound's voices ("voices.view") see its meetings; recording a meeting and
its decisions needs "topics.decide".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.decisions.models import (
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingEvent,
    MeetingNotice,
    Resolution,
)
from laoyuan.voices.models import Topic


def meetings_for(user: User, permission: str = "voices.view") -> QuerySet[Meeting]:
    return visible(user, Meeting, permission).select_related("compound")


def meeting_list(
    user: User,
    *,
    compound_id: int | None = None,
    kind: str = "",
    status: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Meeting]:
    """Meetings in scope, latest first, each with its numbers of attendees, topics and
    decisions (counted in subqueries, so the three joins do not multiply each other)."""
    qs = meetings_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(held_on__gte=since)
    if until:
        qs = qs.filter(held_on__lte=until)
    return qs.annotate(
        attendee_count=Count("attendees", distinct=True),
        topic_count=Count("topics", distinct=True),
        decision_count=Count("decisions", distinct=True),
    ).order_by("-held_on", "-id")


def meeting_or_404(user: User, pk: int, permission: str = "voices.view") -> Meeting:
    return get_visible_or_404(
        user, Meeting.objects.select_related("compound", "created_by"), permission, pk=pk
    )


def meeting_attendees(meeting: Meeting) -> QuerySet[Attendee]:
    return Attendee.objects.filter(meeting=meeting).order_by("id")


def meeting_agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting=meeting).select_related("topic").order_by("position")


def meeting_notices(meeting: Meeting) -> QuerySet[MeetingNotice]:
    return (
        MeetingNotice.objects.filter(meeting=meeting)
        .select_related("recorded_by")
        .order_by("noticed_on", "id")
    )


def meeting_events(meeting: Meeting) -> QuerySet[MeetingEvent]:
    return MeetingEvent.objects.filter(meeting=meeting).select_related("actor").order_by("at", "id")


def meeting_resolutions(meeting: Meeting) -> QuerySet[Resolution]:
    """The meeting's resolutions, each with the topics it decided, the vote it called and the
    notice it published (two queries)."""
    return (
        Resolution.objects.filter(meeting=meeting)
        .select_related("created_by", "vote", "notice")
        .prefetch_related("decisions__topic")
        .order_by("number")
    )


def meeting_votes(user: User, meeting: Meeting):
    """The votes taken at this owners' assembly that the user may see."""
    from laoyuan.core.scopes import visible
    from laoyuan.decisions.votes.models import Vote

    return visible(user, Vote.objects.filter(meeting=meeting), "votes.view").order_by("pk")


def meeting_topics(meeting: Meeting) -> QuerySet[Topic]:
    """The topics raised at the meeting, with where each stands now (and, for a merged one,
    the topic it went into)."""
    return meeting.topics.select_related("merged_into").order_by("id")


def meeting_decisions(meeting: Meeting) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting=meeting)
        .select_related("topic", "decided_by")
        .order_by("deadline", "id")
    )


def topic_meetings(user: User, topic: Topic) -> list[Meeting]:
    """The meetings that discussed a topic, latest first, each with its decisions on it
    (`topic_decisions`): two queries, whether there are meetings or not."""
    meetings = list(meetings_for(user).filter(topics=topic).order_by("-held_on", "-id"))
    decisions: dict[int, list[Decision]] = {}
    # All the topic's decisions, kept only for meetings in scope (a query on an empty list of
    # meetings would be skipped, and the page's count would then depend on the data).
    for d in Decision.objects.filter(topic=topic).order_by("id"):
        decisions.setdefault(d.meeting_id, []).append(d)
    for m in meetings:
        m.topic_decisions = decisions.get(m.pk, [])
    return meetings
