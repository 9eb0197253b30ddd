"""Reads of owners' votes (业主表决), already scoped to the user.

Staff with "votes.view" see the votes of their places; the voting persons of a roll are
scoped too (a grid worker sees those with a unit in her grid: door-knocking lists). Residents
see the votes they are on the roll of, or hold a proxy in (`portal_votes`). Every list runs a
fixed number of queries whatever its size.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.decisions.plan_actions import residents_of
from laoyuan.decisions.votes.models import (
    Ballot,
    BallotChannel,
    Proxy,
    RollOwner,
    RollUnit,
    Vote,
    VoteStatus,
    VotingPerson,
)


def votes_for(user: User, permission: str = "votes.view") -> QuerySet[Vote]:
    return visible(user, Vote, permission).select_related("compound")


def _voted_count() -> Subquery:
    voted = (
        VotingPerson.objects.filter(vote=OuterRef("pk"))
        .exclude(counted_choice="")
        .order_by()
        .values("vote")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(voted), 0)


def vote_list(
    user: User, *, compound_id: int | None = None, status: str = "", matter: str = ""
) -> QuerySet[Vote]:
    """Votes in scope, latest first, each with how many voting persons have voted."""
    qs = votes_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if status:
        qs = qs.filter(status=status)
    if matter:
        qs = qs.filter(matter=matter)
    return qs.annotate(voted_persons=_voted_count()).order_by("-opens_at", "-id")


def vote_or_404(user: User, pk: int, permission: str = "votes.view") -> Vote:
    return get_visible_or_404(
        user,
        Vote.objects.select_related(
            "compound__community", "meeting", "rule_set", "created_by", "resolution__meeting"
        ).prefetch_related("buildings"),
        permission,
        pk=pk,
    )


def persons_for(user: User, vote: Vote, permission: str = "votes.view") -> QuerySet[VotingPerson]:
    """The voting persons of the vote's roll the user may see."""
    return visible(user, VotingPerson.objects.filter(vote=vote), permission)


def with_roll_details(qs: QuerySet[VotingPerson]) -> QuerySet[VotingPerson]:
    """Each person with her units and owners (phones masked, live from the registry): three
    queries for a whole page."""
    return qs.prefetch_related(
        Prefetch("units", queryset=RollUnit.objects.order_by("position")),
        Prefetch("owners", queryset=RollOwner.objects.select_related("owner").order_by("pk")),
    )


def roll_page(
    user: User,
    vote: Vote,
    *,
    voted: bool | None = None,
    building_id: int | None = None,
    grid_id: int | None = None,
    text: str = "",
) -> QuerySet[VotingPerson]:
    """The roll for the list pages: filtered by whether they voted (door-knocking), building,
    grid and a room or a name."""
    qs = persons_for(user, vote)
    if voted is True:
        qs = qs.exclude(counted_choice="")
    elif voted is False:
        qs = qs.filter(counted_choice="")
    if building_id:
        qs = qs.filter(
            pk__in=RollUnit.objects.filter(vote=vote, building_id=building_id).values("person_id")
        )
    if grid_id:
        qs = qs.filter(
            pk__in=RollUnit.objects.filter(vote=vote, grid_id=grid_id).values("person_id")
        )
    text = (text or "").strip()
    if text:
        qs = qs.filter(
            Q(label__contains=text)
            | Q(pk__in=RollUnit.objects.filter(vote=vote, label__contains=text).values("person_id"))
        )
    return with_roll_details(qs).order_by("number")


def person_or_404(user: User, vote: Vote, pk: int, permission: str = "votes.view") -> VotingPerson:
    try:
        return with_roll_details(persons_for(user, vote, permission)).get(pk=pk)
    except (VotingPerson.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def roll_owner_or_404(
    user: User, vote: Vote, pk: int, permission: str = "votes.enter"
) -> RollOwner:
    """An owner of the roll whose voting person the user may see with `permission`."""
    found = (
        RollOwner.objects.filter(vote=vote, pk=pk, person__in=persons_for(user, vote, permission))
        .select_related("person", "owner")
        .first()
    )
    if found is None:
        raise Http404
    return found


def ballot_history(vote: Vote) -> QuerySet[Ballot]:
    """Every ballot of the vote in the order of its chain."""
    return (
        Ballot.objects.filter(vote=vote)
        .select_related("person", "owner", "cast_by", "proxy")
        .order_by("-seq")
    )


def proxies_of(vote: Vote) -> QuerySet[Proxy]:
    return (
        Proxy.objects.filter(vote=vote)
        .select_related("person", "owner", "recorded_by", "proxy_resident")
        .order_by("-seq")
    )


def conflicts(vote: Vote) -> QuerySet[VotingPerson]:
    """Voting persons who voted both online and on paper (the paper ballot counts)."""
    online = Ballot.objects.filter(person=OuterRef("pk"), channel=BallotChannel.ONLINE)
    paper = Ballot.objects.filter(person=OuterRef("pk"), channel=BallotChannel.PAPER)
    return (
        VotingPerson.objects.filter(vote=vote)
        .filter(Exists(online), Exists(paper))
        .prefetch_related(Prefetch("ballots", queryset=Ballot.objects.order_by("seq")))
        .order_by("number")
    )


def portal_votes(user: User) -> QuerySet[Vote]:
    """The votes a resident may vote in or follow: she is an owner on the roll, or holds a
    written proxy. Drafts are nobody's business but the organisers'."""
    ids = residents_of(user)
    if not ids:
        return Vote.objects.none()
    mine = RollOwner.objects.filter(resident_id__in=ids).values("vote_id")
    proxied = Proxy.objects.filter(proxy_resident_id__in=ids).values("vote_id")
    return (
        Vote.objects.filter(Q(pk__in=mine) | Q(pk__in=proxied))
        .exclude(status=VoteStatus.DRAFT)
        .select_related("compound")
        .order_by("-opens_at", "-id")
    )


def portal_votes_with_mine(user: User) -> QuerySet[Vote]:
    """Her votes, each with whether a voting person she votes for has a counted ballot."""
    ids = residents_of(user)
    hers = VotingPerson.objects.filter(vote=OuterRef("pk")).filter(
        Q(pk__in=RollOwner.objects.filter(resident_id__in=ids).values("person_id"))
        | Q(pk__in=Proxy.objects.filter(proxy_resident_id__in=ids).values("person_id"))
    )
    return portal_votes(user).annotate(mine_voted=Exists(hers.exclude(counted_choice="")))


def portal_vote_or_404(user: User, pk: int) -> Vote:
    try:
        return portal_votes(user).prefetch_related("buildings").get(pk=pk)
    except (Vote.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def my_persons(user: User, vote: Vote) -> list[VotingPerson]:
    """The voting persons she may vote for, each with `voice` (as whom: owner and proxy, as
    ballots.voice_of decides), her units and her ballots, latest first (five queries)."""
    ids = residents_of(user)
    owners: dict[int, RollOwner] = {}
    for owner in RollOwner.objects.filter(vote=vote, resident_id__in=ids).order_by("pk"):
        owners.setdefault(owner.person_id, owner)
    proxies: dict[int, Proxy] = {}
    for proxy in (
        Proxy.objects.filter(vote=vote, proxy_resident_id__in=ids)
        .select_related("owner")
        .order_by("-seq")
    ):
        proxies.setdefault(proxy.person_id, proxy)
    persons = list(
        VotingPerson.objects.filter(vote=vote, pk__in=set(owners) | set(proxies))
        .prefetch_related(
            Prefetch("units", queryset=RollUnit.objects.order_by("position")),
            Prefetch("ballots", queryset=Ballot.objects.select_related("owner").order_by("-seq")),
        )
        .order_by("number")
    )
    for person in persons:
        if person.pk in owners:
            person.voice = (owners[person.pk], None)
        else:
            proxy = proxies[person.pk]
            person.voice = (proxy.owner, proxy)
    return persons
