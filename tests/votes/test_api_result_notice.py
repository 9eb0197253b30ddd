"""`POST /api/v1/votes/{id}/notice` publishes a closed vote's result as a public notice and
answers its id and public address; the vote's detail and result answers then say which
notice published it. The same rules as the page: a vote not counted, a cancelled vote or a
result already published is a 422 in Chinese; a grid worker who sees the vote is a 403; bad
input is a 422 naming the field; nothing refused is stored. `POST /meetings/{id}/resolutions`
with kind "notice" publishes a resolution."""

import datetime as dt

import pytest
from django.utils import timezone

from laoyuan.decisions.votes import actions
from laoyuan.decisions.votes.models import Matter
from laoyuan.notices.models import Notice
from tests.scope_fills.meetings import meeting_in
from tests.votes import helpers as h
from tests.votes.api_support import get, send, snapshot

TODAY = timezone.localdate()


def errors(answer) -> dict[str, str]:
    return {e["field"]: e["msg"] for e in answer["detail"]}


@pytest.fixture
def lift(world):
    u = h.units(world.wufuyuan, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"])])
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(world.wufuyuan, "5")])
    h.paper(world, vote, u[0], "甲", "yes")
    h.paper(world, vote, u[1], "乙", "no")
    return vote


def test_the_result_is_published_and_the_vote_says_by_which_notice(world, login, lift, settings):
    settings.LAOYUAN_SITE_URL = "https://laoyuan.example.cn"
    vote = h.close(world, lift)
    client = login(world.li)
    # before: no notice
    assert get(client, f"/votes/{vote.pk}")[1]["result_notice"] is None
    assert get(client, f"/votes/{vote.pk}/result")[1]["notice"] is None
    # when li publishes for 10 calendar days from tomorrow
    tomorrow = TODAY + dt.timedelta(days=1)
    status, answer = send(
        client,
        "POST",
        f"/votes/{vote.pk}/notice",
        {"starts_on": tomorrow.isoformat(), "period_days": 10, "working_days": False},
    )
    assert status == 201, answer
    notice = Notice.objects.get()
    assert answer == {
        "id": notice.pk,
        "title": "屋面维修方案表决结果公示",
        "state": "published",
        "state_label": "已发布",
        "starts_on": tomorrow.isoformat(),
        "ends_on": (tomorrow + dt.timedelta(days=9)).isoformat(),
        "public_url": f"https://laoyuan.example.cn/public/notices/{notice.pk}/",
    }
    assert notice.kind == "vote_result" and notice.subject == vote
    # then the vote's detail and result answer name it
    assert get(client, f"/votes/{vote.pk}")[1]["result_notice"]["id"] == notice.pk
    result = get(client, f"/votes/{vote.pk}/result")[1]
    assert result["notice"]["public_url"] == answer["public_url"]
    # and the notice's own answer names the vote as its subject
    status, detail = get(client, f"/notices/{notice.pk}")
    assert status == 200 and detail["subject"]["type"] == "decisions.vote"


def test_defaults_are_today_and_seven_working_days(world, login, lift):
    vote = h.close(world, lift)
    status, answer = send(login(world.li), "POST", f"/votes/{vote.pk}/notice", {})
    assert status == 201, answer
    notice = Notice.objects.get()
    assert (notice.starts_on, notice.period_days, notice.working_days) == (TODAY, 7, True)


def test_refusals_are_422_in_chinese_and_store_nothing(world, login, lift):
    client = login(world.li)
    before = snapshot()
    status, answer = send(client, "POST", f"/votes/{lift.pk}/notice", {})
    assert status == 422 and "结束投票并计票后才能公示结果" in answer["detail"][0]["msg"]
    vote = h.close(world, lift)
    before = snapshot()
    for body, field in (
        ({"period_days": 0}, "period_days"),
        ({"period_days": "七天"}, "period_days"),
        ({"starts_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "starts_on"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"note": "长" * 2001}, "note"),
        ({"colour": "red"}, "colour"),
    ):
        status, answer = send(client, "POST", f"/votes/{vote.pk}/notice", body)
        assert status == 422, (body, answer)
        assert field in errors(answer), (body, answer)
    assert snapshot() == before
    assert send(client, "POST", f"/votes/{vote.pk}/notice", {})[0] == 201
    status, answer = send(client, "POST", f"/votes/{vote.pk}/notice", {})
    assert status == 422 and "已经公示" in answer["detail"][0]["msg"]
    assert Notice.objects.count() == 1


def test_a_cancelled_vote_has_no_result_to_publish(world, login, lift):
    vote = actions.vote_cancel(actor=world.li, vote=lift, reason="重新设计")
    status, answer = send(login(world.li), "POST", f"/votes/{vote.pk}/notice", {})
    assert status == 422 and "已取消" in answer["detail"][0]["msg"]


def test_a_grid_worker_who_sees_the_vote_may_not_publish(world, login, lift):
    vote = h.close(world, lift)
    status, _answer = send(login(world.zhang), "POST", f"/votes/{vote.pk}/notice", {})
    assert status == 403
    assert not Notice.objects.exists()


def test_a_resolution_publishes_a_notice_through_the_api(world, login):
    meeting = meeting_in(world)
    client = login(world.li)
    status, answer = send(
        client,
        "POST",
        f"/meetings/{meeting.pk}/resolutions",
        {"kind": "notice", "text": "增设充电棚", "notice": {"period_days": 5}},
    )
    assert status == 201, answer
    notice = Notice.objects.get()
    assert answer["kind"] == "notice" and answer["notice"]["id"] == notice.pk
    assert (notice.kind, notice.period_days, notice.subject) == ("decision", 5, meeting)
    # the meeting's answer lists it
    status, detail = get(client, f"/meetings/{meeting.pk}")
    assert detail["resolution_list"][0]["notice"]["id"] == notice.pk
    # a refused notice is a 422 naming the notice's field, and no resolution is kept
    status, answer = send(
        client,
        "POST",
        f"/meetings/{meeting.pk}/resolutions",
        {"kind": "notice", "text": "再公示", "notice": {"starts_on": "2020-01-01"}},
    )
    assert status == 422 and "notice.starts_on" in errors(answer)
    assert meeting.resolutions.count() == 1
