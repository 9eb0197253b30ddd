"""A community worker finds her way through the workspace the way she would at her desk: from
the place tree down to one resident, the age structure, a search by phone number; a street
official meets a 404 page outside her street; the login form works from the keyboard."""

import re

from playwright.sync_api import expect

from laoyuan.core.models import AuditEvent
from tests.cast import PASSWORD


def test_from_the_workspace_down_to_a_resident_and_her_phone(page, e2e_world, sign_in):
    # given li, the community worker of 沙河社区, signed in
    sign_in(page, e2e_world.li)
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    # when she opens 五福苑, building 1, unit 1单元101 and 刘桂兰
    page.get_by_role("link", name="五福苑").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("五福苑")
    expect(page.get_by_text("信托制物业")).to_be_visible()
    page.get_by_role("link", name="1栋", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("五福苑 1栋")
    page.get_by_role("link", name="1单元101").click()
    expect(page.get_by_role("heading", name="业主")).to_be_visible()
    page.get_by_role("link", name="刘桂兰").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("刘桂兰")
    # then her phone is masked, until she asks to see it
    expect(page.get_by_text("138****5678")).to_be_visible()
    expect(page.get_by_text("13812345678")).to_have_count(0)
    page.get_by_role("button", name="查看完整号码（联系电话）").click()
    expect(page.get_by_text("13812345678")).to_be_visible()
    expect(page.get_by_text("完整号码仅本次显示，查看已记录")).to_be_visible()
    assert AuditEvent.objects.filter(action="pii.reveal.phone", actor=e2e_world.li).count() == 1
    # and the breadcrumbs lead back up the place tree
    crumbs = page.get_by_role("navigation", name="当前位置")
    expect(crumbs).to_contain_text("锦江区")
    crumbs.get_by_role("link", name="五福苑").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("五福苑")


def test_the_age_structure_of_a_compound(page, e2e_world, sign_in):
    sign_in(page, e2e_world.li)
    page.get_by_role("link", name="五福苑").click()
    page.get_by_role("link", name="年龄结构（一老一小）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("年龄结构")
    by_building = page.get_by_role("table", name="各楼栋的65岁以上老人占比和3岁以下婴幼儿人数")
    row = by_building.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1栋"))
    expect(row).to_contain_text("33.3%")
    by_grid = page.get_by_role("table", name="各微网格的65岁以上老人占比和3岁以下婴幼儿人数")
    expect(by_grid).to_contain_text("一网格")
    expect(page.locator(".stats")).to_contain_text("25.0%")


def test_finding_a_resident_by_her_full_phone_number(page, e2e_world, sign_in):
    sign_in(page, e2e_world.li)
    search = page.get_by_label("查找居民：输入姓名（开头几个字），或完整的身份证号、手机号")
    search.fill("13812345678")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("居民名册")
    # the full number does not stay in the address bar (nor in the history)
    assert "13812345678" not in page.url
    expect(page.get_by_text("正在按完整号码 138****5678 查找")).to_be_visible()
    results = page.get_by_role("table", name="居民（身份证号和联系电话已脱敏）")
    expect(results.get_by_role("rowheader")).to_have_text(["刘桂兰"])
    expect(page.get_by_text("第 1 页，共 1 页")).to_be_visible()
    # the list shows the number masked, like everything else
    expect(results).to_contain_text("138****5678")


def test_filtering_the_community_list_by_age_group(page, e2e_world, sign_in):
    sign_in(page, e2e_world.wang)
    page.goto(f"/residents/?community={e2e_world.shahe_community.pk}")
    page.get_by_label("年龄段").select_option(label="3岁以下婴幼儿")
    page.get_by_role("button", name="查找").click()
    results = page.get_by_role("table", name="居民（身份证号和联系电话已脱敏）")
    expect(results.get_by_role("rowheader")).to_have_text(["刘小明"])
    expect(page.get_by_label("社区")).to_have_value(str(e2e_world.shahe_community.pk))


def test_a_street_official_meets_a_404_page_outside_her_street(page, e2e_world, sign_in):
    sign_in(page, e2e_world.wang)
    response = page.goto(f"/compounds/{e2e_world.guihuaxincun.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("找不到页面")
    expect(page.get_by_text("桂花新村")).to_have_count(0)
    # inside her street she can open any community
    page.goto(f"/communities/{e2e_world.dongguang_community.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("东光社区")


def test_the_login_form_works_from_the_keyboard(page, e2e_world):
    page.goto("/accounts/login/")
    # the user name box has the focus; Tab moves to the password; Enter signs in
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.type("li")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    # the first Tab on a page reaches the skip link to the main content
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()


def test_pages_fit_a_phone_screen(page, e2e_world, sign_in):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, e2e_world.li)
    for url in (
        f"/compounds/{e2e_world.wufuyuan.pk}/",
        f"/residents/?compound={e2e_world.wufuyuan.pk}",
        f"/residents/{e2e_world.liu_guilan.pk}/",
    ):
        page.goto(url)
        # wide tables scroll inside their own box; the page itself never scrolls sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (url, width)
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16, (url, size)
    assert re.search(r"/residents/\d+/$", page.url)
