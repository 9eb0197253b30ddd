"""A public notice (公示) from the first draft to the public record: 李社工 drafts the e-bike shed
plan of 五福苑 with its site plan attached and publishes it; the printed A4 notice is a PDF whose
QR code points at the public page; 刘桂兰 (78) objects from her phone; 李社工 answers; the
period ends and the closing task closes it; anyone then reads on the public page that the
objection was answered — without her name."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from laoyuan.notices.models import Notice, NoticeState, Objection
from laoyuan.notices.tasks import close_due_notices
from tests.notices.helpers import end_period, pdf_bytes
from tests.notices.pdf_links import pdf_uris

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def site_url(settings, live_server):
    # The QR code's address is the live server's, as LAOYUAN_SITE_URL is the site's in production.
    settings.LAOYUAN_SITE_URL = live_server.url
    return live_server.url


def test_a_notice_is_published_objected_to_answered_and_closed(
    page, browser, live_server, e2e_world, sign_in, site_url, tmp_path
):
    world = e2e_world
    plan = tmp_path / "充电棚平面图.pdf"
    plan.write_bytes(pdf_bytes("site plan"))

    # given 李社工 at her desk: she drafts the notice with the plan attached
    sign_in(page, world.li)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="公示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公示")
    page.get_by_role("link", name="发布公示").click()
    page.get_by_label("公示范围").select_option(label="五福苑")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("发布公示：五福苑")
    page.get_by_label("公示类型").select_option(label="项目")
    page.get_by_label("标题").fill("五福苑东门电动自行车充电棚建设方案公示")
    page.get_by_label("正文").fill("在东门停车场北侧建设充电棚，充电位60个，配烟感报警和监控。")
    page.get_by_label("公示天数").fill("7")
    page.get_by_label("自然日").check()
    page.get_by_label("附件（可不传）").set_input_files(str(plan))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "五福苑东门电动自行车充电棚建设方案公示"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("草稿")
    expect(page.get_by_role("link", name="充电棚平面图.pdf")).to_be_visible()

    # when she publishes it
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_text("已发布，公示期")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("公示中")
    notice = Notice.objects.get()
    public_url = f"{site_url}/public/notices/{notice.pk}/"

    # then the printed notice is an A4 PDF whose QR code leads to the public page
    print_link = page.get_by_role("link", name="打印公示（PDF）")
    answer = page.context.request.get(print_link.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
    assert public_url in pdf_uris(answer.body())

    # when 刘桂兰 opens "小区公示" on her phone and objects
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    phone.set_default_timeout(10_000)
    resident = phone.new_page()
    sign_in(resident, world.liu)
    resident.get_by_role("link", name="小区公示").first.click()
    card = resident.get_by_role("listitem").filter(
        has_text="五福苑东门电动自行车充电棚建设方案公示"
    )
    card.get_by_role("link", name="查看和提出异议").click()
    expect(resident.get_by_role("heading", level=1)).to_contain_text("充电棚建设方案公示")
    resident.get_by_label("您的异议").fill("希望充电棚给三轮车留几个位置，老年人骑三轮车的多。")
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    resident.get_by_role("button", name="提交异议").click()
    expect(resident.get_by_text("谢谢您！您的异议已经提交")).to_be_visible()
    expect(resident.get_by_text("待答复")).to_be_visible()
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # and 李社工 answers it
    page.reload()
    objections = page.locator("#objections")
    expect(objections.get_by_text("希望充电棚给三轮车留几个位置")).to_be_visible()
    objections.get_by_role("link", name="答复").click()
    page.get_by_label("采纳").check()
    page.get_by_label("答复内容").fill("采纳：充电棚东侧留出8个三轮车位。")
    page.get_by_role("button", name="保存答复").click()
    expect(page.get_by_text("已答复。")).to_be_visible()

    # she reads the answer on her phone
    resident.reload()
    expect(resident.get_by_text("采纳：充电棚东侧留出8个三轮车位。")).to_be_visible()

    # when the period is over (time passes) and the closing task runs
    end_period(notice)
    assert close_due_notices.enqueue().return_value == 1
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    assert (notice.closing.objections, notice.closing.unresolved) == (1, 0)

    # then anyone reads on the public page that the objection was answered, without names
    visitor = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    public = visitor.new_page()
    public.goto(public_url)
    expect(public.get_by_role("heading", level=1)).to_contain_text("已结束")
    expect(public.get_by_text("希望充电棚给三轮车留几个位置")).to_be_visible()
    expect(public.get_by_text("采纳：充电棚东侧留出8个三轮车位。")).to_be_visible()
    expect(public.get_by_text("共收到异议1条，已答复1条，未办结0条")).to_be_visible()
    assert "刘桂兰" not in public.content()
    assert Objection.objects.get().objector_name == "刘桂兰"
    expect(public.get_by_role("link", name="充电棚平面图.pdf")).to_be_visible()
    visitor.close()
    phone.close()
    assert reverse("notices:public_notice", args=[notice.pk]) in public_url
