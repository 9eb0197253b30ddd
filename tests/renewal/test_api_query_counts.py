"""Given a little renewal data and then much more, when each list and detail endpoint of the
renewal API is called, then it runs the same number of queries: no query per row, whatever the
size of the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.renewal.models import ShareScheme
from tests.renewal.growth import grow, scheme

API = "/api/v1"


ENDPOINTS = [
    "/renewal/projects",
    "/renewal/projects?state=live&behind=true",
    "/renewal/projects/{project}",
    "/renewal/projects/{project}/events",
    "/renewal/projects/{project}/accounts",
    "/renewal/projects/{project}/ledger",
    "/renewal/share-schemes/{scheme}/shares?limit=200",
    "/renewal/projects/{project}/supervision",
    "/renewal/projects/{project}/schedule",
    "/renewal/projects/{project}/survey",
    "/renewal/rectifications",
    "/renewal/compounds/{wufuyuan}/checkup",
    "/renewal/portfolio",
    "/renewal/portal/projects",
    "/renewal/portal/projects/{project}",
]


def _url(world, project, path: str) -> str:
    scheme = ShareScheme.objects.filter(project=project).order_by("-pk").first()
    names = {"project": project.pk, "wufuyuan": world.wufuyuan.pk, "scheme": scheme.pk}
    for name, pk in names.items():
        path = path.replace(f"{{{name}}}", str(pk))
    return f"{API}{path}"


def count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_queries_do_not_grow_with_the_data(world, login, base, path):
    project, residents = base
    client = login(world.liu if "/portal/" in path else world.li)
    grow(world, 2)
    scheme(world, project, residents)
    small = count(client, _url(world, project, path))
    grow(world, 8)
    scheme(world, project, residents)
    large = count(client, _url(world, project, path))
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    assert small <= 40, path
