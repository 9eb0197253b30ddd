"""Batch entry (批量录入) of voices heard at one meeting: empty rows skipped, bad rows named in
Chinese with nothing saved and nothing typed lost, more rows without JavaScript, the compound's
buildings only, and then on to the grouping page."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.core.models import AuditEvent
from laoyuan.voices.models import Channel, Voice

TODAY = dt.date.today()


def row_count(page: str) -> int:
    return len(re.findall(r'<fieldset class="batch-row[^"]*" id="row-\d+"', page))


def batch(world, rows, *, count=None, **common):
    data = {
        "channel": Channel.EVENING_TALK,
        "said_on": TODAY.isoformat(),
        "occasion": "五福夜话 第12期",
        "rows": str(count or len(rows)),
        "save": "1",
        **common,
    }
    for i, row in enumerate(rows, start=1):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = value
    return data


def url(world, compound=None):
    return reverse("voices:voice_record", args=[(compound or world.wufuyuan).pk])


def test_the_page_offers_five_rows_and_the_compounds_buildings(world, login):
    page = login(world.li).get(url(world)).content.decode()
    assert row_count(page) == 5
    assert "1栋" in page and "2栋" in page
    assert "线上提交" not in page and "12345热线" not in page and "入户走访" in page
    assert TODAY.isoformat() in page


def test_filled_rows_are_saved_empty_ones_skipped_and_the_worker_goes_on_to_grouping(world, login):
    rows = [
        {"text": "3栋楼顶漏雨", "speaker": "王大爷", "building": str(world.b1.pk), "spot": "顶楼"},
        {},
        {"text": "路灯坏了晚上太黑", "speaker": "不该保存", "anonymous": "1"},
        {"text": "   "},
        {},
    ]
    client = login(world.li)
    response = client.post(url(world), batch(world, rows))
    assert response.status_code == 302
    assert response.url == reverse("voices:grouping", args=[world.wufuyuan.pk])
    voices = list(Voice.objects.order_by("id"))
    assert [v.text_redacted for v in voices] == ["3栋楼顶漏雨", "路灯坏了晚上太黑"]
    assert voices[0].building == world.b1 and voices[0].spot == "顶楼"
    assert voices[0].speaker_name == "王大爷" and voices[0].occasion == "五福夜话 第12期"
    assert voices[1].anonymous and voices[1].speaker_name == ""
    assert {v.channel for v in voices} == {Channel.EVENING_TALK}
    assert AuditEvent.objects.filter(action="voice.record_batch").count() == 1
    page = client.get(response.url).content.decode()
    assert "已保存2条意见" in page


def test_bad_rows_are_named_nothing_is_saved_and_nothing_typed_is_lost(world, login):
    rows = [
        {"text": "3栋楼顶漏雨", "speaker": "王大爷", "building": str(world.b2.pk)},
        {"text": "", "speaker": "李阿姨", "spot": "北门"},  # a name but no text
        {"text": "长" * 20000, "speaker": "赵师傅"},
        {"text": "路灯坏了", "anonymous": "1"},
    ]
    response = login(world.li).post(url(world), batch(world, rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert Voice.objects.count() == 0
    assert "意见还没有保存" in page
    assert "第2条：内容是空的" in page
    assert "第3条：内容太长：共20000个字" in page
    # every row is back with what was typed
    assert "3栋楼顶漏雨" in page and "王大爷" in page and "李阿姨" in page and "北门" in page
    assert "长" * 20000 in page and "赵师傅" in page and "路灯坏了" in page
    assert f'<option value="{world.b2.pk}" selected>' in page
    assert 'name="rows-4-anonymous" id="rows-4-anonymous" value="1" checked' in page
    assert "五福夜话 第12期" in page


def test_a_building_of_another_compound_and_a_future_date_are_refused(world, login):
    from laoyuan.registry.models import Building

    elsewhere = Building.objects.create(compound=world.majiagou, number="9")
    rows = [{"text": "路灯坏了", "building": str(elsewhere.pk)}]
    page = login(world.li).post(url(world), batch(world, rows)).content.decode()
    assert "所选楼栋不在这个小区" in page
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    page = (
        login(world.li)
        .post(url(world), batch(world, [{"text": "路灯坏了"}], said_on=tomorrow))
        .content.decode()
    )
    assert "日期不能晚于今天" in page and "路灯坏了" in page
    page = (
        login(world.li)
        .post(url(world), batch(world, [{"text": "路灯坏了"}], channel=Channel.HOTLINE))
        .content.decode()
    )
    assert "选择一个有效的选项" in page or "Select a valid choice" in page
    assert Voice.objects.count() == 0


def test_an_empty_batch_says_so(world, login):
    page = login(world.li).post(url(world), batch(world, [{}, {}])).content.decode()
    assert "没有要保存的意见：请至少填写一条" in page


def test_without_javascript_more_rows_are_added_and_typed_rows_kept(world, login):
    data = batch(world, [{"text": "路灯坏了", "speaker": "王大爷"}], count=5)
    del data["save"]
    data["more"] = "1"
    response = login(world.li).post(url(world), data)
    page = response.content.decode()
    assert response.status_code == 200 and row_count(page) == 10
    assert "路灯坏了" in page and "王大爷" in page and 'value="10"' in page
    assert "意见还没有保存" not in page
    assert Voice.objects.count() == 0


def test_who_may_not_record_gets_404(world, login):
    for who, compound in [
        ("qian", world.wufuyuan),
        ("liu", world.wufuyuan),
        ("sun", world.wufuyuan),
    ]:
        client = login(world.users[who])
        assert client.get(url(world, compound)).status_code == 404
        assert client.post(url(world, compound), batch(world, [{"text": "x"}])).status_code == 404
    assert Voice.objects.count() == 0


def test_social_org_staff_record_and_return_to_the_list(world, login):
    # 周社工 may record voices but not sort them: no grouping page for her
    response = login(world.zhou).post(url(world), batch(world, [{"text": "希望办老年食堂"}]))
    assert response.url == reverse("voices:voices") + f"?compound={world.wufuyuan.pk}"


def test_saving_runs_the_same_number_of_queries_for_any_batch_size(world, login):
    client = login(world.li)

    def count(n):
        rows = [{"text": f"{i}栋楼顶漏雨", "building": str(world.b1.pk)} for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url(world), batch(world, rows)).status_code == 302
        return len(ctx.captured_queries)

    assert count(2) == count(12)
