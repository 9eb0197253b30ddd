"""Given a published notice, when a resident files an objection from her portal, then it is
accepted only during the period and only if her household lies inside the target; its text is
kept redacted (a phone typed into it is sealed); the staff who published are told. Bad input and
objections outside the window are refused in Chinese and nothing is stored."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent, Notification
from laoyuan.notices import actions
from laoyuan.notices.actions import MAX_OBJECTIONS_PER_PERSON
from laoyuan.notices.models import Notice, Objection, ObjectionChannel
from tests.notices.helpers import end_period, published, today


def file(world, notice, text="充电棚建在3栋窗下，噪音和安全都有问题"):
    return actions.objection_file(actor=world.liu, notice=notice, text=text)


def refusal(world, notice, text="我有异议") -> str:
    with pytest.raises(ValidationError) as caught:
        file(world, notice, text)
    assert not Objection.objects.exists()
    return caught.value.message_dict["text"][0]


def test_a_resident_of_the_compound_objects_during_the_period(world):
    notice = published(world)
    Notification.objects.all().delete()
    objection = file(world, notice)
    assert objection.channel == ObjectionChannel.ONLINE
    assert (objection.author, objection.resident) == (world.liu, world.liu_guilan)
    assert objection.objector_name == "刘桂兰" and objection.received_on == today()
    assert objection.state == "pending"
    assert AuditEvent.objects.filter(action="objection.file").count() == 1
    # the community worker who published it is told
    (note,) = Notification.objects.all()
    assert note.user == world.li and "收到一条异议" in note.title


def test_a_community_wide_notice_takes_objections_from_its_residents(world):
    notice = published(world, place=world.shahe_community)
    assert file(world, notice).pk


def test_a_phone_in_the_text_is_never_kept_in_clear(world):
    objection = file(world, published(world), "有事请打我电话13812345678")
    assert objection.text_redacted == "有事请打我电话[电话]"
    assert "13812345678" in pii.decrypt(objection.text_sealed)


def test_a_resident_outside_the_target_is_told_she_cannot_object(world):
    # given a notice for building 2 only; 刘桂兰 lives in building 1
    notice = published(world, buildings=[world.b2])
    assert "1栋" not in notice.target_label
    message = refusal(world, notice)
    assert message == ("这条公示只面向五福苑 2栋的居民，您的住户不在公示范围内，不能在线提出异议。")


def test_a_resident_of_another_compound_cannot_object(world):
    assert "只面向马家沟小区的居民" in refusal(world, published(world, place=world.majiagou))


def test_after_the_period_no_objection_is_taken(world):
    notice = end_period(published(world))
    assert refusal(world, notice) == (
        f"公示期已于{notice.ends_on.isoformat()}结束，不再受理新的异议。"
    )


def test_before_the_start_no_objection_is_taken(world):
    notice = published(world, starts_on=today() + dt.timedelta(days=3))
    assert "开始后才能提出异议" in refusal(world, notice)


def test_a_withdrawn_notice_takes_no_objection(world):
    notice = published(world)
    actions.notice_withdraw(actor=world.li, notice=notice, reason="内容有误")
    assert "已经撤回" in refusal(world, notice)


@pytest.mark.parametrize(
    ("text", "words"),
    [("   ", "请写下您的异议"), ("异" * 2001, "异议太长：共2001个字"), ("坏\x00字", "控制字符")],
)
def test_bad_texts_are_refused(world, text, words):
    assert words in refusal(world, published(world), text)


def test_one_person_may_not_flood_a_notice(world):
    notice = published(world)
    for i in range(MAX_OBJECTIONS_PER_PERSON):
        file(world, notice, f"第{i + 1}点意见")
    with pytest.raises(ValidationError) as caught:
        file(world, notice, "再来一条")
    assert "已经提出了10条异议" in caught.value.messages[0]
    assert Objection.objects.count() == MAX_OBJECTIONS_PER_PERSON


def test_staff_cannot_file_as_residents(world):
    with pytest.raises(PermissionDenied):
        actions.objection_file(actor=world.li, notice=published(world), text="我有异议")


def test_a_draft_takes_no_objection_even_if_reached(world):
    from tests.notices.helpers import draft

    notice = draft(world)
    assert "还没有发布" in refusal(world, Notice.objects.get(pk=notice.pk))
