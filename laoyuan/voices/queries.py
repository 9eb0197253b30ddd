"""Reads of voices and topics, already scoped to the user. Views and the API read through these.

Staff read with "voices.view" over their place; a resident reads her own voices (by account)
and the topics of her own compound ("portal.voice").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet

from laoyuan.core.models import User
from laoyuan.core.scopes import assignments_of, get_visible_or_404, visible
from laoyuan.registry.models import Community, Compound, Street
from laoyuan.voices.actions import Proposal, title_from
from laoyuan.voices.engine.similarity import group
from laoyuan.voices.models import (
    DECIDED_STATES,
    LIVE_STATES,
    Channel,
    Topic,
    TopicEvent,
    TopicState,
    Voice,
)


def voices_for(user: User) -> QuerySet[Voice]:
    return visible(user, Voice, "voices.view").select_related(
        "compound", "building", "topic", "recorded_by"
    )


def voice_list(
    user: User,
    *,
    compound_id: int | None = None,
    community_id: int | None = None,
    channel: str = "",
    category: str = "",
    grouped: bool | None = None,
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Voice]:
    """The staff list of voices, newest first, with the filters of the list page."""
    qs = voices_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if channel:
        qs = qs.filter(channel=channel)
    if category == "-":
        qs = qs.filter(category="")
    elif category:
        qs = qs.filter(category=category)
    if grouped is True:
        qs = qs.filter(topic__isnull=False)
    elif grouped is False:
        qs = qs.filter(topic__isnull=True)
    if text:
        qs = qs.filter(text_redacted__contains=text)
    if since:
        qs = qs.filter(said_on__gte=since)
    if until:
        qs = qs.filter(said_on__lte=until)
    return qs.order_by("-said_on", "-id")


def voice_or_404(user: User, pk: int) -> Voice:
    return get_visible_or_404(user, voices_for(user), "voices.view", pk=pk)


def topics_for(user: User, permission: str = "voices.view") -> QuerySet[Topic]:
    return visible(user, Topic, permission).select_related("compound")


def with_counts(qs: QuerySet[Topic]) -> QuerySet[Topic]:
    """Each topic with its number of voices and of distinct named supporters."""
    return qs.annotate(
        voice_count=Count("voices", distinct=True),
        channel_count=Count("voices__channel", distinct=True),
    )


def topic_list(
    user: User,
    *,
    compound_id: int | None = None,
    community_id: int | None = None,
    state: str = "",
    category: str = "",
    text: str = "",
) -> QuerySet[Topic]:
    """The staff list of topics (merged tombstones only when asked for by state)."""
    qs = topics_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if state == "live":
        qs = qs.filter(state__in=LIVE_STATES)
    elif state:
        qs = qs.filter(state=state)
    else:
        qs = qs.exclude(state=TopicState.MERGED)
    if category:
        qs = qs.filter(category=category)
    if text:
        qs = qs.filter(title__contains=text)
    return with_counts(qs).order_by("-updated_at", "-id")


def topic_or_404(user: User, pk: int, permission: str = "voices.view") -> Topic:
    return get_visible_or_404(
        user, Topic.objects.select_related("compound", "merged_into"), permission, pk=pk
    )


def topic_voices(topic: Topic) -> QuerySet[Voice]:
    """A topic's voices (the caller has checked the topic is visible)."""
    return (
        Voice.objects.filter(topic=topic)
        .select_related("building", "recorded_by")
        .order_by("said_on", "id")
    )


@dataclass
class TopicSummary:
    voices: int
    by_channel: list[tuple[str, str, int]]  # (value, label, count)
    supporters: int  # distinct named speakers, registered residents and accounts
    anonymous: int
    first_said: dt.date | None
    last_said: dt.date | None


def topic_summary(topic: Topic) -> TopicSummary:
    """Voices, channels and supporters of a topic, in two queries."""
    rows = list(
        Voice.objects.filter(topic=topic)
        .values("channel")
        .annotate(n=Count("id"))
        .order_by("-n", "channel")
    )
    people = Voice.objects.filter(topic=topic).aggregate(
        residents=Count("resident", distinct=True),
        accounts=Count("author", distinct=True, filter=Q(resident__isnull=True)),
        named=Count(
            "speaker_name",
            distinct=True,
            filter=Q(resident__isnull=True, author__isnull=True, anonymous=False)
            & ~Q(speaker_name=""),
        ),
        # Not named "anonymous": an aggregate may not shadow the field the others filter on.
        anonymous_count=Count("id", filter=Q(anonymous=True)),
        unnamed=Count(
            "id",
            filter=Q(anonymous=False, resident__isnull=True, author__isnull=True, speaker_name=""),
        ),
        first=Min("said_on"),
        last=Max("said_on"),
    )
    labels = dict(Channel.choices)
    return TopicSummary(
        voices=sum(r["n"] for r in rows),
        by_channel=[
            (r["channel"], str(labels.get(r["channel"], r["channel"])), r["n"]) for r in rows
        ],
        supporters=people["residents"]
        + people["accounts"]
        + people["named"]
        + people["unnamed"]
        + people["anonymous_count"],
        anonymous=people["anonymous_count"],
        first_said=people["first"],
        last_said=people["last"],
    )


def topic_events(topic: Topic) -> QuerySet[TopicEvent]:
    return TopicEvent.objects.filter(topic=topic).select_related("actor", "other_topic")


def live_topics_of(user: User, compound_id: int) -> QuerySet[Topic]:
    """Targets for moving or merging: live topics of one compound the user may sort."""
    return (
        visible(user, Topic, "topics.sort")
        .filter(compound_id=compound_id, state__in=LIVE_STATES)
        .order_by("-updated_at", "-id")
    )


# --- grouping proposals -----------------------------------------------------------------------

PROPOSAL_LIMIT = 2000  # ungrouped voices considered at once (the oldest first)
# How like a grouped voice an ungrouped one must be to be proposed for its topic: stricter than
# grouping among themselves (0.3), since joining a topic moves a voice into a decision's reach.
JOIN_SCORE = 0.45


def grouping_proposals(
    user: User, compound: Compound, *, limit: int = PROPOSAL_LIMIT
) -> tuple[list[Proposal], dict[int, Voice], dict[int, Topic]]:
    """Proposals for the compound's ungrouped voices: each voice that closely resembles a live
    topic is proposed for it; the rest are grouped among themselves (star clustering), each
    group a proposed new topic. Returns the proposals and the voices and topics they name."""
    from laoyuan.voices import services

    ungrouped = list(
        voices_for(user)
        .filter(compound=compound, topic__isnull=True)
        .order_by("said_on", "id")[:limit]
    )
    voices = {v.pk: v for v in ungrouped}
    proposals: list[Proposal] = []
    # Nearest grouped voices of each ungrouped one, then one query for their live topics.
    index = services.community_index(compound.community_id)
    nearest = {
        v.pk: index.query(v.text_redacted, k=30, min_score=JOIN_SCORE, group=compound.pk)
        for v in ungrouped
    }
    candidate_ids = {key for hits in nearest.values() for key, _score in hits}
    topic_of = dict(
        Voice.objects.filter(
            pk__in=candidate_ids, compound=compound, topic__state__in=LIVE_STATES
        ).values_list("pk", "topic_id")
    )
    rest: list[Voice] = []
    joined: dict[int, list[int]] = {}
    for voice in ungrouped:
        best = next((topic_of[key] for key, _s in nearest[voice.pk] if key in topic_of), None)
        if best is None:
            rest.append(voice)
        else:
            joined.setdefault(best, []).append(voice.pk)
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=list(joined)).select_related("compound")}
    for topic_id, ids in joined.items():
        proposals.append(Proposal(voice_ids=ids, topic_id=topic_id, title=topics[topic_id].title))
    for g in group([v.text_redacted for v in rest]):
        members = [rest[i] for i in g.members]
        proposals.append(
            Proposal(
                voice_ids=[v.pk for v in members],
                topic_id=None,
                title=title_from(rest[g.representative].text_redacted),
            )
        )
    proposals.sort(key=lambda p: (p.topic_id is None, -len(p.voice_ids)))
    return proposals, voices, topics


# --- the resident's side ----------------------------------------------------------------------


def portal_compounds(user: User) -> QuerySet[Compound]:
    """The compounds a resident may speak for (those of her households)."""
    ids = [a.household_id for a in assignments_of(user) if a.role == "resident"]
    return Compound.objects.filter(households__id__in=ids).distinct().select_related("community")


def my_voices(user: User) -> QuerySet[Voice]:
    """A resident's own voices (anonymous ones included), newest first, each with its topic and
    (after a merge) the live topic it now belongs to."""
    if not user.is_authenticated:
        return Voice.objects.none()
    return (
        Voice.objects.filter(author=user)
        .select_related("topic", "compound")
        .order_by("-created_at", "-id")
    )


def portal_topic_or_404(user: User, pk: int) -> Topic:
    """A topic of the resident's own compound."""
    return get_visible_or_404(user, Topic.objects.select_related("compound"), "portal.voice", pk=pk)


# --- the funnel -------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    key: str
    label: str
    voices: int = 0
    topics: int = 0
    decided: int = 0
    project: int = 0
    case: int = 0
    answered: int = 0
    rejected: int = 0


@dataclass
class Funnel:
    """Voices said in the period → the topics they are in → decided → outcome."""

    place: Street | Community | Compound | None
    since: dt.date | None
    until: dt.date | None
    total: FunnelRow
    by_channel: list[FunnelRow] = field(default_factory=list)
    by_category: list[FunnelRow] = field(default_factory=list)
    ungrouped: int = 0


_STEP_FILTERS = {
    "decided": Q(topic__state__in=DECIDED_STATES),
    "project": Q(topic__state=TopicState.PROJECT),
    "case": Q(topic__state=TopicState.CASE),
    "answered": Q(topic__state=TopicState.ANSWERED),
    "rejected": Q(topic__state=TopicState.REJECTED),
}


def _aggregates() -> dict:
    out = {
        "voices": Count("id"),
        "topics": Count("topic", distinct=True),
        "ungrouped": Count("id", filter=Q(topic__isnull=True)),
    }
    for key, q in _STEP_FILTERS.items():
        out[key] = Count("topic", distinct=True, filter=q)
    return out


def funnel(
    user: User,
    *,
    place: Street | Community | Compound | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Funnel:
    """The funnel for the user's scope, narrowed to a place and a period (by the date each
    voice was said): three queries whatever the size of the place."""
    qs = visible(user, Voice, "voices.view")
    if isinstance(place, Street):
        qs = qs.filter(street=place)
    elif isinstance(place, Community):
        qs = qs.filter(community=place)
    elif isinstance(place, Compound):
        qs = qs.filter(compound=place)
    if since:
        qs = qs.filter(said_on__gte=since)
    if until:
        qs = qs.filter(said_on__lte=until)
    agg = _aggregates()
    totals = qs.aggregate(**agg)
    ungrouped = totals.pop("ungrouped")
    total = FunnelRow(key="", label="", **totals)
    labels = dict(Channel.choices)
    by_channel = [
        FunnelRow(key=r.pop("channel"), label="", **{k: r[k] for k in _row_keys()})
        for r in qs.values("channel").annotate(**agg).order_by("-voices", "channel")
    ]
    for row in by_channel:
        row.label = str(labels.get(row.key, row.key))
    by_category = [
        FunnelRow(key=r["category"], label=r["category"], **{k: r[k] for k in _row_keys()})
        for r in qs.values("category").annotate(**agg).order_by("-voices", "category")
    ]
    return Funnel(
        place=place,
        since=since,
        until=until,
        total=total,
        by_channel=by_channel,
        by_category=by_category,
        ungrouped=ungrouped,
    )


def _row_keys() -> tuple[str, ...]:
    return ("voices", "topics", *_STEP_FILTERS)
