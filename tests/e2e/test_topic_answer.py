"""A resident's voice is decided at an on-site office meeting (现场办公会) and she sees the answer:
刘桂兰 said her lamp is broken; 李社工 records the meeting with who came and decides the topic
(responsible party, solution, deadline); 刘桂兰 then finds the decision under "我的意见" and a
notification."""

import datetime as dt

import pytest
from django.urls import resolve, reverse
from playwright.sync_api import expect

from laoyuan.decisions.models import Attendee, Decision, Meeting
from laoyuan.voices import actions
from laoyuan.voices.models import TopicState


def _portal_is_real() -> bool:
    """Whether the resident's "我的意见" page and the notifications page exist (the portal pages
    were placeholders answering 404 while this test was written)."""
    try:
        reverse("core:notifications")
        return resolve(reverse("voices:portal_voices")).func.__name__ != "_todo"
    except Exception:
        return False


@pytest.mark.skipif(not _portal_is_real(), reason="waiting for portal pages")
def test_a_meeting_decides_the_topic_and_the_resident_sees_it(page, e2e_world, sign_in):
    # given liu's own voice, grouped by li into a topic
    voice = actions.voice_submit(
        actor=e2e_world.liu,
        compound=e2e_world.wufuyuan,
        text="我家楼下的路灯坏了好几天，晚上看不见路",
    )
    topic = actions.topic_create(actor=e2e_world.li, voices=[voice], title="1栋楼下路灯坏了")
    deadline = dt.date.today() + dt.timedelta(days=7)

    # when li records an on-site office meeting from the topic's page
    sign_in(page, e2e_world.li)
    page.goto(reverse("voices:topic", args=[topic.pk]))
    page.get_by_role("link", name="记录会议").click()
    page.get_by_label("会议类型").select_option(label="现场办公会")
    page.get_by_label("会议名称").fill("五福苑路灯现场办公会")
    page.get_by_label("地点").fill("1栋楼下")
    page.get_by_label("第1位参会人姓名").fill("李社工")
    page.get_by_label("第1位参会人单位").fill("沙河社区")
    page.get_by_label("第2位参会人姓名").fill("孙经理")
    page.get_by_label("第2位参会人身份").select_option(label="物业公司")
    page.get_by_label("第2位参会人单位").fill("五福物业")
    page.get_by_label("第3位参会人姓名").fill("刘桂兰")
    page.get_by_label("第3位参会人身份").select_option(label="居民代表")
    expect(page.get_by_label("1栋楼下路灯坏了")).to_be_checked()  # the topic, ticked already
    page.get_by_role("button", name="保存会议").click()

    # then the meeting page lists who came and the topic; li records the decision
    expect(page.get_by_role("heading", level=1)).to_contain_text("五福苑路灯现场办公会")
    expect(page.get_by_role("cell", name="五福物业")).to_be_visible()
    page.get_by_role("link", name="为此议题记录决定").click()
    expect(page.get_by_label("议题")).to_have_value(str(topic.pk))
    page.get_by_label("责任方").fill("五福物业")
    page.get_by_label("解决办法").fill("物业三日内更换1栋楼下路灯灯具")
    page.get_by_label("完成时限").fill(deadline.isoformat())
    page.get_by_role("button", name="保存决定").click()
    decisions = page.get_by_role("table").first
    expect(decisions).to_contain_text("物业三日内更换1栋楼下路灯灯具")
    expect(decisions).to_contain_text(deadline.isoformat())
    expect(decisions).to_contain_text("已决定")

    meeting = Meeting.objects.get()
    assert Attendee.objects.filter(meeting=meeting).count() == 3
    assert Decision.objects.get().responsible_party == "五福物业"
    topic.refresh_from_db()
    assert topic.state == TopicState.DECIDED

    # when liu signs in and opens "我的意见"
    page.get_by_role("button", name="退出").click()
    sign_in(page, e2e_world.liu)
    page.goto(reverse("voices:portal_voices"))
    # then she sees her topic decided, with the solution
    expect(page.get_by_text("已决定").first).to_be_visible()
    expect(page.get_by_text("物业三日内更换1栋楼下路灯灯具").first).to_be_visible()
    # and a notification tells her
    page.goto(reverse("core:notifications"))
    expect(page.get_by_text("您反映的“1栋楼下路灯坏了”已有决定").first).to_be_visible()


def test_the_state_form_asks_only_for_what_the_chosen_state_needs(page, e2e_world, sign_in):
    # given a topic li can decide
    voices = actions.voices_record(
        actor=e2e_world.li,
        compound=e2e_world.wufuyuan,
        channel="phone",
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text="小区门口垃圾桶满了没人清", speaker_name="赵大海")],
    )
    topic = actions.topic_create(actor=e2e_world.li, voices=voices, title="门口垃圾桶满了")
    sign_in(page, e2e_world.li)
    page.goto(reverse("voices:topic", args=[topic.pk]))
    form = page.locator(".transition-form")
    # when nothing is chosen yet, no state's fields are shown
    expect(form.get_by_label("给居民的答复")).to_be_hidden()
    expect(form.get_by_label("决定内容")).to_be_hidden()
    # when she chooses "不予采纳" and saves without a reason, she is told what is missing
    form.get_by_role("radio", name="不予采纳").check()
    expect(form.get_by_label("不予采纳的理由")).to_be_visible()
    form.get_by_role("button", name="保存状态").click()
    expect(page.get_by_text("不予采纳必须写明理由").first).to_be_visible()
    # when she answers the residents instead
    form = page.locator(".transition-form")
    form.get_by_role("radio", name="已答复办结").check()
    expect(form.get_by_label("不予采纳的理由")).to_be_hidden()
    form.get_by_label("给居民的答复").fill("物业已加派人手，每天清运两次")
    form.get_by_role("button", name="保存状态").click()
    # then the topic is answered and shows the answer
    expect(page.get_by_role("heading", level=1)).to_contain_text("已答复办结")
    expect(page.get_by_text("物业已加派人手，每天清运两次").first).to_be_visible()
    topic.refresh_from_db()
    assert topic.state == TopicState.ANSWERED
