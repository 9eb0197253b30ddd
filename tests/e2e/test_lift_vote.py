"""A lift for building 1 of 五福苑, voted by its owners (加装电梯表决), driven in the browser:

李社工 plans building 1's owners' assembly — a notice sent 10 days ago is refused (15 days are
required), one sent 16 days ago is accepted — and prepares the vote from the assembly's page
(matter (7): at least 3/4), checks the roll and opens it. 刘桂兰 (78) votes "同意" on her phone
with a confirmation. 李社工 types in 赵大海's signed paper ballot with its number and scan, sees
吴阿姨 on the not-voted list, waits for the closing time, closes and counts, reads the result
and prints it as a PDF. She publishes the result as a public notice (公示) of building 1: its A4
print holds the vote's title and outcome and a QR code to the notice's public page. 刘桂兰
opens the notice from her vote on her phone and objects (异议); 李社工 answers; 刘桂兰 reads the
answer and goes back to her vote.

By hand: building 1 holds 1栋1单元101 刘桂兰 65.40 m², 102 赵大海 58.75 m², 201 吴阿姨 40.00 m²:
164.15 m², 3 voting persons. Two took part: 124.15 m² (124.15 × 3 = 372.45 ≥ 2 × 164.15 =
328.30) and 2 of 3 persons, exactly 2/3 (以上: met). Both agreed: 124.15 of 124.15 m², 2 of 2
persons (≥ 3/4): passed.
"""

import datetime as dt
import io
import re

from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from laoyuan.core import pdf
from laoyuan.decisions.votes.models import Ballot, Vote
from laoyuan.notices import printing
from laoyuan.notices.models import Notice, Objection
from laoyuan.registry.actions import apply_phone
from laoyuan.registry.models import AreaSource, Owner, Ownership, Unit
from tests.notices.pdf_links import pdf_uris
from tests.notices.pdf_text import pdf_text


def _png(tmp_path):
    path = tmp_path / "表决票.png"
    out = io.BytesIO()
    Image.new("RGB", (300, 420), (250, 250, 245)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def test_a_lift_vote_for_one_building(page, e2e_world, sign_in, tmp_path):
    w = e2e_world
    # given building 1's owners: 刘桂兰 (an account), 赵大海 and 吴阿姨 (none)
    Ownership.objects.create(
        unit=w.u102,
        owner=Owner.objects.create(compound=w.wufuyuan, name="赵大海", resident=w.zhao_dahai),
    )
    u201 = Unit.objects.create(
        building=w.b1,
        entrance=w.u101.entrance,
        compound=w.wufuyuan,
        room_number="201",
        floor=2,
        area="40.00",
        area_source=AreaSource.REGISTER,
    )
    Ownership.objects.create(
        unit=u201, owner=Owner.objects.create(compound=w.wufuyuan, name="吴阿姨")
    )
    apply_phone(w.owner_liu, "13812345678")
    w.owner_liu.save()
    today = timezone.localdate()

    # 李社工 plans the assembly; a notice sent 10 days ago is too late
    sign_in(page, w.li)
    page.goto(reverse("decisions:meeting_plan", args=[w.wufuyuan.pk]))
    page.get_by_label("会议类型").select_option(label="业主大会")
    page.get_by_label("会议名称").fill("1栋加装电梯业主大会")
    page.get_by_label("会议日期").fill(today.isoformat())
    page.get_by_label("地点:", exact=True).fill("1栋楼下")
    page.get_by_label("1栋", exact=True).check()
    page.get_by_label("第1项议程", exact=True).fill("加装电梯方案表决")
    page.get_by_label("通知已经发出").check()
    page.get_by_label("通知日期").fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_label("公告栏张贴").check()
    page.get_by_label("业主微信群").check()
    page.get_by_role("button", name="保存计划").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("应当于会议召开15日以前通知全体业主")
    expect(alert).to_contain_text(f"会议最早可在{today + dt.timedelta(days=5):%Y-%m-%d}召开")
    expect(page.get_by_label("会议名称")).to_have_value("1栋加装电梯业主大会")
    # a notice sent 16 days ago is in time
    page.get_by_label("通知已经发出").check()
    page.get_by_label("通知日期").fill((today - dt.timedelta(days=16)).isoformat())
    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1栋加装电梯业主大会")
    expect(page.get_by_text("计划中").first).to_be_visible()
    expect(page.get_by_role("cell", name="公告栏张贴、业主微信群")).to_be_visible()

    # she prepares the vote from the assembly's page and opens it
    page.get_by_role("link", name="在本次业主大会发起表决").click()
    page.get_by_label("标题").fill("1栋加装电梯表决")
    page.get_by_label("表决事项").select_option(value="rebuild")
    page.get_by_label("表决内容").fill("是否同意在1栋加装电梯，费用按楼层系数分摊？")
    expect(page.get_by_label("1栋", exact=True)).to_be_checked()
    closes = (timezone.localtime() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    page.get_by_label("截止时间").fill(f"{closes:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("名册没有问题，可以开始投票。")).to_be_visible()
    expect(page.get_by_text("表决范围内 3 套房屋，登记面积合计 164.15 ㎡。")).to_be_visible()
    page.get_by_role("link", name="开始投票").click()
    page.get_by_role("button", name="确认开始投票").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("投票中")
    vote = Vote.objects.get(title="1栋加装电梯表决")
    page.get_by_role("link", name="表决名册", exact=True).click()
    expect(page.get_by_role("row")).to_have_count(4)  # a header and 3 voting persons
    expect(page.get_by_text("138****5678")).to_be_visible()  # 刘桂兰's phone, masked
    expect(page.get_by_text("13812345678")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    # 刘桂兰 votes on her phone, and confirms
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, w.liu)
    page.get_by_role("link", name="我的表决").click()
    page.get_by_role("link", name="去投票").click()
    expect(page.get_by_text("是否同意在1栋加装电梯")).to_be_visible()
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="请确认")).to_be_visible()
    expect(page.locator(".confirm-box .my-choice")).to_have_text("同意")
    page.get_by_role("button", name="确认投票").click()
    expect(page.get_by_text("投票成功！您选择了“同意”")).to_be_visible()
    expect(page.get_by_text("现在计入的是：同意")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # 李社工 types in 赵大海's signed paper ballot with its number and scan
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, w.li)
    page.goto(reverse("decisions:vote", args=[vote.pk]))
    expect(page.get_by_text("截止前不显示同意、不同意的票数")).to_be_visible()
    page.get_by_role("link", name="录入纸质票").click()
    page.get_by_label("房号或业主姓名").fill("1栋1单元102")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="赵大海").click()
    page.get_by_label("投票的业主（签名人）").select_option(label="赵大海")
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("票号").fill("1-002")
    page.get_by_label("表决票扫描件或照片（PDF、JPG、PNG）").set_input_files(str(_png(tmp_path)))
    page.get_by_role("button", name="保存这张票").click()
    expect(page.get_by_text("已录入赵大海的纸质表决票（票号1-002）。")).to_be_visible()
    assert Ballot.objects.filter(vote=vote).count() == 2

    # the not-voted list, for door-knocking: only 吴阿姨
    page.goto(reverse("decisions:vote", args=[vote.pk]))
    expect(page.get_by_text("66.67%")).to_be_visible()  # 2 of 3 persons have voted
    page.get_by_role("link", name="还没投票的业主（上门动员）").click()
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("rowheader", name="吴阿姨")).to_be_visible()

    # when the closing time has come, she closes and counts
    # (two hours pass: the vote's clock is moved, nothing else, so the test need not wait)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page.goto(reverse("decisions:vote", args=[vote.pk]))
    page.get_by_role("link", name="结束投票并计票").click()
    page.get_by_role("button", name="确认结束并计票").click()
    expect(page.get_by_text("结果：通过")).to_be_visible()
    table = page.locator("table.result-table")
    expect(
        table.get_by_role("row", name=re.compile(r"^表决范围内全部业主 164\.15 3"))
    ).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^参与表决 124\.15 2 "))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^同意 124\.15 2 100\.00%"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^不同意 0\.00 0 "))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^参与表决的人数占总人数"))).to_contain_text(
        "66.67%"
    )

    # and prints the result
    link = page.get_by_role("link", name="打印结果（PDF）").get_attribute("href")
    answer = page.request.get(link)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
    vote.refresh_from_db()
    assert (vote.status, vote.quorum_met, vote.passed) == ("closed", True, True)

    # she publishes the result as a public notice of building 1, from today for 7 working days
    page.goto(reverse("decisions:vote", args=[vote.pk]))
    expect(page.get_by_text("表决结果还没有公示。")).to_be_visible()
    page.get_by_role("link", name="公示表决结果").click()
    expect(page.get_by_label("公示开始日期")).to_have_value(today.isoformat())
    expect(page.get_by_label("公示天数")).to_have_value("7")
    page.get_by_label("补充说明（可不填）").fill("书面异议请交1栋楼栋长。")
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_text("已发布表决结果公示")).to_be_visible()
    notice = Notice.objects.get(subject_id=vote.pk, kind="vote_result")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1栋加装电梯表决结果公示")
    expect(page.get_by_role("link", name=f"表决结果-{vote.pk}.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="1栋加装电梯表决", exact=True)).to_be_visible()

    # its A4 print holds the vote's title and outcome, and the QR code leads to its public page
    answer = page.request.get(
        page.get_by_role("link", name="打印公示（PDF）").get_attribute("href")
    )
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    document = answer.body()
    text = pdf_text(document)
    assert "1栋加装电梯表决" in text and "结果：通过" in text
    assert "同意：面积 124.15 ㎡（100.00%），2 人（100.00%）" in text
    public_url = printing.public_url(notice)
    assert public_url in pdf_uris(document)
    assert str(pdf.qr_svg(public_url, scale=4)) == str(printing.print_context(notice)["qr"])
    page.get_by_role("button", name="退出").click()

    # 刘桂兰 opens the notice from her vote on her phone, and objects
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, w.liu)
    page.goto(reverse("decisions:portal_vote", args=[vote.pk]))
    expect(page.get_by_text("结果：通过")).to_be_visible()
    page.get_by_role("link", name="1栋加装电梯表决结果公示").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("表决结果公示")
    page.get_by_label("您的异议").fill("请公布纸质表决票，方便业主核对。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("谢谢您！您的异议已经提交")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # 李社工 answers it
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, w.li)
    page.goto(reverse("notices:notice", args=[notice.pk]))
    objections = page.locator("#objections")
    expect(objections.get_by_text("请公布纸质表决票")).to_be_visible()
    objections.get_by_role("link", name="答复").click()
    page.get_by_label("解释说明").check()
    page.get_by_label("答复内容").fill("纸质表决票原件存社区居委会，业主工作日可到社区查阅。")
    page.get_by_role("button", name="保存答复").click()
    expect(page.get_by_text("已答复。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # 刘桂兰 reads the answer on her phone, and goes back to her vote
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, w.liu)
    page.goto(reverse("notices:portal_notice", args=[notice.pk]))
    expect(page.get_by_text("纸质表决票原件存社区居委会，业主工作日可到社区查阅。")).to_be_visible()
    assert Objection.objects.get(notice=notice).state == "resolved"
    page.get_by_role("link", name="1栋加装电梯表决", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1栋加装电梯表决")
