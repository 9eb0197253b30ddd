"""Given notices of 五福苑 and elsewhere, when 刘桂兰 opens "小区公示" on her portal, then she sees
what is open for her place now and can object to it; for a notice outside her place, or outside
its period, she is told in plain words why she cannot; staff have no portal."""

import pytest
from django.urls import reverse

from laoyuan.notices import actions
from laoyuan.notices.models import Objection
from tests.notices.helpers import draft, end_period, published


def test_she_sees_the_notices_open_for_her_place(world, login):
    published(world, title="五福苑充电棚方案公示")
    published(world, title="沙河社区民生实事公示", place=world.shahe_community)
    published(world, title="二栋加装电梯公示", buildings=[world.b2])
    published(world, title="马家沟小区预算公示", place=world.majiagou)
    end_period(published(world, title="上月的公示"))
    draft(world, title="还没发布的草稿")
    text = login(world.liu).get(reverse("notices:portal_list")).content.decode()
    assert "五福苑充电棚方案公示" in text and "沙河社区民生实事公示" in text
    for hidden in ("二栋加装电梯公示", "马家沟小区预算公示", "上月的公示", "还没发布的草稿"):
        assert hidden not in text, hidden
    assert reverse("notices:public_compound", args=[world.wufuyuan.pk]) in text


def test_she_objects_and_sees_her_objection_and_its_answer(world, login):
    notice = published(world)
    client = login(world.liu)
    url = reverse("notices:portal_notice", args=[notice.pk])
    assert "提交异议" in client.get(url).content.decode()
    response = client.post(url, {"text": "充电棚离我家窗户太近"}, follow=True)
    text = response.content.decode()
    assert "谢谢您！您的异议已经提交" in text and "充电棚离我家窗户太近" in text
    objection = Objection.objects.get()
    actions.objection_answer(
        actor=world.li, objection=objection, text="已改到东门停车场旁。", outcome="adopted"
    )
    text = client.get(url).content.decode()
    assert "已改到东门停车场旁。" in text and "采纳" in text
    assert "充电棚离我家窗户太近" in client.get(reverse("notices:portal_list")).content.decode()


def test_an_empty_objection_is_refused_and_what_she_typed_is_kept(world, login):
    notice = published(world)
    client = login(world.liu)
    url = reverse("notices:portal_notice", args=[notice.pk])
    text = client.post(url, {"text": "   "}).content.decode()
    assert "请写下您的异议" in text and not Objection.objects.exists()
    text = client.post(url, {"text": "长" * 2001}).content.decode()
    assert "异议最多2000个字" in text or "异议太长" in text
    assert "长" * 2001 in text


def test_outside_her_place_she_is_told_why_she_cannot_object(world, login):
    notice = published(world, buildings=[world.b2])
    client = login(world.liu)
    url = reverse("notices:portal_notice", args=[notice.pk])
    text = client.get(url).content.decode()
    assert "您的住户不在公示范围内" in text and "提交异议" not in text
    text = client.post(url, {"text": "我也有意见"}).content.decode()
    assert "您的住户不在公示范围内" in text and not Objection.objects.exists()


def test_after_the_period_she_is_told_it_is_over(world, login):
    notice = end_period(published(world))
    text = login(world.liu).get(reverse("notices:portal_notice", args=[notice.pk])).content.decode()
    assert "不再受理新的异议" in text and "提交异议" not in text


def test_a_withdrawn_notice_says_so_on_her_portal(world, login):
    notice = published(world)
    actions.notice_withdraw(actor=world.li, notice=notice, reason="方案要调整")
    text = login(world.liu).get(reverse("notices:portal_notice", args=[notice.pk])).content.decode()
    assert "已撤回" in text and "方案要调整" in text and "提交异议" not in text


def test_a_draft_is_not_on_her_portal(world, login):
    notice = draft(world)
    assert (
        login(world.liu).get(reverse("notices:portal_notice", args=[notice.pk])).status_code == 404
    )


@pytest.mark.parametrize("who", ["li", "zhang", "qian", "nobody"])
def test_staff_and_others_have_no_portal(world, login, who):
    notice = published(world)
    client = login(world.users[who])
    assert client.get(reverse("notices:portal_list")).status_code == 404
    assert client.get(reverse("notices:portal_notice", args=[notice.pk])).status_code == 404
