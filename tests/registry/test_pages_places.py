"""Detail pages of places: compound (小区), age structure (一老一小), building, grid, unit."""

import re

from django.urls import reverse

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.registry.models import Grid, Household, Unit
from tests.cast import PASSWORD


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_compound_page_shows_its_facts_buildings_and_grids(world, login):
    world.b1.head = world.zhao_dahai
    world.b1.save()
    html = _text(login(world.li).get(reverse("registry:compound", args=[world.wufuyuan.pk])))
    assert "马家沟1号" in html and "1994" in html
    assert "是（2001年以前建成）" in html
    assert "信托制物业" in html
    assert "497" in html and "比登记户数少 494 户" in html  # registered vs counted
    assert "赵大海" in html  # building head (楼栋长) of building 1
    assert "一网格" in html and "张网格" in html  # grid and its grid worker
    assert "户数少于建议的30户" in html  # 2 households: outside 30–100
    assert reverse("registry:age_structure", args=[world.wufuyuan.pk]) in html
    assert f"?compound={world.wufuyuan.pk}" in html
    assert reverse("registry:import_upload", args=[world.wufuyuan.pk]) in html


def test_only_roles_that_may_import_see_the_import_link(world, login):
    html = _text(login(world.chen).get(reverse("registry:compound", args=[world.wufuyuan.pk])))
    assert reverse("registry:import_upload", args=[world.wufuyuan.pk]) not in html


def test_a_grid_within_30_to_100_households_is_not_flagged(world, login):
    units = Unit.objects.bulk_create(
        Unit(building=world.b2, compound=world.wufuyuan, room_number=f"9{i:02}") for i in range(40)
    )
    Household.objects.bulk_create(
        Household(unit=u, compound=world.wufuyuan, building=world.b2, grid=world.grid_b)
        for u in units
    )
    html = _text(login(world.li).get(reverse("registry:grid", args=[world.grid_b.pk])))
    assert "41" in html and "不在建议的30–100户范围内" not in html
    html = _text(login(world.li).get(reverse("registry:grid", args=[world.grid_a.pk])))
    assert "不在建议的30–100户范围内" in html


def test_the_age_structure_shows_65_plus_share_and_under_3_per_building_and_grid(world, login):
    html = _text(login(world.li).get(reverse("registry:age_structure", args=[world.wufuyuan.pk])))
    # whole compound: 4 residents, 1 aged 65+, 1 under 3
    assert "25.0%" in html
    # building 1: 刘桂兰 (78), 刘小明 (1), 赵大海 → 1 of 3 = 33.3%; building 2: 孙丽 → 0.0%
    table = html[html.index("按楼栋") : html.index("按微网格")]
    assert "33.3%" in table and "0.0%" in table
    assert 'style="width: 33.3%"' in table
    grids = html[html.index("按微网格") :]
    assert "一网格" in grids and "二网格" in grids
    assert "<caption>" in html and 'scope="col"' in html


def test_the_building_page_lists_units_with_area_and_households(world, login):
    html = _text(login(world.li).get(reverse("registry:building", args=[world.b1.pk])))
    assert "65.40" in html and "58.75" in html and "不动产登记" in html
    assert reverse("registry:unit", args=[world.u101.pk]) in html


def test_the_grid_page_lists_its_households_and_residents(world, login):
    world.grid_a.group_head = world.zhao_dahai
    world.grid_a.save()
    html = _text(login(world.zhang).get(reverse("registry:grid", args=[world.grid_a.pk])))
    assert "张网格" in html and "赵大海" in html
    assert "刘桂兰" in html and "刘小明" in html
    assert "孙丽" not in html  # she lives in the other grid


def test_the_unit_page_shows_area_source_owners_masked_and_households(world, login):
    html = _text(login(world.li).get(reverse("registry:unit", args=[world.u101.pk])))
    assert "65.40 ㎡" in html and "来源：不动产登记" in html
    assert world.owner_liu.id_number_masked in html
    assert "刘桂兰" in html and "刘小明" in html
    assert reverse("registry:resident_create", args=[world.h1.pk]) in html


def test_a_role_that_may_not_edit_gets_no_add_button(world, login):
    html = _text(login(world.chen).get(reverse("registry:unit", args=[world.u101.pk])))
    assert reverse("registry:resident_create", args=[world.h1.pk]) not in html


def test_breadcrumbs_lead_from_the_workspace_down_the_place_tree(world, login):
    html = _text(login(world.li).get(reverse("registry:unit", args=[world.u101.pk])))
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    labels = re.findall(r"<li>(?:<a [^>]+>|<span[^>]*>)([^<]+)<", crumbs)
    assert labels == ["工作台", "锦江区", "沙河街道", "沙河社区", "五福苑", "1栋", "1单元101"]
    assert 'aria-current="page">1单元101' in crumbs
    assert reverse("registry:compound", args=[world.wufuyuan.pk]) in crumbs


def test_breadcrumbs_only_link_to_places_the_user_may_open(world, login):
    # the grid worker sees her unit but not the compound or the building
    html = _text(login(world.zhang).get(reverse("registry:unit", args=[world.u101.pk])))
    crumbs = html[html.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert "五福苑" in crumbs
    assert reverse("registry:compound", args=[world.wufuyuan.pk]) not in crumbs
    assert reverse("registry:building", args=[world.b1.pk]) not in crumbs


def test_a_grid_worker_may_not_open_the_compound_page(world, login):
    # Compounds are not reachable from a micro-grid assignment: 404, like any other outsider.
    response = login(world.zhang).get(reverse("registry:compound", args=[world.wufuyuan.pk]))
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


def test_grids_with_no_households_read_zero(world, login):
    Grid.objects.create(compound=world.wufuyuan, name="三网格")
    html = _text(login(world.li).get(reverse("registry:compound", args=[world.wufuyuan.pk])))
    row = html[html.index("三网格") :]
    assert "户数少于建议的30户" in row[: row.index("</tr>")]


def test_the_resident_page_links_her_micro_grid_for_those_who_may_open_it(world, login):
    grid_url = reverse("registry:grid", args=[world.grid_a.pk])
    resident_url = reverse("registry:resident", args=[world.zhao_dahai.pk])
    assert grid_url in _text(login(world.zhang).get(resident_url))
    assert grid_url in _text(login(world.li).get(resident_url))
    # given a grid worker assigned to building 1: she sees its residents, not its micro-grids
    keeper = User.objects.create_user(username="lou", password=PASSWORD)
    RoleAssignment.objects.create(
        user=keeper, role=Role.GRID_WORKER, level="building", building=world.b1
    )
    client = login(keeper)
    html = _text(client.get(resident_url))
    assert "一网格" in html and grid_url not in html
    assert client.get(grid_url).status_code == 404
