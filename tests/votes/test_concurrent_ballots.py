"""200 ballots submitted at once on PostgreSQL: real concurrent connections (threads with their
own connections, data committed: `transactional_db`). Then every voting person has exactly one
counted ballot — the last of hers in the chain — the chain has every ballot once and in order,
and the tally is exact.

141 voting persons: 120 owners of one flat, 10 owners of two flats, 10 couples owning a flat
together, and the developer with 10 unsold flats. The 200 ballots: each of the 120 once, 39 of
them again with another choice, each two-flat owner twice with different choices, both halves
of each couple with different choices, and the developer's paper ballot typed in by staff."""

import datetime as dt
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.decisions.votes import actions, ballots, tally
from laoyuan.decisions.votes.models import Ballot, Matter, RollOwner, Vote, VotingPerson
from laoyuan.decisions.votes.verification import verify
from laoyuan.registry.models import Building, Household, Owner, Ownership, Resident, Unit
from tests.cast import build_world
from tests.votes import helpers as h

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer at a time hold the whole database, so there is no concurrent "
    "writing to test; `make test` runs this on PostgreSQL",
)
WORKERS = 40  # real connections at once (PostgreSQL allows 100 by default)
CHOICES = ["yes", "no", "abstain"]


def _owner_with_account(compound, unit, name: str) -> Owner:
    household = Household.objects.filter(unit=unit).first() or Household.objects.create(
        unit=unit, compound=compound, building=unit.building
    )
    resident = Resident.objects.create(household=household, compound=compound, name=name)
    owner = Owner.objects.create(compound=compound, name=name, resident=resident)
    user = User.objects.create_user(username=f"c-{name}", password="x", display_name=name)
    RoleAssignment.objects.create(
        user=user, role=Role.RESIDENT, level="household", household=household, resident=resident
    )
    return owner


@pytest.fixture
def crowd(transactional_db):
    world = build_world()
    compound = world.wufuyuan
    building = Building.objects.create(compound=compound, number="9", floors=30)
    flats = []

    def flat(n: int) -> Unit:
        unit = Unit.objects.create(
            building=building,
            compound=compound,
            room_number=f"{n:04d}",
            area=Decimal("50.00") + Decimal(n % 37) + Decimal(n % 7) / 100,
        )
        flats.append(unit)
        return unit

    n = 0
    for i in range(120):
        n += 1
        unit = flat(n)
        Ownership.objects.create(unit=unit, owner=_owner_with_account(compound, unit, f"单{i}"))
    for i in range(10):
        n += 1
        first = flat(n)
        owner = _owner_with_account(compound, first, f"双{i}")
        n += 1
        for unit in (first, flat(n)):
            Ownership.objects.create(unit=unit, owner=owner)
    for i in range(10):
        n += 1
        unit = flat(n)
        for half in ("甲", "乙"):
            Ownership.objects.create(
                unit=unit, owner=_owner_with_account(compound, unit, f"共{i}{half}")
            )
    developer = Owner.objects.create(compound=compound, name="开发商", kind="developer")
    for _ in range(10):
        n += 1
        Ownership.objects.create(unit=flat(n), owner=developer)
    now = timezone.now()
    vote = actions.vote_create(
        actor=world.li,
        compound=compound,
        draft=actions.VoteDraft(
            title="9栋维修资金使用",
            question="是否同意使用维修资金修缮屋面？",
            matter=Matter.FUND_USE,
            opens_at=now - dt.timedelta(minutes=1),
            closes_at=now + dt.timedelta(hours=1),
            buildings=[building],
            meeting=h.assembly(world, compound, [building]),
        ),
    )
    vote = actions.vote_open(actor=world.li, vote=vote)
    return world, vote


def _plan(vote: Vote) -> list[tuple[str, int, str]]:
    """The 200 submissions: (username or "paper", person id, choice)."""
    plan = []
    by_name = {
        o.name: o.person_id for o in RollOwner.objects.filter(vote=vote).only("name", "person_id")
    }
    for i in range(120):
        plan.append((f"c-单{i}", by_name[f"单{i}"], CHOICES[i % 3]))
        if i < 39:
            plan.append((f"c-单{i}", by_name[f"单{i}"], CHOICES[(i + 1) % 3]))
    for i in range(10):
        plan.append((f"c-双{i}", by_name[f"双{i}"], "yes"))
        plan.append((f"c-双{i}", by_name[f"双{i}"], "no"))
    for i in range(10):
        plan.append((f"c-共{i}甲", by_name[f"共{i}甲"], "yes"))
        plan.append((f"c-共{i}乙", by_name[f"共{i}乙"], "abstain"))
    plan.append(("paper", by_name["开发商"], "no"))
    assert len(plan) == 200
    return plan


def test_200_concurrent_ballots_count_exactly_once_per_person(crowd):
    world, vote = crowd
    plan = _plan(vote)
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def work(chunk: list[tuple[str, int, str]]) -> None:
        try:
            start.wait()
            for username, person_id, choice in chunk:
                person = VotingPerson.objects.get(pk=person_id)
                if username == "paper":
                    owner = RollOwner.objects.get(person=person)
                    ballots.ballot_enter_paper(
                        actor=User.objects.get(username="li"),
                        vote=vote,
                        paper=ballots.PaperBallot(
                            owner=owner,
                            choice=choice,
                            ballot_number="DEV-1",
                            received_at=timezone.now(),
                            scan=h.scan(),
                        ),
                    )
                else:
                    ballots.ballot_cast_online(
                        actor=User.objects.get(username=username),
                        vote=vote,
                        person=person,
                        choice=choice,
                    )
        except BaseException as exc:  # reported below, with every other thread's
            failures.append(exc)
        finally:
            connection.close()

    # The two submissions of one person go to different workers, so they really race.
    chunks = [plan[i::WORKERS] for i in range(WORKERS)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(work, chunks))
    assert failures == []

    # Every submission is a row of the chain, once, in one unbroken order.
    rows = list(Ballot.objects.filter(vote=vote).order_by("seq"))
    assert len(rows) == 200
    vote.refresh_from_db()
    assert vote.chain_length == 2 + 200  # created, opened, then the ballots
    assert verify(vote) == []
    # Each voting person counts exactly one ballot: her last in the chain.
    last: dict[int, Ballot] = {}
    for row in rows:
        last[row.person_id] = row
    persons = list(VotingPerson.objects.filter(vote=vote))
    assert len(persons) == 141
    for person in persons:
        assert person.counted_ballot_id == last[person.pk].pk
    # The tally, recomputed from the registry's areas (Decimal) and each last ballot.
    area_of: dict[int, Decimal] = defaultdict(Decimal)
    for person in persons:
        for unit in person.units.all():
            area_of[person.pk] += Unit.objects.get(pk=unit.unit_id).area
    expected: dict[str, tuple[Decimal, int]] = {c: (Decimal(0), 0) for c in CHOICES}
    for person_id, row in last.items():
        area, count = expected[row.choice]
        expected[row.choice] = (area + area_of[person_id], count + 1)
    vote = h.close(world, vote)
    result = tally.count(vote)
    for choice in CHOICES:
        share = result.tally.of(choice)
        assert (Decimal(share.area_cents) / 100, share.persons) == expected[choice], choice
    assert result.tally.participating.persons == 141
    assert sum(e[1] for e in expected.values()) == 141
