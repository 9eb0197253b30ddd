"""Given the cast, when they read the registry through /api/v1/, then each sees their scope,
filtered, paginated in primary-key order, with areas and percentages as exact strings."""

import datetime as dt

import pytest

from laoyuan.registry.models import Grid, Resident
from laoyuan.registry.schemas import percent
from tests.cast import make_id_number

API = "/api/v1"


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    return response.status_code, response.json()


def names(answer):
    return [item["name"] for item in answer["items"]]


def test_li_lists_the_compounds_of_her_community_in_primary_key_order(world, login):
    status, answer = get(login(world.li), "/compounds")
    assert status == 200
    assert answer["count"] == 2
    assert names(answer) == ["五福苑", "马家沟小区"]
    ids = [item["id"] for item in answer["items"]]
    assert ids == sorted(ids)
    wufuyuan = answer["items"][0]
    assert wufuyuan["is_old"] is True
    assert wufuyuan["property_mode"] == "trust"
    assert wufuyuan["property_mode_label"] == "信托制物业"
    assert wufuyuan["community"] == {"id": world.shahe_community.pk, "name": "沙河社区"}


def test_compounds_filter_by_community_age_and_property_mode(world, login):
    client = login(world.wang)
    assert names(get(client, "/compounds", community=world.dongguang_community.pk)[1]) == [
        "东光小区"
    ]
    assert names(get(client, "/compounds", is_old="true")[1]) == ["五福苑", "东光小区"]
    assert names(get(client, "/compounds", is_old="false")[1]) == ["马家沟小区"]
    assert names(get(client, "/compounds", property_mode="trust")[1]) == ["五福苑"]
    status, answer = get(client, "/compounds", property_mode="feudal")
    assert status == 422
    assert answer["detail"][0]["field"] == "property_mode"
    assert "取值无效" in answer["detail"][0]["msg"]


def test_street_official_lists_streets_and_communities(world, login):
    client = login(world.wang)
    status, streets = get(client, "/streets")
    assert status == 200
    assert streets["items"] == [
        {
            "id": world.shahe.pk,
            "code": "SH",
            "name": "沙河街道",
            "district": {"id": world.jinjiang.pk, "name": "锦江区"},
        }
    ]
    assert names(get(client, "/communities")[1]) == ["沙河社区", "东光社区"]
    assert names(get(client, "/communities", street=world.canglang.pk)[1]) == []


def test_compound_detail_counts_what_is_in_it(world, login):
    status, answer = get(login(world.li), f"/compounds/{world.wufuyuan.pk}")
    assert status == 200
    assert answer["name"] == "五福苑"
    assert answer["street"] == {"id": world.shahe.pk, "name": "沙河街道"}
    assert answer["counts"] == {
        "buildings": 2,
        "grids": 2,
        "units": 3,
        "households": 3,
        "residents": 4,
    }


def test_age_structure_gives_counts_and_exact_percentages(world, login):
    status, answer = get(login(world.li), f"/compounds/{world.wufuyuan.pk}/age-structure")
    assert status == 200
    assert answer["as_of"] == dt.date.today().isoformat()
    assert (answer["elderly_age"], answer["infant_age"]) == (65, 3)
    # 刘桂兰 (78) and 刘小明 (1) among 4 residents.
    assert answer["total"] == {
        "key": world.wufuyuan.pk,
        "label": "五福苑",
        "residents": 4,
        "elderly": 1,
        "infants": 1,
        "elderly_percent": "25.0",
        "infant_percent": "25.0",
    }
    building_1 = answer["by_building"][0]
    assert (building_1["label"], building_1["residents"]) == ("1栋", 3)
    assert (building_1["elderly_percent"], building_1["infant_percent"]) == ("33.3", "33.3")
    assert [row["label"] for row in answer["by_grid"]] == ["一网格", "二网格"]
    assert answer["by_grid"][1]["elderly_percent"] == "0.0"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, "0.0"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 8, "12.5"),
        (1, 16, "6.3"),  # 6.25 rounds half up
        (1, 1, "100.0"),
        (333, 1000, "33.3"),
    ],
)
def test_percentages_are_rounded_half_up_without_floats(part, whole, expected):
    assert percent(part, whole) == expected


def test_units_give_their_area_as_a_decimal_string(world, login):
    status, answer = get(login(world.li), "/units", building=world.b1.pk)
    assert status == 200
    assert [(u["label"], u["area"]) for u in answer["items"]] == [
        ("1栋1单元101", "65.40"),
        ("1栋1单元102", "58.75"),
    ]
    assert isinstance(answer["items"][0]["area"], str)
    assert answer["items"][0]["entrance_number"] == "1"
    assert get(login(world.li), "/units", compound=world.majiagou.pk)[1]["count"] == 0


def test_buildings_and_grids_filter_by_compound(world, login):
    client = login(world.li)
    world.b1.head = world.liu_guilan
    world.b1.save()
    buildings = get(client, "/buildings", compound=world.wufuyuan.pk)[1]
    assert [b["label"] for b in buildings["items"]] == ["1栋", "2栋"]
    assert buildings["items"][0]["head"] == {"id": world.liu_guilan.pk, "name": "刘桂兰"}
    grids = get(client, "/grids", compound=world.wufuyuan.pk)[1]
    assert [(g["name"], g["households"]) for g in grids["items"]] == [("一网格", 2), ("二网格", 1)]
    assert grids["items"][0]["worker"] == {"id": world.zhang.pk, "name": "张网格"}
    assert get(client, "/grids", compound=world.majiagou.pk)[1]["count"] == 0


def test_households_filter_by_grid_and_count_residents(world, login):
    client = login(world.li)
    answer = get(client, "/households", grid=world.grid_a.pk)[1]
    assert [h["id"] for h in answer["items"]] == [world.h1.pk, world.h2.pk]
    h1 = answer["items"][0]
    assert h1["residents"] == 2
    assert h1["unit"] == {"id": world.u101.pk, "label": "1栋1单元101", "area": "65.40"}
    assert h1["grid"] == {"id": world.grid_a.pk, "name": "一网格"}
    assert get(client, "/households", building=world.b2.pk)[1]["count"] == 1
    assert get(client, "/households", compound=world.wufuyuan.pk)[1]["count"] == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["刘桂兰", "刘小明", "赵大海", "孙丽"]),
        ({"community": "shahe_community"}, ["刘桂兰", "刘小明", "赵大海", "孙丽"]),
        ({"community": "dongguang_community"}, []),
        ({"compound": "majiagou"}, []),
        ({"building": "b2"}, ["孙丽"]),
        ({"grid": "grid_a"}, ["刘桂兰", "刘小明", "赵大海"]),
        ({"age_group": "elderly"}, ["刘桂兰"]),
        ({"age_group": "infant"}, ["刘小明"]),
        ({"q": "刘"}, ["刘桂兰", "刘小明"]),
        ({"q": " 赵大 "}, ["赵大海"]),
        ({"q": "13700002222"}, ["孙丽"]),
        ({"q": "137 0000 2222"}, ["孙丽"]),
        ({"q": "13600003333"}, []),  # 桂阿姨's phone: outside li's scope
    ],
)
def test_residents_filter(world, login, params, expected):
    resolved = {k: getattr(world, v).pk if hasattr(world, v) else v for k, v in params.items()}
    status, answer = get(login(world.li), "/residents", **resolved)
    assert status == 200
    assert names(answer) == expected
    assert answer["count"] == len(expected)


def test_residents_are_found_by_full_id_number_and_by_flag(world, login):
    client = login(world.li)
    number = make_id_number("19700101", seq="56")  # 赵大海
    assert names(get(client, "/residents", q=number)[1]) == ["赵大海"]
    assert names(get(client, "/residents", q=number.lower())[1]) == ["赵大海"]
    Resident.objects.filter(pk=world.sun_li.pk).update(lives_alone=True)
    assert names(get(client, "/residents", flag="lives_alone")[1]) == ["孙丽"]
    status, answer = get(client, "/residents", flag="rich")
    assert status == 422 and answer["detail"][0]["field"] == "flag"


def test_resident_detail_carries_place_and_masked_numbers(world, login):
    status, answer = get(login(world.zhang), f"/residents/{world.liu_guilan.pk}")
    assert status == 200
    assert answer["name"] == "刘桂兰"
    assert answer["unit_label"] == "1栋1单元101"
    assert answer["compound_name"] == "五福苑"
    assert answer["grid"] == {"id": world.grid_a.pk, "name": "一网格"}
    assert answer["id_number"] == "5101**********" + make_id_number("19480312", male=False)[-4:]
    assert answer["phone"] == "138****5678"
    assert answer["age"] >= 78
    assert (answer["relation_label"], answer["tenure_label"]) == ("户主", "业主")


def test_owners_of_a_unit_are_listed_masked(world, login):
    status, answer = get(login(world.li), f"/units/{world.u101.pk}/owners")
    assert status == 200
    assert answer["count"] == 1
    owner = answer["items"][0]
    assert owner["name"] == "刘桂兰"
    assert owner["owner_id"] == world.owner_liu.pk
    assert owner["id_number"] == world.owner_liu.id_number_masked
    assert owner["kind_label"] == "个人"
    # The grid worker sees the unit but not who owns it (owners are not scoped to grids).
    status, answer = get(login(world.zhang), f"/units/{world.u101.pk}/owners")
    assert (status, answer["count"]) == (200, 0)


def test_grid_worker_sees_only_her_grid(world, login):
    client = login(world.zhang)
    assert names(get(client, "/residents")[1]) == ["刘桂兰", "刘小明", "赵大海"]
    assert [h["id"] for h in get(client, "/households")[1]["items"]] == [
        world.h1.pk,
        world.h2.pk,
    ]
    assert [u["id"] for u in get(client, "/units")[1]["items"]] == [world.u101.pk, world.u102.pk]
    assert names(get(client, "/grids")[1]) == ["一网格"]
    assert get(client, "/compounds")[1]["count"] == 0


def test_pages_are_stable_and_bounded(world, login):
    client = login(world.li)
    first = get(client, "/residents", limit=2, offset=0)[1]
    second = get(client, "/residents", limit=2, offset=2)[1]
    assert first["count"] == second["count"] == 4
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert get(client, "/residents", limit=2, offset=4)[1]["items"] == []
    assert get(client, "/residents", limit=200)[0] == 200
    status, answer = get(client, "/residents", limit=201)
    assert status == 422
    assert answer["detail"] == [
        {
            "loc": ["query", "limit"],
            "field": "limit",
            "msg": "应不大于200",
            "type": "less_than_equal",
        }
    ]
    assert get(client, "/residents", limit=0)[0] == 422
    assert get(client, "/residents", offset=-1)[0] == 422


def test_me_describes_the_user_roles_and_permissions(world, login):
    status, answer = get(login(world.zhang), "/me")
    assert status == 200
    assert (answer["username"], answer["display_name"]) == ("zhang", "张网格")
    assert answer["assignments"] == [
        {
            "role": "grid_worker",
            "role_label": "网格员",
            "level": "grid",
            "level_label": "微网格",
            "node_id": world.grid_a.pk,
            "node_name": "一网格",
            "resident_id": None,
        }
    ]
    assert answer["permissions"] == [
        "cases.open",
        "cases.rate",
        "cases.supervise",
        "cases.view",
        "notices.record_objection",
        "notices.view",
        "pii.reveal",
        "registry.edit",
        "registry.view",
        "renewal.inspect",
        "renewal.rectify",
        "renewal.view",
        "topics.sort",
        "voices.record",
        "voices.view",
        "votes.enter",
        "votes.view",
    ]
    status, answer = get(login(world.nobody), "/me")
    assert (status, answer["assignments"], answer["permissions"]) == (200, [], [])


def test_a_resident_sees_her_household_and_its_members_masked(world, login):
    client = login(world.liu)
    me = get(client, "/me")[1]
    assert me["assignments"][0]["node_name"] == "住户 1栋1单元101"
    assert me["assignments"][0]["resident_id"] == world.liu_guilan.pk
    assert me["permissions"] == [
        "portal.case",
        "portal.meetings",
        "portal.object",
        "portal.renewal",
        "portal.reveal",
        "portal.view",
        "portal.voice",
        "portal.vote",
    ]
    status, answer = get(client, "/me/household")
    assert status == 200
    assert answer["id"] == world.h1.pk
    assert answer["unit_label"] == "1栋1单元101"
    assert answer["compound"] == {"id": world.wufuyuan.pk, "name": "五福苑"}
    assert answer["grid"] == {"id": world.grid_a.pk, "name": "一网格"}
    assert [m["name"] for m in answer["members"]] == ["刘桂兰", "刘小明"]
    assert answer["members"][0]["phone"] == "138****5678"
    # Staff and people without a household have no portal household.
    assert get(login(world.li), "/me/household")[0] == 404
    assert get(login(world.nobody), "/me/household") == (404, {"detail": "未找到"})


def test_a_resident_cannot_use_the_staff_endpoints(world, login):
    client = login(world.liu)
    assert get(client, "/residents")[1]["count"] == 0
    assert get(client, f"/residents/{world.liu_guilan.pk}")[0] == 404
    assert get(client, f"/compounds/{world.wufuyuan.pk}")[0] == 404


def test_a_grid_created_later_shows_up_with_no_households(world, login):
    Grid.objects.create(compound=world.wufuyuan, name="三网格")
    answer = get(login(world.li), "/grids")[1]
    assert [(g["name"], g["households"]) for g in answer["items"]][-1] == ("三网格", 0)
