"""Ballots refused, and nothing written: a unit she does not own, outside the voting period,
a choice not offered, a paper ballot handed in after the closing time, a scan that is not one.
Owners without an account vote only on paper or by proxy."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laoyuan.decisions.votes import actions, ballots, queries
from laoyuan.decisions.votes.models import Ballot, Matter, Vote
from tests.votes import helpers as h


@pytest.fixture
def five(world):
    c = world.wufuyuan
    u = h.units(
        c, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"]), ("201", "60.00", ["丙"])]
    )
    jia = h.account_for(h.owner_named(c, "甲"), u[0], "jia")
    vote = h.open_vote(world, Matter.MANAGER, buildings=[h.building(c, "5")])
    return vote, u, jia


def test_it_refuses_a_vote_for_a_unit_she_does_not_own(world, five):
    vote, u, jia = five
    with pytest.raises(PermissionDenied):
        h.online(jia, vote, u[1], "yes")
    # nor can staff or 刘桂兰 (an owner elsewhere) cast online ballots for it
    with pytest.raises(PermissionDenied):
        h.online(world.li, vote, u[1], "yes")
    with pytest.raises(PermissionDenied):
        h.online(world.liu, vote, u[0], "yes")
    assert not Ballot.objects.filter(vote=vote).exists()


def test_an_owner_without_an_account_votes_only_on_paper_or_by_proxy(world, five):
    vote, u, _jia = five
    # 乙 has no portal account: no online voice anywhere, and no vote on anyone's portal list
    assert queries.my_persons(world.liu, vote) == []
    assert vote not in queries.portal_votes(world.liu)
    h.paper(world, vote, u[1], "乙", "no")
    assert h.person_of(vote, u[1]).counted_choice == "no"


def test_it_refuses_ballots_outside_the_voting_period(world, five):
    vote, u, jia = five
    Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() + dt.timedelta(hours=1))
    vote.refresh_from_db()
    with pytest.raises(ValidationError, match="投票还没开始"):
        h.online(jia, vote, u[0], "yes")
    Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - dt.timedelta(hours=2))
    h.polls_close(vote)
    with pytest.raises(ValidationError, match="投票已经截止"):
        h.online(jia, vote, u[0], "yes")
    assert not Ballot.objects.filter(vote=vote).exists()


def test_paper_handed_in_before_the_closing_is_typed_in_until_the_count(world, five):
    vote, u, _jia = five
    handed_in = timezone.now()
    h.polls_close(vote)
    # a ballot handed in after the closing time is refused
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u[1], "乙", "yes", received_at=timezone.now())
    assert "截止时间" in refused.value.message_dict["received_at"][0]
    # one handed in before it is still typed in, until the vote is closed and counted
    h.paper(world, vote, u[1], "乙", "yes", received_at=handed_in - dt.timedelta(seconds=5))
    actions.vote_close(actor=world.li, vote=vote)
    with pytest.raises(ValidationError, match="已计票"):
        h.paper(world, vote, u[2], "丙", "yes", received_at=handed_in - dt.timedelta(seconds=5))


def test_a_choice_that_is_not_offered_is_refused(world, five):
    vote, u, jia = five
    with pytest.raises(ValidationError):
        h.online(jia, vote, u[0], "maybe")
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u[1], "乙", "o1")
    assert "choice" in refused.value.message_dict


def test_a_paper_ballot_needs_its_number_and_a_real_scan(world, five):
    vote, u, _jia = five
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("票.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u[1], "乙", "yes", number=" ", scan=fake)
    problems = refused.value.message_dict
    assert "请填写表决票上的票号" in problems["ballot_number"][0]
    assert "不是可识别的扫描件" in problems["scan"][0]
    with pytest.raises(ValidationError) as refused:
        h.paper(world, vote, u[1], "乙", "yes", scan=None)
    assert "请上传扫描件" in refused.value.message_dict["scan"][0]
    assert not Ballot.objects.filter(vote=vote).exists()


def test_the_grid_worker_types_in_ballots_of_her_grid_only(world, five):
    vote, u, _jia = five
    # 刘桂兰's 1栋101 is in zhang's grid; building 5's units are in no grid of hers
    with pytest.raises(PermissionDenied):
        h.paper(world, vote, u[1], "乙", "yes", who="zhang")
    # property staff never type in ballots
    with pytest.raises(PermissionDenied):
        h.paper(world, vote, u[1], "乙", "yes", who="sun")


def test_a_proxy_needs_its_written_authorisation(world, five):
    vote, u, _jia = five
    with pytest.raises(ValidationError) as refused:
        ballots.proxy_record(
            actor=world.li,
            vote=vote,
            owner=h.roll_owner(vote, u[1], "乙"),
            proxy_name="",
            scan=None,
        )
    assert set(refused.value.message_dict) == {"proxy_name", "scan"}
