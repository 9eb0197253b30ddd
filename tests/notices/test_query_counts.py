"""Given a little data and then much more — notices for the compound, its buildings and its
community, with attachments, objections online and on paper, answers, closed and withdrawn ones —
when each list and detail page and endpoint of notices is requested, then it runs the same
number of queries: no query per row, whatever the size of the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.notices import actions
from laoyuan.notices.models import Notice
from tests.notices.helpers import end_period, paper_objection, pdf_file, published
from tests.scope_fills.topics import topic_in


def grow(world, n: int) -> None:
    first = Notice.objects.order_by("pk").first()
    if first is None:
        first = published(
            world, title="第一条公示", attachments=[pdf_file()], subject=topic_in(world)
        )
        actions.objection_file(actor=world.liu, notice=first, text="我对第一条有意见")
    for i in range(n):
        objection = paper_objection(world, first, objector_name=f"居民{n}-{i}", text=f"意见{i}")
        actions.objection_answer(
            actor=world.li, objection=objection, text="已答复", outcome="explained"
        )
        notice = published(
            world,
            title=f"公示{n}-{i}",
            attachments=[pdf_file()],
            buildings=[world.b1] if i % 3 == 1 else [],
            place=world.shahe_community if i % 3 == 2 else None,
        )
        paper_objection(world, notice)
        # 刘桂兰 objects to each new notice (one person may file only a few on one notice)
        mine = actions.objection_file(actor=world.liu, notice=notice, text=f"我的意见{n}-{i}")
        actions.objection_answer(actor=world.li, objection=mine, text="谢谢", outcome="follow_up")
        if i % 2:
            closed = published(world, title=f"往期{n}-{i}")
            paper_objection(world, closed)
            end_period(closed)
        if i % 4 == 3:
            actions.notice_withdraw(actor=world.li, notice=notice, reason="撤回")
    actions.notices_close_due()


PAGES = [
    ("li", "notices:list", None),
    ("li", "notices:list", "?phase=open&kind=plan"),
    ("li", "notices:notice", "first"),
    ("liu", "notices:portal_list", None),
    ("liu", "notices:portal_notice", "first"),
    (None, "notices:public_notice", "first"),
    (None, "notices:public_compound", "wufuyuan"),
]
ENDPOINTS = [
    ("li", "/notices"),
    ("li", "/notices?phase=open"),
    ("li", "/notices/{first}"),
    ("li", "/notices/{first}/objections"),
    ("liu", "/portal/notices"),
    ("liu", "/portal/objections"),
    ("liu", "/portal/notices/{first}"),
    (None, "/public/notices/{first}"),
    (None, "/public/notices/{first}/objections"),
    (None, "/public/compounds/{wufuyuan}/notices"),
]


def _client(world, login, client, who):
    return login(world.users[who]) if who else client


def _count(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, the calendar)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


def _page_url(world, name, arg) -> str:
    first = Notice.objects.order_by("pk").first()
    if arg == "first":
        return reverse(name, args=[first.pk])
    if arg == "wufuyuan":
        return reverse(name, args=[world.wufuyuan.pk])
    return reverse(name) + (arg or "")


@pytest.mark.parametrize(("who", "name", "arg"), PAGES)
def test_pages_run_a_fixed_number_of_queries(world, login, client, who, name, arg):
    grow(world, 2)
    small = _count(_client(world, login, client, who), _page_url(world, name, arg))
    grow(world, 9)
    large = _count(_client(world, login, client, who), _page_url(world, name, arg))
    assert small == large, f"{name}: {small} queries with little data, {large} with more"
    assert small <= 25, name


@pytest.mark.parametrize(("who", "path"), ENDPOINTS)
def test_endpoints_run_a_fixed_number_of_queries(world, login, client, who, path):
    def url() -> str:
        first = Notice.objects.order_by("pk").first()
        return "/api/v1" + path.format(first=first.pk, wufuyuan=world.wufuyuan.pk)

    grow(world, 2)
    c = _client(world, login, client, who)
    small = _count(c, url())
    small_answer = c.get(url()).json()
    grow(world, 9)
    large = _count(c, url())
    large_answer = c.get(url()).json()
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    assert small <= 20, path
    if "count" in small_answer:
        assert large_answer["count"] > small_answer["count"], path
