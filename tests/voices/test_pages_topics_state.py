"""Changing a topic's state from its page: only the allowed next states are offered, each asks
for what it needs, refusals come with the Chinese reason, and the authors are told."""

import datetime as dt

import pytest

from laoyuan.core.models import Notification
from laoyuan.voices import actions
from laoyuan.voices.models import TopicEvent, TopicEventKind, TopicState
from tests.decisions.pages import TODAY, page_text, topic, url


def _move(client, t, data):
    return client.post(url("voices:topic_transition", t), {"seen_state": t.state, **data})


def test_the_form_offers_only_the_allowed_next_states(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    html = page_text(login(world.li).get(url("voices:topic_transition", t)))
    for value in ("deliberation", "decided", "answered", "rejected"):
        assert f'name="to_state" value="{value}"' in html
    assert 'value="case"' not in html and 'value="merged"' not in html
    assert "当前状态：待议" in html


def test_deciding_records_the_decision_and_tells_the_author(world, login):
    # given a topic with liu's own voice
    voice = actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text="楼下路灯坏了")
    t = actions.topic_create(actor=world.li, voices=[voice], title="楼下路灯")
    deadline = TODAY + dt.timedelta(days=7)
    # when li decides it
    response = _move(
        login(world.li),
        t,
        {
            "to_state": "decided",
            "decision": "物业一周内更换灯具",
            "responsible_party": "五福物业",
            "deadline": deadline.isoformat(),
        },
    )
    # then the topic carries the decision, the timeline says so, liu is notified
    assert response.status_code == 302 and response.url == url("voices:topic", t)
    t.refresh_from_db()
    assert t.state == TopicState.DECIDED and t.responsible_party == "五福物业"
    assert t.deadline == deadline and t.decision == "物业一周内更换灯具"
    assert TopicEvent.objects.filter(topic=t, kind=TopicEventKind.STATE, to_state="decided")
    assert Notification.objects.filter(user=world.liu, title__contains="已有决定").exists()
    html = page_text(login(world.li).get(url("voices:topic", t)))
    assert "五福物业" in html and deadline.strftime("%Y-%m-%d") in html


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"to_state": "decided"}, "请写明决定内容"),
        ({"to_state": "rejected"}, "不予采纳必须写明理由"),
        ({"to_state": "answered"}, "请写明给居民的答复"),
        ({}, "请选择新的状态"),
        ({"to_state": "merged"}, "不是可选的状态"),
        ({"to_state": "decided", "decision": "修", "deadline": "明天"}, "完成时限请填写日期"),
        ({"to_state": "decided", "decision": "修", "deadline": "2001-01-01"}, "不能早于今天"),
        ({"to_state": "decided", "decision": "修", "responsible_party": "方" * 121}, "120个字"),
        ({"to_state": "rejected", "reason": "因" * 5001}, "理由最多5000个字"),
        ({"to_state": "case"}, "议题当前为“待议”，不能改为“已转工单”"),
    ],
)
def test_bad_state_changes_are_refused_in_chinese(world, login, data, reason):
    t = topic(world, ["路灯坏了"], "路灯")
    html = page_text(_move(login(world.li), t, data))
    assert reason in html
    t.refresh_from_db()
    assert t.state == TopicState.OPEN
    assert not TopicEvent.objects.filter(topic=t, kind=TopicEventKind.STATE).exists()


def test_a_page_out_of_date_is_refused(world, login):
    # given li opened the form while the topic was open, and chen then rejected it
    t = topic(world, ["路灯坏了"], "路灯")
    seen = t.state
    actions.topic_transition(
        actor=world.chen,
        topic=t,
        to_state=TopicState.DELIBERATION,
        outcome=actions.Outcome(note="提交议事会"),
    )
    # when li's form arrives
    html = page_text(
        login(world.li).post(
            url("voices:topic_transition", t),
            {"seen_state": seen, "to_state": "answered", "answer": "已修好"},
        )
    )
    # then it is refused, naming the new state
    assert "刚被改为“协商中”" in html
    t.refresh_from_db()
    assert t.state == TopicState.DELIBERATION


def test_a_final_state_offers_no_further_change(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    client = login(world.li)
    _move(client, t, {"to_state": "rejected", "reason": "属于市政，已转交"})
    t.refresh_from_db()
    assert t.state == TopicState.REJECTED
    html = page_text(client.get(url("voices:topic_transition", t)))
    assert "不能再改变" in html and 'name="to_state"' not in html
    html = page_text(client.get(url("voices:topic", t)))
    assert "属于市政，已转交" in html and "改变状态" not in html
    # and a late attempt still gets the reason
    html = page_text(_move(client, t, {"to_state": "deliberation"}))
    assert "议题当前为“不予采纳”，不能改为“协商中”" in html


def test_decided_then_into_the_project_library(world, login):
    t = topic(world, ["加装电梯"], "1栋加装电梯")
    client = login(world.wang)
    _move(client, t, {"to_state": "decided", "decision": "列入改造计划"})
    t.refresh_from_db()
    _move(client, t, {"to_state": "project", "note": "2027年改造项目库"})
    t.refresh_from_db()
    assert t.state == TopicState.PROJECT
    html = page_text(client.get(url("voices:topic", t)))
    assert "已入项目库" in html and "2027年改造项目库" in html


def test_escaped_decision_text(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    client = login(world.li)
    _move(client, t, {"to_state": "decided", "decision": "<script>alert(1)</script>换灯"})
    html = page_text(client.get(url("voices:topic", t)))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
