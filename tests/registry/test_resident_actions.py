"""Resident writes go through actions: validated, permission-checked, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent
from laoyuan.registry import actions
from laoyuan.registry.models import Resident
from tests.cast import make_id_number


def test_it_creates_a_resident_and_derives_birth_and_sex(world):
    number = make_id_number("19560708", seq="90", male=False)
    r = actions.resident_create(
        actor=world.li, household=world.h2, name=" 赵阿姨 ", id_number=number, phone="139 0000 3333"
    )
    r.refresh_from_db()
    assert (r.name, r.sex, str(r.birth_date)) == ("赵阿姨", "F", "1956-07-08")
    assert r.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    event = AuditEvent.objects.get(action="resident.create", object_id=str(r.pk))
    assert event.actor == world.li
    assert number not in str(event.changes) and "13900003333" not in str(event.changes)


def test_it_rejects_bad_numbers_with_chinese_messages_and_saves_nothing(world):
    before = Resident.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.resident_create(
            actor=world.li,
            household=world.h2,
            name="某某",
            id_number="110105194912310021",
            phone="12345",
        )
    assert "校验位" in str(err.value.message_dict["id_number"])
    assert "phone" in err.value.message_dict
    assert Resident.objects.count() == before


def test_it_refuses_the_same_id_number_twice_in_one_unit(world):
    number = make_id_number("19480312", male=False)  # 刘桂兰's
    with pytest.raises(ValidationError):
        actions.resident_create(actor=world.li, household=world.h1, name="重复", id_number=number)


def test_roles_without_edit_permission_cannot_write(world):
    with pytest.raises(PermissionDenied):
        actions.resident_create(actor=world.chen, household=world.h2, name="某某")
    with pytest.raises(PermissionDenied):  # grid worker, other grid
        actions.resident_update(actor=world.zhang, resident=world.sun_li, name="改名")
    with pytest.raises(PermissionDenied):  # outsider
        actions.resident_update(actor=world.qian, resident=world.liu_guilan, name="改名")


def test_update_records_what_changed_and_keeps_numbers_unless_given(world):
    r = world.zhao_dahai
    masked = r.id_number_masked
    actions.resident_update(actor=world.zhang, resident=r, lives_alone=True, note="独居老人")
    r.refresh_from_db()
    assert r.lives_alone and r.id_number_masked == masked
    event = AuditEvent.objects.get(action="resident.update", object_id=str(r.pk))
    assert event.changes["lives_alone"] == [False, True]
    actions.resident_update(actor=world.zhang, resident=r, phone="")
    r.refresh_from_db()
    assert r.phone_masked == "" and r.phone_cipher == "" and r.phone_index == ""


def test_update_refuses_fields_that_are_not_editable(world):
    with pytest.raises(ValueError):
        actions.resident_update(actor=world.li, resident=world.zhao_dahai, compound_id=1)


def test_reveal_is_logged_and_limited_to_roles_that_may(world):
    assert (
        actions.resident_reveal(actor=world.li, resident=world.liu_guilan, field="phone")
        == "13812345678"
    )
    assert (
        AuditEvent.objects.filter(
            action="pii.reveal.phone", actor=world.li, object_id=str(world.liu_guilan.pk)
        ).count()
        == 1
    )
    for outsider in (world.chen, world.sun, world.zhao, world.zhou, world.qian):
        with pytest.raises(PermissionDenied):
            actions.resident_reveal(actor=outsider, resident=world.liu_guilan, field="id_number")


def test_a_resident_may_reveal_her_own_household_only(world):
    assert (
        actions.resident_reveal(actor=world.liu, resident=world.liu_guilan, field="phone")
        == "13812345678"
    )
    event = AuditEvent.objects.get(action="pii.reveal.phone", actor=world.liu)
    assert event.changes == {"field": "phone", "own": True}
    with pytest.raises(PermissionDenied):
        actions.resident_reveal(actor=world.liu, resident=world.zhao_dahai, field="phone")


def test_household_grid_must_belong_to_the_same_compound(world):
    other = world.guihuaxincun.grids.create(name="桂花一网格")
    with pytest.raises(ValidationError):
        actions.household_assign_grid(actor=world.wang, household=world.h1, grid=other)
    actions.household_assign_grid(actor=world.li, household=world.h1, grid=world.grid_b)
    world.h1.refresh_from_db()
    assert world.h1.grid == world.grid_b


def test_a_room_number_is_unique_per_building_with_or_without_entrance(world):
    from django.db import IntegrityError, transaction

    from laoyuan.registry.models import Unit

    Unit.objects.create(building=world.b1, compound=world.wufuyuan, room_number="601")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(building=world.b1, compound=world.wufuyuan, room_number="601")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            building=world.b1,
            entrance=world.u101.entrance,
            compound=world.wufuyuan,
            room_number="101",
        )


def test_a_new_id_number_brings_its_birth_date_and_sex(world):
    r = world.zhao_dahai  # born 1970-01-01, male
    actions.resident_update(
        actor=world.li, resident=r, id_number=make_id_number("19750606", seq="11", male=False)
    )
    r.refresh_from_db()
    assert (str(r.birth_date), r.sex) == ("1975-06-06", "F")
    event = AuditEvent.objects.get(action="resident.update", object_id=str(r.pk))
    assert event.changes["birth_date"] == ["1970-01-01", "1975-06-06"]


def test_a_birth_date_given_with_the_id_number_must_agree(world):
    import datetime as dt

    with pytest.raises(ValidationError) as err:
        actions.resident_update(
            actor=world.li,
            resident=world.zhao_dahai,
            birth_date=dt.date(1980, 1, 1),
            id_number=make_id_number("19750606", seq="11"),
        )
    assert err.value.message_dict["birth_date"] == ["出生日期与身份证号不一致"]
