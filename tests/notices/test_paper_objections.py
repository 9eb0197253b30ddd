"""Given a published notice, when staff type in an objection received on paper, then the name
is kept as written, the phone is sealed and shown only masked, and revealing it is logged; the
date must fall in the period; those who may not record or reveal are refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent
from laoyuan.notices import actions
from laoyuan.notices.models import Objection, ObjectionChannel
from tests.notices.helpers import end_period, paper_objection, published, today


def test_a_paper_objection_keeps_the_name_and_seals_the_phone(world):
    objection = paper_objection(world, published(world), phone="139-1111-2222")
    assert objection.channel == ObjectionChannel.PAPER
    assert (objection.objector_name, objection.recorded_by) == ("王大爷", world.li)
    assert objection.phone_masked == "139****2222"
    assert pii.decrypt(objection.phone_cipher) == "13911112222"
    assert objection.phone_index == pii.blind_index("phone", "13911112222")
    audit = AuditEvent.objects.get(action="objection.record_paper")
    assert audit.changes["phone"] == "139****2222" and "13911112222" not in str(audit.changes)


def test_revealing_the_phone_is_logged(world):
    objection = paper_objection(world, published(world))
    assert actions.objection_reveal_phone(actor=world.li, objection=objection) == "13911112222"
    event = AuditEvent.objects.get(action="pii.reveal.phone")
    assert (event.actor, event.object_id) == (world.li, str(objection.pk))


@pytest.mark.parametrize("who", ["chen", "zhao", "sun", "qian"])
def test_those_without_the_reveal_permission_cannot_reveal(world, who):
    objection = paper_objection(world, published(world))
    with pytest.raises(PermissionDenied):
        actions.objection_reveal_phone(actor=world.users[who], objection=objection)
    assert not AuditEvent.objects.filter(action="pii.reveal.phone").exists()


def test_the_grid_worker_records_paper_objections_of_her_compound(world):
    objection = paper_objection(world, published(world), who="zhang")
    assert objection.recorded_by == world.zhang


@pytest.mark.parametrize("who", ["sun", "zhou", "qian", "liu"])
def test_others_may_not_record(world, who):
    with pytest.raises(PermissionDenied):
        paper_objection(world, published(world), who=who)
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"objector_name": " "}, "objector_name", "请填写异议人姓名"),
        ({"phone": "12345"}, "phone", "电话号码格式不正确"),
        ({"phone": "电话"}, "phone", "只能包含数字"),
        ({"received_on": dt.date.today() + dt.timedelta(days=2)}, "received_on", "不能晚于今天"),
        ({"received_on": dt.date(2020, 1, 1)}, "received_on", "早于公示开始日期"),
        ({"text": ""}, "text", "请写下您的异议"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(world, fields, field, words):
    with pytest.raises(ValidationError) as caught:
        paper_objection(world, published(world), **fields)
    assert words in caught.value.message_dict[field][0]
    assert not Objection.objects.exists()


def test_after_the_period_paper_objections_are_refused_too(world):
    notice = end_period(published(world))
    with pytest.raises(ValidationError) as caught:
        paper_objection(world, notice, received_on=today())
    assert "不再受理新的异议" in caught.value.messages[0]
