"""Given a draft, when it is published, then it is frozen, its end is counted again with the
calendar as it stands, and the residents of the target place (and only they) are told; when it
is withdrawn, the reason is kept and objectors are told; a discarded draft stays unseen."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laoyuan.core import workdays
from laoyuan.core.models import AuditEvent, CalendarDay, Notification, Role, RoleAssignment, User
from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeEvent, NoticeState
from tests.notices.helpers import draft, published, today


def _resident_of(household, username):
    user = User.objects.create_user(username=username, password="x")
    RoleAssignment.objects.create(
        user=user, role=Role.RESIDENT, level="household", household=household
    )
    return user


def test_publishing_freezes_the_draft_and_tells_the_residents_of_the_place(world):
    # given a resident of building 2 and one of 桂花新村 besides 刘桂兰 (building 1)
    sun_li = _resident_of(world.h3, "sunli")
    gui = _resident_of(world.g1, "gui")
    notice = draft(world, working_days=False)
    # when li publishes it
    notice = actions.notice_publish_draft(actor=world.li, notice=notice)
    # then it is published, by li, now
    assert notice.state == NoticeState.PUBLISHED and notice.published_by == world.li
    assert notice.published_at is not None
    assert NoticeEvent.objects.get(notice=notice, kind="published").to_state == "published"
    assert AuditEvent.objects.filter(action="notice.publish").count() == 1
    # and the residents of 五福苑 are told, with a link to the notice on their portal
    told = set(
        Notification.objects.filter(title__contains="五福苑改造方案公示").values_list(
            "user", flat=True
        )
    )
    assert told == {world.liu.pk, sun_li.pk}
    assert gui.pk not in told
    note = Notification.objects.get(user=world.liu)
    assert note.url == reverse("notices:portal_notice", args=[notice.pk])


def test_a_notice_for_one_building_tells_only_its_residents(world):
    sun_li = _resident_of(world.h3, "sunli")
    notice = draft(world, buildings=[world.b2], working_days=False)
    actions.notice_publish_draft(actor=world.li, notice=notice)
    assert list(Notification.objects.values_list("user", flat=True)) == [sun_li.pk]


def test_a_draft_whose_start_has_passed_is_not_published(world):
    notice = draft(world)
    Notice.objects.filter(pk=notice.pk).update(starts_on=today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        actions.notice_publish_draft(actor=world.li, notice=notice)
    assert "已经过去" in caught.value.message_dict["starts_on"][0]
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and not Notification.objects.exists()


def test_publishing_counts_the_end_again_with_the_calendar_entered_since(world):
    # given a draft of 3 working days from the first weekday of next week
    start = today() + dt.timedelta(days=7 - today().weekday())
    notice = draft(world, starts_on=start, days=3)
    assert notice.ends_on == start + dt.timedelta(days=2)
    # and, after it was saved, its second day entered as a local holiday
    CalendarDay.objects.create(day=start + dt.timedelta(days=1), is_workday=False, name="调整")
    workdays.forget()
    # when it is published, the end moves one day
    notice = actions.notice_publish_draft(actor=world.li, notice=notice)
    assert notice.ends_on == start + dt.timedelta(days=3)


def test_a_published_notice_is_not_published_again(world):
    notice = published(world)
    with pytest.raises(ValidationError):
        actions.notice_publish_draft(actor=world.li, notice=notice)


def test_those_who_may_not_publish_get_permission_denied(world):
    notice = draft(world)
    for who in ("sun", "zhang", "zhou", "qian", "liu"):
        with pytest.raises(PermissionDenied):
            actions.notice_publish_draft(actor=world.users[who], notice=notice)
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT


def test_withdrawing_keeps_the_reason_and_tells_the_objectors(world):
    notice = published(world)
    actions.objection_file(actor=world.liu, notice=notice, text="方案没有征求一楼住户意见")
    Notification.objects.all().delete()
    notice = actions.notice_withdraw(
        actor=world.li, notice=notice, reason="方案需补充一楼住户意见，撤回修改后重新公示"
    )
    assert notice.state == NoticeState.WITHDRAWN and notice.withdrawn_by == world.li
    assert notice.withdraw_reason.startswith("方案需补充")
    assert NoticeEvent.objects.get(notice=notice, kind="withdrawn").note == notice.withdraw_reason
    (note,) = Notification.objects.filter(user=world.liu)
    assert "已撤回" in note.title


@pytest.mark.parametrize(
    ("reason", "words"), [("  ", "请写明撤回的理由"), ("理" * 1001, "最多1000个字")]
)
def test_a_withdrawal_needs_a_reason(world, reason, words):
    notice = published(world)
    with pytest.raises(ValidationError) as caught:
        actions.notice_withdraw(actor=world.li, notice=notice, reason=reason)
    assert words in caught.value.message_dict["reason"][0]
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED


def test_a_withdrawn_or_closed_notice_cannot_be_withdrawn_again(world):
    notice = published(world)
    actions.notice_withdraw(actor=world.li, notice=notice, reason="重复发布")
    with pytest.raises(ValidationError) as caught:
        actions.notice_withdraw(actor=world.li, notice=notice, reason="再撤一次")
    assert "不能改为" in caught.value.messages[0]


def test_a_discarded_draft_was_never_published(world, client):
    notice = draft(world)
    actions.notice_withdraw(actor=world.li, notice=notice, reason="写错了小区")
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN and notice.published_at is None
    assert client.get(reverse("notices:public_notice", args=[notice.pk])).status_code == 404


def test_the_one_step_publish_other_apps_call(world):
    from tests.scope_fills.topics import topic_in

    topic = topic_in(world)
    notice = actions.notice_publish(
        actor=world.li,
        place=world.wufuyuan,
        kind="decision",
        title="3栋楼顶漏雨维修决定公示",
        body="经现场办公会决定，由物业公司于本月内完成屋面防水维修。",
        starts_on=today(),
        period_days=5,
        working_days=False,
        subject=topic,
    )
    assert notice.state == NoticeState.PUBLISHED and notice.subject == topic
    assert notice.ends_on == today() + dt.timedelta(days=4)
