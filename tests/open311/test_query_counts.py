"""Given a few requests and then many more (dispatched, closed, cancelled, in both districts,
with and without positions), when GET requests, GET requests/{id}, GET services, a service
definition, discovery, the staff guide and the public index are read, then each runs the same
number of queries: none per request, per service or per compound."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laoyuan.cases import actions
from laoyuan.cases.models import Case
from tests.open311.helpers import good_request, key_of, opened_at, post

CALLS = [
    "/open311/v2/requests.json?jurisdiction_id=SH",
    "/open311/v2/requests.xml?jurisdiction_id=JJ&status=open,closed",
    "/open311/v2/requests.json?jurisdiction_id=SH&service_code=pipe.water,env.light",
    "/open311/v2/services.json?jurisdiction_id=SH",
    "/open311/v2/services.xml?jurisdiction_id=JJ",
    "/open311/v2/services/pipe.water.json?jurisdiction_id=SH",
    "/open311/v2/discovery.xml",
    "/open311/v2/",
]


def grow(world, parties, n: int) -> None:
    key = key_of(world.li, name=f"key {n}")
    for i in range(n):
        code = ("pipe.water", "env.light", "road.surface")[i % 3]
        fields = good_request(world, key, service_code=code, lat="30.65", long="104.08")
        if code != "pipe.water":
            del fields["attribute[building]"], fields["attribute[scope]"]
        rid = post(fields)[1][0]["service_request_id"]
        case = Case.objects.get(request_id=rid)
        if i % 3 == 1:
            actions.case_dispatch(actor=world.li, case=case, party=parties.water)
        elif i % 3 == 2:
            actions.case_cancel(actor=world.li, case=case, reason="重复")
        opened_at(
            world,
            timezone.now() - dt.timedelta(days=i),
            compound=world.majiagou,
            code="env.light",
        )
    opened_at(world, timezone.now(), who=world.qian, compound=world.guihuaxincun)


def counts(client: Client, extra: list[str]) -> list[int]:
    found = []
    for url in CALLS + extra:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        found.append(len(queries))
    return found


@pytest.mark.parametrize("who", [None, "li"])
def test_the_number_of_queries_does_not_grow_with_the_data(world, parties, login, who):
    client = login(world.li) if who else Client()
    extra = ["/open311/"] if who else []
    grow(world, parties, 2)
    first = Case.objects.filter(source="open311").first().request_id
    one = [f"/open311/v2/requests/{first}.json?jurisdiction_id=SH"]
    small = counts(client, extra + one)
    grow(world, parties, 12)
    large = counts(client, extra + one)
    assert small == large
    assert max(small[:6]) <= 4, small
