"""我的意见 (her own voices and what became of them), a topic of her compound as a resident sees it
(counts, never names or other people's words), and her own photos: hers only."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from laoyuan.voices import actions, services
from laoyuan.voices.models import Channel, TopicEvent, TopicState, Voice, VoicePhoto

TODAY = dt.date.today()
MY_VOICES = reverse("voices:portal_voices")


@pytest.fixture(autouse=True)
def _fresh_index():
    services.forget_caches()
    yield
    services.forget_caches()


def _png(name: str = "p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 10, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _neighbours(world, texts, *, compound=None, anonymous=False):
    return actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=TODAY,
        entries=[
            actions.VoiceEntry(text=t, speaker_name="王大爷", anonymous=anonymous) for t in texts
        ],
    )


def _mine(world, text, **kwargs) -> Voice:
    return actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text=text, **kwargs)


def _decide(world, topic, state, **outcome):
    return actions.topic_transition(
        actor=world.li, topic=topic, to_state=state, outcome=actions.Outcome(**outcome)
    )


# --- 我的意见 ---------------------------------------------------------------------------------


def test_my_voices_show_state_and_the_answer(world, login):
    # given three voices of 刘桂兰: one decided, one rejected, one not yet grouped
    lamp = _mine(world, "1栋门口的路灯坏了")
    roof = _mine(world, "楼顶漏雨", anonymous=True)
    _mine(world, "想在院子里加几张长椅")
    lamp_topic = actions.topic_create(actor=world.li, voices=[lamp], title="1栋路灯坏了")
    _decide(
        world,
        lamp_topic,
        TopicState.DECIDED,
        decision="物业三日内更换灯具",
        responsible_party="物业公司",
        deadline=TODAY + dt.timedelta(days=3),
    )
    roof_topic = actions.topic_create(actor=world.li, voices=[roof], title="楼顶漏雨")
    _decide(world, roof_topic, TopicState.REJECTED, reason="属于私人房屋，由业主自行维修")
    # when she opens 我的意见
    html = _text(login(world.liu).get(MY_VOICES))
    # then she sees each voice with its topic, a state badge and what was decided
    assert "<h1>我的意见</h1>" in html
    assert "1栋路灯坏了" in html and 'class="state-badge state-decided">已决定' in html
    assert "物业三日内更换灯具" in html and "物业公司" in html
    deadline = TODAY + dt.timedelta(days=3)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in html
    assert 'state-rejected">不予采纳' in html and "属于私人房屋" in html
    assert "已收到，等待归类" in html and "想在院子里加几张长椅" in html
    assert reverse("voices:portal_topic", args=[lamp_topic.pk]) in html
    assert reverse("voices:portal_submit") in html
    # newest first
    assert html.index("想在院子里加几张长椅") < html.index("1栋门口的路灯坏了")


def test_a_voice_in_a_merged_topic_follows_the_live_topic(world, login):
    mine = _mine(world, "3号楼楼顶漏雨")
    source = actions.topic_create(actor=world.li, voices=[mine], title="楼顶漏雨")
    target = actions.topic_create(
        actor=world.li, voices=_neighbours(world, ["3号楼顶层漏水"]), title="3号楼屋面防水"
    )
    actions.topic_merge(actor=world.li, source=source, target=target)
    html = _text(login(world.liu).get(MY_VOICES))
    assert "3号楼屋面防水" in html
    # a tombstone still referenced (a voice left on it) leads to the live topic
    Voice.objects.filter(pk=mine.pk).update(topic=source)
    html = _text(login(world.liu).get(MY_VOICES))
    assert "3号楼屋面防水" in html and "已和相同的议题合并" in html


def test_my_voices_are_mine_only_and_never_name_neighbours(world, login):
    _neighbours(world, ["邻居说的话：楼道灯坏了"])
    actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text="我说的话：垃圾桶满了")
    html = _text(login(world.liu).get(MY_VOICES))
    assert "我说的话" in html and "邻居说的话" not in html and "王大爷" not in html


def test_my_voices_show_my_photos(world, login):
    voice = _mine(world, "路面坑洼积水", photos=[_png("a.png"), _png("b.png")])
    html = _text(login(world.liu).get(MY_VOICES))
    for photo in voice.photos.all():
        assert reverse("voices:portal_photo", args=[photo.pk]) in html
    assert 'alt="我上传的第1张照片"' in html


def test_my_voices_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.liu)

    def some(n):
        voices = [_mine(world, f"第{i}件事：路灯坏了", photos=[_png()]) for i in range(n)]
        topic = actions.topic_create(actor=world.li, voices=voices[:1], title=f"路灯{n}")
        _decide(world, topic, TopicState.DECIDED, decision="更换")

    some(2)
    client.get(MY_VOICES)
    with CaptureQueriesContext(connection) as few:
        client.get(MY_VOICES)
    some(9)
    with CaptureQueriesContext(connection) as many:
        client.get(MY_VOICES)
    assert len(few) == len(many)


def test_my_voices_are_paginated(world, login):
    for i in range(12):
        _mine(world, f"第{i}号意见：路灯坏了")
    client = login(world.liu)
    first, second = _text(client.get(MY_VOICES)), _text(client.get(MY_VOICES, {"page": 2}))
    assert "第 1 页，共 2 页" in first and "共 12 条" in first
    assert "第11号意见" in first and "第0号意见" not in first
    assert "第0号意见" in second


def test_staff_have_no_my_voices(world, login):
    for who in ("li", "zhang", "qian", "nobody"):
        assert login(world.users[who]).get(MY_VOICES).status_code == 404, who


# --- a topic as she sees it -------------------------------------------------------------------


def _roof(world):
    voices = _neighbours(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    voices += _neighbours(world, ["楼顶漏雨没人管"], anonymous=True)
    return actions.topic_create(actor=world.li, voices=voices, title="3号楼楼顶漏雨")


def test_a_topic_shows_counts_and_state_never_names_or_words(world, login):
    topic = _roof(world)
    _decide(world, topic, TopicState.DELIBERATION, note="李社工在夜话上提出")
    url = reverse("voices:portal_topic", args=[topic.pk])
    html = _text(login(world.liu).get(url))
    assert "<h1>3号楼楼顶漏雨</h1>" in html and "协商中" in html
    # (王大爷 said it twice: one person; the anonymous voice counts as one more)
    assert "2位居民反映过，共3条意见" in html and "夜话 3" in html
    # no other resident's name or words, and no staff names in the timeline
    for hidden in ("王大爷", "天花板发霉", "没人管", "李社工", "在夜话上提出"):
        assert hidden not in html, hidden
    assert "开始受理" in html
    assert html.count('class="timeline-date"') == 2


def test_a_decided_topic_shows_the_decision_and_deadline(world, login):
    topic = _roof(world)
    deadline = TODAY + dt.timedelta(days=30)
    _decide(
        world,
        topic,
        TopicState.DECIDED,
        decision="列入屋面防水维修",
        responsible_party="街道城建科",
        deadline=deadline,
    )
    html = _text(login(world.liu).get(reverse("voices:portal_topic", args=[topic.pk])))
    assert "列入屋面防水维修" in html and "街道城建科" in html
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in html
    assert "我也反映这件事" in html


def test_she_adds_her_voice_from_the_topic_page(world, login):
    topic = _roof(world)
    url = reverse("voices:portal_topic", args=[topic.pk])
    client = login(world.liu)
    # when she presses 我也反映这件事 without writing anything
    response = client.post(url, {"anonymous": "on"})
    # then a voice of hers joins the topic, anonymously, from her own building
    voice = Voice.objects.get(author=world.liu)
    assert voice.topic == topic and voice.anonymous and voice.speaker_name == ""
    assert voice.building == world.b1
    assert "3号楼楼顶漏雨" in voice.text_redacted
    assert response.url == MY_VOICES
    # and the page says she already did
    assert "您已经反映过这件事（1次）" in _text(client.get(url))
    # when she writes too much
    html = _text(client.post(url, {"text": "漏" * 6000}))
    assert "内容太长" in html and Voice.objects.filter(author=world.liu).count() == 1


def test_a_closed_topic_has_no_join_form(world, login):
    topic = _roof(world)
    _decide(world, topic, TopicState.ANSWERED, answer="已完成维修")
    client = login(world.liu)
    url = reverse("voices:portal_topic", args=[topic.pk])
    html = _text(client.get(url))
    assert "已完成维修" in html and "不再接收新的意见" in html
    assert '<form method="post" class="portal-form join-form"' not in html
    client.post(url, {"text": "还在漏"})
    assert not Voice.objects.filter(author=world.liu).exists()


def test_a_merged_topic_points_to_where_it_went(world, login):
    a = _roof(world)
    b = actions.topic_create(
        actor=world.li, voices=_neighbours(world, ["顶楼漏水"]), title="顶楼漏水"
    )
    actions.topic_merge(actor=world.li, source=b, target=a)
    html = _text(login(world.liu).get(reverse("voices:portal_topic", args=[b.pk])))
    assert "已并入其他议题" in html
    assert reverse("voices:portal_topic", args=[a.pk]) in html


def test_a_topic_of_another_compound_is_404(world, login):
    other = actions.topic_create(
        actor=world.li,
        voices=_neighbours(world, ["马家沟路灯坏了"], compound=world.majiagou),
    )
    url = reverse("voices:portal_topic", args=[other.pk])
    liu = login(world.liu)
    assert liu.get(url).status_code == 404
    assert liu.post(url, {"text": "路灯坏了"}).status_code == 404
    assert login(world.li).get(url).status_code == 404  # staff: no portal


def test_the_topic_page_runs_a_fixed_number_of_queries(world, login):
    topic = _roof(world)
    client = login(world.liu)
    url = reverse("voices:portal_topic", args=[topic.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = _neighbours(world, [f"{i}楼漏雨" for i in range(15)])
    actions.voices_move(actor=world.li, voices=more, topic=topic)
    _decide(world, topic, TopicState.DELIBERATION)
    _decide(world, topic, TopicState.OPEN)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert TopicEvent.objects.filter(topic=topic).count() > 3
    assert len(few) == len(many)


# --- photos -----------------------------------------------------------------------------------


def test_she_sees_her_own_photo_and_nobody_else_does(world, login):
    voice = _mine(world, "路面坑洼积水", photos=[_png()])
    photo = voice.photos.get()
    url = reverse("voices:portal_photo", args=[photo.pk])
    response = login(world.liu).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "JPEG"
    for who in ("li", "zhang", "qian", "nobody"):
        assert login(world.users[who]).get(url).status_code == 404, who


def test_a_neighbours_photo_is_404_for_her(world, login):
    from django.contrib.auth import get_user_model

    from laoyuan.core.models import Role, RoleAssignment

    # given 赵大海, her neighbour in 五福苑, attached a photo
    zhao = get_user_model().objects.create_user(username="zhaodh", password="x")
    RoleAssignment.objects.create(
        user=zhao, role=Role.RESIDENT, level="household", household=world.h2
    )
    voice = actions.voice_submit(
        actor=zhao, compound=world.wufuyuan, text="楼下堆满杂物", photos=[_png()]
    )
    url = reverse("voices:portal_photo", args=[voice.photos.get().pk])
    assert login(world.liu).get(url).status_code == 404
    assert VoicePhoto.objects.count() == 1
