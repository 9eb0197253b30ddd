"""Editing a resident and adding one to a household: Chinese errors next to the field, nothing
lost on error, full numbers never put back into the form, only for roles that may edit."""

import re

from django.urls import reverse

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import Resident
from tests.cast import make_id_number


def _form_data(resident: Resident, **changes) -> dict:
    data = {
        "name": resident.name,
        "id_number": "",
        "phone": "",
        "sex": resident.sex,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else "",
        "relation": resident.relation,
        "tenure": resident.tenure,
        "note": resident.note,
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _error_next_to(html: str, field: str) -> str:
    """The error list Django renders for one field (id_<field>_error)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_the_edit_form_never_holds_the_full_numbers(world, login):
    html = login(world.li).get(reverse("registry:resident_edit", args=[world.liu_guilan.pk]))
    html = html.content.decode()
    assert "13812345678" not in html
    assert pii.decrypt(world.liu_guilan.id_number_cipher) not in html
    for field in ("id_number", "phone"):
        box = re.search(rf'<input [^>]*name="{field}"[^>]*>', html).group(0)
        assert "value=" not in box  # an empty box
    assert "留空则保持不变（当前：138****5678）" in html
    assert 'value="刘桂兰"' in html  # the plain fields are filled in


def test_saving_changes_keeps_numbers_left_blank_and_records_the_change(world, login):
    client = login(world.li)
    url = reverse("registry:resident_edit", args=[world.liu_guilan.pk])
    response = client.post(
        url, _form_data(world.liu_guilan, lives_alone="on", note="独居，需每周探访")
    )
    assert response.status_code == 302
    assert response.url == reverse("registry:resident", args=[world.liu_guilan.pk])
    resident = Resident.objects.get(pk=world.liu_guilan.pk)
    assert resident.lives_alone and resident.note == "独居，需每周探访"
    assert resident.phone_masked == "138****5678"  # unchanged
    assert pii.decrypt(resident.phone_cipher) == "13812345678"
    event = AuditEvent.objects.get(action="resident.update")
    assert event.changes["lives_alone"] == [False, True] and event.actor == world.li
    page = client.get(response.url).content.decode()
    assert "已保存 刘桂兰 的信息。" in page


def test_a_new_phone_replaces_the_old_and_a_ticked_box_clears_it(world, login):
    client = login(world.li)
    url = reverse("registry:resident_edit", args=[world.zhao_dahai.pk])
    client.post(url, _form_data(world.zhao_dahai, phone="139-0000-2222"))
    assert Resident.objects.get(pk=world.zhao_dahai.pk).phone_masked == "139****2222"
    client.post(url, _form_data(world.zhao_dahai, clear_phone="on"))
    resident = Resident.objects.get(pk=world.zhao_dahai.pk)
    assert (resident.phone_masked, resident.phone_cipher) == ("", "")


def test_bad_input_is_explained_in_chinese_next_to_the_field_and_nothing_is_lost(world, login):
    client = login(world.li)
    url = reverse("registry:resident_edit", args=[world.zhao_dahai.pk])
    bad_id = "110105194912310021"
    response = client.post(
        url,
        _form_data(
            world.zhao_dahai,
            name="赵大海（改）",
            id_number=bad_id,
            phone="12345",
            birth_date="1970-13-40",
            note="刚刚输入的备注",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "出生日期格式不正确" in _error_next_to(html, "birth_date")
    assert 'value="赵大海（改）"' in html and "刚刚输入的备注" in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    # the date is fixed: now the action checks the numbers
    response = client.post(
        url,
        _form_data(
            world.zhao_dahai, name="赵大海（改）", id_number=bad_id, phone="12345", note="备注"
        ),
    )
    html = response.content.decode()
    assert "身份证号校验位不正确" in _error_next_to(html, "id_number")
    assert "电话号码格式不正确" in _error_next_to(html, "phone")
    assert f'value="{bad_id}"' in html  # what she typed is still there to correct
    assert "编辑居民：赵大海<" in html  # the heading shows the saved name, not the refused one
    resident = Resident.objects.get(pk=world.zhao_dahai.pk)
    assert resident.name == "赵大海" and resident.note == ""
    assert not AuditEvent.objects.filter(action="resident.update").exists()


def test_a_required_name_is_asked_for_in_chinese(world, login):
    response = login(world.li).post(
        reverse("registry:resident_create", args=[world.h2.pk]),
        {"relation": "head", "tenure": "owner"},
    )
    assert "这个字段是必填项" in _error_next_to(response.content.decode(), "name")


def test_adding_a_resident_to_a_household(world, login):
    number = make_id_number("19560708", seq="90", male=False)
    client = login(world.zhang)
    form = client.get(reverse("registry:resident_create", args=[world.h2.pk])).content.decode()
    assert "添加居民" in form and 'name="is_active"' not in form
    response = client.post(
        reverse("registry:resident_create", args=[world.h2.pk]),
        {
            "name": "赵阿姨",
            "id_number": number,
            "phone": "13900003333",
            "relation": "spouse",
            "tenure": "owner_family",
            "disabled": "on",
        },
    )
    resident = Resident.objects.get(name="赵阿姨")
    assert response.url == reverse("registry:resident", args=[resident.pk])
    assert (resident.household, resident.sex, str(resident.birth_date)) == (
        world.h2,
        "F",
        "1956-07-08",
    )
    assert resident.disabled and resident.is_active
    assert AuditEvent.objects.filter(action="resident.create", actor=world.zhang).exists()


def test_the_same_id_number_twice_in_one_unit_is_refused_next_to_the_field(world, login):
    number = pii.decrypt(world.liu_guilan.id_number_cipher)
    response = login(world.li).post(
        reverse("registry:resident_create", args=[world.h1.pk]),
        {"name": "重复", "id_number": number, "relation": "other", "tenure": "other"},
    )
    assert "该房屋已登记此身份证号的居民" in _error_next_to(response.content.decode(), "id_number")
    assert not Resident.objects.filter(name="重复").exists()


def test_roles_that_may_not_edit_get_404_and_see_no_edit_link(world, login):
    for user in (world.chen, world.zhao, world.sun, world.zhou, world.qian):
        client = login(user)
        edit = reverse("registry:resident_edit", args=[world.liu_guilan.pk])
        create = reverse("registry:resident_create", args=[world.h1.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, _form_data(world.liu_guilan, name="改名")).status_code == 404
        assert client.get(create).status_code == 404
        assert client.post(create, {"name": "某某"}).status_code == 404
    page = login(world.chen).get(reverse("registry:resident", args=[world.liu_guilan.pk]))
    assert reverse("registry:resident_edit", args=[world.liu_guilan.pk]) not in (
        page.content.decode()
    )
    assert Resident.objects.get(pk=world.liu_guilan.pk).name == "刘桂兰"
    assert not Resident.objects.filter(name="某某").exists()


def test_a_grid_worker_edits_her_grid_only(world, login):
    client = login(world.zhang)
    assert client.get(reverse("registry:resident_edit", args=[world.sun_li.pk])).status_code == 404
    assert client.get(reverse("registry:resident_create", args=[world.h3.pk])).status_code == 404
    assert (
        client.get(reverse("registry:resident_edit", args=[world.zhao_dahai.pk])).status_code == 200
    )
