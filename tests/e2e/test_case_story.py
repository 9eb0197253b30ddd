"""The whole story of a case in the browser. 刘桂兰 (78) reports on her phone that water has been
off for two days; the community worker 李社工 sends it to the street's 城管办, which returns it
(not theirs); she sends it to the water company, whose dispatcher transfers it to the property
company (the pipe inside the building is theirs); the property company accepts, answers and
solves it; 刘桂兰 is not satisfied and says why, so it is reopened; it is solved again and she
rates it satisfied. Every step is on the case's timeline, in order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laoyuan.cases.models import Case, CaseState, EventKind
from tests.cases.helpers import Parties

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def parties(e2e_world):
    return Parties(e2e_world)


def sign_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def step(page, name: str, fields: dict[str, str], *, select: dict[str, str] | None = None):
    """Open a step's box on the case page, fill it and submit with its button."""
    box = page.locator(f"#step-{name}")
    box.locator("summary").click()
    for label, value in (select or {}).items():
        box.get_by_label(label).select_option(label=value)
    for label, value in fields.items():
        box.get_by_label(label).fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_raised_dispatched_returned_transferred_solved_reopened_and_rated(
    page, e2e_world, parties, sign_in
):
    world = e2e_world
    # 刘桂兰 reports the problem on her phone
    page.set_viewport_size(PHONE)
    sign_in(page, world.liu)
    page.get_by_role("link", name="我的工单").first.click()
    page.get_by_role("link", name="我要报事（报修、反映问题）").click()
    page.get_by_label("是哪一类问题").select_option(label="供水与二次供水")
    page.get_by_label("哪一栋（可不选）").select_option(label="1栋")
    page.get_by_label("出了什么问题").fill("家里停水两天了，做不了饭，楼上几户也一样")
    page.get_by_label("联系电话（可不填，方便上门前联系您）").fill("13812345678")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已收到，受理编号")).to_be_visible()
    case = Case.objects.get(reporter_account=world.liu)
    expect(page.get_by_role("heading", level=1)).to_contain_text("家里停水两天了")
    sign_out(page)

    # 李社工 dispatches it to the 城管办
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, world.li)
    page.get_by_role("link", name="工单").first.click()
    page.get_by_role("link", name=case.request_id).click()
    expect(page.get_by_text("138****5678")).to_be_visible()
    step(page, "dispatch", {}, select={"责任方": "沙河街道城管办"})
    expect(page.get_by_text("已派单。")).to_be_visible()
    sign_out(page)

    # the 城管办 returns it: not theirs
    sign_in(page, parties.cheng)
    page.get_by_role("link", name=case.request_id).click()
    step(page, "return", {"原因": "供水问题不属于城管办，请派给供水单位"})
    expect(page.get_by_text("已退回派单人。")).to_be_visible()
    sign_out(page)

    # 李社工 sends it to the water company
    sign_in(page, world.li)
    page.goto(f"/cases/{case.pk}/")
    expect(page.get_by_text("供水问题不属于城管办")).to_be_visible()
    step(page, "dispatch", {}, select={"责任方": "锦江自来水沙河营业所"})
    sign_out(page)

    # the water company's dispatcher transfers it to the property company
    sign_in(page, parties.shui)
    page.get_by_role("link", name=case.request_id).click()
    expect(page.get_by_text("刘桂兰")).to_be_visible()
    step(
        page,
        "transfer",
        {"转派原因": "市政管网正常，是楼内管道阀门问题，归物业"},
        select={"转派给": "五福苑物业服务中心"},
    )
    expect(page.get_by_text("已转派。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)  # the list: the case is gone
    sign_out(page)

    # the property company accepts, answers and solves it
    sign_in(page, world.sun)
    page.goto(f"/cases/{case.pk}/")
    step(page, "accept", {})
    expect(page.get_by_text("已签收受理。")).to_be_visible()
    step(page, "progress", {"进展情况": "已上门查看，明天上午更换1栋总阀"})
    step(page, "solve", {"办理结果": "已更换1栋总阀，恢复供水"})
    expect(page.get_by_text("已办结，等待居民确认评价。")).to_be_visible()
    sign_out(page)

    # 刘桂兰 is not satisfied
    page.set_viewport_size(PHONE)
    sign_in(page, world.liu)
    page.goto(f"/portal/cases/{case.pk}/")
    expect(page.get_by_text("已更换1栋总阀，恢复供水").first).to_be_visible()
    page.get_by_role("radio", name="不满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写这一项")  # the comment is needed
    page.get_by_role("radio", name="不满意").check()
    page.get_by_label("意见（选“不满意”时请写明哪里还没解决）").fill(
        "水是来了，但水压太小，三楼接不上"
    )
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("谢谢您的评价！")).to_be_visible()
    expect(page.get_by_text("办理中").first).to_be_visible()
    sign_out(page)

    # the property company solves it again
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, world.sun)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator(".case-timeline")).to_contain_text("水压太小")
    step(page, "solve", {"办理结果": "加装了增压泵，三楼水压正常"})
    sign_out(page)

    # 刘桂兰 rates it satisfied
    page.set_viewport_size(PHONE)
    sign_in(page, world.liu)
    page.goto(f"/portal/cases/{case.pk}/")
    page.get_by_role("radio", name="满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("已结案").first).to_be_visible()

    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.rating == "satisfied"
    assert list(case.events.order_by("at", "id").values_list("kind", flat=True)) == [
        EventKind.OPENED,
        EventKind.DISPATCHED,
        EventKind.RETURNED,
        EventKind.DISPATCHED,
        EventKind.TRANSFERRED,
        EventKind.ACCEPTED,
        EventKind.PROGRESS,
        EventKind.SOLVED,
        EventKind.REOPENED,
        EventKind.SOLVED,
        EventKind.RATED,
    ]
