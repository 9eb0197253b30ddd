"""李社工 sorts topics (议题) in the browser: she merges two topics that are the same concern,
splits two voices about something else out into a new topic, and reads the timeline."""

import datetime as dt

from playwright.sync_api import expect

from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Topic, TopicState, Voice


def _topic(world, texts, title):
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        occasion="五福夜话",
        entries=[actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )
    return actions.topic_create(actor=world.li, voices=voices, title=title)


def test_merge_then_split_keeps_every_voice_and_shows_the_timeline(page, e2e_world, sign_in):
    # given two topics about the same leaking roof, one holding two voices about a street lamp
    roof = _topic(e2e_world, ["3栋楼顶漏雨", "3栋顶楼天花板滴水"], "3栋楼顶漏雨")
    leak = _topic(e2e_world, ["3栋屋顶漏水", "单元门口路灯坏了", "路灯不亮晚上太黑"], "3栋屋顶漏水")
    sign_in(page, e2e_world.li)

    # when li opens the second topic from the list and merges it into the first
    page.goto("/topics/")
    page.get_by_role("link", name="3栋屋顶漏水").click()
    page.get_by_role("link", name="并入其他议题").click()
    expect(page.get_by_text("什么都不会丢失")).to_be_visible()
    page.get_by_label("按名称查找同一小区进行中的议题").fill("漏雨")
    page.get_by_role("button", name="查找").click()
    page.get_by_label("并入哪个议题").select_option(label="3栋楼顶漏雨")
    page.get_by_label("合并说明（可不填）").fill("同一处漏水")
    page.get_by_role("button", name="确认合并").click()

    # then she is on the merged topic, which holds all five voices
    expect(page.get_by_role("heading", level=1)).to_contain_text("3栋楼顶漏雨")
    expect(page.get_by_role("status")).to_contain_text("全部意见都已移入")
    expect(page.locator("input[name=voices]")).to_have_count(5)

    # when she ticks the two lamp voices and splits them out into a new topic
    page.get_by_label("勾选意见：单元门口路灯坏了").check()
    page.get_by_label("勾选意见：路灯不亮晚上太黑").check()
    page.get_by_label("新议题名称").fill("单元门口路灯")
    page.get_by_role("button", name="拆出为新议题").click()

    # then the new topic holds the two, and its timeline says where they came from
    expect(page.get_by_role("heading", level=1)).to_contain_text("单元门口路灯")
    expect(page.locator("input[name=voices]")).to_have_count(2)
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("从议题拆出")
    timeline.get_by_role("link", name="3栋楼顶漏雨").click()

    # and the first topic's timeline tells the whole story, the tombstone one click away
    expect(page.locator("input[name=voices]")).to_have_count(3)
    timeline = page.locator(".timeline")
    for step in ("创建议题", "合并了议题", "同一处漏水", "拆出新议题"):
        expect(timeline).to_contain_text(step)
    timeline.get_by_role("link", name="3栋屋顶漏水").click()
    expect(page.get_by_role("note")).to_contain_text("已并入 3栋楼顶漏雨")

    # nothing was lost
    leak.refresh_from_db()
    assert leak.state == TopicState.MERGED and leak.merged_into == roof
    assert Voice.objects.filter(topic=roof).count() == 3
    assert Voice.objects.filter(topic__title="单元门口路灯").count() == 2
    assert Voice.objects.filter(topic__isnull=True).count() == 0
    assert Topic.objects.count() == 3
