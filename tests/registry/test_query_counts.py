"""Every list and detail page runs the same number of SQL queries whatever the size of the data:
measured on the small world, then again after adding many more places and people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.registry import queries
from laoyuan.registry.actions import apply_id_number, apply_phone
from laoyuan.registry.models import (
    AreaSource,
    Building,
    Community,
    Compound,
    Entrance,
    Grid,
    Household,
    Owner,
    Ownership,
    Resident,
    Unit,
)
from tests.cast import make_id_number

# Most queries any page may run (session, user, assignments, unread notifications in the header,
# the object, its lists, counts).
CEILING = 15


def _grow(world, *, scale: int = 3) -> None:
    """Add compounds, buildings, grids, units, households, residents and owners around every
    object the pages show, so each list gets longer and each count bigger."""
    today = dt.date.today()
    extra_communities = Community.objects.bulk_create(
        Community(street=world.shahe, code=f"SHX{i}", name=f"新社区{i}") for i in range(scale)
    )
    compounds = Compound.objects.bulk_create(
        Compound(community=c, code=f"C{c.code}{i}", name=f"{c.name}小区{i}", year_built=1990 + i)
        for c in [world.shahe_community, *extra_communities]
        for i in range(scale)
    )
    buildings = Building.objects.bulk_create(
        Building(compound=world.wufuyuan, number=str(10 + i), floors=6) for i in range(scale)
    )
    buildings += Building.objects.bulk_create(
        Building(compound=c, number="1", floors=5) for c in compounds
    )
    grids = Grid.objects.bulk_create(
        Grid(compound=world.wufuyuan, name=f"新网格{i}", worker=world.zhang) for i in range(scale)
    )
    entrance = Entrance.objects.get(building=world.b1)
    units = Unit.objects.bulk_create(
        Unit(
            building=b,
            entrance=entrance if b == world.b1 else None,
            compound_id=b.compound_id,
            room_number=f"{900 + i}",
            floor=9,
            area=Decimal("61.25"),
            area_source=AreaSource.SURVEY,
        )
        for b in [world.b1, *buildings]
        for i in range(scale)
    )
    households = Household.objects.bulk_create(
        Household(
            unit=u,
            compound_id=u.compound_id,
            building_id=u.building_id,
            grid=world.grid_a if u.building_id == world.b1.pk else None,
        )
        for u in units
    )
    # more households in the units and grids the pages show
    households += Household.objects.bulk_create(
        [
            Household(
                unit=world.u101, compound=world.wufuyuan, building=world.b1, grid=world.grid_a
            ),
            *(
                Household(unit=world.u102, compound=world.wufuyuan, building=world.b1, grid=g)
                for g in grids
            ),
        ]
    )
    residents = []
    for n, household in enumerate(households):
        for k, birth in enumerate(["19450101", "19800606", today.strftime("%Y") + "0101"]):
            r = Resident(
                household=household,
                compound_id=household.compound_id,
                name=f"居民{n}-{k}",
                lives_alone=k == 0,
                party_member=k == 1,
            )
            if birth <= today.strftime("%Y%m%d"):
                apply_id_number(r, make_id_number(birth, seq=f"{n % 100:02}"))
            apply_phone(r, f"137{n:04}{k:04}")
            residents.append(r)
    # 刘桂兰's household grows too (the resident page lists the members)
    residents += [
        Resident(household=world.h1, compound=world.wufuyuan, name=f"亲属{i}") for i in range(scale)
    ]
    Resident.objects.bulk_create(residents)
    owners = []
    for i in range(scale):
        owner = Owner(compound=world.wufuyuan, name=f"共有人{i}")
        apply_id_number(owner, make_id_number("19600101", seq=f"{i:02}"))
        owners.append(owner)
    Owner.objects.bulk_create(owners)
    Ownership.objects.bulk_create(Ownership(unit=world.u101, owner=o) for o in owners)
    Ownership.objects.bulk_create(
        Ownership(unit=u, owner=world.owner_liu) for u in units[: scale * 2]
    )


def _url(name: str, attr: str | None = None):
    return lambda w: reverse(f"registry:{name}", args=[getattr(w, attr).pk] if attr else [])


# page id → (member of the cast, url, query, method): every list and detail page.
PAGES = {
    "workspace-community-worker": ("li", _url("workspace"), {}, "get"),
    "workspace-street-official": ("wang", _url("workspace"), {}, "get"),
    "workspace-grid-worker": ("zhang", _url("workspace"), {}, "get"),
    "workspace-party-secretary": ("chen", _url("workspace"), {}, "get"),
    "community": ("wang", _url("community", "shahe_community"), {}, "get"),
    "compound": ("li", _url("compound", "wufuyuan"), {}, "get"),
    "age-structure": ("li", _url("age_structure", "wufuyuan"), {}, "get"),
    "building": ("li", _url("building", "b1"), {}, "get"),
    "grid": ("zhang", _url("grid", "grid_a"), {}, "get"),
    "unit": ("li", _url("unit", "u101"), {}, "get"),
    "residents": ("li", _url("residents"), {}, "get"),
    "residents-of-a-community": (
        "wang",
        _url("residents"),
        lambda w: {"community": w.shahe_community.pk},
        "get",
    ),
    "residents-of-a-building-and-grid": (
        "li",
        _url("residents"),
        lambda w: {"compound": w.wufuyuan.pk, "building": w.b1.pk, "grid": w.grid_a.pk},
        "get",
    ),
    "residents-elderly-living-alone": (
        "li",
        _url("residents"),
        {"age": "elderly", "flag": "lives_alone"},
        "get",
    ),
    "residents-by-name": ("li", _url("residents"), {"q": "刘"}, "get"),
    "residents-by-phone": (
        "li",
        _url("residents"),
        {"number": queries.number_search_key("13812345678")[0]},
        "get",
    ),
    "residents-grid-worker": ("zhang", _url("residents"), {}, "get"),
    "resident": ("li", _url("resident", "liu_guilan"), {}, "get"),
    "resident-edit": ("li", _url("resident_edit", "liu_guilan"), {}, "get"),
    "resident-create": ("li", _url("resident_create", "h1"), {}, "get"),
    "resident-reveal": ("li", _url("resident_reveal", "liu_guilan"), {"field": "phone"}, "post"),
    "portal": ("liu", _url("portal"), {}, "get"),
}


def _count(client, url: str, query: dict, method: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_a_fixed_number_of_queries(world, login, page):
    username, url, query, method = PAGES[page]
    url = url(world)
    query = query(world) if callable(query) else query
    client = login(world.users[username])
    # given the small world, where every list on the page has rows (an empty page skips queries)
    Resident.objects.filter(pk=world.liu_guilan.pk).update(lives_alone=True)
    small = _count(client, url, query, method)
    # when the district grows around every object on the page
    _grow(world)
    # then the page runs exactly as many queries
    assert _count(client, url, query, method) == small, f"{page}: more queries with more data"
    assert small <= CEILING, f"{page}: {small} queries"
