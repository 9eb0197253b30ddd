"""Given a little data and then much more, when each case page and each list endpoint of the
case API is read, then it runs the same number of queries: no query per row, per event or per
party, whatever the size of the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.cases import actions, clocks
from laoyuan.cases.models import Case
from laoyuan.cases.sweep import sweep
from tests.cases.helpers import API, at, category, fresh, open_case
from tests.scope_fills.cases import _parties

SOON = dt.date.today() + dt.timedelta(days=3)


def grow(world, n: int) -> None:
    """n more of everything in 五福苑: cases of several parties in every state, with photos' worth
    of timeline, notices, ratings, escalations, the resident's own; contacts of parties."""
    parties = _parties(world)
    for i in range(n):
        with clocks.frozen_at(at("2026-09-01 09:00") + dt.timedelta(hours=i)):
            case = open_case(
                world, code="house.roof", party=parties.property, reporter_phone="13812345678"
            )
            open_case(world, code="pipe.water", party=parties.water)
            open_case(world, code="env.light")
            actions.case_accept(actor=world.sun, case=case)
            actions.case_progress(actor=world.sun, case=fresh(case), note=f"进展{i}")
            actions.notice_issue(
                actor=world.li, case=fresh(case), demand="限期", due_on=dt.date(2026, 9, 10)
            )
            if i % 2:
                actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
                actions.case_rate(actor=world.li, case=fresh(case), rating="satisfied")
            own = actions.case_submit(
                actor=world.liu,
                compound=world.wufuyuan,
                category=category("env.light"),
                description=f"灯{i}",
            )
            actions.case_dispatch(actor=world.li, case=own, party=parties.property)
        actions.party_contact_add(
            actor=world.wang, party=parties.water, name=f"调度{i}", phone="13700000000"
        )
    sweep(now=at("2026-10-20 09:00"))


def first(world) -> dict:
    case = (
        Case.objects.filter(compound=world.wufuyuan, party=_parties(world).property)
        .order_by("pk")
        .first()
    )
    own = Case.objects.filter(reporter_account=world.liu).order_by("pk").first()
    return {
        "case": case.pk,
        "own": own.pk,
        "token": case.public_token,
        "party": _parties(world).water.pk,
        "street": world.shahe.pk,
    }


PAGES = [
    ("li", "/cases/"),
    ("li", "/cases/?state=open&overdue=on"),
    ("li", "/cases/{case}/"),
    ("sun", "/cases/{case}/"),
    ("li", "/cases/board/?all=1"),
    ("wang", "/cases/board/"),
    ("wang", "/cases/stats/?period=custom&since=2026-01-01&until=2026-12-31"),
    ("wang", "/cases/stats/?period=custom&since=2026-01-01&until=2026-12-31&group=category"),
    ("li", "/cases/parties/"),
    ("li", "/cases/parties/{party}/"),
    ("wang", "/cases/service-levels/"),
    ("liu", "/portal/cases/"),
    ("liu", "/portal/cases/{own}/"),
    (None, "/p/{token}/"),
    ("li", API + "/cases"),
    ("sun", API + "/cases"),
    ("li", API + "/cases/{case}"),
    ("li", API + "/cases/board?all=true"),
    ("wang", API + "/cases/statistics?since=2026-01-01&until=2026-12-31"),
    ("li", API + "/supervision-notices"),
    ("li", API + "/parties"),
    ("li", API + "/parties/{party}"),
    ("li", API + "/case-categories?street={street}"),
    ("liu", API + "/portal/cases"),
]


def count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_queries_do_not_grow_with_the_data(world, login, client, who, path):
    viewer = login(world.users[who]) if who else client
    grow(world, 2)
    small = count(viewer, path.format(**first(world)))
    grow(world, 9)
    large = count(viewer, path.format(**first(world)))
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    assert small <= 30, (path, small)
