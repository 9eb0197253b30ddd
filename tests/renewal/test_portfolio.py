"""Given projects in the old compounds of 沙河街道, when the street official opens the portfolio,
then it counts old compounds renovated, under way and waiting, money by source and by class,
projects behind schedule and satisfaction at acceptance — exactly, from the projects — for the
street or one community; the page, its charts, its compound list and its .xlsx agree, a place
out of scope answers 404, and the page runs the same number of queries however much data."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from laoyuan.registry.models import Compound
from laoyuan.renewal import actions
from laoyuan.renewal.queries.portfolio import portfolio
from tests.renewal import given


@pytest.fixture
def street(world):
    # 五福苑 (1994): one project accepted, one under construction → under way
    given.advance(world, given.project(world, title="道路"), "accepted")
    building = given.advance(
        world, given.project(world, title="停车", item_type="parking"), "construction"
    )
    # 东光小区 (1988): one project accepted → renovated; its funding below
    done = given.advance(
        world, given.project(world, compound=world.dongguang, title="屋面"), "accepted"
    )
    # 马家沟小区 (2008) is not old: its project counts as a project, not as an old compound
    given.project(world, compound=world.majiagou, title="新小区项目")
    return building, done


def test_the_street_portfolio_counts_old_compounds_by_their_projects(world, street):
    p = portfolio(world.shahe)
    # 五福苑 and 东光小区 are old (built before 2001); 马家沟小区 (2008) is not
    assert (p.compounds, p.old_compounds) == (3, 2)
    assert (p.renovated, p.under_way, p.waiting) == (1, 1, 0)
    assert p.projects == 4
    assert p.projects_by_state == {"accepted": 2, "construction": 1, "proposed": 1}
    # three projects funded by 1,000,000.00 each from the government
    government = p.money_by_source["government"]
    assert (government.pledged, government.received) == (Decimal("3000000.00"), Decimal("0.00"))
    assert p.money_by_class["basic"].pledged == Decimal("2000000.00")
    assert p.money_by_class["improvement"].pledged == Decimal("1000000.00")
    # two surveys answered "satisfied" by one household each
    assert (p.answered, p.satisfied) == (2, 2)


def test_a_community_portfolio_counts_only_its_compounds(world, street):
    p = portfolio(world.dongguang_community)
    assert (p.old_compounds, p.renovated, p.under_way, p.waiting) == (1, 1, 0, 0)
    assert p.projects == 1


def test_projects_behind_schedule_are_counted(world, street):
    building, _done = street
    actions.milestone_add(
        actor=world.li, project=building, name="主体完工", planned_on=dt.date(2026, 1, 5)
    )
    p = portfolio(world.shahe)
    assert p.behind == 1 and p.behind_examples == [building]


def test_the_page_and_the_export_say_the_same(world, login, street):
    client = login(world.wang)
    page = client.get(reverse("renewal:portfolio")).content.decode()
    assert "沙河街道老旧小区改造总览" in page
    assert "个老旧小区（共3个小区）" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" role="img"' in page
    assert (
        "五福苑" in page
        and "东光小区" in page
        and "马家沟小区" not in page.split("老旧小区</h2>")[-1]
    )
    response = client.get(reverse("renewal:portfolio_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    figures = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=5, values_only=True)}
    assert (figures["老旧小区"], figures["已改造"], figures["改造中"]) == (2, 1, 1)
    compounds = [row[1] for row in book["小区"].iter_rows(min_row=5, values_only=True)]
    assert sorted(compounds) == ["东光小区", "五福苑"]


def test_a_place_out_of_scope_answers_404(world, login, street):
    assert (
        login(world.qian)
        .get(reverse("renewal:portfolio"), {"place": f"street:{world.shahe.pk}"})
        .status_code
        == 404
    )
    assert (
        login(world.li)
        .get(reverse("renewal:portfolio"), {"place": f"street:{world.shahe.pk}"})
        .status_code
        == 404
    )  # a community worker sees her community's, not the street's
    assert (
        login(world.li).get(reverse("renewal:portfolio"), {"place": "street:abc"}).status_code
        == 404
    )
    # the grid worker has no portfolio: the page says where to look instead
    assert (
        "改造总览面向区、街道和社区"
        in login(world.zhang).get(reverse("renewal:portfolio")).content.decode()
    )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(world, login, street):
    client = login(world.wang)
    url = reverse("renewal:portfolio")
    small = _queries(client, url)
    for n in range(6):
        compound = Compound.objects.create(
            community=world.dongguang_community, code=f"OLD{n}", name=f"老院{n}", year_built=1990
        )
        given.advance(world, given.project(world, compound=compound, title=f"改造{n}"), "funded")
    large = _queries(client, url)
    assert small == large
    assert portfolio(world.shahe).waiting == 6
