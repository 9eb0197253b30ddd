"""The vote API end to end: a draft refused and accepted, its roll check, opening, paper
ballots and proxies (multipart, with the scan), the ballot history without choices until the
close, closing, and `GET /votes/{id}/result` with its figures as decimal strings; the resident
votes through `/portal/votes`. Junk is a 422 in Chinese and writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from laoyuan.decisions.votes.models import Matter
from tests.votes import helpers as h
from tests.votes.api_support import get, send, snapshot, upload


@pytest.fixture
def lift(world):
    c = world.wufuyuan
    u = h.units(
        c, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"]), ("201", "60.05", ["丙"])]
    )
    return c, u


def _body(**over) -> dict:
    now = timezone.now()
    body = {
        "compound_id": None,
        "title": "5栋加装电梯",
        "question": "是否同意加装电梯？",
        "matter": Matter.REBUILD,
        "opens_at": (now - dt.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + dt.timedelta(hours=2)).isoformat(),
    }
    body.update(over)
    return body


def errors(answer) -> dict[str, str]:
    return {e["field"]: e["msg"] for e in answer["detail"]}


def test_a_lift_vote_through_the_api(world, login, lift):
    compound, _u = lift
    client = login(world.li)
    five = h.building(compound, "5").pk
    # a draft without its assembly is kept, but says why it may not open
    status, draft = send(
        client, "POST", "/votes", _body(compound_id=compound.pk, building_ids=[five])
    )
    assert status == 201, draft
    assert draft["status"] == "draft" and draft["roll_check"]["units"] == 3
    assert draft["roll_check"]["area"] == "180.05"
    assert "须在业主大会上表决" in draft["roll_check"]["problems"][0]
    assert draft["rule"]["pass_area"] == {"num": 3, "den": 4, "strict": False}
    status, answer = send(client, "POST", f"/votes/{draft['id']}/open")
    assert status == 422 and "须在业主大会上表决" in answer["detail"][0]["msg"]
    # with the assembly it opens and its roll is frozen
    meeting = h.assembly(world, compound)
    status, draft = send(
        client,
        "PATCH",
        f"/votes/{draft['id']}",
        {
            k: v
            for k, v in _body(building_ids=[five], meeting_id=meeting.pk).items()
            if k != "compound_id"
        },
    )
    assert status == 200, draft
    status, vote = send(client, "POST", f"/votes/{draft['id']}/open")
    assert status == 200 and vote["status"] == "open"
    assert (vote["total_area"], vote["total_owners"], vote["total_units"]) == ("180.05", 3, 3)
    status, roll = get(client, f"/votes/{vote['id']}/roll", {"voted": "false"})
    assert roll["count"] == 3 and roll["items"][0]["owners"][0]["name"] == "甲"
    owner_of = {p["label"]: p["owners"][0]["id"] for p in roll["items"]}
    # paper ballots: one without its scan is refused, then three typed in
    status, answer = upload(
        client,
        f"/votes/{vote['id']}/ballots/paper",
        {
            "owner_id": owner_of["甲"],
            "choice": "yes",
            "ballot_number": "1",
            "received_at": timezone.now().isoformat(),
        },
    )
    assert status == 422 and "请上传扫描件" in errors(answer)["scan"]
    for name, choice, number in (("甲", "yes", "1"), ("乙", "yes", "2"), ("丙", "no", "3")):
        status, ballot = upload(
            client,
            f"/votes/{vote['id']}/ballots/paper",
            {
                "owner_id": owner_of[name],
                "choice": choice,
                "ballot_number": number,
                "received_at": timezone.now().isoformat(),
                "scan": h.scan(),
            },
        )
        assert status == 201, ballot
        assert ballot["choice"] is None and ballot["counted"] is True  # no choice before the close
    status, answer = get(client, f"/votes/{vote['id']}/result")
    assert status == 409 and "还没计票" in answer["detail"]
    status, answer = send(client, "POST", f"/votes/{vote['id']}/close")
    assert status == 422 and "还没到" in answer["detail"][0]["msg"]
    h.polls_close(h.Vote.objects.get(pk=vote["id"]))
    status, closed = send(client, "POST", f"/votes/{vote['id']}/close")
    assert status == 200 and closed["status"] == "closed"
    status, result = get(client, f"/votes/{vote['id']}/result")
    assert status == 200
    # by hand: all took part (180.05 m², 3); yes 甲 70.00 + 乙 50.00 = 120.00 m², 2 persons;
    # 120.00/180.05 < 3/4 (480.00 < 540.15) and 2/3 < 3/4: rejected
    assert {k: result[k] for k in (
        "total_area", "total_owners", "participating_area", "participating_owners",
        "yes_area", "yes_owners", "no_area", "no_owners", "abstain_area", "abstain_owners",
        "quorum_met", "passed", "outcome",
    )} == {
        "total_area": "180.05", "total_owners": 3,
        "participating_area": "180.05", "participating_owners": 3,
        "yes_area": "120.00", "yes_owners": 2,
        "no_area": "60.05", "no_owners": 1,
        "abstain_area": "0.00", "abstain_owners": 0,
        "quorum_met": True, "passed": False, "outcome": "rejected",
    }  # fmt: skip
    assert result["rule"]["matter"] == "rebuild" and result["rule"]["binding"] is True
    assert [t["key"] for t in result["tests"] if not t["met"]] == ["pass_area", "pass_owners"]
    status, history = get(client, f"/votes/{vote['id']}/ballots")
    assert {b["choice"] for b in history["items"]} == {"yes", "no"}
    status, checked = get(client, f"/votes/{vote['id']}/verify")
    assert checked == {"ok": True, "chain_length": 6, "problems": []}


def test_the_resident_votes_through_the_portal_api(world, login):
    poll = h.open_vote(world, Matter.ADVISORY, options=["上午", "下午"])
    client = login(world.liu)
    status, mine = get(client, "/portal/votes")
    assert status == 200 and mine["count"] == 1 and mine["items"][0]["voted"] is False
    status, vote = get(client, f"/portal/votes/{poll.pk}")
    (person,) = vote["persons"]
    assert person["may_vote"] is True and person["choice"] is None
    status, vote = send(
        client,
        "POST",
        f"/portal/votes/{poll.pk}/ballots",
        {"person_id": person["id"], "choice": "o2"},
    )
    assert status == 201 and vote["persons"][0]["choice"] == "o2"
    status, answer = send(
        client,
        "POST",
        f"/portal/votes/{poll.pk}/ballots",
        {"person_id": person["id"], "choice": "o9"},
    )
    assert status == 422 and errors(answer)["choice"] == "请选择一个选项。"
    # once her paper ballot is in, the phone cannot change it
    h.paper(world, poll, world.u101, "刘桂兰", "o1", number="P-1")
    status, answer = send(
        client,
        "POST",
        f"/portal/votes/{poll.pk}/ballots",
        {"person_id": person["id"], "choice": "o2"},
    )
    assert status == 422 and "以纸质票为准" in answer["detail"][0]["msg"]


def test_junk_is_refused_in_chinese_and_writes_nothing(world, login, lift):
    compound, _u = lift
    client = login(world.li)
    before = snapshot()
    status, answer = send(
        client, "POST", "/votes", _body(compound_id=compound.pk, colour="red", matter="party")
    )
    assert status == 422
    problems = errors(answer)
    assert problems["colour"] == "不认识的字段，请删除"
    assert problems["matter"].startswith("取值无效")
    status, answer = send(
        client, "POST", "/votes", _body(compound_id=compound.pk, closes_at="明天")
    )
    assert status == 422 and "日期不正确" in errors(answer)["closes_at"]
    status, answer = send(client, "POST", "/votes", _body(compound_id=compound.pk, title="x" * 121))
    assert status == 422 and "最多120个字符" in errors(answer)["title"]
    status, answer = get(client, f"/votes/{2**63}")
    assert status == 422
    status, answer = send(
        client,
        "POST",
        "/votes",
        _body(compound_id=compound.pk, building_ids=[h.building(compound, "5").pk, 999999]),
    )
    assert status == 422 and "999999" in errors(answer)["building_ids"]
    assert snapshot() == before


def test_roles_that_see_but_do_not_organise_get_403(world, login):
    poll = h.open_vote(world, Matter.ADVISORY, options=["上午", "下午"])
    for name in ("zhang",):  # the grid worker sees the vote and types in ballots
        status, _answer = get(login(world.users[name]), f"/votes/{poll.pk}")
        assert status == 200
        before = snapshot()
        status, answer = send(
            login(world.users[name]), "POST", f"/votes/{poll.pk}/cancel", {"reason": "x"}
        )
        assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
        assert snapshot() == before
    # property staff do not even see it
    assert get(login(world.sun), f"/votes/{poll.pk}")[0] == 404


def test_times_without_a_zone_are_local_time(world, login):
    c = world.wufuyuan
    client = login(world.li)
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    body = _body(
        compound_id=c.pk,
        matter="advisory",
        options=["上午", "下午"],
        opens_at=(now - dt.timedelta(minutes=5)).isoformat(),
        closes_at=(now + dt.timedelta(days=1)).isoformat(),
    )
    status, vote = send(client, "POST", "/votes", body)
    assert status == 201, vote
    status, vote = send(client, "POST", f"/votes/{vote['id']}/open")
    assert status == 200, vote
    owner = h.RollOwner.objects.filter(vote_id=vote["id"]).first()
    status, ballot = upload(
        client,
        f"/votes/{vote['id']}/ballots/paper",
        {
            "owner_id": owner.pk,
            "choice": "o1",
            "ballot_number": "N-1",
            "received_at": (now - dt.timedelta(minutes=1)).isoformat(),
            "scan": h.scan(),
        },
    )
    assert status == 201, ballot
