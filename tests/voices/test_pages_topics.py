"""The topic list and a topic's page: what staff see, in scope, escaped, a page at a time, with a
fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.decisions import actions as meeting_actions
from laoyuan.decisions.models import MeetingKind
from laoyuan.voices import actions
from laoyuan.voices.models import Channel, TopicState
from tests.decisions.pages import TODAY, page_text, record, topic, url


def test_the_list_shows_the_topics_in_scope_with_their_numbers(world, login):
    # given a topic of two voices heard through two channels in 五福苑, and one in 桂花新村
    leak = topic(world, ["3栋楼顶漏雨"], "3栋楼顶漏雨")
    more = record(world, ["3栋屋顶又漏水了"], channel=Channel.PHONE)
    actions.voices_move(actor=world.li, voices=more, topic=leak)
    topic(world, ["桂花新村路灯坏了"], "桂花新村路灯", compound=world.guihuaxincun, who="qian")
    # when li opens the topic list
    html = page_text(login(world.li).get(reverse("voices:topics")))
    # then she sees the topic with its compound, state, 2 voices from 2 channels
    assert "3栋楼顶漏雨" in html and "五福苑" in html and "待议" in html
    row = html[html.index("3栋楼顶漏雨") :]
    assert '<td class="num">2</td>\n      <td class="num">2</td>' in row
    # and not the topic of another district
    assert "桂花新村路灯" not in html


def test_the_list_filters_by_state_compound_category_and_text(world, login):
    # given a live topic, a merged tombstone and a topic in 马家沟小区
    lights = topic(world, ["小区路灯坏了晚上太黑"], "路灯不亮")
    dark = topic(world, ["路灯坏了好几盏"], "路灯坏了")
    actions.topic_merge(actor=world.li, source=dark, target=lights)
    topic(world, ["马家沟垃圾桶满了没人清"], "垃圾清运", compound=world.majiagou)
    client = login(world.li)
    topics = reverse("voices:topics")
    # when the list is filtered
    plain = page_text(client.get(topics))
    merged = page_text(client.get(topics, {"state": "merged"}))
    live = page_text(client.get(topics, {"state": "live"}))
    only_mjg = page_text(client.get(topics, {"compound": world.majiagou.pk}))
    by_text = page_text(client.get(topics, {"q": "路灯"}))
    by_category = page_text(client.get(topics, {"category": lights.category}))
    # then tombstones appear only when asked for
    assert ">路灯坏了<" not in plain and ">路灯坏了<" in merged and ">路灯不亮<" not in merged
    assert ">路灯不亮<" in live and ">垃圾清运<" in live
    assert ">垃圾清运<" in only_mjg and ">路灯不亮<" not in only_mjg
    assert ">路灯不亮<" in by_text and ">垃圾清运<" not in by_text
    assert lights.category and ">路灯不亮<" in by_category


def test_a_bad_filter_is_ignored_not_an_error(world, login):
    topic(world, ["路灯坏了"], "路灯不亮")
    html = page_text(login(world.li).get(reverse("voices:topics"), {"compound": "x", "state": "?"}))
    assert "路灯不亮" in html and "部分筛选条件无效" in html


def test_the_topic_page_shows_every_voice_the_summary_and_the_timeline(world, login):
    # given a topic with a named, an anonymous and a phone voice
    t = topic(world, ["3栋楼顶漏雨，找我 13812345678"], "3栋楼顶漏雨")
    anon = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.PHONE,
        said_on=TODAY,
        entries=[
            actions.VoiceEntry(text="楼顶漏水", anonymous=True, building=world.b1, spot="楼顶")
        ],
    )
    actions.voices_move(actor=world.li, voices=anon, topic=t)
    # when li opens it
    html = page_text(login(world.li).get(url("voices:topic", t)))
    # then every voice shows who, channel, date, place and redacted text
    assert "王大爷" in html and "匿名" in html and "夜话" in html and "电话" in html
    assert "1栋" in html and "楼顶" in html and TODAY.strftime("%Y-%m-%d") in html
    assert "13812345678" not in html
    # and the summary and the timeline (created, voices in)
    assert "位反映人" in html and "条匿名" in html
    assert "创建议题" in html and "意见移入" in html
    # and the boxes to tick voices for splitting or moving
    assert html.count('name="voices"') == 2


def test_user_text_is_escaped_everywhere(world, login):
    t = topic(
        world, ["<script>alert('x')</script>路灯坏了"], "<b>路灯</b><script>alert(1)</script>"
    )
    client = login(world.li)
    for page in (url("voices:topic", t), reverse("voices:topics"), url("voices:topic_split", t)):
        html = page_text(client.get(page))
        assert "<script>alert" not in html and "<b>路灯</b>" not in html


def test_a_merged_topic_is_a_tombstone_that_leads_to_where_it_went(world, login):
    target = topic(world, ["路灯坏了"], "路灯不亮")
    source = topic(world, ["晚上路灯不亮"], "晚上太黑")
    actions.topic_merge(actor=world.li, source=source, target=target, note="同一件事")
    html = page_text(login(world.li).get(url("voices:topic", source)))
    assert "已并入" in html and f'href="{url("voices:topic", target)}"' in html
    assert "同一件事" in html and "并入议题" in html  # its history stays
    assert 'name="voices"' not in html  # nothing left to split or move
    assert "概况" not in html  # no summary of zero voices that would read as a loss
    # and the target's timeline links back to the tombstone
    html = page_text(login(world.li).get(url("voices:topic", target)))
    assert "合并了议题" in html and f'href="{url("voices:topic", source)}"' in html


def test_the_topic_page_shows_its_meetings_and_decision(world, login):
    t = topic(world, ["路灯坏了"], "路灯不亮")
    meeting = meeting_actions.meeting_record(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.ONSITE,
        title="路灯现场办公会",
        held_on=TODAY,
        place="小区议事厅",
        attendees=[meeting_actions.AttendeeEntry(name="孙物业", kind="property")],
        topics=[t],
    )
    meeting_actions.meeting_decide(
        actor=world.li,
        meeting=meeting,
        topic=t,
        responsible_party="物业公司",
        solution="一周内更换灯具",
        deadline=TODAY,
    )
    html = page_text(login(world.li).get(url("voices:topic", t)))
    assert "路灯现场办公会" in html and "物业公司" in html and "一周内更换灯具" in html
    assert "已决定" in html and "会议决定" in html


def test_voices_come_fifty_to_a_page(world, login):
    t = topic(world, [f"路灯坏了第{i}盏" for i in range(55)], "路灯")
    client = login(world.li)
    first = page_text(client.get(url("voices:topic", t)))
    second = page_text(client.get(url("voices:topic", t), {"voices_page": 2}))
    assert first.count('name="voices"') == 50 and second.count('name="voices"') == 5


@pytest.mark.parametrize("who", ["liu", "nobody", "qian", "sun"])
def test_residents_outsiders_and_property_staff_get_404(world, login, who):
    t = topic(world, ["路灯坏了"], "路灯")
    client = login(world.users[who])
    expected = 200 if who == "sun" else 404  # property staff may see voices, not sort them
    assert client.get(url("voices:topic", t)).status_code == expected
    assert client.get(url("voices:topic_merge", t)).status_code == 404
    listing = client.get(reverse("voices:topics"))
    if who in ("liu", "nobody"):
        assert listing.status_code == 404
    else:
        assert listing.status_code == 200 and (">路灯<" in listing.content.decode()) == (
            who == "sun"
        )


def test_the_grid_worker_may_sort_but_not_decide(world, login):
    t = topic(world, ["路灯坏了", "路灯不亮"], "路灯")
    client = login(world.zhang)
    html = page_text(client.get(url("voices:topic", t)))
    assert "拆出为新议题" in html and "改变状态" not in html and "记录会议" not in html
    assert client.get(url("voices:topic_split", t)).status_code == 200
    assert client.get(url("voices:topic_transition", t)).status_code == 404
    response = client.post(
        url("voices:topic_transition", t),
        {"to_state": TopicState.REJECTED, "reason": "不归我们管", "seen_state": t.state},
    )
    assert response.status_code == 404
    t.refresh_from_db()
    assert t.state == TopicState.OPEN


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def test_the_list_runs_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    topic(world, ["路灯坏了"], "路灯")
    small = _queries(client, reverse("voices:topics"))
    for i in range(30):
        topic(world, [f"第{i}件事：楼道堆物", f"第{i}件事：楼道杂物"], f"议题{i}")
    assert _queries(client, reverse("voices:topics")) == small
    assert _queries(client, reverse("voices:topics"), {"state": "live", "q": "议题"}) == small


def test_the_topic_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    small_topic = topic(world, ["路灯坏了"], "路灯")
    big_topic = topic(world, [f"楼道堆物第{i}处" for i in range(60)], "楼道堆物")
    for i in range(3):
        other = topic(world, [f"垃圾桶第{i}个满了"], f"垃圾{i}")
        actions.topic_merge(actor=world.li, source=other, target=big_topic)
        meeting_actions.meeting_record(
            actor=world.li,
            compound=world.wufuyuan,
            kind=MeetingKind.COURTYARD,
            title=f"坝坝会{i}",
            held_on=TODAY,
            place="院坝",
            attendees=[meeting_actions.AttendeeEntry(name="居民甲", kind="resident")],
            topics=[big_topic],
        )
    topic(world, ["又一件事"], "又一件事")  # a target to move to
    small = _queries(client, url("voices:topic", small_topic))
    assert _queries(client, url("voices:topic", big_topic)) == small


def test_record_a_meeting_is_offered_where_a_compound_is_known(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    new_meeting = reverse("decisions:meeting_new", args=[world.wufuyuan.pk])
    # li (a whole community) must choose a compound first; chen (one compound) need not
    assert new_meeting not in page_text(login(world.li).get(reverse("voices:topics")))
    chosen = login(world.li).get(reverse("voices:topics"), {"compound": world.wufuyuan.pk})
    assert new_meeting in page_text(chosen)
    assert new_meeting in page_text(login(world.chen).get(reverse("voices:topics")))
    # and from the topic page, with the topic ticked in advance
    assert f"{new_meeting}?topic={t.pk}" in page_text(login(world.li).get(url("voices:topic", t)))
