"""Given the small world and then a larger one, when each list and detail endpoint is called,
then it runs the same number of queries: no query per row, whatever the size of the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.core.actions import api_token_create
from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.registry.actions import apply_id_number, apply_phone
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Owner,
    Ownership,
    Resident,
    Street,
    Unit,
)
from tests.cast import PASSWORD, make_id_number

API = "/api/v1"


def grow(world, n: int) -> None:
    """Add n of everything under 沙河街道 / 五福苑: streets, communities, compounds, buildings with
    heads, grids, units with owners, households and residents with sealed numbers."""
    for i in range(n):
        Street.objects.create(district=world.jinjiang, code=f"X{i}", name=f"新街道{i}")
        Community.objects.create(street=world.shahe, code=f"XC{i}", name=f"新社区{i}")
        Compound.objects.create(
            community=world.shahe_community, code=f"XP{i}", name=f"新小区{i}", year_built=1990 + i
        )
        building = Building.objects.create(
            compound=world.wufuyuan, number=f"{10 + i}", head=world.liu_guilan
        )
        grid = Grid.objects.create(compound=world.wufuyuan, name=f"{i}号网格", worker=world.zhang)
        unit = Unit.objects.create(
            building=building if i % 2 else world.b1,
            compound=world.wufuyuan,
            room_number=f"{500 + i}",
            area=Decimal("70.00"),
        )
        household = Household.objects.create(
            unit=unit,
            compound=world.wufuyuan,
            building_id=unit.building_id,
            grid=world.grid_a if i % 2 else grid,
        )
        for j in range(2):
            r = Resident(
                household=household,
                compound=world.wufuyuan,
                name=f"刘{i}-{j}",
                birth_date=dt.date(1940 + i % 50, 1, 1),
            )
            apply_id_number(
                r, make_id_number(f"{1940 + i % 50}0101", seq=f"{(i * 2 + j) % 100:02d}")
            )
            apply_phone(r, f"139{i:04d}{j:04d}")
            r.save()
        owner = Owner(compound=world.wufuyuan, name=f"业主{i}")
        apply_id_number(
            owner, make_id_number(f"{1950 + i // 100}0101", seq=f"{i % 100:02d}", male=i % 2 == 0)
        )
        owner.save()
        Ownership.objects.create(unit=world.u101 if i % 3 == 0 else unit, owner=owner)


ENDPOINTS = [
    "/streets",
    "/communities",
    "/compounds",
    "/compounds?is_old=true",
    "/compounds/{wufuyuan}",
    "/compounds/{wufuyuan}/age-structure",
    "/buildings",
    "/grids?compound={wufuyuan}",
    "/units",
    "/units?building={b1}",
    "/units/{u101}/owners",
    "/households",
    "/households?grid={grid_a}",
    "/residents",
    "/residents?q=刘",
    "/residents?age_group=elderly",
    "/residents?q=13812345678",
    "/residents/{liu_guilan}",
    "/me",
]


def district_official(world) -> User:
    user = User.objects.create_user(username="qu", password=PASSWORD, display_name="区干部")
    RoleAssignment.objects.create(
        user=user, role=Role.STREET_OFFICIAL, level="district", district=world.jinjiang
    )
    return user


def _url(world, path: str) -> str:
    for name in ("wufuyuan", "b1", "u101", "grid_a", "liu_guilan"):
        path = path.replace(f"{{{name}}}", str(getattr(world, name).pk))
    return f"{API}{path}"


def count_queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_queries_do_not_grow_with_the_data(world, login, path):
    # A district official sees new streets and communities; li sees the rest grow in 五福苑.
    viewer = district_official(world) if path in {"/streets", "/communities"} else world.li
    client = login(viewer)
    url = _url(world, path)
    small, small_answer = count_queries(client, url)
    grow(world, 30)
    large, large_answer = count_queries(client, url)
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    # The larger world really is larger where the endpoint lists things.
    if "count" in small_answer and path not in {"/residents?q=13812345678"}:
        assert large_answer["count"] > small_answer["count"], path
    assert small <= 10


def test_the_resident_portal_runs_a_fixed_number_of_queries(world, login):
    client = login(world.liu)
    small, _ = count_queries(client, f"{API}/me/household")
    for j in range(10):
        Resident.objects.create(household=world.h1, compound=world.wufuyuan, name=f"家人{j}")
    large, answer = count_queries(client, f"{API}/me/household")
    assert len(answer["members"]) == 12
    assert small == large


def test_a_full_page_of_200_residents_costs_the_same_as_a_page_of_4(world, login):
    client = login(world.li)
    small, answer = count_queries(client, f"{API}/residents?limit=200")
    assert len(answer["items"]) == 4
    grow(world, 110)
    large, answer = count_queries(client, f"{API}/residents?limit=200")
    assert len(answer["items"]) == 200
    assert small == large


def test_token_authentication_adds_a_fixed_cost(world, login):
    _, secret = api_token_create(actor=world.li, user=world.li, name="统计脚本")
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {secret}"})
    client.get(f"{API}/me")  # the first use records last_used_at
    small, _ = count_queries(client, f"{API}/residents")
    grow(world, 20)
    large, _ = count_queries(client, f"{API}/residents")
    assert small == large
