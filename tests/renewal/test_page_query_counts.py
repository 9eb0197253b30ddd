"""Given a little renewal data and then much more, when each renewal page is opened, then it
runs the same number of queries: no query per row, whatever the size of the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.renewal.models import Checkup, Inspection, Project, RectificationItem, ShareScheme
from tests.renewal.growth import grow, scheme

PAGES = [
    ("renewal:projects", None),
    ("renewal:compound", "compound"),
    ("renewal:project", "project"),
    ("renewal:funding", "project"),
    ("renewal:accounts", "project"),
    ("renewal:scheme", "scheme"),
    ("renewal:supervision", "project"),
    ("renewal:inspection", "inspection"),
    ("renewal:schedule", "project"),
    ("renewal:acceptance", "project"),
    ("renewal:rectifications", None),
    ("renewal:rectification", "item"),
    ("renewal:checkup", "compound"),
    ("renewal:checkup_detail", "checkup"),
    ("renewal:portfolio", None),
    ("renewal:portal_projects", None),
    ("renewal:portal_project", "project"),
    ("renewal:portal_accounts", "project"),
    ("renewal:project_vote", "project"),
    ("renewal:plan_notice_new", "project"),
    ("renewal:accounts_notice_new", "project"),
    ("notices:public_compound", "compound"),
]


def _url(world, project, name: str, key: str | None) -> str:
    objects = {
        "compound": world.wufuyuan,
        "project": project,
        "scheme": ShareScheme.objects.filter(project=project).order_by("-pk").first(),
        "inspection": Inspection.objects.filter(project=project).first(),
        "item": RectificationItem.objects.order_by("pk").first(),
        "checkup": Checkup.objects.order_by("-pk").first(),
    }
    return reverse(name, args=[objects[key].pk]) if key else reverse(name)


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _checkup(world, n: int) -> None:
    from laoyuan.renewal import actions
    from laoyuan.renewal.models import Asset

    assets = list(Asset.objects.filter(compound=world.wufuyuan))
    actions.checkup_record(
        actor=world.li,
        compound=world.wufuyuan,
        checked_on=world.wufuyuan.created_at.date(),
        inspector=f"体检{n}",
        ratings=[actions.RatingEntry(a, "poor") for a in assets],
    )


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_pages_run_a_fixed_number_of_queries(world, login, base, name, key):
    project, residents = base
    client = login(world.liu if ":portal_" in name else world.wang)
    grow(world, 2)
    scheme(world, project, residents)
    _checkup(world, 2)
    small = _count(client, _url(world, project, name, key))
    grow(world, 6)
    scheme(world, project, residents)
    _checkup(world, 6)
    large = _count(client, _url(world, project, name, key))
    assert small == large, f"{name}: {small} queries with little data, {large} with more"
    assert Project.objects.count() > 8
