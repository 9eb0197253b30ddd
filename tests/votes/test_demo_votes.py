"""Given the demo loaded, Wufuyuan has a finished lift vote for building 5 (its deliberation
meeting, its owners' assembly noticed 20 days ahead and held, ballots online and on paper, a
proxy, a changed ballot, an online-and-paper owner, the result), its chain intact; and an open
advisory poll the demo resident `jumin` can vote in and has not yet."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from laoyuan.core.models import User
from laoyuan.decisions.models import Meeting, MeetingKind, MeetingStatus
from laoyuan.decisions.votes import queries
from laoyuan.decisions.votes.models import Ballot, Proxy, Vote, VoteStatus
from laoyuan.decisions.votes.results import result_of
from laoyuan.decisions.votes.verification import verify
from laoyuan.registry.demo import DEMO_PASSWORD, WUFUYUAN, load_demo

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo(today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def lift(demo, db) -> Vote:
    return Vote.objects.get(compound__code=WUFUYUAN.code, title="5栋加装电梯表决")


def test_the_lift_vote_was_taken_at_a_noticed_assembly_and_passed(lift):
    assembly = lift.meeting
    assert (assembly.kind, assembly.status) == (MeetingKind.OWNERS_ASSEMBLY, MeetingStatus.HELD)
    assert assembly.held_on == TODAY - dt.timedelta(days=30)
    notice = assembly.notices.get()
    assert (assembly.held_on - notice.noticed_on).days == 20
    assert assembly.attendees.filter(signed_in="paper").count() >= 10
    deliberation = lift.resolution.meeting
    assert deliberation.kind == MeetingKind.DELIBERATION
    assert lift.status == VoteStatus.CLOSED
    sheet = result_of(lift)
    assert sheet.passed is True and sheet.outcome == "passed"
    assert [b.number for b in lift.buildings.all()] == ["5"]
    assert sheet.participating_persons * 3 >= sheet.total_persons * 2
    assert lift.closes_at.date() <= TODAY - dt.timedelta(days=30)


def test_the_lift_vote_has_every_kind_of_ballot_and_its_chain_is_intact(lift):
    ballots = Ballot.objects.filter(vote=lift)
    assert ballots.filter(channel="online").exists() and ballots.filter(channel="paper").exists()
    assert Proxy.objects.filter(vote=lift).count() == 1
    assert ballots.filter(proxy__isnull=False).count() == 1
    assert ballots.filter(replaces__isnull=False, channel="online").exists()  # changed
    assert list(queries.conflicts(lift))  # online, then paper
    assert verify(lift) == []
    assert all(b.at <= lift.closes_at for b in ballots)


def test_jumin_can_vote_in_the_open_poll(demo, db):
    jumin = User.objects.get(username="jumin")
    poll = Vote.objects.get(compound__code=WUFUYUAN.code, status=VoteStatus.OPEN)
    assert poll.matter == "advisory"
    assert poll in queries.portal_votes(jumin)
    (mine,) = queries.my_persons(jumin, poll)
    assert mine.counted_choice == ""
    assert Ballot.objects.filter(vote=poll).count() >= 20
    assert verify(poll) == []
    client = Client()
    assert client.login(username="jumin", password=DEMO_PASSWORD)
    page = client.get(f"/portal/votes/{poll.pk}/").content.decode()
    assert "知福堂周末开放时间意见征询" in page and "下一步" in page


def test_verify_votes_reports_the_demo_votes_intact(demo, db, capsys):
    call_command("verify-votes", "--compound", WUFUYUAN.code)
    out = capsys.readouterr().out
    # the lift vote, the poll, and the renovation demo's vote on building 7's maintenance fund
    assert "共核验 3 次表决，0 次有问题" in out


def test_loading_again_adds_no_vote(demo, db):
    before = (Vote.objects.count(), Ballot.objects.count(), Meeting.objects.count())
    report = load_demo(today=TODAY)
    assert (Vote.objects.count(), Ballot.objects.count(), Meeting.objects.count()) == before
    assert any("5栋加装电梯表决" in line for line in report.lines())
