"""Given the staff pages of public notices, when a community worker lists, writes, edits,
publishes, withdraws and prints notices and answers objections through them, then each step
works as the actions do, a refused form keeps everything typed and says in Chinese what is wrong,
and those who may only look see no buttons and get 404 on the writing pages."""

import datetime as dt

import pytest
from django.urls import reverse

from laoyuan.core.models import AuditEvent
from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeAttachment, NoticeState, Objection
from tests.notices.helpers import PLAN_BODY, draft, paper_objection, pdf_file, published, today


def form_data(**overrides) -> dict:
    return {
        "kind": "plan",
        "title": "五福苑充电棚建设方案公示",
        "body": PLAN_BODY,
        "starts_on": today().isoformat(),
        "period_days": "7",
        "working_days": "0",
        "ends_on": "",
        "issuer": "沙河社区居民委员会",
        "objection_contact": "五福苑党群服务站",
    } | overrides


def test_the_list_shows_notices_in_scope_with_their_objections(world, login):
    mine = published(world, title="五福苑改造方案公示")
    paper_objection(world, mine)
    published(world, title="马家沟小区预算公示", place=world.majiagou)
    text = login(world.li).get(reverse("notices:list")).content.decode()
    assert "五福苑改造方案公示" in text and "马家沟小区预算公示" in text
    assert "公示中" in text
    # the grid worker of 五福苑 sees her compound's only
    text = login(world.zhang).get(reverse("notices:list")).content.decode()
    assert "五福苑改造方案公示" in text and "马家沟小区预算公示" not in text


def test_the_list_filters_by_place_kind_state_and_period(world, login):
    published(world, title="五福苑改造方案公示")
    draft(world, title="马家沟预算草稿", place=world.majiagou, kind="budget")
    client = login(world.li)
    url = reverse("notices:list")
    text = client.get(url, {"place": f"compound:{world.majiagou.pk}"}).content.decode()
    assert "马家沟预算草稿" in text and "五福苑改造方案公示" not in text
    text = client.get(url, {"kind": "budget"}).content.decode()
    assert "马家沟预算草稿" in text and "五福苑改造方案公示" not in text
    text = client.get(url, {"phase": "open"}).content.decode()
    assert "五福苑改造方案公示" in text and "马家沟预算草稿" not in text
    far = (today() + dt.timedelta(days=300)).isoformat()
    text = client.get(url, {"since": far}).content.decode()
    assert "没有符合条件的公示" in text
    text = client.get(url, {"since": "2026-10-10", "until": "2026-10-01"}).content.decode()
    assert "结束日期不能早于开始日期" in text and "五福苑改造方案公示" in text


def test_a_notice_is_written_with_an_attachment_through_the_form(world, login):
    client = login(world.li)
    url = reverse("notices:new_compound", args=[world.wufuyuan.pk])
    page = client.get(url).content.decode()
    assert "沙河社区居民委员会" in page  # the signature offered
    response = client.post(url, form_data(attachments=[pdf_file()], buildings=[world.b1.pk]))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "notices:notice", args=[notice.pk]
    )
    assert notice.state == NoticeState.DRAFT and notice.target_label == "五福苑 1栋"
    assert notice.attachments.get().name == "改造方案.pdf"


def test_a_refused_form_keeps_what_was_typed(world, login):
    client = login(world.li)
    url = reverse("notices:new_compound", args=[world.wufuyuan.pk])
    response = client.post(
        url, form_data(title="", period_days="0", body="正文写了很多内容", attachments=[pdf_file()])
    )
    text = response.content.decode()
    assert response.status_code == 200 and not Notice.objects.exists()
    assert "请填写标题。" in text and "公示天数至少为1。" in text
    assert "正文写了很多内容" in text and "五福苑党群服务站" in text
    assert "请重新选择附件" in text


def test_a_disguised_attachment_is_refused_on_the_form(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.li)
    url = reverse("notices:new_compound", args=[world.wufuyuan.pk])
    fake = SimpleUploadedFile("方案.pdf", b"<script>alert(1)</script>")
    text = client.post(url, form_data(attachments=[fake])).content.decode()
    assert "不是可接受的文件" in text and not Notice.objects.exists()


def test_the_end_date_is_counted_without_saving(world, login):
    client = login(world.li)
    url = reverse("notices:new_compound", args=[world.wufuyuan.pk])
    text = client.post(url, {**form_data(period_days="10"), "preview": "1"}).content.decode()
    end = (today() + dt.timedelta(days=9)).isoformat()
    assert f"至 {end}" in text and not Notice.objects.exists()


def test_a_period_into_an_unpublished_year_is_flagged_on_the_form(world, login):
    from laoyuan.core import workdays

    year = today().year
    while workdays.year_is_published(year):
        year += 1
    start = max(today(), dt.date(year - 1, 12, 28))
    client = login(world.li)
    url = reverse("notices:new_compound", args=[world.wufuyuan.pk])
    data = form_data(starts_on=start.isoformat(), period_days="10", working_days="1")
    text = client.post(url, {**data, "preview": "1"}).content.decode()
    assert f"{year}年的节假日和调休安排尚未公布" in text
    notice_url = client.post(url, data).url
    assert f"公示期跨到{year}年" in client.get(notice_url).content.decode()


def test_a_draft_is_edited_published_and_printed(world, login):
    notice = draft(world, working_days=False)
    client = login(world.li)
    edit = reverse("notices:edit", args=[notice.pk])
    assert "修改草稿" in client.get(edit).content.decode()
    response = client.post(edit, form_data(title="五福苑改造方案（修订）公示"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "五福苑改造方案（修订）公示"
    client.post(reverse("notices:attach", args=[notice.pk]), {"attachments": [pdf_file()]})
    assert notice.attachments.count() == 1
    response = client.post(reverse("notices:publish", args=[notice.pk]), follow=True)
    assert "已发布，公示期" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    # the published notice can no longer be edited
    response = client.get(edit, follow=True)
    assert "不能再修改" in response.content.decode()
    pdf = client.get(reverse("notices:print", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_publishing_a_stale_draft_says_why_not(world, login):
    notice = draft(world)
    Notice.objects.filter(pk=notice.pk).update(starts_on=today() - dt.timedelta(days=2))
    client = login(world.li)
    text = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "开始日期已经过去" in text
    text = client.post(reverse("notices:publish", args=[notice.pk]), follow=True).content.decode()
    assert "没有发布：" in text and "已经过去" in text


def test_an_attachment_is_removed_from_a_draft(world, login):
    notice = draft(world, attachments=[pdf_file()])
    attachment = notice.attachments.get()
    client = login(world.li)
    client.post(reverse("notices:attachment_remove", args=[attachment.pk]))
    assert not NoticeAttachment.objects.exists()


def test_withdrawing_needs_a_reason_on_the_page_too(world, login):
    notice = published(world)
    client = login(world.li)
    url = reverse("notices:withdraw", args=[notice.pk])
    assert "请写明撤回的理由" in client.post(url, {"reason": " "}).content.decode()
    client.post(url, {"reason": "方案调整，重新公示"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN


def test_attachments_download_for_staff_sandboxed(world, login):
    notice = draft(world, attachments=[pdf_file()])
    response = login(world.li).get(
        reverse("notices:attachment", args=[notice.attachments.get().pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_paper_objection_is_typed_in_and_answered_on_the_pages(world, login):
    notice = published(world)
    client = login(world.li)
    url = reverse("notices:paper_objection", args=[notice.pk])
    refused = client.post(
        url, {"objector_name": "王大爷", "phone": "123", "received_on": today(), "text": "太近了"}
    ).content.decode()
    assert "电话号码格式不正确" in refused and "太近了" in refused and "王大爷" in refused
    client.post(
        url,
        {
            "objector_name": "王大爷",
            "phone": "13911112222",
            "received_on": today(),
            "text": "太近了",
        },
    )
    objection = Objection.objects.get()
    detail = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "王大爷" in detail and "139****2222" in detail and "13911112222" not in detail
    answer = reverse("notices:answer", args=[objection.pk])
    assert "请选择处理结果" in client.post(answer, {"text": "已核实"}).content.decode()
    client.post(answer, {"outcome": "explained", "text": "经核实，距离符合规范。"})
    objection.refresh_from_db()
    assert objection.state == "resolved"
    detail = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "经核实，距离符合规范。" in detail


def test_revealing_a_paper_objector_phone_shows_it_once_and_logs(world, login):
    objection = paper_objection(world, published(world))
    client = login(world.li)
    answer_page = client.get(reverse("notices:answer", args=[objection.pk])).content.decode()
    assert "139****2222" in answer_page and "13911112222" not in answer_page
    revealed = client.post(reverse("notices:objection_reveal", args=[objection.pk]))
    assert "13911112222" in revealed.content.decode()
    assert "no-cache" in revealed["Cache-Control"]
    assert AuditEvent.objects.filter(action="pii.reveal.phone").count() == 1


@pytest.mark.parametrize("who", ["sun", "zhou"])
def test_those_who_only_look_see_no_buttons_and_cannot_write(world, login, who):
    notice = draft(world)
    objection = paper_objection(world, published(world, title="已发布"))
    client = login(world.users[who])
    text = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "修改草稿" not in text and ">发布<" not in text
    for name, pk in [
        ("notices:publish", notice.pk),
        ("notices:edit", notice.pk),
        ("notices:withdraw", notice.pk),
        ("notices:answer", objection.pk),
        ("notices:objection_reveal", objection.pk),
    ]:
        assert client.post(reverse(name, args=[pk]), {"reason": "x"}).status_code == 404, name
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert client.get(reverse("notices:new")).status_code == 404


def test_choosing_the_place_leads_to_the_form(world, login):
    client = login(world.li)
    page = client.get(reverse("notices:new")).content.decode()
    assert "沙河社区（全社区）" in page and "五福苑" in page
    response = client.get(
        reverse("notices:new"), {"place": f"community:{world.shahe_community.pk}"}
    )
    assert response.url == reverse("notices:new_community", args=[world.shahe_community.pk])
    # chen, the party secretary of 五福苑, publishes for 五福苑 only
    page = login(world.chen).get(reverse("notices:new")).content.decode()
    assert 'value="community:' not in page and f'value="compound:{world.wufuyuan.pk}"' in page


def test_the_history_names_who_did_what(world, login):
    notice = published(world)
    actions.notice_withdraw(actor=world.li, notice=notice, reason="重新公示")
    text = login(world.li).get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "起草" in text and "发布" in text and "撤回" in text and "重新公示" in text
