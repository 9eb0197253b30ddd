"""The staff list of voices and a voice's page: filters, pagination, masking and escaping,
one-click confirm or correct of the category, grouping one voice, photos only for those who may
see them, 404 outside the scope, and a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.voices import actions
from laoyuan.voices.models import CategoryCorrection, CategorySource, Channel, Topic, Voice
from tests.scope_fills.sorting import photo_in

TODAY = dt.date.today()


def record(world, texts, *, compound=None, channel=Channel.EVENING_TALK, said_on=TODAY, **entry):
    return actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=channel,
        said_on=said_on,
        occasion="五福夜话 第12期",
        entries=[actions.VoiceEntry(text=t, **entry) for t in texts],
    )


def list_page(client, **params):
    return client.get(reverse("voices:voices"), params)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_voices_of_the_scope_with_their_columns(world, login):
    # given voices in 五福苑, one anonymous, and one in another district
    (named,) = record(world, ["3栋楼顶漏雨，天花板滴水"], speaker_name="王大爷", building=world.b1)
    record(world, ["小区路灯坏了晚上太黑"], anonymous=True, speaker_name="不该出现")
    actions.voices_record(
        actor=world.qian,
        compound=world.guihuaxincun,
        channel=Channel.VISIT,
        said_on=TODAY,
        entries=[actions.VoiceEntry(text="桂花新村下水道堵了")],
    )
    # when li opens the list
    page = list_page(login(world.li)).content.decode()
    # then she sees both voices of her community, with place, channel, who and category
    assert "3栋楼顶漏雨" in page and "小区路灯坏了" in page
    assert "桂花新村下水道" not in page
    assert "五福苑 · 1栋" in page and "夜话" in page and "王大爷" in page
    assert "匿名" in page and "不该出现" not in page
    assert f"{named.category}" in page and "%" in page and "系统建议" in page
    assert reverse("voices:voice", args=[named.pk]) in page


def test_the_filters_narrow_the_list(world, login):
    old = record(world, ["去年说过的停车难问题"], said_on=TODAY - dt.timedelta(days=400))
    lamp = record(world, ["小区路灯坏了晚上太黑"], channel=Channel.PHONE)
    other = record(world, ["马家沟的垃圾桶满了没人清"], compound=world.majiagou)
    topic = actions.topic_create(actor=world.li, voices=lamp)
    client = login(world.li)

    def shown(**params):
        page = list_page(client, **params).content.decode()
        return {v.pk for v in Voice.objects.all() if f'/voices/{v.pk}/"' in page}

    assert shown() == {old[0].pk, lamp[0].pk, other[0].pk}
    assert shown(compound=world.majiagou.pk) == {other[0].pk}
    assert shown(channel=Channel.PHONE) == {lamp[0].pk}
    assert shown(grouped="yes") == {lamp[0].pk}
    assert shown(grouped="no") == {old[0].pk, other[0].pk}
    assert shown(q="停车") == {old[0].pk}
    assert shown(since=(TODAY - dt.timedelta(days=30)).isoformat()) == {lamp[0].pk, other[0].pk}
    assert shown(until=(TODAY - dt.timedelta(days=30)).isoformat()) == {old[0].pk}
    assert shown(category=lamp[0].category) >= {lamp[0].pk}
    Voice.objects.filter(pk=old[0].pk).update(category="", category_source="")
    assert shown(category="-") == {old[0].pk}
    # a bad value is ignored and said so, not a crash
    response = list_page(client, since="明天", compound="x")
    assert response.status_code == 200 and "已忽略" in response.content.decode()
    # the topic column links to the topic
    assert reverse("voices:topic", args=[topic.pk]) in list_page(client).content.decode()


def test_filtered_to_a_compound_the_list_offers_batch_entry_and_grouping(world, login):
    record(world, ["路灯坏了", "楼道灯不亮"])
    page = list_page(login(world.li), compound=world.wufuyuan.pk).content.decode()
    assert reverse("voices:voice_record", args=[world.wufuyuan.pk]) in page
    assert reverse("voices:grouping", args=[world.wufuyuan.pk]) in page
    assert "2条未归入议题" in page
    # unfiltered: a compound picker leads to batch entry
    page = list_page(login(world.li)).content.decode()
    assert reverse("voices:voice_record_pick") in page and "马家沟小区" in page
    picked = login(world.li).get(
        reverse("voices:voice_record_pick"), {"compound": world.majiagou.pk}
    )
    assert picked.url == reverse("voices:voice_record", args=[world.majiagou.pk])


def test_the_list_is_paginated(world, login):
    record(world, [f"第{n}号楼道灯坏了" for n in range(30)])
    client = login(world.li)
    first = list_page(client).content.decode()
    second = list_page(client, page=2).content.decode()
    assert "共 30 条" in first and "第 2 页" in first
    assert first.count('class="voice-text"') == 25 and second.count('class="voice-text"') == 5


def test_text_is_escaped_and_phones_are_never_shown(world, login):
    # given a voice with markup and a phone, and one stored with markup in its redacted text
    (voice,) = record(world, ["<script>alert(1)</script>漏水了找我 13812345678"])
    (raw,) = record(world, ["楼道灯坏了"])
    Voice.objects.filter(pk=raw.pk).update(
        text_redacted="<script>alert(2)</script><b>粗</b>", occasion="<i>夜话</i>"
    )
    client = login(world.li)
    for url in (
        reverse("voices:voices"),
        reverse("voices:voice", args=[voice.pk]),
        reverse("voices:voice", args=[raw.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<b>粗" not in page and "<i>夜话" not in page
        assert "13812345678" not in page and "1381234" not in page
    page = client.get(reverse("voices:voice", args=[raw.pk])).content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "&lt;i&gt;夜话" in page
    assert "[电话]" in client.get(reverse("voices:voice", args=[voice.pk])).content.decode()


def test_residents_and_people_without_a_role_do_not_get_the_list(world, login):
    record(world, ["路灯坏了"])
    assert login(world.liu).get(reverse("voices:voices")).status_code == 404
    assert login(world.nobody).get(reverse("voices:voices")).status_code == 404
    assert "路灯坏了" not in list_page(login(world.qian)).content.decode()


def test_the_list_runs_the_same_number_of_queries_for_any_amount_of_data(world, login):
    client = login(world.li)

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            assert list_page(client, **params).status_code == 200
        return len(ctx.captured_queries)

    record(world, ["路灯坏了", "楼道灯不亮"], building=world.b1)
    small = count(), count(compound=world.wufuyuan.pk)
    voices = record(world, [f"{n}栋楼顶漏雨" for n in range(40)], building=world.b2)
    actions.topic_create(actor=world.li, voices=voices[:20])
    assert (count(), count(compound=world.wufuyuan.pk)) == small


# --- one voice --------------------------------------------------------------------------------


def test_the_voice_page_shows_what_was_said_and_offers_one_click_confirm(world, login):
    (voice,) = record(world, ["3栋楼顶漏雨，天花板滴水"], speaker_name="王大爷", spot="3栋顶楼")
    page = login(world.li).get(reverse("voices:voice", args=[voice.pk])).content.decode()
    assert "3栋楼顶漏雨" in page and "五福夜话 第12期" in page and "王大爷" in page
    assert "3栋顶楼" in page and "李社工" in page and "置信度" in page
    assert reverse("voices:voice_category", args=[voice.pk]) in page and "确认" in page
    assert "新建议题" in page  # ungrouped: can be put into a topic


def test_confirm_and_correct_from_the_page_keep_the_history(world, login):
    (voice,) = record(world, ["3栋楼顶漏雨，天花板滴水"])
    client = login(world.li)
    url = reverse("voices:voice_category", args=[voice.pk])
    # when li confirms with one click
    response = client.post(url, {"category": voice.category, "subcategory": voice.subcategory})
    assert response.url == reverse("voices:voice", args=[voice.pk])
    voice.refresh_from_db()
    assert voice.category_source == CategorySource.CONFIRMED
    # and then corrects it to a subcategory of another category
    client.post(url, {"choice": "管网::排水与化粪池"})
    voice.refresh_from_db()
    assert (voice.category, voice.subcategory) == ("管网", "排水与化粪池")
    assert voice.category_source == CategorySource.CORRECTED
    page = client.get(reverse("voices:voice", args=[voice.pk])).content.decode()
    assert "分类已更正为：管网 · 排水与化粪池" in page and "分类记录" in page
    assert CategoryCorrection.objects.filter(voice=voice).count() == 2
    # a category the street does not have is refused in Chinese and changes nothing
    page = client.post(url, {"choice": "外星人::飞碟"}, follow=True).content.decode()
    assert "分类“外星人”不在本街道的分类目录中" in page
    assert CategoryCorrection.objects.filter(voice=voice).count() == 2


def test_staff_who_may_not_sort_see_the_voice_but_cannot_categorise(world, login):
    (voice,) = record(world, ["路灯坏了"])
    client = login(world.sun)  # property staff: sees voices, does not sort them
    page = client.get(reverse("voices:voice", args=[voice.pk])).content.decode()
    assert "路灯坏了" in page and "保存分类" not in page
    url = reverse("voices:voice_category", args=[voice.pk])
    assert client.post(url, {"category": "安防消防"}).status_code == 403
    assert not CategoryCorrection.objects.exists()


def test_an_ungrouped_voice_goes_into_a_live_topic_or_a_new_one(world, login):
    first, second, third = record(world, ["3栋漏雨", "3栋楼顶漏水", "路灯坏了"])
    topic = actions.topic_create(actor=world.li, voices=[first], title="3栋屋面漏水")
    client = login(world.li)
    page = client.get(reverse("voices:voice", args=[second.pk])).content.decode()
    assert "3栋屋面漏水" in page
    client.post(reverse("voices:voice_group", args=[second.pk]), {"topic": topic.pk})
    client.post(
        reverse("voices:voice_group", args=[third.pk]), {"topic": "new", "title": "路灯维修"}
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.topic_id == topic.pk
    assert third.topic.title == "路灯维修" and Topic.objects.count() == 2
    # a topic of another compound is not offered and not accepted
    (elsewhere,) = record(world, ["马家沟路灯坏了"], compound=world.majiagou)
    other = actions.topic_create(actor=world.li, voices=[elsewhere])
    (fourth,) = record(world, ["楼道灯坏了"])
    response = client.post(
        reverse("voices:voice_group", args=[fourth.pk]), {"topic": other.pk}, follow=True
    )
    assert "请选择一个议题" in response.content.decode()
    fourth.refresh_from_db()
    assert fourth.topic_id is None


def test_the_voice_page_runs_the_same_number_of_queries_for_any_history(world, login):
    (voice,) = record(world, ["3栋楼顶漏雨，天花板滴水"])
    client = login(world.li)
    url = reverse("voices:voice", args=[voice.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for category in ["管网", "道路", "房屋本体", "安防消防"]:
        actions.voice_set_category(actor=world.li, voice=voice, category=category)
    others = record(world, [f"{n}栋漏雨" for n in range(5)])
    for v in others:
        actions.topic_create(actor=world.li, voices=[v])
    assert count() == small


# --- photos -----------------------------------------------------------------------------------


def test_photos_go_to_staff_in_scope_and_the_author_only(world, login):
    photo = photo_in(world, world.wufuyuan)
    url = reverse("voices:voice_photo", args=[photo.pk])
    response = login(world.li).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # decrypted JPEG
    assert "no-store" in response["Cache-Control"]
    assert login(world.qian).get(url).status_code == 404
    assert login(world.liu).get(url).status_code == 404  # not hers
    Voice.objects.filter(pk=photo.voice_id).update(author=world.liu)
    assert login(world.liu).get(url).status_code == 200


@pytest.mark.parametrize("who", ["qian", "liu", "nobody"])
def test_a_voice_outside_the_scope_answers_404(world, login, who):
    (voice,) = record(world, ["路灯坏了"])
    client = login(world.users[who])
    assert client.get(reverse("voices:voice", args=[voice.pk])).status_code == 404
    url = reverse("voices:voice_category", args=[voice.pk])
    assert client.post(url, {"category": "道路"}).status_code == 404
    assert (
        client.post(reverse("voices:voice_group", args=[voice.pk]), {"topic": "new"}).status_code
        == 404
    )
