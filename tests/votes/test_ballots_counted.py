"""Which ballot counts, and the full count of a lift vote worked out by hand: a changed
ballot replaces the earlier one (both stay), a paper ballot prevails over an online one
whatever the order (the stated rule, listed for the organiser), a proxy votes for the owner,
abstentions take part, an owner of several units and co-owners count once."""

import pytest
from django.core.exceptions import ValidationError

from laoyuan.decisions.votes import ballots, queries, tally
from laoyuan.decisions.votes.models import Ballot, Matter
from laoyuan.decisions.votes.results import result_of
from laoyuan.decisions.votes.verification import verify
from tests.votes import helpers as h


@pytest.fixture
def lift(world):
    """Building 5 of 五福苑 (a lift, matter (7): 3/4), 7 units, 6 voting persons, 480.00 m²:
    101 甲 70.00 | 102 甲 50.00          甲: 120.00 m² (two units, one person)
    201 乙+丙 80.00                      乙丙: 80.00 m² (co-owned)
    301 丁 60.00                         丁: 60.00 m² (votes by proxy: her son 小丁)
    401 戊 55.00                         戊: 55.00 m²
    501 开发商 45.00 | 502 开发商 40.00   the developer: 85.00 m²
    601 己 80.00                         己: 80.00 m²"""
    c = world.wufuyuan
    u = h.units(
        c,
        "5",
        [
            ("101", "70.00", ["甲"]),
            ("102", "50.00", ["甲"]),
            ("201", "80.00", ["乙", "丙"]),
            ("301", "60.00", ["丁"]),
            ("401", "55.00", ["戊"]),
            ("501", "45.00", [h.DEVELOPER]),
            ("502", "40.00", [h.DEVELOPER]),
            ("601", "80.00", ["己"]),
        ],
    )
    accounts = {
        "甲": h.account_for(h.owner_named(c, "甲"), u[0], "jia"),
        "乙": h.account_for(h.owner_named(c, "乙"), u[2], "yi"),
        "戊": h.account_for(h.owner_named(c, "戊"), u[4], "wu"),
    }
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(c, "5")])
    rooms = ["101", "102", "201", "301", "401", "501", "502", "601"]
    return vote, dict(zip(rooms, u, strict=True)), accounts


def test_a_lift_vote_counted_by_hand(world, lift):
    vote, u, accounts = lift
    assert (vote.total_persons, vote.total_area_cents) == (7 - 1, 48000)
    # 甲 votes yes online, then changes to no, then back to yes: her last online ballot counts
    h.online(accounts["甲"], vote, u["101"], "yes")
    h.online(accounts["甲"], vote, u["102"], "no")
    h.online(accounts["甲"], vote, u["101"], "yes")
    # 乙 votes no online; later the couple's signed paper ballot says yes: paper prevails
    h.online(accounts["乙"], vote, u["201"], "no")
    h.paper(world, vote, u["201"], "丙", "yes")
    # 丁's son votes on paper with her written proxy
    proxy = ballots.proxy_record(
        actor=world.li,
        vote=vote,
        owner=h.roll_owner(vote, u["301"], "丁"),
        proxy_name="小丁",
        scan=h.scan("pdf"),
    )
    h.paper(world, vote, u["301"], "丁", "yes", proxy=proxy)
    # 戊 abstains online; the developer votes no on paper; 己 does not vote
    h.online(accounts["戊"], vote, u["401"], "abstain")
    h.paper(world, vote, u["501"], h.DEVELOPER, "no")
    vote = h.close(world, vote)
    sheet = result_of(vote)
    # by hand: took part 甲 120 + 乙丙 80 + 丁 60 + 戊 55 + developer 85 = 400.00 m², 5 persons
    #          yes 甲 120 + 乙丙 80 + 丁 60 = 260.00 m², 3 persons; no 85.00, 1; abstain 55.00, 1
    assert (sheet.total_area, sheet.total_persons) == ("480.00", 6)
    assert (sheet.participating_area, sheet.participating_persons) == ("400.00", 5)
    lines = {o.key: (o.area, o.persons) for o in sheet.options}
    assert lines == {"yes": ("260.00", 3), "no": ("85.00", 1), "abstain": ("55.00", 1)}
    # quorum: 400/480 ≥ 2/3 (400*3 = 1200 ≥ 960) and 5/6 ≥ 2/3: met
    # pass (3/4): 260/400 (260*4 = 1040 < 1200) fails; 3/5 < 3/4 fails: rejected
    assert sheet.quorum_met is True
    assert [(t.key, t.met) for t in sheet.tests] == [
        ("quorum_area", True),
        ("quorum_owners", True),
        ("pass_area", False),
        ("pass_owners", False),
    ]
    assert sheet.passed is False and sheet.outcome == "rejected"
    assert [t.share for t in sheet.tests] == ["83.33", "83.33", "65.00", "60.00"]
    # and every ballot stayed: 甲's three, 乙's and the paper one, 丁's, 戊's, the developer's
    assert Ballot.objects.filter(vote=vote).count() == 8
    assert verify(vote) == []


def test_a_changed_ballot_replaces_the_earlier_one_and_both_stay(world, lift):
    vote, u, accounts = lift
    first = h.online(accounts["甲"], vote, u["101"], "no")
    second = h.online(accounts["甲"], vote, u["102"], "yes")
    person = h.person_of(vote, u["101"])
    assert person.counted_ballot_id == second.pk and person.counted_choice == "yes"
    assert second.replaces_id == first.pk
    assert list(person.ballots.order_by("seq").values_list("choice", flat=True)) == ["no", "yes"]
    # voting the same again writes nothing new
    again = h.online(accounts["甲"], vote, u["101"], "yes")
    assert again.pk == second.pk and person.ballots.count() == 2


def test_a_paper_ballot_prevails_over_an_online_one_whatever_the_order(world, lift):
    vote, u, accounts = lift
    # paper first, then an attempt online: refused with the reason
    h.paper(world, vote, u["401"], "戊", "no", number="A-17")
    with pytest.raises(ValidationError) as refused:
        h.online(accounts["戊"], vote, u["401"], "yes")
    assert "以纸质票为准" in refused.value.messages[0] and "A-17" in refused.value.messages[0]
    # online first, then paper: the paper ballot counts and the person is listed as a conflict
    h.online(accounts["甲"], vote, u["101"], "yes")
    h.paper(world, vote, u["102"], "甲", "no")
    assert h.person_of(vote, u["101"]).counted_choice == "no"
    assert [p.label for p in queries.conflicts(vote)] == ["甲"]


def test_a_second_paper_ballot_must_say_it_replaces_the_first(world, lift):
    vote, u, _accounts = lift
    h.paper(world, vote, u["601"], "己", "no", number="B-1")
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u["601"], "己", "yes", number="B-2")
    assert "替换原纸质票" in refused.value.message_dict["replaces_paper"][0]
    h.paper(world, vote, u["601"], "己", "yes", number="B-2", replaces_paper=True)
    assert h.person_of(vote, u["601"]).counted_choice == "yes"


def test_a_paper_ballot_number_is_typed_in_once(world, lift):
    vote, u, _accounts = lift
    h.paper(world, vote, u["601"], "己", "no", number="C-9")
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u["401"], "戊", "no", number="C-9")
    assert "已经录入过" in refused.value.message_dict["ballot_number"][0]
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_a_proxy_with_an_account_votes_online_for_the_owner(world, lift):
    vote, u, accounts = lift
    # given 己's written proxy for 戊 (who has an account) is recorded
    wu = accounts["戊"]
    proxy = ballots.proxy_record(
        actor=world.li,
        vote=vote,
        owner=h.roll_owner(vote, u["601"], "己"),
        proxy_name="戊",
        proxy_resident=h.owner_named(world.wufuyuan, "戊").resident,
        scan=h.scan(),
    )
    # when 戊 votes for 己's unit from her phone
    ballot = h.online(wu, vote, u["601"], "yes")
    # then it counts for 己's voting person, cast as 己 through the proxy, by 戊's account
    assert (ballot.owner.name, ballot.proxy_id, ballot.cast_by_id) == ("己", proxy.pk, wu.pk)
    assert h.person_of(vote, u["601"]).counted_choice == "yes"
    # and 戊 sees both units she may vote for
    assert [p.label for p in queries.my_persons(wu, vote)] == ["戊", "己"]


def test_the_running_count_shows_participation_only(world, lift):
    vote, u, accounts = lift
    h.online(accounts["甲"], vote, u["101"], "yes")
    h.paper(world, vote, u["601"], "己", "no")
    assert tally.participation(vote) == tally.counting.Share(20000, 2)
    assert result_of(vote) is None  # no yes/no split before the close
