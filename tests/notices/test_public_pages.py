"""Given a notice with objections from named residents (one online, one on paper with a phone)
and answers by named staff, when anyone opens its public page, the compound's public page or
the public API without an account, then the notice, its attachments and every objection with
its answers are there — and no name, phone, ID number or staff member appears anywhere. Drafts
are 404; a withdrawn notice shows only that it was withdrawn, and why."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from laoyuan.notices import actions
from tests.notices.helpers import draft, end_period, paper_objection, pdf_file, published

# Everything personal the world and this test put in: names, phones, ID numbers, staff names.
PERSONAL = [
    "刘桂兰",
    "王大爷",
    "13812345678",
    "13911112222",
    "139****2222",
    "13700001234",
    "李社工",
    "陈书记",
]


@pytest.fixture
def notice(world):
    notice = published(world, title="五福苑充电棚建设方案公示", attachments=[pdf_file()])
    online = actions.objection_file(
        actor=world.liu, notice=notice, text="充电棚离1栋太近。联系我13812345678"
    )
    paper = paper_objection(world, notice, objector_name="王大爷", phone="13911112222")
    actions.objection_answer(
        actor=world.li,
        objection=online,
        text="已改到东门停车场旁，详询13700001234。",
        outcome="adopted",
    )
    actions.objection_answer(
        actor=world.chen, objection=paper, text="经核实距离符合规范。", outcome="explained"
    )
    return notice


def assert_nothing_personal(text: str, world) -> None:
    for value in [*PERSONAL, world.liu_guilan.id_number_masked]:
        assert value not in text, value


def test_the_public_page_shows_objections_and_answers_without_names(world, notice):
    response = Client().get(reverse("notices:public_notice", args=[notice.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "五福苑充电棚建设方案公示" in text and "改造方案.pdf" in text
    assert "充电棚离1栋太近。联系我[电话]" in text
    assert "已改到东门停车场旁，详询[电话]。" in text and "经核实距离符合规范。" in text
    assert "共2条异议，已答复2条" in text
    assert_nothing_personal(text, world)


def test_the_closed_notice_keeps_its_record_public(world, notice):
    end_period(notice)
    actions.notices_close_due()
    text = Client().get(reverse("notices:public_notice", args=[notice.pk])).content.decode()
    assert "共收到异议2条，已答复2条，未办结0条" in text
    assert "不再受理新的异议" in text
    assert_nothing_personal(text, world)


def test_the_compound_page_lists_current_and_past_notices(world, notice):
    past = end_period(published(world, title="上月的预算公示", kind="budget"))
    actions.notices_close_due()
    community = published(world, title="沙河社区民生实事公示", place=world.shahe_community)
    draft(world, title="草稿不公开")
    withdrawn = published(world, title="已撤回的公示")
    actions.notice_withdraw(actor=world.li, notice=withdrawn, reason="重复")
    published(world, title="马家沟的公示", place=world.majiagou)
    text = (
        Client().get(reverse("notices:public_compound", args=[world.wufuyuan.pk])).content.decode()
    )
    current, _sep, rest = text.partition("往期公示")
    assert "五福苑充电棚建设方案公示" in current and community.title in current
    assert past.title in rest and "已结束" in rest
    for hidden in ("草稿不公开", "已撤回的公示", "马家沟的公示"):
        assert hidden not in text, hidden
    assert_nothing_personal(text, world)


def test_a_draft_is_not_found_and_its_files_neither(world):
    notice = draft(world, attachments=[pdf_file()])
    client = Client()
    assert client.get(reverse("notices:public_notice", args=[notice.pk])).status_code == 404
    url = reverse("notices:public_attachment", args=[notice.pk, notice.attachments.get().pk])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/public/notices/{notice.pk}").status_code == 404


def test_a_published_notice_files_download_and_stop_once_withdrawn(world, notice):
    client = Client()
    attachment = notice.attachments.get()
    url = reverse("notices:public_attachment", args=[notice.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"
    actions.notice_withdraw(actor=world.li, notice=notice, reason="方案调整，联系13700001234")
    assert client.get(url).status_code == 404
    text = client.get(reverse("notices:public_notice", args=[notice.pk])).content.decode()
    assert "撤回，内容不再公开" in text and "方案调整，联系[电话]" in text
    assert "充电棚离1栋太近" not in text and "改造方案.pdf" not in text
    assert_nothing_personal(text, world)


def test_an_attachment_of_another_notice_is_not_served_under_this_one(world, notice):
    other = published(world, title="另一条", attachments=[pdf_file("另一个.pdf")])
    url = reverse("notices:public_attachment", args=[notice.pk, other.attachments.get().pk])
    assert Client().get(url).status_code == 404


def test_the_public_api_says_the_same_without_anything_personal(world, notice):
    client = Client()
    detail = client.get(f"/api/v1/public/notices/{notice.pk}")
    objections = client.get(f"/api/v1/public/notices/{notice.pk}/objections")
    listing = client.get(f"/api/v1/public/compounds/{world.wufuyuan.pk}/notices")
    assert (detail.status_code, objections.status_code, listing.status_code) == (200, 200, 200)
    assert detail.json()["objections"] == {"total": 2, "answered": 2, "resolved": 2}
    texts = [o["text"] for o in objections.json()["items"]]
    assert texts == ["充电棚离1栋太近。联系我[电话]", "充电棚离3栋窗户太近"]
    assert objections.json()["items"][0]["answers"][0]["text"] == "已改到东门停车场旁，详询[电话]。"
    assert listing.json()["items"][0]["title"] == "五福苑充电棚建设方案公示"
    whole = json.dumps([detail.json(), objections.json(), listing.json()], ensure_ascii=False)
    assert_nothing_personal(whole, world)
    assert "objector_name" not in whole and "phone" not in whole


def test_signed_in_visitors_see_the_same_public_page(world, notice, login):
    text = (
        login(world.qian).get(reverse("notices:public_notice", args=[notice.pk])).content.decode()
    )
    assert "充电棚离1栋太近" in text and "王大爷" not in text
