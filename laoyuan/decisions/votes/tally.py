"""The count of a vote from the database (计票): one aggregate over its voting persons'
counted ballots, judged by the rule copied onto the vote when it opened (`counting`).

`count` is what closing a vote seals; `participation` is what organisers see while a vote is
open: how many took part, never how they voted (the running yes/no split stays hidden until
the close, so that nobody is swayed by it and door-knocking cannot target one side).
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from laoyuan.decisions.votes import counting
from laoyuan.decisions.votes.models import Vote, VotingPerson


def _groups(vote: Vote):
    return (
        VotingPerson.objects.filter(vote=vote)
        .exclude(counted_choice="")
        .values("counted_choice")
        .annotate(area=Sum("area_cents"), persons=Count("pk"))
        .order_by()
        .values_list("counted_choice", "area", "persons")
    )


def count(vote: Vote) -> counting.Result:
    """Count the vote from its voting persons' counted ballots (one query)."""
    total = counting.Share(vote.total_area_cents, vote.total_persons)
    keys = [o["key"] for o in vote.options]
    result_tally = counting.tally_from_groups(total, _groups(vote), keys)
    return counting.judge(result_tally, counting.Rule.from_snapshot(vote.rule))


def participation(vote: Vote) -> counting.Share:
    """Area and persons that have voted so far (one query)."""
    figures = VotingPerson.objects.filter(vote=vote).aggregate(
        area=Sum("area_cents", filter=~Q(counted_choice="")),
        persons=Count("pk", filter=~Q(counted_choice="")),
    )
    return counting.Share(int(figures["area"] or 0), int(figures["persons"] or 0))


def figures(result: counting.Result) -> dict:
    """The result as plain integers and booleans (what the closing event seals)."""
    t = result.tally
    return {
        "total_area_cents": t.total.area_cents,
        "total_persons": t.total.persons,
        "participating_area_cents": t.participating.area_cents,
        "participating_persons": t.participating.persons,
        "options": {k: [s.area_cents, s.persons] for k, s in t.by_option.items()},
        "quorum_met": result.quorum_met,
        "passed": result.passed,
        "outcome": result.outcome,
    }


def sealed_result(vote: Vote) -> counting.Result | None:
    """The result of a closed vote as its closing event sealed it (None before the close)."""
    from laoyuan.decisions.votes.models import VoteEvent, VoteEventKind

    event = VoteEvent.objects.filter(vote=vote, kind=VoteEventKind.CLOSED).first()
    if event is None:
        return None
    data = event.data["result"]
    keys = [o["key"] for o in vote.options]
    result_tally = counting.Tally(
        total=counting.Share(data["total_area_cents"], data["total_persons"]),
        participating=counting.Share(
            data["participating_area_cents"], data["participating_persons"]
        ),
        by_option={k: counting.Share(*data["options"].get(k, [0, 0])) for k in keys},
    )
    return counting.judge(result_tally, counting.Rule.from_snapshot(vote.rule))
