"""Given a little renewal data and then much more, when each list and detail endpoint of the
renewal API is called, then it runs the same number of queries: no query per row, whatever the
size of the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.registry.models import Unit
from laoyuan.renewal import actions
from laoyuan.renewal.models import Project, ShareScheme
from tests.renewal import given

API = "/api/v1"


def grow(world, n: int) -> None:
    """n more of everything in 五福苑: projects with sources, receipts, payments, milestones,
    work items, volunteers, inspections and their problems; flats sharing a scheme; assets."""
    first = Project.objects.order_by("pk").first()
    for i in range(n):
        project = given.project(world, title=f"项目{n}-{i}", budget="1000000.00")
        source = actions.source_add(
            actor=world.li, project=project, kind="government", funder="区财政", pledged="1000000"
        )
        for _ in range(2):
            actions.receipt_record(
                actor=world.li, source=source, amount="1000", booked_on=given.TODAY
            )
        payment = actions.payment_request(
            actor=world.li, source=source, amount="500", payee="施工单位", purpose="进度款"
        )
        actions.payment_decide(actor=world.wang, payment=payment, approve=True)
        actions.milestone_add(actor=world.li, project=project, name="进场", planned_on=given.TODAY)
        actions.work_item_add(
            actor=world.li,
            project=project,
            name="管网",
            weight=i + 1,
            planned_quantity="10",
            unit="米",
        )
        actions.volunteer_add(
            actor=world.li,
            project=project,
            resident=given.resident(world, world.wufuyuan, f"志愿{n}{i}"),
        )
        actions.rectification_create(
            actor=world.li,
            compound=world.wufuyuan,
            title=f"问题{n}{i}",
            responsible_party="物业",
            found_on=given.TODAY,
            work_days=3,
        )
        actions.asset_add(
            actor=world.li, compound=world.wufuyuan, asset_type="road", name=f"道路{n}{i}"
        )
        Unit.objects.create(
            building=world.b1,
            compound=world.wufuyuan,
            room_number=f"9{n:02d}{i:02d}",
            floor=5,
            area=Decimal("50.00"),
        )
    if first is None:
        return
    for _ in range(n):
        actions.milestone_add(actor=world.li, project=first, name="节点", planned_on=given.TODAY)
        actions.work_item_add(
            actor=world.li, project=first, name="子项", weight=2, planned_quantity="5", unit="个"
        )


@pytest.fixture
def base(world):
    """A project under construction with a group, a survey, an inspection and a scheme."""
    project = given.advance(world, given.project(world, title="主项目"), "construction")
    actions.survey_open(actor=world.li, project=project, closes_on=given.TODAY)
    actions.inspection_record(
        actor=world.li,
        project=project,
        inspected_on=given.TODAY,
        inspectors="监督小组",
        findings="检查",
        problems=[actions.ProblemEntry("问题", "施工单位", 3)],
    )
    residents = actions.source_add(
        actor=world.li, project=project, kind="residents", funder="居民自筹"
    )
    return project, residents


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


def _scheme(world, project, residents):
    actions.share_scheme_create(
        actor=world.li,
        project=project,
        source=residents,
        basis="area",
        total=Decimal("1000.00"),
        buildings=[world.b1, world.b2],
    )


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
    _scheme(world, project, residents)
    small = count(client, _url(world, project, path))
    grow(world, 8)
    _scheme(world, project, residents)
    large = count(client, _url(world, project, path))
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    assert small <= 40, path
