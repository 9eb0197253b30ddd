"""The owner votes on her phone (我的表决): the vote is on her list; she chooses, sees her choice
back and confirms; she may change it before the close; a signed paper ballot of hers counts
and her phone says so; after the close she sees the result. Nobody else's ballot ever shows."""

import pytest
from django.urls import reverse

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.decisions.votes.models import Ballot, Matter
from tests.cast import PASSWORD
from tests.votes import helpers as h


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def poll(world):
    """An advisory poll of 五福苑: 刘桂兰 owns 1栋101 (the only owned unit of the cast)."""
    return h.open_vote(world, Matter.ADVISORY, options=["上午", "下午"])


def _person(vote, world):
    return h.person_of(vote, world.u101)


def test_she_chooses_confirms_and_sees_her_choice(world, login, poll):
    client = login(world.liu)
    assert poll.title in text(client.get(reverse("decisions:portal_votes")))
    url = reverse("decisions:portal_vote", args=[poll.pk])
    page = text(client.get(url))
    assert "还没有投票" in page and "下一步" in page
    person = _person(poll, world)
    # step 1: she taps 下午 and 下一步: nothing is cast yet, her choice is shown back
    page = text(client.post(url, {"person": person.pk, "choice": "o2", "step": "confirm"}))
    assert "请确认" in page and "下午" in page and "确认投票" in page
    assert not Ballot.objects.exists()
    # step 2: she confirms
    response = client.post(url, {"person": person.pk, "choice": "o2", "step": "cast"}, follow=True)
    page = text(response)
    assert "投票成功！您选择了“下午”" in page
    assert "现在计入的是：下午" in page and "改票：下一步" in page
    ballot = Ballot.objects.get()
    assert (ballot.channel, ballot.cast_by, ballot.owner.name) == ("online", world.liu, "刘桂兰")


def test_without_a_choice_she_is_told_what_to_do(world, login, poll):
    client = login(world.liu)
    person = _person(poll, world)
    page = text(
        client.post(
            reverse("decisions:portal_vote", args=[poll.pk]),
            {"person": person.pk, "step": "confirm"},
        )
    )
    assert "请先点选一个选项" in page


def test_she_changes_her_vote_before_the_close(world, login, poll):
    client = login(world.liu)
    url = reverse("decisions:portal_vote", args=[poll.pk])
    person = _person(poll, world)
    client.post(url, {"person": person.pk, "choice": "o1", "step": "cast"})
    client.post(url, {"person": person.pk, "choice": "o2", "step": "cast"})
    assert list(Ballot.objects.order_by("seq").values_list("choice", flat=True)) == ["o1", "o2"]
    assert "现在计入的是：下午" in text(client.get(url))


def test_her_paper_ballot_counts_and_her_phone_says_so(world, login, poll):
    h.paper(world, poll, world.u101, "刘桂兰", "o1", number="P-88")
    page = text(login(world.liu).get(reverse("decisions:portal_vote", args=[poll.pk])))
    assert "以纸质表决票为准（票号P-88）" in page
    assert "下一步" not in page


def test_after_the_close_she_sees_the_result(world, login, poll):
    client = login(world.liu)
    person = _person(poll, world)
    client.post(
        reverse("decisions:portal_vote", args=[poll.pk]),
        {"person": person.pk, "choice": "o1", "step": "cast"},
    )
    h.close(world, poll)
    page = text(client.get(reverse("decisions:portal_vote", args=[poll.pk])))
    assert "意见征询结果（不具约束力）" in page and "上午" in page
    assert "下一步" not in page


def test_the_vote_is_nobody_elses_business(world, login, poll):
    url = reverse("decisions:portal_vote", args=[poll.pk])
    for name in ("li", "zhao", "qian"):
        assert login(world.users[name]).get(url).status_code == 404
    # a resident who is not on the roll (桂阿姨 of 桂花新村, given an account)
    other = User.objects.create_user(username="gui", password=PASSWORD)
    RoleAssignment.objects.create(
        user=other,
        role=Role.RESIDENT,
        level="household",
        household=world.g1,
        resident=world.gui_resident,
    )
    client = login(other)
    assert client.get(url).status_code == 404
    assert poll.title not in text(client.get(reverse("decisions:portal_votes")))
    person = _person(poll, world)
    assert (
        client.post(url, {"person": person.pk, "choice": "o1", "step": "cast"}).status_code == 404
    )
    assert not Ballot.objects.exists()
