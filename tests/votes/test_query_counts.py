"""Given a little data and then much more, when each vote page and each list and detail endpoint
of the vote and meeting-planning API is called, then it runs the same number of queries: no
query per voting person, ballot, vote or meeting, whatever the size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import MeetingKind
from laoyuan.decisions.votes import ballots
from laoyuan.decisions.votes.models import Matter, Vote
from tests.votes import helpers as h
from tests.votes.api_support import API

ROOMS = iter(range(100, 10_000))


def grow(world, n: int) -> None:
    """n more owners in building 5 (some with accounts, some with two flats, some couples), a
    closed vote and an open one over them with paper and online ballots and proxies, and a
    planned assembly with its agenda and notice."""
    c = world.wufuyuan
    specs = []
    for i in range(n):
        specs.append((f"{next(ROOMS)}", "60.00", [f"业主{n}-{i}"]))
        specs.append((f"{next(ROOMS)}", "45.50", [f"业主{n}-{i}", f"配偶{n}-{i}"]))
        specs.append((f"{next(ROOMS)}", "52.25", [f"业主{n}-{i}"]))
    made = h.units(c, "5", specs)
    for i, unit in enumerate(made[::3]):
        if i % 2 == 0:
            h.account_for(h.owner_named(c, unit.ownerships.first().owner.name), unit, f"a{n}-{i}")
    five = [h.building(c, "5")]
    for closing in (True, False):
        vote = h.open_vote(world, Matter.FUND_USE, buildings=five)
        for j, unit in enumerate(made):
            owner = h.roll_owner(vote, unit, unit.ownerships.order_by("pk").first().owner.name)
            if j % 3 == 1:
                proxy = ballots.proxy_record(
                    actor=world.li, vote=vote, owner=owner, proxy_name="代", scan=h.scan()
                )
                h.paper(world, vote, unit, owner.name, "yes", proxy=proxy, replaces_paper=True)
            elif j % 3 == 0:
                h.paper(world, vote, unit, owner.name, "no", replaces_paper=True)
        if closing:
            h.close(world, vote)
    plan_actions.meeting_plan(
        actor=world.li,
        compound=c,
        kind=MeetingKind.OWNERS_ASSEMBLY,
        title=f"业主大会{n}",
        held_on=timezone.localdate() + dt.timedelta(days=20),
        place="院坝",
        agenda=[plan_actions.AgendaEntry(title=f"议程{k}") for k in range(n)],
        notice=plan_actions.NoticeEntry(noticed_on=timezone.localdate(), channels=["board"]),
        buildings=five,
    )


def _ids():
    closed = Vote.objects.filter(status="closed").order_by("pk").first()
    open_ = Vote.objects.filter(status="open").order_by("pk").first()
    meeting = closed.compound.meetings.filter(status="planned").order_by("pk").first()
    return {"closed": closed.pk, "open": open_.pk, "meeting": meeting.pk}


API_ENDPOINTS = [
    "/votes",
    "/votes/{closed}",
    "/votes/{open}",
    "/votes/{open}/roll",
    "/votes/{open}/roll?voted=false",
    "/votes/{open}/ballots",
    "/votes/{open}/proxies",
    "/votes/{closed}/result",
    "/meetings/{meeting}",
    "/portal/votes",
    "/portal/meetings",
]
PAGES = [
    ("decisions:votes", None),
    ("decisions:vote", "closed"),
    ("decisions:vote", "open"),
    ("decisions:vote_roll", "open"),
    ("decisions:vote_ballots", "closed"),
    ("decisions:meeting", "meeting"),
    ("decisions:portal_votes", None),
    ("decisions:portal_vote", "closed"),
]


def count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


def _client(world, login, portal: bool):
    """li, or for the portal an owner of building 5 with an account (made by `grow`)."""
    from laoyuan.core.models import User

    return login(User.objects.get(username="a2-0") if portal else world.li)


@pytest.mark.parametrize("path", API_ENDPOINTS)
def test_api_queries_do_not_grow_with_the_data(world, login, path):
    grow(world, 2)
    client = _client(world, login, path.startswith("/portal"))
    small = count(client, API + path.format(**_ids()))
    grow(world, 8)
    large = count(client, API + path.format(**_ids()))
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    assert small <= 16, path


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_pages_run_a_fixed_number_of_queries(world, login, name, key):
    grow(world, 2)
    client = _client(world, login, name.startswith("decisions:portal"))
    url = lambda: reverse(name, args=[_ids()[key]]) if key else reverse(name)  # noqa: E731
    small = count(client, url())
    grow(world, 8)
    large = count(client, url())
    assert small == large, f"{name}: {small} queries with little data, {large} with more"
