"""Case-work benchmark at district scale (工单性能基准): the overdue board and the statistics with
hundreds of thousands of cases, and the deadline sweep over 10,000 due cases, on SQLite and on
PostgreSQL.

    .venv/bin/python bench/cases.py [--cases 300000] [--requests 20] [--only sqlite|postgresql]

Each database holds a synthetic district of places only (16 streets, 96 communities, 1,200
compounds; no residents: case work reads none) and N cases opened over the last year, written
once in bulk and kept:

- SQLite in var/bench-cases.sqlite3;
- PostgreSQL named by DATABASE_URL when it points at PostgreSQL, otherwise a cluster kept in
  var/bench-cases-pg that this script starts and stops (scripts/with-postgres.sh --data).

The cases are written as the actions would leave them (deadlines from `core.workdays`, the
statistics columns, most closed and rated, some open, some late and escalated), through the
registry's bulk writer (executemany / COPY). Then, in-process through django.test.Client, after
two warm-up requests, N requests each:

- the overdue board of the street official and of a community worker   cases:board
- the statistics page of the street, last 90 days and last year        cases:stats
- the statistics of the API and the board of the API                   /api/v1/cases/…

printing median and p95 server time and the number of queries (target: under 200 ms with a
fixed number of queries), and finally the sweep: 10,000 more cases whose deadlines passed are
written, `cases.sweep.sweep` escalates them (target: under 10 s), and they are removed again.

Nothing here asserts: the tests assert query counts; this measures time. The data is synthetic
and the keys are fixed below: never point this script at real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from pages import BENCH_ENV, _bench_user, _measure, _row, _table  # noqa: E402

TARGET_MS = 200.0
SWEEP_CASES = 10_000
SWEEP_TARGET_S = 10.0
DISTRICT = "BENCH-CASES"
STREETS, COMMUNITIES_PER_STREET, COMPOUNDS_PER_COMMUNITY = 16, 6, 12


def run_all(cases: int, requests: int, only: str | None) -> int:
    status = 0
    child = [sys.executable, str(Path(__file__).resolve()), "--child"]
    child += ["--cases", str(cases), "--requests", str(requests)]
    env = {**os.environ, **BENCH_ENV, "LAOYUAN_VAR_DIR": str(ROOT / "var")}
    env["LAOYUAN_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)
    given = os.environ.get("DATABASE_URL", "")
    if only in (None, "sqlite"):
        db = f"sqlite:///{ROOT / 'var' / 'bench-cases.sqlite3'}"
        status |= subprocess.call(child, env={**env, "DATABASE_URL": db}, cwd=ROOT)
    if only in (None, "postgresql"):
        if given.startswith(("postgres://", "postgresql://")):
            status |= subprocess.call(child, env=env, cwd=ROOT)
        else:
            wrapper = [str(ROOT / "scripts" / "with-postgres.sh"), "--data", "var/bench-cases-pg"]
            status |= subprocess.call([*wrapper, "--", *child], env=env, cwd=ROOT)
    return status


# --- the child: one database ------------------------------------------------------------------


def run_one(cases: int, requests: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laoyuan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from laoyuan.cases.models import Case
    from laoyuan.core.models import Level, Role
    from laoyuan.registry.models import Community, District, Street

    print(f"\n=== {connection.vendor}: {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    if not District.objects.filter(code=DISTRICT).exists():
        with transaction.atomic():
            _places()
    have = Case.objects.filter(request_id__startswith="BN-").count()
    if have < cases:
        started = time.perf_counter()
        with transaction.atomic():
            _cases(cases - have, offset=have)
        print(f"写入 {cases - have:,} 张工单：{time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            # As autovacuum would after a while: statistics for the planner, and the visibility
            # map that lets the statistics be read from the covering index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
    street = Street.objects.filter(district__code=DISTRICT).order_by("code").first()
    community = Community.objects.filter(street=street).order_by("code").first()
    in_street = Case.objects.filter(street=street).count()
    print(
        f"工单共 {Case.objects.count():,} 张；街道 {street.name}: {in_street:,} 张；"
        f"社区 {community.name}: {Case.objects.filter(community=community).count():,} 张"
    )
    people = {
        "街道干部": _bench_user("bench-cases-street", Role.STREET_OFFICIAL, Level.STREET, street),
        "社区工作者": _bench_user(
            "bench-cases-community", Role.COMMUNITY_WORKER, Level.COMMUNITY, community
        ),
    }
    pages = [
        ("督办看板", "/cases/board/", ("街道干部", "社区工作者")),
        ("督办看板（全部逾期）", "/cases/board/?all=1", ("街道干部",)),
        ("工单统计（90天）", "/cases/stats/", ("街道干部", "社区工作者")),
        ("工单统计（一年，按分类）", "/cases/stats/?period=365&group=category", ("街道干部",)),
        ("统计接口（一年）", "/api/v1/cases/statistics?since=" + _year_ago(), ("街道干部",)),
        ("看板接口", "/api/v1/cases/board?all=true", ("街道干部",)),
        ("工单列表接口", "/api/v1/cases?state=open", ("街道干部",)),
    ]
    rows = []
    for page, url, roles in pages:
        for role in roles:
            client = Client()
            client.force_login(people[role])
            result = _measure(client, url, requests, connection, CaptureQueriesContext)
            rows.append((page, role, *result[:6]))
    print()
    header = ("页面", "角色", "状态", "中位数 ms", "p95 ms", "其中SQL ms", "查询数", "查询数恒定")
    print(_table([header, *[_row(r) for r in rows]]))
    ok = all(r[2] == 200 and r[3] <= TARGET_MS and r[6] for r in rows)
    print(
        f"\n目标：看板和统计服务端时间 < {TARGET_MS:.0f} ms 且查询数固定 —— "
        + ("全部达到" if ok else "未全部达到")
    )
    _sweep_bench(street)
    return 0


def _year_ago() -> str:
    return (dt.date.today() - dt.timedelta(days=364)).isoformat()


def _places() -> None:
    from laoyuan.cases.models import Party, PartyKind
    from laoyuan.core.models import Level, Role, RoleAssignment, User
    from laoyuan.registry.models import Community, Compound, District, Street

    district = District.objects.create(code=DISTRICT, name="基准区")
    for s in range(STREETS):
        street = Street.objects.create(
            district=district, code=f"{DISTRICT}-{s:02d}", name=f"基准{s}街道"
        )
        for kind, name in [
            (PartyKind.WATER, "供水所"),
            (PartyKind.POWER, "供电所"),
            (PartyKind.GAS, "燃气站"),
            (PartyKind.DEPARTMENT, "城管办"),
            (PartyKind.DEPARTMENT, "住建办"),
        ]:
            party = Party.objects.create(street=street, kind=kind, name=f"{street.name}{name}")
            user = User.objects.create(username=f"bench-party-{party.pk}")
            RoleAssignment.objects.create(
                user=user, role=Role.PARTY_STAFF, level=Level.PARTY, party=party
            )
        for c in range(COMMUNITIES_PER_STREET):
            community = Community.objects.create(
                street=street, code=f"{street.code}-{c:02d}", name=f"基准{s}-{c}社区"
            )
            Party.objects.create(
                street=street,
                community=community,
                kind=PartyKind.COMMUNITY,
                name=f"{community.name}居委会",
            )
            Compound.objects.bulk_create(
                Compound(
                    community=community,
                    code=f"{community.code}-{k:02d}",
                    name=f"基准{s}-{c}-{k}小区",
                    year_built=1990,
                )
                for k in range(COMPOUNDS_PER_COMMUNITY)
            )


def _cases(n: int, *, offset: int, due_now: bool = False) -> None:
    """n cases written in bulk as the actions would leave them; with `due_now`, open cases
    whose accept deadline passed a week ago (for the sweep)."""
    from django.utils import timezone

    from laoyuan.cases import clocks
    from laoyuan.cases.models import Case, Category, Party
    from laoyuan.core.workdays import working_seconds_between
    from laoyuan.registry.models import Compound
    from laoyuan.registry.scale.rows import TableWriter

    rng = random.Random(f"bench-cases-{offset}-{due_now}")
    now = timezone.now()
    categories = list(Category.objects.all())
    compounds = list(
        Compound.objects.filter(community__street__district__code=DISTRICT).values_list(
            "pk", "community_id", "community__street_id"
        )
    )
    parties: dict[int, list[int]] = {}
    for pk, street, community in Party.objects.values_list("pk", "street_id", "community_id"):
        parties.setdefault(community or street, []).append(pk)
    writer = TableWriter(Case, flush_every=5_000)
    fields = [
        f.attname
        for f in Case._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at")
    ]
    due_cache: dict[tuple, dt.datetime] = {}

    def due(start: dt.datetime, seconds: int) -> dt.datetime:
        key = (start.replace(minute=0, second=0, microsecond=0), seconds)
        if key not in due_cache:
            due_cache[key] = clocks.due(key[0], seconds)
        return due_cache[key] + (start - key[0])

    prefix = "BS-" if due_now else "BN-"
    for i in range(offset, offset + n):
        compound, community, street = rng.choice(compounds)
        category = rng.choice(categories)
        if due_now:
            opened = now - dt.timedelta(days=7, minutes=rng.randint(0, 600))
        else:
            opened = now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        case = Case(
            request_id=f"{prefix}{i:09d}",
            public_token=f"{prefix}{i:020d}",
            title="基准工单",
            description="基准工单的问题描述",
            category_id=category.pk,
            attributes="{}",
            compound_id=compound,
            community_id=community,
            street_id=street,
            source="staff",
            accept_seconds=category.accept_seconds,
            respond_seconds=category.respond_seconds,
            solve_seconds=category.solve_seconds,
            party_id=rng.choice(parties.get(community, []) + parties[street]),
            state="assigned",
            level=0,
        )
        case.opened_at = case.handed_at = case.state_changed_at = opened
        case.accept_due_at = due(opened, case.accept_seconds)
        case.respond_due_at = due(opened, case.respond_seconds)
        case.solve_due_at = due(opened, case.solve_seconds)
        roll = rng.random()
        if not due_now and roll < 0.86:
            _closed(case, rng, opened, working_seconds_between)
        elif not due_now and roll < 0.90:
            case.state = "in_progress"
            case.accepted_at = opened + dt.timedelta(hours=rng.randint(1, 5))
        elif not due_now and roll < 0.91:
            case.state, case.party_id = "dispatch", None
        clocks.plan(case, min(now, opened + dt.timedelta(hours=1)))
        if not due_now and case.next_due_at and case.next_due_at < now:
            # A case late before today was swept long ago: escalated once or twice.
            case.level = rng.choice((1, 1, 2))
            case.escalated_at = case.next_due_at + dt.timedelta(minutes=1)
            case.escalation_count = case.level
            case.remind_at = case.escalate_at = None
        writer.add({name: getattr(case, name) for name in fields})
    writer.flush()


def _closed(case, rng, opened, working_seconds_between) -> None:
    hours = rng.choice((2, 5, 10, 20, 30, 48, 70, 100, 140))
    case.accepted_at = opened + dt.timedelta(minutes=rng.randint(20, 180))
    case.first_response_at = case.accepted_at + dt.timedelta(hours=rng.randint(1, 8))
    case.responded_on_time = case.first_response_at <= case.respond_due_at
    case.solved_at = opened + dt.timedelta(hours=hours)
    case.solved_on_time = case.solved_at <= case.solve_due_at
    case.solve_working_seconds = working_seconds_between(opened, case.solved_at)
    case.ever_solved = True
    case.rated_at = case.closed_at = case.solved_at + dt.timedelta(hours=rng.randint(2, 40))
    case.rating = rng.choices(("satisfied", "basic", "dissatisfied"), (80, 14, 6))[0]
    if case.rating == "dissatisfied":  # reopened once, then satisfied
        case.reopen_count, case.dissatisfied_count, case.rating = 1, 1, "satisfied"
    case.state = "closed"


def _sweep_bench(street) -> None:
    from django.db import transaction
    from django.utils import timezone

    from laoyuan.cases.models import Case
    from laoyuan.cases.sweep import sweep
    from laoyuan.core.models import Notification

    Case.objects.filter(request_id__startswith="BS-").delete()
    with transaction.atomic():
        _cases(SWEEP_CASES, offset=0, due_now=True)
    last_note = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = time.perf_counter()
    result = sweep(now=timezone.now())
    seconds = time.perf_counter() - started
    ok = result.escalated >= SWEEP_CASES and seconds < SWEEP_TARGET_S
    print(
        f"\n期限巡查：{SWEEP_CASES:,} 张到期工单，升级 {result.escalated:,} 张、提醒 "
        f"{result.reminded:,} 张，用时 {seconds:.2f} s（目标 < {SWEEP_TARGET_S:.0f} s）—— "
        + ("达到" if ok else "未达到")
    )
    Case.objects.filter(request_id__startswith="BS-").delete()
    Notification.objects.filter(id__gt=last_note).delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300_000, help="cases in the district")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_one(args.cases, args.requests)
    return run_all(args.cases, args.requests, args.only)


if __name__ == "__main__":
    sys.exit(main())
