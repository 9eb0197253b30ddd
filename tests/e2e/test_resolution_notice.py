"""A meeting's resolution published as a public notice (公示决定事项), in the browser: 李社工
records the on-site meeting's resolution choosing "公示决定事项" (only that kind's fields show),
first with a start date in the past (refused, her text kept), then from today; the notice page
opens and links back to the meeting; 刘桂兰 finds it among her compound's notices on her phone."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from laoyuan.notices.models import Notice
from tests.scope_fills.meetings import meeting_in

TEXT = "同意在东门停车场旁增设电动自行车充电棚，物业一个月内建成。"


def test_a_resolution_is_published_as_a_notice(page, e2e_world, sign_in):
    w = e2e_world
    meeting = meeting_in(w)
    today = timezone.localdate()
    sign_in(page, w.li)
    page.goto(reverse("decisions:meeting", args=[meeting.pk]))
    page.get_by_role("link", name="记录决议").click()
    page.get_by_label("公示决定事项", exact=True).check()
    expect(page.get_by_label("公示天数")).to_be_visible()
    expect(page.get_by_label("责任方:")).to_be_hidden()
    page.get_by_label("决议内容").fill(TEXT)
    page.get_by_label("公示开始日期").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="保存决议").click()
    expect(page.get_by_role("alert").first).to_contain_text("没有保存")
    expect(page.get_by_label("决议内容")).to_have_value(TEXT)
    assert not Notice.objects.exists()

    page.get_by_label("公示开始日期").fill(today.isoformat())
    page.get_by_role("button", name="保存决议").click()
    expect(page.get_by_text("已记录第1项决议，并发布了公示")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("现场办公会决议公示")
    expect(page.get_by_text(TEXT)).to_be_visible()
    page.get_by_role("link", name=f"{today:%Y-%m-%d} 现场办公会", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("现场办公会")
    expect(page.get_by_role("link", name="现场办公会决议公示")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # 刘桂兰 finds it among her compound's notices on her phone
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, w.liu)
    page.goto(reverse("notices:portal_list"))
    page.get_by_role("listitem").filter(has_text="现场办公会决议公示").get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_text(TEXT)).to_be_visible()
