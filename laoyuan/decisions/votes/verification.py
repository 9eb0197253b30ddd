"""Checking a vote against its own records (核验): `laoyuan verify-votes` and the vote page.

1. The chain (`chain.verify_chain`): every row where it belongs and as it was written.
2. The roll: its digest now against the one the opening event recorded (an area, a unit or an
   owner changed after opening).
3. The count: each voting person's counted ballot recomputed from her ballots in the chain by
   the stated rule, and the vote's totals against the opening event.
4. The result: a closed vote's count now against the result its closing event sealed.
"""

from __future__ import annotations

from collections import defaultdict

from laoyuan.decisions.votes import chain, counting, roll, tally
from laoyuan.decisions.votes.chain import Problem
from laoyuan.decisions.votes.models import Ballot, Vote, VoteEvent, VoteEventKind, VotingPerson


def verify(vote: Vote) -> list[Problem]:
    """Everything found wrong with the vote's records, in Chinese (empty: all is as written)."""
    rows = chain.rows_of(vote)
    problems = chain.verify_chain(vote, rows)
    events = {r.kind: r for r in rows if isinstance(r, VoteEvent)}
    opened = events.get(VoteEventKind.OPENED)
    if opened is not None:
        data = opened.data
        if data.get("roll_digest") != roll.roll_digest(vote):
            problems.append(Problem(opened.seq, "开始投票后，表决名册（房屋、面积、业主）被改动过"))
        totals = (vote.total_area_cents, vote.total_persons, vote.total_units)
        recorded = (
            data.get("total_area_cents"),
            data.get("total_persons"),
            data.get("total_units"),
        )
        if totals != recorded:
            problems.append(Problem(opened.seq, "表决的总面积或总人数与开始投票时记录的不符"))
        if vote.rule != data.get("rule"):
            problems.append(Problem(opened.seq, "表决适用的规则与开始投票时记录的不符"))
    by_person: dict[int, list[Ballot]] = defaultdict(list)
    for row in rows:
        if isinstance(row, Ballot):
            by_person[row.person_id].append(row)
    for pk, number, counted_id, choice in VotingPerson.objects.filter(vote=vote).values_list(
        "pk", "number", "counted_ballot_id", "counted_choice"
    ):
        expected = counting.counted_ballot(by_person.get(pk, []))
        want = (expected.pk, expected.choice) if expected else (None, "")
        if (counted_id, choice) != want:
            problems.append(Problem(None, f"第{number}号表决权人计入的票与表决票记录不符"))
    closed = events.get(VoteEventKind.CLOSED)
    if closed is not None and closed.data.get("result") != tally.figures(tally.count(vote)):
        problems.append(Problem(closed.seq, "现在的计票结果与结束时封存的结果不符"))
    return problems
