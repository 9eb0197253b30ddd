"""Given the shipped categories with their default service levels, when a street official sets
her street's own level for a category, then cases opened from then on in her street use it,
cases already running keep theirs, other streets keep the default, and resetting brings the
default back; nobody else may change them."""

import pytest
from django.core.exceptions import PermissionDenied

from laoyuan.cases import actions
from laoyuan.cases.categories import shipped
from laoyuan.cases.models import Category
from laoyuan.core.workdays import DAY
from tests.cases.helpers import category, fresh, open_case


def test_the_shipped_categories_cover_the_taxonomy_with_stable_codes(db):
    codes = set(Category.objects.values_list("code", flat=True))
    assert {row["code"] for row in shipped()} <= codes and "pipe.water" in codes
    groups = set(Category.objects.values_list("group", flat=True))
    assert {"房屋本体", "管网", "道路", "停车充电", "环境卫生", "一老一小"} <= groups
    water = category("pipe.water")
    assert (water.accept_seconds, water.respond_seconds, water.solve_seconds) == (
        4 * 3600,
        DAY,
        3 * DAY,
    )
    assert water.usual_party_kind == "water" and water.attributes[0]["code"] == "building"


def test_a_streets_own_level_applies_to_new_cases_only(world, login):
    running = open_case(world, code="pipe.water")
    response = login(world.wang).post(
        f"/cases/service-levels/{category('pipe.water').pk}/?street={world.shahe.pk}",
        {
            "street": world.shahe.pk,
            "accept": 2,
            "accept_unit": "hours",
            "respond": 4,
            "respond_unit": "hours",
            "solve": 2,
            "solve_unit": "days",
        },
    )
    assert response.status_code == 302
    new = open_case(world, code="pipe.water")
    assert (new.accept_seconds, new.respond_seconds, new.solve_seconds) == (7200, 14400, 2 * DAY)
    assert fresh(running).solve_seconds == 3 * DAY
    elsewhere = open_case(world, who=world.qian, compound=world.guihuaxincun, code="pipe.water")
    assert elsewhere.solve_seconds == 3 * DAY
    page = login(world.wang).get(f"/cases/service-levels/?street={world.shahe.pk}").content.decode()
    assert "本街道设置" in page and "2个工作日" in page
    actions.service_level_reset(
        actor=world.wang, street=world.shahe, category=category("pipe.water")
    )
    assert open_case(world, code="pipe.water").solve_seconds == 3 * DAY


@pytest.mark.parametrize("who", ["li", "zhang", "qian"])
def test_only_the_streets_officials_change_its_levels(world, who, login):
    with pytest.raises(PermissionDenied):
        actions.service_level_set(
            actor=world.users[who],
            street=world.shahe,
            category=category("pipe.water"),
            accept_seconds=3600,
            respond_seconds=3600,
            solve_seconds=DAY,
        )
    assert login(world.users[who]).get("/cases/service-levels/").status_code == 404
