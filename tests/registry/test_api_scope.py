"""Given objects outside a user's scope, when the user calls any registry API endpoint on them,
then the answer is 404 "未找到", exactly as for something that does not exist, and nothing is
written. The walk is built from the router itself: an endpoint it cannot fill fails the test,
so a new endpoint cannot escape it."""

import json

import pytest
from django.test import Client

from laoyuan.core.models import AuditEvent
from laoyuan.registry.api import router
from laoyuan.registry.models import Household, Resident, Unit

API = "/api/v1"

OPERATIONS = sorted(
    (method, path)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)

# Which object of the world fills each path parameter, per viewer.
IN_SCOPE_OF_LI = {
    "compound_id": "wufuyuan",
    "building_id": "b1",
    "unit_id": "u101",
    "household_id": "h1",
    "resident_id": "liu_guilan",
}
OUT_OF_SCOPE = {
    # The outsider, a community worker in another district.
    "qian": IN_SCOPE_OF_LI,
    # The grid worker of 一网格, on objects of 二网格 (she sees no compound or building at all).
    "zhang": {
        "compound_id": "wufuyuan",
        "building_id": "b2",
        "unit_id": "u201",
        "household_id": "h3",
        "resident_id": "sun_li",
    },
}
# A valid body for each write, so that only the scope can refuse it.
BODIES = {
    ("PATCH", "/residents/{resident_id}"): {"note": "走访记录"},
    ("POST", "/residents/{resident_id}/reveal"): {"field": "phone"},
    ("POST", "/households/{household_id}/residents"): {"name": "新居民"},
    ("POST", "/buildings/{building_id}/units"): {"room_number": "901"},
    ("POST", "/units/{unit_id}/households"): {},
    ("PUT", "/households/{household_id}/grid"): {"grid_id": None},
}


def _fill(world, path: str, objects: dict[str, str]) -> str:
    url = path
    for name in _params(path):
        if name not in objects:
            pytest.fail(f"The scope walk does not know how to fill {{{name}}} in {path}")
        url = url.replace(f"{{{name}}}", str(getattr(world, objects[name]).pk))
    return url


def _params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _call(client: Client, method: str, path: str, url: str):
    body = BODIES.get((method, path))
    if method != "GET" and body is None:
        pytest.fail(f"The scope walk has no body for {method} {path}")
    return client.generic(
        method,
        f"{API}{url}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def _snapshot():
    return (
        AuditEvent.objects.count(),
        Resident.objects.count(),
        Unit.objects.count(),
        Household.objects.count(),
        sorted(Household.objects.values_list("pk", "grid_id")),
        sorted(Resident.objects.values_list("pk", "note")),
    )


WITH_PARAMS = [op for op in OPERATIONS if _params(op[1])]


def test_the_walk_covers_every_endpoint_with_a_path_parameter():
    assert len(WITH_PARAMS) >= 10
    for _method, path in WITH_PARAMS:
        assert set(_params(path)) <= set(IN_SCOPE_OF_LI)


@pytest.mark.parametrize("viewer", sorted(OUT_OF_SCOPE))
@pytest.mark.parametrize(("method", "path"), WITH_PARAMS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, viewer, method, path):
    url = _fill(world, path, OUT_OF_SCOPE[viewer])
    before = _snapshot()
    response = _call(login(getattr(world, viewer)), method, path, url)
    assert response.status_code == 404, (viewer, method, url, response.content)
    assert response.json() == {"detail": "未找到"}
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path"), WITH_PARAMS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    """The control: the 404s above come from the scope, not from a broken request."""
    url = _fill(world, path, IN_SCOPE_OF_LI)
    response = _call(login(world.li), method, path, url)
    assert response.status_code in {200, 201}, (method, url, response.content)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(world, method, path):
    url = _fill(world, path, IN_SCOPE_OF_LI)
    response = _call(Client(), method, path, url)
    assert response.status_code == 401
    assert "未登录" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/communities", {"street": "shahe"}),
        ("/compounds", {"community": "shahe_community"}),
        ("/buildings", {"compound": "wufuyuan"}),
        ("/grids", {"compound": "wufuyuan"}),
        ("/units", {"compound": "wufuyuan", "building": "b1"}),
        ("/households", {"compound": "wufuyuan", "building": "b1", "grid": "grid_a"}),
        ("/residents", {"compound": "wufuyuan", "grid": "grid_a"}),
        ("/residents", {"community": "shahe_community"}),
        ("/residents", {"q": "刘桂兰"}),
        ("/residents", {"q": "13812345678"}),
    ],
)
def test_lists_filtered_on_someone_elses_places_are_empty(world, login, path, filters):
    params = {k: getattr(world, v).pk if k != "q" else v for k, v in filters.items()}
    response = login(world.qian).get(f"{API}{path}", params)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_the_outsider_lists_only_her_own_district(world, login):
    client = login(world.qian)
    residents = client.get(f"{API}/residents").json()
    assert [r["name"] for r in residents["items"]] == ["桂阿姨"]
    compounds = client.get(f"{API}/compounds").json()
    assert [c["name"] for c in compounds["items"]] == ["桂花新村"]


def test_a_role_that_may_see_but_not_edit_gets_403_on_writes(world, login):
    """The party secretary sees 五福苑 (so 404 would lie) but may not change it."""
    client = login(world.chen)
    before = _snapshot()
    for (method, path), body in BODIES.items():
        if path.endswith("/reveal"):
            continue  # revealing is refused with 404 for roles without pii.reveal
        url = _fill(world, path, IN_SCOPE_OF_LI)
        response = client.generic(
            method, f"{API}{url}", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "您的角色无权执行此操作"}
    assert _snapshot() == before


# What each member of the cast sees of the small world: the number of items of each list, and
# the status of each detail (on 五福苑 and its first household's objects).
CAST_LISTS = {
    #            streets communities compounds buildings grids units households residents
    "wang": (1, 2, 3, 2, 2, 3, 3, 4),
    "li": (0, 1, 2, 2, 2, 3, 3, 4),
    "zhang": (0, 0, 0, 0, 1, 2, 2, 3),
    "chen": (0, 0, 1, 2, 2, 3, 3, 4),
    "zhao": (0, 0, 1, 2, 2, 3, 3, 4),
    "sun": (0, 0, 1, 2, 2, 3, 3, 4),
    "zhou": (0, 1, 2, 2, 2, 3, 3, 4),
    "liu": (0, 0, 0, 0, 0, 0, 0, 0),
    "qian": (0, 1, 1, 1, 0, 1, 1, 1),
    "nobody": (0, 0, 0, 0, 0, 0, 0, 0),
}
LISTS = ["/streets", "/communities", "/compounds", "/buildings", "/grids", "/units",
         "/households", "/residents"]  # fmt: skip
CAST_DETAILS = {
    #          compound age-structure unit-owners resident me me/household
    "wang": (200, 200, 200, 200, 200, 404),
    "li": (200, 200, 200, 200, 200, 404),
    "zhang": (404, 404, 200, 200, 200, 404),
    "chen": (200, 200, 200, 200, 200, 404),
    "zhao": (200, 200, 200, 200, 200, 404),
    "sun": (200, 200, 200, 200, 200, 404),
    "zhou": (200, 200, 200, 200, 200, 404),
    "liu": (404, 404, 404, 404, 200, 200),
    "qian": (404, 404, 404, 404, 200, 404),
    "nobody": (404, 404, 404, 404, 200, 404),
}
DETAILS = [
    "/compounds/{compound_id}",
    "/compounds/{compound_id}/age-structure",
    "/units/{unit_id}/owners",
    "/residents/{resident_id}",
    "/me",
    "/me/household",
]


def test_the_cast_tables_cover_every_get_endpoint():
    gets = {path for method, path in OPERATIONS if method == "GET"}
    assert gets == set(LISTS) | set(DETAILS)


@pytest.mark.parametrize("member", sorted(CAST_LISTS))
def test_every_member_of_the_cast_sees_their_share_of_every_endpoint(world, login, member):
    client = login(getattr(world, member))
    counts = tuple(client.get(f"{API}{path}").json()["count"] for path in LISTS)
    assert counts == CAST_LISTS[member]
    statuses = tuple(
        client.get(f"{API}{_fill(world, path, IN_SCOPE_OF_LI)}").status_code for path in DETAILS
    )
    assert statuses == CAST_DETAILS[member]
