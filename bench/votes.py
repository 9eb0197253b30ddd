"""Benchmark of owners' votes (业主表决): the tally of a 5,000-unit compound, on SQLite and on
PostgreSQL.

    .venv/bin/python bench/votes.py [--units 5000] [--ballots 300] [--runs 50] [--only sqlite|postgresql]

Each database is a throwaway: SQLite in a temporary folder, PostgreSQL a temporary cluster that
scripts/with-postgres.sh starts and removes (unless DATABASE_URL already names a PostgreSQL
database). In it one compound of N units (default 5,000) in 50 buildings: most owners hold one
unit, 150 hold two, 50 flats are held by couples, the developer still holds 50; every owner has
a portal account. Then it prints, with PASS/FAIL against the targets:

- opening the vote: freezing the roll of N units into voting persons (once);
- casting `--ballots` online ballots through the action, one after another (median / p95 per
  ballot: lock, chain row, recount);
- the tally (`tally.count`: the one aggregate the result and the closing use) with about 85%
  of the voting persons voted (the others' counted ballots are filled in bulk: the tally reads
  only the counted column) — median / p95 over `--runs` runs, target < 50 ms;
- the running participation (`tally.participation`), median / p95;
- closing and counting (once), and checking the whole chain and roll (`verify`, once);
- publishing the result as a public notice (once, WeasyPrint already loaded: the result PDF
  rendered and attached, the notice published, the owners with accounts told in-app), and the
  closed vote's page listing it;
- the vote page, the roll page and the result API through django.test.Client: median server
  time and the number of queries.

Nothing is asserted (the tests assert query counts and the exact figures); the keys are fixed
and the data synthetic.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TALLY_TARGET_MS = 50.0
BENCH_ENV = {
    "SECRET_KEY": "bench-secret-key-synthetic-data-only",
    "LAOYUAN_DATA_KEY": "YmVuY2gtZGF0YS1rZXktc3ludGhldGljLWRhdGEtb25seQ",
    "DJANGO_SETTINGS_MODULE": "tests.settings",
    "LOG_LEVEL": "ERROR",
    # Tasks are queued, not run in the request, as with the worker in production; the owners'
    # notification is timed on its own below.
    "LAOYUAN_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
}


def run_all(args: argparse.Namespace) -> int:
    status = 0
    child = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--units",
        str(args.units),
        "--ballots",
        str(args.ballots),
        "--runs",
        str(args.runs),
    ]
    given = os.environ.get("DATABASE_URL", "")
    if args.only in (None, "sqlite"):
        folder = tempfile.mkdtemp(prefix="laoyuan-bench-votes-")
        env = {
            **os.environ,
            **BENCH_ENV,
            "LAOYUAN_VAR_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/votes.sqlite3",
        }
        status |= subprocess.call(child, env=env, cwd=ROOT)
    if args.only in (None, "postgresql"):
        env = {**os.environ, **BENCH_ENV, "LAOYUAN_VAR_DIR": tempfile.mkdtemp()}
        if given.startswith(("postgres://", "postgresql://")):
            status |= subprocess.call(child, env=env, cwd=ROOT)
        else:
            wrapper = [str(ROOT / "scripts" / "with-postgres.sh"), "--"]
            status |= subprocess.call(wrapper + child, env=env, cwd=ROOT)
    return status


def _ms(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, max(0, -(-len(times) * 95 // 100) - 1))]
    return statistics.median(times), p95


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def run_one(units: int, ballots_n: int, runs: int) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from laoyuan.core.models import Notification, Role, RoleAssignment, User
    from laoyuan.decisions import plan_actions
    from laoyuan.decisions.models import MeetingKind, NoticeChannel
    from laoyuan.decisions.votes import actions, ballots, chain, exports, publishing, tally
    from laoyuan.decisions.votes.models import Ballot, Matter, RollOwner, Vote, VotingPerson
    from laoyuan.decisions.votes.results import result_of
    from laoyuan.decisions.votes.tasks import notify_owners
    from laoyuan.decisions.votes.verification import verify
    from laoyuan.registry.models import (
        Building,
        Community,
        Compound,
        District,
        Household,
        Owner,
        OwnerKind,
        Ownership,
        Resident,
        Street,
        Unit,
    )

    vendor = connection.vendor
    print(f"\n=== {vendor}", flush=True)
    call_command("migrate", verbosity=0)

    # --- the compound -------------------------------------------------------------------------
    started = time.perf_counter()
    district = District.objects.create(code="BV", name="基准区")
    street = Street.objects.create(district=district, code="BV-S", name="基准街道")
    community = Community.objects.create(street=street, code="BV-S-1", name="基准社区")
    compound = Compound.objects.create(community=community, code="BV-C", name="基准小区")
    buildings = Building.objects.bulk_create(
        Building(compound=compound, number=str(n), floors=20) for n in range(1, 51)
    )
    flats = Unit.objects.bulk_create(
        Unit(
            building=buildings[i % 50],
            compound=compound,
            room_number=f"{i // 50 + 1:03d}",
            area=Decimal(40 + i % 80) + Decimal(i % 100) / 100,
        )
        for i in range(units)
    )
    households = Household.objects.bulk_create(
        Household(unit=u, compound=compound, building_id=u.building_id) for u in flats
    )
    residents = Resident.objects.bulk_create(
        Resident(household=h, compound=compound, name=f"业主{i}") for i, h in enumerate(households)
    )
    developer_flats = 50
    couples = 50
    doubles = 150
    owners = []
    holding: list[list[int]] = []  # per flat: owner indexes
    for i in range(units):
        if i >= units - developer_flats:
            holding.append([-1])
        elif i < couples:
            holding.append([len(owners), len(owners) + 1])
            owners += [
                Owner(compound=compound, name=f"共有{i}甲", resident=residents[i]),
                Owner(compound=compound, name=f"共有{i}乙"),
            ]
        elif i < couples + doubles * 2 and (i - couples) % 2 == 1:
            holding.append(holding[i - 1])  # the second flat of a two-flat owner
        else:
            holding.append([len(owners)])
            owners.append(Owner(compound=compound, name=f"业主{i}", resident=residents[i]))
    developer = Owner(compound=compound, name="开发商", kind=OwnerKind.DEVELOPER)
    Owner.objects.bulk_create([*owners, developer])
    Ownership.objects.bulk_create(
        Ownership(unit=flats[i], owner=developer if k == -1 else owners[k])
        for i, held in enumerate(holding)
        for k in held
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"bv-{o.pk}", password=password, display_name=o.name)
        for o in owners
        if o.resident_id
    )
    by_resident = {o.resident_id: o for o in owners if o.resident_id}
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=u,
            role=Role.RESIDENT,
            level="household",
            household_id=r.household_id,
            resident=r,
        )
        for u, r in zip(users, [r for r in residents if r.pk in by_resident], strict=True)
    )
    organiser = User.objects.create(username="bv-organiser", password=password)
    RoleAssignment.objects.create(
        user=organiser, role=Role.COMMUNITY_WORKER, level="community", community=community
    )
    print(
        f"小区：{units:,} 套房屋，{len(owners) + 1:,} 位业主（造数 {time.perf_counter() - started:.1f} s）"
    )

    # --- open ---------------------------------------------------------------------------------
    today = timezone.localdate()
    meeting = plan_actions.meeting_plan(
        actor=organiser,
        compound=compound,
        kind=MeetingKind.OWNERS_ASSEMBLY,
        title="业主大会",
        held_on=today,
        place="院坝",
        notice=plan_actions.NoticeEntry(
            noticed_on=today - dt.timedelta(days=16), channels=[NoticeChannel.BOARD]
        ),
    )
    now = timezone.now()
    vote = actions.vote_create(
        actor=organiser,
        compound=compound,
        draft=actions.VoteDraft(
            title="维修资金使用",
            question="是否同意使用维修资金修缮屋面？",
            matter=Matter.FUND_USE,
            opens_at=now - dt.timedelta(minutes=1),
            closes_at=now + dt.timedelta(hours=6),
            meeting=meeting,
        ),
    )
    reverse("decisions:vote", args=[1])  # load the URL configuration before timing
    open_ms, vote = _timed(lambda: actions.vote_open(actor=organiser, vote=vote))
    persons = list(VotingPerson.objects.filter(vote=vote).order_by("number"))
    rows = [("开始投票（冻结名册）", f"{open_ms:.0f}", "", f"{len(persons):,} 位表决权人", "")]
    notify_ms, told = _timed(lambda: notify_owners.call(vote.pk, "opened"))
    rows.append(("通知业主（后台任务）", f"{notify_ms:.0f}", "", f"{told:,} 个账号", ""))

    # --- ballots through the action -------------------------------------------------------------
    accounts = {u.username: u for u in User.objects.filter(username__startswith="bv-")}
    owner_of = {
        ro.person_id: ro
        for ro in RollOwner.objects.filter(vote=vote, resident__isnull=False).order_by("pk")
    }
    cast_times = []
    choices = ["yes", "yes", "yes", "no", "abstain"]
    cast = 0
    for person in persons:
        owner = owner_of.get(person.pk)
        if owner is None:
            continue
        user = accounts[f"bv-{owner.owner_id}"]
        elapsed, _b = _timed(
            lambda p=person, u=user, c=choices[cast % 5]: ballots.ballot_cast_online(
                actor=u, vote=vote, person=p, choice=c
            )
        )
        cast_times.append(elapsed)
        cast += 1
        if cast >= ballots_n:
            break
    median, p95 = _ms(cast_times)
    rows.append(("线上投票（经由动作，每张）", f"{median:.1f}", f"{p95:.1f}", f"{cast} 张", ""))
    # The rest of the 85% who vote: their ballots written straight into the chain in one
    # transaction (the same rows the action writes, without a request each), so that the
    # records still verify.
    target = len(persons) * 85 // 100
    rest = [
        p
        for p in VotingPerson.objects.filter(vote=vote, counted_choice="").order_by("number")
        if p.pk in owner_of
    ][: max(0, target - cast)]
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        for i, person in enumerate(rest):
            owner = owner_of[person.pk]
            ballot = Ballot(
                person=person,
                owner=owner,
                choice=choices[i % 5],
                channel="online",
                cast_by=accounts[f"bv-{owner.owner_id}"],
                at=timezone.now(),
            )
            chain.append(locked, ballot)
            person.counted_ballot = ballot
            person.counted_choice, person.counted_channel = ballot.choice, ballot.channel
            person.counted_at = ballot.at
        VotingPerson.objects.bulk_update(
            rest,
            ["counted_ballot", "counted_choice", "counted_channel", "counted_at"],
            batch_size=1000,
        )

    # --- the tally ------------------------------------------------------------------------------
    tally.count(vote)  # warm
    tally_times = [_timed(lambda: tally.count(vote))[0] for _ in range(runs)]
    median, p95 = _ms(tally_times)
    result = tally.count(vote)
    ok = median < TALLY_TARGET_MS and p95 < TALLY_TARGET_MS
    rows.append(
        (
            "计票（tally.count）",
            f"{median:.1f}",
            f"{p95:.1f}",
            f"{result.tally.participating.persons:,}/{result.tally.total.persons:,} 已投",
            f"目标 < {TALLY_TARGET_MS:.0f} ms：{'PASS' if ok else 'FAIL'}",
        )
    )
    part_times = [_timed(lambda: tally.participation(vote))[0] for _ in range(runs)]
    median, p95 = _ms(part_times)
    rows.append(("投票进度（tally.participation）", f"{median:.1f}", f"{p95:.1f}", "", ""))

    # --- pages ----------------------------------------------------------------------------------
    client = Client()
    client.force_login(organiser)
    for label, url in (
        ("表决页面（投票中）", reverse("decisions:vote", args=[vote.pk])),
        ("表决名册（未投票）", reverse("decisions:vote_roll", args=[vote.pk]) + "?voted=no"),
    ):
        client.get(url)
        times, counts = [], set()
        for _ in range(10):
            with CaptureQueriesContext(connection) as ctx:
                elapsed, _r = _timed(lambda u=url: client.get(u))
            times.append(elapsed)
            counts.add(len(ctx.captured_queries))
        median, p95 = _ms(times)
        rows.append((label, f"{median:.1f}", f"{p95:.1f}", f"{max(counts)} 次查询", ""))

    # --- close, result, verify ------------------------------------------------------------------
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    vote.refresh_from_db()
    close_ms, vote = _timed(lambda: actions.vote_close(actor=organiser, vote=vote))
    rows.append(("结束并计票", f"{close_ms:.0f}", "", "", ""))
    url = f"/api/v1/votes/{vote.pk}/result"
    client.get(url)
    times = [_timed(lambda: client.get(url))[0] for _ in range(10)]
    median, p95 = _ms(times)
    rows.append(("结果接口 GET /votes/{id}/result", f"{median:.1f}", f"{p95:.1f}", "", ""))
    verify_ms, problems = _timed(lambda: verify(vote))
    rows.append(
        (
            "核验整条记录链和名册",
            f"{verify_ms:.0f}",
            "",
            f"{vote.chain_length} 条记录",
            "正常" if not problems else "有问题",
        )
    )

    # --- publish the result as a public notice ---------------------------------------------------
    # WeasyPrint is imported on the first PDF of a process (seconds): a running server has.
    exports.result_pdf(result_of(vote))
    publish_ms, notice = _timed(lambda: publishing.vote_publish_result(actor=organiser, vote=vote))
    told = Notification.objects.filter(
        url=reverse("notices:portal_notice", args=[notice.pk])
    ).count()
    rows.append(
        ("公示表决结果（PDF、发布、通知业主）", f"{publish_ms:.0f}", "", f"通知 {told:,} 人", "")
    )
    url = reverse("decisions:vote", args=[vote.pk])
    client.get(url)
    times, counts = [], set()
    for _ in range(10):
        with CaptureQueriesContext(connection) as ctx:
            elapsed, _r = _timed(lambda: client.get(url))
        times.append(elapsed)
        counts.add(len(ctx.captured_queries))
    median, p95 = _ms(times)
    rows.append(
        ("表决页面（已计票、已公示）", f"{median:.1f}", f"{p95:.1f}", f"{max(counts)} 次查询", "")
    )

    print(_table([("项目", "中位数 ms", "p95 ms", "数量", "结论"), *rows]))
    return 0


def _width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell + " " * (w - _width(cell)) if i in (0, 4) else " " * (w - _width(cell)) + cell
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000, help="units in the compound")
    parser.add_argument("--ballots", type=int, default=300, help="online ballots via the action")
    parser.add_argument("--runs", type=int, default=50, help="timed tally runs")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_one(args.units, args.ballots, args.runs)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
