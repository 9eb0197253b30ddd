"""Meeting pages (会议): recording an on-site office meeting (现场办公会) or a contact day with its
attendees and topics, its page, its decisions (责任方, 解决办法, 完成时限), the list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.core.models import Notification
from laoyuan.decisions import actions
from laoyuan.decisions.models import Attendee, Decision, Meeting, MeetingKind
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import TopicEvent, TopicEventKind, TopicState
from tests.decisions.pages import TODAY, page_text, topic, url


def _new(world, compound=None) -> str:
    return reverse("decisions:meeting_new", args=[(compound or world.wufuyuan).pk])


def _attendees(*rows, extra: int = 0) -> dict:
    data = {
        "attendees-TOTAL_FORMS": str(len(rows) + extra),
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "0",
        "attendees-MAX_NUM_FORMS": "200",
    }
    for i, (name, kind, organisation) in enumerate(rows):
        data[f"attendees-{i}-name"] = name
        data[f"attendees-{i}-kind"] = kind
        data[f"attendees-{i}-organisation"] = organisation
    for i in range(len(rows), len(rows) + extra):
        data[f"attendees-{i}-kind"] = "staff"
    return data


def _meeting_data(topics=(), **over) -> dict:
    data = {
        "kind": MeetingKind.ONSITE,
        "title": "五福苑现场办公会",
        "held_on": TODAY.isoformat(),
        "place": "五福苑议事厅",
        "minutes": "物业、城管到场。",
        "topics": [t.pk for t in topics],
        **_attendees(
            ("李社工", "staff", "沙河社区"),
            ("孙经理", "property", "五福物业"),
            ("刘桂兰", "resident", ""),
            extra=2,
        ),
    }
    data.update(over)
    return data


def _meeting(world, topics, compound=None, **kwargs) -> Meeting:
    return actions.meeting_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        kind=kwargs.get("kind", MeetingKind.ONSITE),
        title=kwargs.get("title", "现场办公会"),
        held_on=kwargs.get("held_on", TODAY),
        place="议事厅",
        attendees=[actions.AttendeeEntry(name="李社工")],
        topics=topics,
    )


# --- record a meeting -------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_attendees_and_topics(world, login):
    # given two live topics of 五福苑
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    roof = topic(world, ["楼顶漏雨"], "楼顶漏雨")
    client = login(world.li)
    # when li records an on-site meeting that took up both (two blank attendee rows left over)
    response = client.post(_new(world), _meeting_data([lights, roof]))
    # then the meeting, its three attendees and both topics are kept
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == url("decisions:meeting", meeting)
    assert meeting.kind == MeetingKind.ONSITE and meeting.compound == world.wufuyuan
    assert list(Attendee.objects.filter(meeting=meeting).values_list("name", "kind")) == [
        ("李社工", "staff"),
        ("孙经理", "property"),
        ("刘桂兰", "resident"),
    ]
    assert set(meeting.topics.all()) == {lights, roof}
    assert TopicEvent.objects.filter(topic=lights, kind=TopicEventKind.MEETING).exists()
    # and its page shows everything
    html = page_text(client.get(url("decisions:meeting", meeting)))
    for text in (
        "五福苑现场办公会",
        "现场办公会",
        "五福苑议事厅",
        "孙经理",
        "五福物业",
        "居民代表",
    ):
        assert text in html, text
    assert "路灯不亮" in html and "楼顶漏雨" in html and "物业、城管到场。" in html
    assert "为此议题记录决定" in html


def test_the_form_offers_the_live_topics_of_the_compound_and_preticks_one(world, login):
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    closed = topic(world, ["楼顶漏雨"], "楼顶漏雨")
    voice_actions.topic_transition(
        actor=world.li,
        topic=closed,
        to_state=TopicState.REJECTED,
        outcome=voice_actions.Outcome(reason="私人部位"),
    )
    topic(world, ["马家沟垃圾"], "马家沟垃圾", compound=world.majiagou)
    html = page_text(login(world.li).get(_new(world), {"topic": lights.pk}))
    assert "路灯不亮" in html and "楼顶漏雨" not in html and "马家沟垃圾" not in html
    assert f'value="{lights.pk}"' in html and "checked" in html
    assert 'name="attendees-TOTAL_FORMS" value="5"' in html
    assert TODAY.isoformat() in html  # the date defaults to today


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"title": ""}, "请填写会议名称"),
        ({"title": "会" * 121}, "会议名称最多120个字"),
        ({"place": ""}, "请填写地点"),
        ({"held_on": ""}, "请填写开会日期"),
        ({"held_on": "昨天"}, "请填写日期，例如"),
        ({"held_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "日期不能晚于今天"),
        ({"kind": "party"}, "请选择会议类型"),
        ({f"attendees-{i}-name": " " for i in range(5)}, "请至少填写一位参会人"),
        (_attendees(("名" * 61, "staff", "")), "姓名最多60个字"),
        (_attendees(("王局", "boss", "")), "请选择参会人的身份"),
        ({"topics": ["999999"]}, "请刷新后重选"),
    ],
)
def test_bad_meetings_are_refused_in_chinese(world, login, over, reason):
    data = _meeting_data()
    data.update(over)
    html = page_text(login(world.li).post(_new(world), data))
    assert reason in html and "没有保存" in html
    assert Meeting.objects.count() == 0


def test_a_topic_of_another_compound_cannot_be_raised(world, login):
    other = topic(world, ["马家沟垃圾"], "马家沟垃圾", compound=world.majiagou)
    html = page_text(login(world.li).post(_new(world), _meeting_data([other])))
    assert "请刷新后重选" in html and Meeting.objects.count() == 0


def test_meeting_text_is_escaped(world, login):
    client = login(world.li)
    client.post(
        _new(world),
        _meeting_data(title="<script>alert(1)</script>会", minutes="<img src=x onerror=alert(1)>"),
    )
    meeting = Meeting.objects.get()
    for page in (url("decisions:meeting", meeting), reverse("decisions:meetings")):
        html = page_text(client.get(page))
        assert "<script>alert(1)" not in html and "<img src=x" not in html


# --- decide -----------------------------------------------------------------------------------


def test_a_decision_names_party_solution_and_deadline_and_tells_the_authors(world, login):
    # given liu's voice in a topic raised at a meeting
    voice = voice_actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text="路灯坏了")
    lights = voice_actions.topic_create(actor=world.li, voices=[voice], title="路灯不亮")
    meeting = _meeting(world, [lights])
    deadline = TODAY + dt.timedelta(days=10)
    client = login(world.li)
    # when li records the decision
    response = client.post(
        url("decisions:meeting_decide", meeting),
        {
            "topic": lights.pk,
            "responsible_party": "五福物业",
            "solution": "十日内更换全部灯具",
            "deadline": deadline.isoformat(),
        },
    )
    # then the decision is kept, the topic is decided, liu is told
    assert response.status_code == 302 and response.url == url("decisions:meeting", meeting)
    decision = Decision.objects.get()
    assert (decision.responsible_party, decision.deadline) == ("五福物业", deadline)
    lights.refresh_from_db()
    assert lights.state == TopicState.DECIDED and lights.decision == "十日内更换全部灯具"
    assert Notification.objects.filter(user=world.liu).count() == 1
    html = page_text(client.get(url("decisions:meeting", meeting)))
    assert "十日内更换全部灯具" in html and deadline.isoformat() in html and "已决定" in html
    assert ">记录决定</a>" not in html  # nothing left to decide


def test_a_past_meeting_may_set_a_deadline_already_past(world, login):
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    meeting = _meeting(world, [lights], held_on=TODAY - dt.timedelta(days=30))
    response = login(world.li).post(
        url("decisions:meeting_decide", meeting),
        {
            "topic": lights.pk,
            "responsible_party": "物业",
            "solution": "修",
            "deadline": (TODAY - dt.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"responsible_party": ""}, "请写明责任方"),
        ({"responsible_party": "方" * 121}, "责任方最多120个字"),
        ({"solution": ""}, "请写明解决办法"),
        ({"deadline": ""}, "请填写完成时限"),
        ({"deadline": "下周"}, "请填写日期，例如"),
        ({"deadline": (TODAY - dt.timedelta(days=1)).isoformat()}, "不能早于开会日期"),
        ({"topic": ""}, "请选择要作决定的议题"),
    ],
)
def test_bad_decisions_are_refused_in_chinese(world, login, over, reason):
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    meeting = _meeting(world, [lights])
    data = {
        "topic": lights.pk,
        "responsible_party": "物业",
        "solution": "换灯",
        "deadline": TODAY.isoformat(),
        **over,
    }
    html = page_text(login(world.li).post(url("decisions:meeting_decide", meeting), data))
    assert reason in html
    assert Decision.objects.count() == 0


def test_a_topic_not_of_the_meeting_or_already_decided_is_refused(world, login):
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    roof = topic(world, ["楼顶漏雨"], "楼顶漏雨")
    meeting = _meeting(world, [lights])
    client = login(world.li)
    base = {"responsible_party": "物业", "solution": "修", "deadline": TODAY.isoformat()}
    html = page_text(
        client.post(url("decisions:meeting_decide", meeting), {"topic": roof.pk, **base})
    )
    assert "不是这次会议的议题" in html
    # decided elsewhere meanwhile: the action's own reason
    voice_actions.topic_transition(
        actor=world.chen,
        topic=lights,
        to_state=TopicState.DECIDED,
        outcome=voice_actions.Outcome(decision="已定"),
    )
    html = page_text(
        client.post(url("decisions:meeting_decide", meeting), {"topic": lights.pk, **base})
    )
    assert "不能再作决定" in html
    assert Decision.objects.count() == 0


def test_the_grid_worker_sees_meetings_but_records_none(world, login):
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    meeting = _meeting(world, [lights])
    client = login(world.zhang)
    html = page_text(client.get(url("decisions:meeting", meeting)))
    assert "路灯不亮" in html and ">记录决定</a>" not in html and "为此议题记录决定" not in html
    assert client.get(_new(world)).status_code == 404
    assert client.post(_new(world), _meeting_data()).status_code == 404
    assert client.get(url("decisions:meeting_decide", meeting)).status_code == 404
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("who", ["liu", "nobody", "qian"])
def test_residents_and_outsiders_get_404(world, login, who):
    meeting = _meeting(world, [topic(world, ["路灯坏了"], "路灯不亮")])
    client = login(world.users[who])
    assert client.get(url("decisions:meeting", meeting)).status_code == 404
    assert client.get(_new(world)).status_code == 404
    listing = client.get(reverse("decisions:meetings"))
    assert listing.status_code == (200 if who == "qian" else 404)
    if who == "qian":
        assert "现场办公会" not in listing.content.decode().split("<table", 1)[1]


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_by_compound_kind_and_period(world, login):
    lights = topic(world, ["路灯坏了"], "路灯")
    _meeting(world, [lights], title="三月现场办公会", held_on=TODAY - dt.timedelta(days=60))
    _meeting(world, [], title="联系日", kind=MeetingKind.CONTACT_DAY)
    _meeting(world, [], title="马家沟坝坝会", compound=world.majiagou, kind=MeetingKind.COURTYARD)
    client = login(world.li)
    meetings = reverse("decisions:meetings")
    everything = page_text(client.get(meetings))
    assert all(t in everything for t in ("三月现场办公会", "联系日", "马家沟坝坝会"))
    only_mjg = page_text(client.get(meetings, {"compound": world.majiagou.pk}))
    assert "马家沟坝坝会" in only_mjg and ">联系日<" not in only_mjg
    assert f'href="{_new(world, world.majiagou)}"' in only_mjg
    contact = page_text(client.get(meetings, {"kind": MeetingKind.CONTACT_DAY}))
    assert ">联系日<" in contact and "三月现场办公会" not in contact
    recent = page_text(client.get(meetings, {"since": (TODAY - dt.timedelta(days=7)).isoformat()}))
    assert "三月现场办公会" not in recent and ">联系日<" in recent
    old = page_text(client.get(meetings, {"until": (TODAY - dt.timedelta(days=7)).isoformat()}))
    assert "三月现场办公会" in old and ">联系日<" not in old
    bad = page_text(client.get(meetings, {"since": "去年"}))
    assert "部分筛选条件无效" in bad and ">联系日<" in bad


def _count(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def test_meeting_pages_run_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    small = _meeting(world, [topic(world, ["路灯坏了"], "路灯")])
    topics = [topic(world, [f"第{i}件事"], f"议题{i}") for i in range(8)]
    big = actions.meeting_record(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.ONSITE,
        title="大会",
        held_on=TODAY,
        place="议事厅",
        attendees=[actions.AttendeeEntry(name=f"参会人{i}") for i in range(20)],
        topics=topics,
    )
    for t in topics[:4]:
        actions.meeting_decide(
            actor=world.li,
            meeting=big,
            topic=t,
            responsible_party="物业",
            solution="办",
            deadline=TODAY,
        )
    assert _count(client, url("decisions:meeting", small)) == _count(
        client, url("decisions:meeting", big)
    )
    listing = _count(client, reverse("decisions:meetings"))
    for i in range(30):
        _meeting(world, [], title=f"会{i}")
    assert _count(client, reverse("decisions:meetings")) == listing
    form = _count(client, _new(world))
    assert _count(client, url("decisions:meeting_decide", big)) <= form + 2
