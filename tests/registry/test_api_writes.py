"""Given the cast, when they write through the API, then the registry actions validate (422 with
the field and a Chinese message), check the role (403) and the scope (404), and audit."""

import json

from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import Entrance, Grid, Household, Resident, Unit
from tests.cast import make_id_number

API = "/api/v1"


def send(client, method, path, body):
    response = client.generic(
        method, f"{API}{path}", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def errors(answer) -> dict[str, str]:
    return {e["field"]: e["msg"] for e in answer["detail"]}


# --- residents ------------------------------------------------------------------------------


def test_li_adds_a_resident_and_birth_and_sex_come_from_the_id_number(world, login):
    number = make_id_number("19560708", seq="90", male=False)
    status, answer = send(
        login(world.li),
        "POST",
        f"/households/{world.h2.pk}/residents",
        {
            "name": " 赵阿姨 ",
            "id_number": number,
            "phone": "139 0000 3333",
            "relation": "spouse",
            "lives_alone": False,
            "note": "新搬入",
        },
    )
    assert status == 201
    assert answer["name"] == "赵阿姨"
    assert (answer["sex"], answer["birth_date"]) == ("F", "1956-07-08")
    assert answer["phone"] == "139****3333"
    assert (answer["relation"], answer["household_id"]) == ("spouse", world.h2.pk)
    event = AuditEvent.objects.get(action="resident.create")
    assert event.actor == world.li and event.object_id == str(answer["id"])


def test_bad_numbers_are_refused_with_chinese_messages_per_field(world, login):
    before = Resident.objects.count()
    status, answer = send(
        login(world.li),
        "POST",
        f"/households/{world.h2.pk}/residents",
        {"name": "某某", "id_number": "110105194912310021", "phone": "12345"},
    )
    assert status == 422
    found = errors(answer)
    assert found["id_number"] == "身份证号校验位不正确"
    assert "电话号码格式不正确" in found["phone"]
    assert Resident.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_a_birth_date_or_sex_contradicting_the_id_number_is_refused(world, login):
    number = make_id_number("19560708", seq="90", male=False)
    status, answer = send(
        login(world.li),
        "POST",
        f"/households/{world.h2.pk}/residents",
        {"name": "某某", "id_number": number, "birth_date": "1956-07-09", "sex": "M"},
    )
    assert status == 422
    assert errors(answer) == {
        "birth_date": "出生日期与身份证号不一致（身份证号中为1956-07-08）",
        "sex": "性别与身份证号不一致",
    }


def test_the_same_id_number_twice_in_one_unit_is_refused(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        f"/households/{world.h1.pk}/residents",
        {"name": "重复", "id_number": make_id_number("19480312", male=False)},
    )
    assert status == 422
    assert errors(answer) == {"id_number": "该房屋已登记此身份证号的居民"}


def test_a_name_is_required_and_bounded(world, login):
    client = login(world.li)
    path = f"/households/{world.h2.pk}/residents"
    assert errors(send(client, "POST", path, {})[1]) == {"name": "缺少必填项"}
    assert errors(send(client, "POST", path, {"name": "   "})[1]) == {
        "name": "内容过短，至少1个字符"
    }
    assert errors(send(client, "POST", path, {"name": "名" * 61})[1]) == {
        "name": "内容过长，最多60个字符"
    }


def test_a_birth_date_in_the_future_or_impossible_is_refused(world, login):
    client = login(world.li)
    path = f"/households/{world.h2.pk}/residents"
    assert errors(send(client, "POST", path, {"name": "某", "birth_date": "2999-01-01"})[1]) == {
        "birth_date": "出生日期不能晚于今天"
    }
    status, answer = send(client, "POST", path, {"name": "某", "birth_date": "1948-02-30"})
    assert status == 422 and "日期不正确" in errors(answer)["birth_date"]


def test_patch_changes_only_what_is_sent_and_records_it(world, login):
    r = world.zhao_dahai
    masked = r.id_number_masked
    status, answer = send(
        login(world.zhang), "PATCH", f"/residents/{r.pk}", {"lives_alone": True, "note": "独居"}
    )
    assert status == 200
    assert (answer["lives_alone"], answer["note"]) == (True, "独居")
    r.refresh_from_db()
    assert r.id_number_masked == masked and r.phone_masked == "139****1111"
    event = AuditEvent.objects.get(action="resident.update")
    assert event.changes == {"lives_alone": [False, True], "note": ["", "独居"]}


def test_patch_clears_a_number_with_an_empty_string_and_refuses_null(world, login):
    client = login(world.li)
    r = world.zhao_dahai
    status, answer = send(client, "PATCH", f"/residents/{r.pk}", {"phone": ""})
    assert status == 200 and answer["phone"] == ""
    r.refresh_from_db()
    assert (r.phone_cipher, r.phone_index, r.phone_masked) == ("", "", "")
    status, answer = send(client, "PATCH", f"/residents/{r.pk}", {"id_number": None})
    assert status == 422
    assert errors(answer)["id_number"].startswith("不能为 null")
    r.refresh_from_db()
    assert r.id_number_masked != ""


def test_patch_sets_a_new_id_number_and_checks_it(world, login):
    client = login(world.li)
    r = world.sun_li
    status, answer = send(client, "PATCH", f"/residents/{r.pk}", {"id_number": "123"})
    assert status == 422 and errors(answer) == {"id_number": "身份证号应为18位，实际为3位"}
    number = make_id_number("19900215", seq="99", male=False)
    status, answer = send(client, "PATCH", f"/residents/{r.pk}", {"id_number": number})
    assert status == 200 and answer["id_number"].endswith(number[-4:])


def test_patch_refuses_fields_that_are_not_editable(world, login):
    client = login(world.li)
    for body in ({"compound_id": 1}, {"id_number_masked": "x"}, {"household": 2}, {"id": 9}):
        status, answer = send(client, "PATCH", f"/residents/{world.zhao_dahai.pk}", body)
        assert status == 422
        assert answer["detail"][0]["msg"] == "不认识的字段，请删除"
    assert not AuditEvent.objects.exists()


def test_patch_with_nothing_changes_nothing(world, login):
    status, _ = send(login(world.li), "PATCH", f"/residents/{world.zhao_dahai.pk}", {})
    assert status == 200
    assert not AuditEvent.objects.exists()


def test_roles_and_scopes_decide_between_403_and_404(world, login):
    path = f"/residents/{world.liu_guilan.pk}"
    assert send(login(world.chen), "PATCH", path, {"note": "x"})[0] == 403
    assert send(login(world.zhou), "PATCH", path, {"note": "x"})[0] == 403
    assert send(login(world.zhang), "PATCH", path, {"note": "x"})[0] == 200
    assert (
        send(login(world.zhang), "PATCH", f"/residents/{world.sun_li.pk}", {"note": "x"})[0] == 404
    )
    assert send(login(world.liu), "PATCH", path, {"note": "x"})[0] == 404


# --- units ----------------------------------------------------------------------------------


def test_li_adds_a_unit_with_an_exact_area_and_a_new_entrance(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        f"/buildings/{world.b1.pk}/units",
        {"room_number": "201", "entrance_number": "2", "floor": 2, "area": "88.10"},
    )
    assert status == 201
    assert (answer["label"], answer["area"], answer["area_source"]) == (
        "1栋2单元201",
        "88.10",
        "register",
    )
    assert Entrance.objects.filter(building=world.b1, number="2").exists()
    event = AuditEvent.objects.get(action="unit.create")
    assert event.changes["area"] == "88.10"


def test_an_area_sent_as_a_json_number_is_kept_exact(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        f"/buildings/{world.b2.pk}/units",
        {"room_number": "9", "area": 65.4},
    )
    assert status == 201 and answer["area"] == "65.40"
    assert str(Unit.objects.get(pk=answer["id"]).area) == "65.40"


def test_bad_areas_and_floors_are_refused(world, login):
    client = login(world.li)
    path = f"/buildings/{world.b1.pk}/units"
    cases = {
        "0": "应大于0",
        "-3": "应大于0",
        "1.234": "小数最多2位",
        "12345678.9": "数值过大",
        "很大": '应为数字，例如 "65.40"',
        "NaN": "应为有限的数字",
    }
    for area, message in cases.items():
        status, answer = send(client, "POST", path, {"room_number": "301", "area": area})
        assert (status, errors(answer)) == (422, {"area": message}), area
    status, answer = send(client, "POST", path, {"room_number": "301", "floor": 40000})
    assert (status, errors(answer)) == (422, {"floor": "应不大于300"})
    status, answer = send(client, "POST", path, {"room_number": "301", "area_source": "guess"})
    assert status == 422 and "area_source" in errors(answer)
    assert not Unit.objects.filter(room_number="301").exists()


def test_a_room_number_already_there_is_refused_clearly(world, login):
    client = login(world.li)
    status, answer = send(
        client,
        "POST",
        f"/buildings/{world.b1.pk}/units",
        {"room_number": "101", "entrance_number": "1"},
    )
    assert (status, errors(answer)) == (422, {"room_number": "1栋1单元已有房号101"})
    # Without an entrance it is another room.
    status, _ = send(client, "POST", f"/buildings/{world.b1.pk}/units", {"room_number": "101"})
    assert status == 201
    status, answer = send(client, "POST", f"/buildings/{world.b1.pk}/units", {"room_number": "101"})
    assert (status, errors(answer)) == (422, {"room_number": "1栋已有房号101"})


def test_unit_creation_needs_edit_rights_on_the_building(world, login):
    body = {"room_number": "501"}
    assert send(login(world.chen), "POST", f"/buildings/{world.b1.pk}/units", body)[0] == 403
    assert send(login(world.zhang), "POST", f"/buildings/{world.b1.pk}/units", body)[0] == 404
    assert send(login(world.qian), "POST", f"/buildings/{world.b1.pk}/units", body)[0] == 404
    assert not Unit.objects.filter(room_number="501").exists()


# --- households and grids -------------------------------------------------------------------


def test_li_adds_a_household_to_a_unit_in_a_grid(world, login):
    status, answer = send(
        login(world.li), "POST", f"/units/{world.u102.pk}/households", {"grid_id": world.grid_b.pk}
    )
    assert status == 201
    assert answer["grid"] == {"id": world.grid_b.pk, "name": "二网格"}
    assert (answer["unit"]["id"], answer["residents"]) == (world.u102.pk, 0)
    assert AuditEvent.objects.filter(action="household.create", actor=world.li).exists()


def test_a_household_without_a_grid(world, login):
    status, answer = send(login(world.li), "POST", f"/units/{world.u201.pk}/households", {})
    assert status == 201 and answer["grid"] is None


def test_a_grid_of_another_compound_or_out_of_sight_is_refused(world, login):
    client = login(world.li)
    other = Grid.objects.create(compound=world.majiagou, name="马家沟一网格")
    status, answer = send(
        client, "POST", f"/units/{world.u101.pk}/households", {"grid_id": other.pk}
    )
    assert (status, errors(answer)) == (422, {"grid_id": "微网格不属于该房屋所在小区"})
    far = Grid.objects.create(compound=world.guihuaxincun, name="桂花一网格")
    status, answer = send(client, "POST", f"/units/{world.u101.pk}/households", {"grid_id": far.pk})
    assert (status, errors(answer)) == (422, {"grid_id": "未找到该微网格"})
    status, answer = send(client, "PUT", f"/households/{world.h1.pk}/grid", {"grid_id": other.pk})
    assert (status, errors(answer)) == (422, {"grid_id": "微网格不属于该住户所在小区"})
    assert Household.objects.get(pk=world.h1.pk).grid_id == world.grid_a.pk


def test_li_moves_a_household_to_another_grid_and_out_of_all_grids(world, login):
    client = login(world.li)
    status, answer = send(
        client, "PUT", f"/households/{world.h2.pk}/grid", {"grid_id": world.grid_b.pk}
    )
    assert status == 200 and answer["grid"]["id"] == world.grid_b.pk
    event = AuditEvent.objects.get(action="household.assign_grid")
    assert event.changes == {"grid": [world.grid_a.pk, world.grid_b.pk]}
    status, answer = send(client, "PUT", f"/households/{world.h2.pk}/grid", {"grid_id": None})
    assert status == 200 and answer["grid"] is None
    status, answer = send(client, "PUT", f"/households/{world.h2.pk}/grid", {})
    assert (status, errors(answer)) == (422, {"grid_id": "缺少必填项"})


def test_a_grid_worker_who_moves_a_household_out_of_her_grid_still_gets_an_answer(world, login):
    status, answer = send(
        login(world.zhang), "PUT", f"/households/{world.h2.pk}/grid", {"grid_id": None}
    )
    assert status == 200
    assert (answer["id"], answer["grid"], answer["residents"]) == (world.h2.pk, None, 1)
    # From now on, the household is outside her scope.
    assert login(world.zhang).get(f"{API}/households").json()["count"] == 1
