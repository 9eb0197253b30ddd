"""Given topics of 五福苑, when staff record an on-site office meeting (现场办公会) and its
decisions through the API, then the meeting keeps who came and what was raised, each decision
names the responsible party, the solution and a deadline, and its topic becomes "decided" with
its authors told."""

import datetime as dt

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions.models import Decision, Meeting
from laoyuan.voices import actions
from laoyuan.voices.models import TopicEvent, TopicState
from tests.voices.test_api_support import TODAY, errors, get, send, snapshot, topic_of

WEEK = TODAY + dt.timedelta(days=7)


def _meeting_body(world, **over):
    return {
        "compound_id": world.wufuyuan.pk,
        "kind": "onsite",
        "title": "五福苑现场办公会",
        "held_on": TODAY.isoformat(),
        "place": "五福苑党群服务站",
        "minutes": "讨论单元门和路灯。",
        "attendees": [
            {"name": "李社工", "kind": "staff", "organisation": "沙河社区"},
            {"name": "物业经理", "kind": "property", "organisation": "某物业"},
            {"name": "刘桂兰", "kind": "resident"},
        ],
        "topic_ids": [],
    } | over


def test_li_records_a_meeting_and_its_decision(world, login):
    door = topic_of(world, ["单元门坏了关不上", "单元门闭门器坏了"])
    lights = topic_of(world, ["路灯坏了"])
    voice = actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text="单元门总是开着")
    actions.voices_move(actor=world.li, voices=[voice], topic=door)
    client = login(world.li)

    status, meeting = send(
        client, "POST", "/meetings", _meeting_body(world, topic_ids=[door.pk, lights.pk])
    )
    assert status == 201, meeting
    assert (meeting["kind"], meeting["kind_label"]) == ("onsite", "现场办公会")
    assert (meeting["attendees"], meeting["topics"], meeting["decisions"]) == (3, 2, 0)
    assert [a["kind_label"] for a in meeting["attendee_list"]] == [
        "街道社区工作人员",
        "物业公司",
        "居民代表",
    ]
    assert [t["id"] for t in meeting["topic_list"]] == sorted([door.pk, lights.pk])
    assert meeting["created_by"] == "李社工"
    assert TopicEvent.objects.filter(topic=door, kind="meeting").exists()

    status, decision = send(
        client,
        "POST",
        f"/meetings/{meeting['id']}/decisions",
        {
            "topic_id": door.pk,
            "responsible_party": "物业公司",
            "solution": "一周内更换单元门闭门器",
            "deadline": WEEK.isoformat(),
        },
    )
    assert status == 201, decision
    assert decision["topic"] == {
        "id": door.pk,
        "title": door.title,
        "state": "decided",
        "state_label": "已决定",
    }
    assert (decision["responsible_party"], decision["deadline"]) == ("物业公司", WEEK.isoformat())
    door.refresh_from_db()
    assert (door.state, door.responsible_party, door.deadline) == (
        TopicState.DECIDED,
        "物业公司",
        WEEK,
    )
    assert Notification.objects.filter(user=world.liu, title__contains="已有决定").exists()
    assert AuditEvent.objects.filter(action="meeting.decide", actor=world.li).exists()

    status, detail = get(client, f"/meetings/{meeting['id']}")
    assert status == 200
    assert detail["decisions"] == 1 and detail["minutes"] == "讨论单元门和路灯。"
    assert [d["solution"] for d in detail["decision_list"]] == ["一周内更换单元门闭门器"]
    states = {t["id"]: t["state"] for t in detail["topic_list"]}
    assert states == {door.pk: "decided", lights.pk: "open"}


def test_the_list_filters_and_pages(world, login):
    client = login(world.li)
    for kind, day in (("onsite", 3), ("contact_day", 2), ("evening_talk", 1)):
        held = (TODAY - dt.timedelta(days=day)).isoformat()
        assert (
            send(client, "POST", "/meetings", _meeting_body(world, kind=kind, held_on=held))[0]
            == 201
        )
    status, answer = get(client, "/meetings")
    assert status == 200 and answer["count"] == 3
    assert [m["kind"] for m in answer["items"]] == ["evening_talk", "contact_day", "onsite"]
    assert get(client, "/meetings", {"kind": "onsite"})[1]["count"] == 1
    assert get(client, "/meetings", {"compound": world.majiagou.pk})[1]["count"] == 0
    since = (TODAY - dt.timedelta(days=2)).isoformat()
    assert get(client, "/meetings", {"since": since})[1]["count"] == 2
    assert len(get(client, "/meetings", {"limit": 2})[1]["items"]) == 2
    # The grid worker of 五福苑 sees its meetings; the outsider none.
    assert get(login(world.zhang), "/meetings")[1]["count"] == 3
    assert get(login(world.qian), "/meetings")[1] == {"items": [], "count": 0}


def test_a_meeting_needs_its_facts_and_says_which_is_missing(world, login):
    client = login(world.li)
    before = snapshot()
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    status, answer = send(client, "POST", "/meetings", _meeting_body(world, held_on=tomorrow))
    assert status == 422
    assert errors(answer) == {"held_on": "只能记录已经开过的会：日期不能晚于今天。"}
    status, answer = send(client, "POST", "/meetings", _meeting_body(world, attendees=[]))
    assert status == 422 and errors(answer) == {"attendees": "至少要有1项"}
    status, answer = send(client, "POST", "/meetings", _meeting_body(world, kind="party"))
    assert status == 422 and errors(answer)["kind"].startswith("取值无效")
    status, answer = send(client, "POST", "/meetings", _meeting_body(world, title="  "))
    assert status == 422 and "title" in errors(answer)
    assert snapshot() == before


def test_topics_of_another_compound_are_refused(world, login):
    elsewhere = topic_of(world, ["停车难"], compound=world.majiagou)
    outside = topic_of(world, ["路灯坏了"], who="qian", compound=world.guihuaxincun)
    before = snapshot()
    for topic in (elsewhere, outside):
        status, answer = send(
            login(world.li), "POST", "/meetings", _meeting_body(world, topic_ids=[topic.pk])
        )
        assert status == 422
        assert errors(answer)["topic_ids"].startswith("未找到这些议题")
    assert snapshot() == before


def test_a_decision_needs_party_solution_and_deadline(world, login):
    topic = topic_of(world, ["单元门坏了"])
    client = login(world.li)
    meeting = send(client, "POST", "/meetings", _meeting_body(world, topic_ids=[topic.pk]))[1]
    url = f"/meetings/{meeting['id']}/decisions"
    before = snapshot()
    status, answer = send(client, "POST", url, {"topic_id": topic.pk})
    assert status == 422
    assert set(errors(answer)) == {"responsible_party", "solution", "deadline"}
    assert set(errors(answer).values()) == {"缺少必填项"}
    earlier = (TODAY - dt.timedelta(days=1)).isoformat()
    body = {
        "topic_id": topic.pk,
        "responsible_party": "物业",
        "solution": "修",
        "deadline": earlier,
    }
    status, answer = send(client, "POST", url, body)
    assert status == 422 and errors(answer) == {"deadline": "完成时限不能早于开会日期。"}
    assert snapshot() == before
    # Decided once, a topic is not decided again.
    assert send(client, "POST", url, body | {"deadline": WEEK.isoformat()})[0] == 201
    status, answer = send(client, "POST", url, body | {"deadline": WEEK.isoformat()})
    assert status == 422 and "不能再作决定" in errors(answer)["topic_id"]
    assert Decision.objects.count() == 1


def test_the_grid_worker_sees_meetings_but_may_not_decide(world, login):
    topic = topic_of(world, ["单元门坏了"])
    meeting = send(login(world.li), "POST", "/meetings", _meeting_body(world))[1]
    client = login(world.zhang)
    assert get(client, f"/meetings/{meeting['id']}")[0] == 200
    before = snapshot()
    body = {
        "topic_id": topic.pk,
        "responsible_party": "物业",
        "solution": "修",
        "deadline": WEEK.isoformat(),
    }
    status, answer = send(client, "POST", f"/meetings/{meeting['id']}/decisions", body)
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
    # And the party secretary, who decides, may record one.
    assert send(login(world.chen), "POST", "/meetings", _meeting_body(world))[0] == 201
    assert snapshot() != before
    assert Meeting.objects.count() == 2
