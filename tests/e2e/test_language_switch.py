"""A community worker switches the interface to English from the header and back to Chinese
(中文): she stays on the page she was on, and the choice holds while she moves around."""

import re

from playwright.sync_api import expect


def test_a_community_worker_switches_to_english_and_back(page, e2e_world, sign_in):
    # given li, the community worker of 沙河社区, on her (Chinese) workspace
    sign_in(page, e2e_world.li)
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # when she clicks "English" in the header
    page.get_by_role("banner").get_by_role("button", name="English").click()

    # then the same page comes back in English
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
    expect(page.get_by_role("heading", name="My area of work")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # and it stays English on the next page she opens
    page.get_by_role("link", name="五福苑").click()
    expect(page.get_by_role("heading", name="Key facts")).to_be_visible()
    expect(page.get_by_text("Trust-model property management")).to_be_visible()

    # when she clicks "中文"
    page.get_by_role("banner").get_by_role("button", name="中文").click()

    # then she is back on the same compound page, in Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text("五福苑")
    expect(page.get_by_role("heading", name="基本情况")).to_be_visible()
    expect(page.get_by_text("信托制物业")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("button", name="English")).to_be_visible()


def test_a_resident_reads_her_home_page_in_english(page, e2e_world, sign_in):
    # given 刘桂兰 on her phone, signed in to her home page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, e2e_world.liu)
    expect(page.get_by_role("heading", level=1)).to_have_text("我的家")
    # when she switches to English
    page.get_by_role("button", name="English").click()
    # then her home page is English and her numbers stay masked
    expect(page.get_by_role("heading", level=1)).to_have_text("My home")
    expect(page.get_by_role("heading", name="My details")).to_be_visible()
    expect(page.get_by_text("138****5678").first).to_be_visible()
    expect(page.get_by_text("13812345678")).to_have_count(0)
