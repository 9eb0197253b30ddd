"""Page benchmark at district scale (页面性能基准): server time and query count of the heaviest
registry pages, on SQLite and on PostgreSQL.

    .venv/bin/python bench/pages.py [--requests 30] [--only sqlite|postgresql]

Each database holds one generated district (`laoyuan seed-scale --preset district`: ~1,200
compounds, ~350,000 households, ~900,000 residents), made once and kept:

- SQLite in var/bench.sqlite3;
- PostgreSQL named by DATABASE_URL when it points at PostgreSQL, otherwise a cluster kept in
  var/bench-pg that this script starts and stops (scripts/with-postgres.sh --data var/bench-pg).

In the district, a district-level official (区级干部), a street official (街道干部) of the street
and a community worker (社区工作者) of the community that hold the largest compound request, in-process through django.test.Client
(the full request: middleware, session, view, template), each page N times after two warm-up
requests:

- the workspace                  registry:workspace
- the whole resident list        registry:residents (everything the user may see)
- the community page             registry:community
- the community resident list   registry:residents ?community=<id>
- the compound age structure     registry:age_structure
- the compound detail page       registry:compound
- a resident's detail page       registry:resident

It prints, per database, median and p95 server time and the number of queries (and whether it
stayed the same over all requests), then for every page slower than the target the slowest
queries with their SQL. The target is 100 ms; nothing here asserts it — tests assert query
counts, this measures time.

The benchmark data is synthetic and its keys are fixed below: never point this script at real
data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0
SEED = 1
PRESET = "district"

# Benchmark-only keys: the data they protect is synthetic and stays in var/.
BENCH_ENV = {
    "SECRET_KEY": "bench-secret-key-synthetic-data-only",
    "LAOYUAN_DATA_KEY": "YmVuY2gtZGF0YS1rZXktc3ludGhldGljLWRhdGEtb25seQ",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DEBUG": "false",
    "LOG_LEVEL": "ERROR",
}


# --- the parent: one child process per database ---------------------------------------------


def run_all(requests: int, only: str | None) -> int:
    status = 0
    python = sys.executable
    child = [python, str(Path(__file__).resolve()), "--child", "--requests", str(requests)]
    env = {**os.environ, **BENCH_ENV, "LAOYUAN_VAR_DIR": str(ROOT / "var")}
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    given = os.environ.get("DATABASE_URL", "")
    if only in (None, "sqlite"):
        sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"}
        status |= subprocess.call(child, env=sqlite_env, cwd=ROOT)
    if only in (None, "postgresql"):
        if given.startswith(("postgres://", "postgresql://")):
            status |= subprocess.call(child, env=env, cwd=ROOT)
        else:
            wrapper = [str(ROOT / "scripts" / "with-postgres.sh"), "--data", "var/bench-pg", "--"]
            status |= subprocess.call(wrapper + child, env=env, cwd=ROOT)
    return status


# --- the child: one database -----------------------------------------------------------------


def run_one(requests: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laoyuan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from laoyuan.core.models import Level, Role
    from laoyuan.registry import scale
    from laoyuan.registry.models import Compound, District, Resident

    vendor = connection.vendor
    print(f"\n=== {vendor}: {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    code = scale.district_code(PRESET, SEED)
    if not District.objects.filter(code=code).exists():
        print(f"生成 {PRESET} 规模数据（只在第一次运行时）…", flush=True)
        call_command("seed-scale", preset=PRESET, seed=SEED)
    district = District.objects.get(code=code)

    compound = (
        Compound.objects.filter(community__street__district=district)
        .annotate(n=Count("units"))
        .select_related("community__street")
        .order_by("-n", "pk")
        .first()
    )
    community = compound.community
    street = community.street
    resident = Resident.objects.filter(compound=compound).order_by("pk")[
        compound.n // 2
    ]  # a resident in the middle of the compound, not the first row of a table
    people = {
        "区级干部": _bench_user("bench-district", Role.STREET_OFFICIAL, Level.DISTRICT, district),
        "街道干部": _bench_user("bench-street", Role.STREET_OFFICIAL, Level.STREET, street),
        "社区工作者": _bench_user(
            "bench-community", Role.COMMUNITY_WORKER, Level.COMMUNITY, community
        ),
    }
    residents_in = {
        "district": Resident.objects.filter(compound__community__street__district=district).count(),
        "street": Resident.objects.filter(compound__community__street=street).count(),
        "community": Resident.objects.filter(compound__community=community).count(),
        "compound": Resident.objects.filter(compound=compound).count(),
    }
    print(
        f"区 {district.name}: {residents_in['district']:,} 居民；街道 {street.name}: "
        f"{residents_in['street']:,}；社区 {community.name}: {residents_in['community']:,}；"
        f"小区 {compound.name}: {compound.n:,} 套房屋, {residents_in['compound']:,} 居民"
    )

    pages = [
        ("工作台", reverse("registry:workspace")),
        ("居民名册（全部）", reverse("registry:residents")),
        ("社区详情", reverse("registry:community", args=[community.pk])),
        ("社区居民名册", reverse("registry:residents") + f"?community={community.pk}"),
        ("小区年龄结构", reverse("registry:age_structure", args=[compound.pk])),
        ("小区详情", reverse("registry:compound", args=[compound.pk])),
        ("居民详情", reverse("registry:resident", args=[resident.pk])),
    ]
    rows = []
    slow = []
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        for page, url in pages:
            result = _measure(client, url, requests, connection, CaptureQueriesContext)
            rows.append((page, role, *result[:6]))
            if result[0] == 200 and result[1] > TARGET_MS:
                slow.append((page, role, url, result[6]))

    print()
    header = ("页面", "角色", "状态", "中位数 ms", "p95 ms", "其中SQL ms", "查询数", "查询数恒定")
    print(_table([header, *[_row(r) for r in rows]]))
    worst = max((r[3] for r in rows if r[2] == 200), default=0.0)
    ok = all(r[2] == 200 and r[3] <= TARGET_MS and r[6] for r in rows)
    print(
        f"\n目标：每页服务端时间 < {TARGET_MS:.0f} ms 且查询数固定 —— "
        + ("全部达到" if ok else f"未全部达到（最慢中位数 {worst:.1f} ms）")
    )
    for page, role, url, queries in slow:
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n慢页面：{page}（{role}）{url}；SQL 合计 {total:.1f} ms，最慢的查询：")
        for q in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:1200]}")
    return 0


def _bench_user(username, role, level, node):
    """A member of the benchmark's cast in the generated district."""
    from laoyuan.core.models import RoleAssignment, User

    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": username})
    RoleAssignment.objects.get_or_create(user=user, role=role, level=level, **{level: node})
    return user


def _measure(client, url, requests, connection, capture):
    """(status, median ms, p95 ms, queries, queries the same every time, median ms in SQL,
    queries of the slowest request)."""
    for _ in range(2):  # warm-up: caches, compiled templates, the first session lookup
        response = client.get(url)
    if response.status_code != 200:
        return (response.status_code, 0.0, 0.0, 0, True, 0.0, [])
    times, sql_times = [], []
    counts = set()
    slowest: tuple[float, list] = (-1.0, [])
    for _ in range(requests):
        with capture(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        queries = captured.captured_queries
        sql_times.append(sum(float(q["time"]) for q in queries) * 1000)
        counts.add(len(queries))
        if elapsed > slowest[0]:
            slowest = (elapsed, queries)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, -(-len(times) * 95 // 100) - 1))]
    return (
        200,
        statistics.median(times),
        p95,
        max(counts),
        len(counts) == 1,
        statistics.median(sql_times),
        slowest[1],
    )


def _row(r) -> tuple[str, ...]:
    page, role, status, median, p95, queries, fixed, sql = r
    if status != 200:
        return (page, role, str(status), "—", "—", "—", "—", "—")
    return (
        page,
        role,
        "200",
        f"{median:.1f}",
        f"{p95:.1f}",
        f"{sql:.1f}",
        str(queries),
        "是" if fixed else "否",
    )


def _width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell + " " * (w - _width(cell)) if i < 2 else " " * (w - _width(cell)) + cell
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_one(args.requests)
    return run_all(args.requests, args.only)


if __name__ == "__main__":
    sys.exit(main())
