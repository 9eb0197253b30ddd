"""The frozen roll (表决名册) groups units into voting persons as the SPC interpretation (arts.
8–9) requires: one unit one person; all units of the same owner one person; all units the
developer holds one person; co-owners of a unit vote once for it; a co-owned unit and a unit of
one co-owner alone are two persons (a voting person is a distinct set of owners)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from laoyuan.decisions.votes import actions, tally
from laoyuan.decisions.votes.models import (
    Matter,
    RollOwner,
    RollUnit,
    VoterKind,
    VotingPerson,
)
from laoyuan.registry.models import Ownership, Unit
from tests.votes import helpers as h


def _persons(vote):
    return {
        p.label: (p.area_cents, p.unit_count, p.kind)
        for p in VotingPerson.objects.filter(vote=vote)
    }


def test_units_are_grouped_into_voting_persons(world):
    # given building 5 of 五福苑:
    #   101 甲 60.00 | 102 甲 40.50 (甲 owns two)      → one person, 100.50 m², 2 units
    #   201 乙+丙 55.25 | 202 丙+乙 44.75 (same pair)  → one person, 100.00 m², 2 units
    #   301 乙 70.00 (乙 alone)                        → a person of its own
    #   401 开发商 80.00 | 402 开发商 81.00             → the developer: one person, 161.00 m²
    #   501 丁 50.00                                   → one person
    h.units(
        world.wufuyuan,
        "5",
        [
            ("101", "60.00", ["甲"]),
            ("102", "40.50", ["甲"]),
            ("201", "55.25", ["乙", "丙"]),
            ("202", "44.75", ["丙", "乙"]),
            ("301", "70.00", ["乙"]),
            ("401", "80.00", [h.DEVELOPER]),
            ("402", "81.00", [h.DEVELOPER]),
            ("501", "50.00", ["丁"]),
        ],
    )
    # when a vote of building 5 opens
    vote = h.open_vote(world, buildings=[h.building(world.wufuyuan, "5")])
    # then 8 units make 5 voting persons, 481.50 m² in all
    assert _persons(vote) == {
        "甲": (10050, 2, VoterKind.PERSON),
        "丙、乙": (10000, 2, VoterKind.JOINT),
        "乙": (7000, 1, VoterKind.PERSON),
        "开发商": (16100, 2, VoterKind.DEVELOPER),
        "丁": (5000, 1, VoterKind.PERSON),
    }
    assert (vote.total_units, vote.total_persons, vote.total_area_cents) == (8, 5, 48150)
    # and each person is numbered in the order of its first unit
    assert list(VotingPerson.objects.filter(vote=vote).values_list("number", "label")) == [
        (1, "甲"),
        (2, "丙、乙"),
        (3, "乙"),
        (4, "开发商"),
        (5, "丁"),
    ]


def test_co_owners_cast_one_ballot_for_their_unit(world):
    # given 201 held by 乙 and 丙 together (55.25 m²) and 101 by 甲 (60.00 m²)
    b = h.units(world.wufuyuan, "5", [("101", "60.00", ["甲"]), ("201", "55.25", ["乙", "丙"])])
    vote = h.open_vote(world, buildings=[h.building(world.wufuyuan, "5")])
    # when 乙 hands in a paper ballot "yes" and 丙 later one "no" that replaces it
    h.paper(world, vote, b[1], "乙", "yes")
    h.paper(world, vote, b[1], "丙", "no", replaces_paper=True)
    # then the unit counts once, with 丙's later ballot: 55.25 m² and 1 person against
    person = h.person_of(vote, b[1])
    assert (person.counted_choice, person.ballots.count()) == ("no", 2)
    vote = h.close(world, vote)
    result = tally.count(vote)
    assert result.tally.participating.persons == 1
    assert result.tally.of("no").area_cents == 5525


def test_the_developers_units_are_one_person(world):
    # given the developer holds three unsold flats of 70.00 m², and 甲 one of 70.00 m²
    h.units(
        world.wufuyuan,
        "6",
        [
            ("101", "70.00", [h.DEVELOPER]),
            ("102", "70.00", [h.DEVELOPER]),
            ("201", "70.00", [h.DEVELOPER]),
            ("202", "70.00", ["甲"]),
        ],
    )
    vote = h.open_vote(world, buildings=[h.building(world.wufuyuan, "6")])
    # then 2 persons: the developer with 210.00 m², 甲 with 70.00 m²
    assert _persons(vote) == {
        "开发商": (21000, 3, VoterKind.DEVELOPER),
        "甲": (7000, 1, VoterKind.PERSON),
    }


def test_units_without_area_or_owner_stop_a_binding_vote_from_opening(world):
    # given building 7 with a flat without a registered area and one without an owner
    h.units(
        world.wufuyuan,
        "7",
        [("101", "60.00", ["甲"]), ("102", None, ["乙"]), ("201", "45.00", [])],
    )
    meeting = h.assembly(world)
    vote = actions.vote_create(
        actor=world.li,
        compound=world.wufuyuan,
        draft=h.draft(meeting=meeting, buildings=[h.building(world.wufuyuan, "7")]),
    )
    # when li tries to open it, then she is told why, and nothing is frozen
    with pytest.raises(ValidationError) as refused:
        actions.vote_open(actor=world.li, vote=vote)
    assert any("1套房屋没有登记面积" in m for m in refused.value.messages)
    assert any("1套房屋没有登记业主" in m for m in refused.value.messages)
    assert not VotingPerson.objects.filter(vote=vote).exists()
    vote.refresh_from_db()
    assert vote.status == "draft"


def test_an_advisory_poll_leaves_out_unowned_units_and_weighs_unmeasured_ones_at_nothing(world):
    h.units(
        world.wufuyuan,
        "7",
        [("101", "60.00", ["甲"]), ("102", None, ["乙"]), ("201", "45.00", [])],
    )
    vote = h.open_vote(
        world,
        Matter.ADVISORY,
        buildings=[h.building(world.wufuyuan, "7")],
        options=["上午开放", "下午开放"],
    )
    # then 甲 (60.00) and 乙 (no area: 0.00) are on the roll; the unowned 201 is not
    assert _persons(vote) == {"甲": (6000, 1, "person"), "乙": (0, 1, "person")}
    assert (vote.total_units, vote.total_persons) == (2, 2)


def test_registry_edits_after_opening_change_nothing_in_the_open_vote(world):
    b = h.units(world.wufuyuan, "5", [("101", "60.00", ["甲"]), ("102", "40.00", ["乙"])])
    vote = h.open_vote(world, buildings=[h.building(world.wufuyuan, "5")])
    # when the registry changes: 101's area corrected, 102 sold to 戊, a new flat added
    Unit.objects.filter(pk=b[0].pk).update(area=Decimal("99.00"))
    Ownership.objects.filter(unit=b[1]).update(owner=h.owner_named(world.wufuyuan, "戊"))
    h.units(world.wufuyuan, "5", [("301", "50.00", ["己"])])
    # then the roll is as it was when the vote opened
    assert _persons(vote) == {"甲": (6000, 1, "person"), "乙": (4000, 1, "person")}
    assert RollUnit.objects.filter(vote=vote).count() == 2
    # and 乙 still votes for 102 (戊 cannot)
    h.paper(world, vote, b[1], "乙", "yes")
    with pytest.raises(RollOwner.DoesNotExist):
        h.roll_owner(vote, b[1], "戊")
