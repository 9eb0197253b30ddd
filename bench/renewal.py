"""Renewal benchmark at district scale (改造总览性能基准): server time and query count of the
renewal portfolio and lists, on SQLite and on PostgreSQL.

    .venv/bin/python bench/renewal.py [--requests 30] [--only sqlite|postgresql]

Each database holds the generated district of bench/pages.py (`laoyuan seed-scale --preset
district --seed 1`: ~1,200 compounds, ~350,000 households), made once and kept, plus its
renewal data (`laoyuan renewal seed-scale`: 1–4 projects per old compound with funding sources
and ledger entries, surveys with answers at acceptance, rectification items), added once.

A district-level official (区级干部) and a street official (街道干部) of the street with the most
old compounds request, in-process through django.test.Client (the full request), after two
warm-up requests, N times each:

- the portfolio page (改造总览)            renewal:portfolio (their default place)
- the portfolio API                        GET /api/v1/renewal/portfolio
- the project list                         renewal:projects
- the project list behind schedule         renewal:projects ?behind=on
- the rectification list                   renewal:rectifications
- the portfolio .xlsx (every old compound) renewal:portfolio_xlsx

It prints, per database, median and p95 server time, the time in SQL and the number of queries
(and whether it stayed the same). The target is the portfolio page under 200 ms with a fixed
number of queries; nothing here asserts it — tests assert query counts, this measures time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pages  # bench/pages.py: the same district, users and measuring

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200.0


def run_all(requests: int, only: str | None) -> int:
    status = 0
    child = [sys.executable, str(Path(__file__).resolve()), "--child", "--requests", str(requests)]
    env = {**os.environ, **pages.BENCH_ENV, "LAOYUAN_VAR_DIR": str(ROOT / "var")}
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)
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


def run_one(requests: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laoyuan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from laoyuan.core.models import Level, Role
    from laoyuan.registry import scale
    from laoyuan.registry.models import District, Street
    from laoyuan.renewal.models import LedgerEntry, Project, SurveyAnswer
    from laoyuan.renewal.scale import seed_renewal_scale

    print(f"\n=== {connection.vendor}: {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    code = scale.district_code(pages.PRESET, pages.SEED)
    if not District.objects.filter(code=code).exists():
        print(f"生成 {pages.PRESET} 规模数据（只在第一次运行时）…", flush=True)
        call_command("seed-scale", preset=pages.PRESET, seed=pages.SEED)
    district = District.objects.get(code=code)
    if not Project.objects.filter(street__district=district).exists():
        print("生成改造数据（只在第一次运行时）…", flush=True)
        print("\n".join(seed_renewal_scale(district, seed=pages.SEED).lines()), flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    street = (
        Street.objects.filter(district=district)
        .annotate(
            old=Count("communities__compounds", filter=Q(communities__compounds__is_old=True))
        )
        .order_by("-old", "pk")
        .first()
    )
    in_district = Project.objects.filter(street__district=district)
    print(
        f"区 {district.name}: {in_district.count():,} 个改造项目，"
        f"{LedgerEntry.objects.filter(project__street__district=district).count():,} 笔台账分录，"
        f"{SurveyAnswer.objects.filter(survey__project__street__district=district).count():,} 份答卷；"
        f"街道 {street.name}: {in_district.filter(street=street).count():,} 个项目",
        flush=True,
    )
    people = {
        "区级干部": pages._bench_user(
            "bench-district", Role.STREET_OFFICIAL, Level.DISTRICT, district
        ),
        "街道干部": pages._bench_user("bench-street", Role.STREET_OFFICIAL, Level.STREET, street),
    }
    urls = [
        ("改造总览", reverse("renewal:portfolio")),
        ("改造总览 API", "/api/v1/renewal/portfolio"),
        ("改造项目列表", reverse("renewal:projects")),
        ("进度滞后项目", reverse("renewal:projects") + "?behind=on"),
        ("整治清单", reverse("renewal:rectifications")),
        ("改造总览 Excel", reverse("renewal:portfolio_xlsx")),
    ]
    rows, slow = [], []
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        for page, url in urls:
            result = pages._measure(client, url, requests, connection, CaptureQueriesContext)
            rows.append((page, role, *result[:6]))
            if result[0] == 200 and page.startswith("改造总览") and result[1] > TARGET_MS:
                slow.append((page, role, url, result[6]))
    print()
    header = ("页面", "角色", "状态", "中位数 ms", "p95 ms", "其中SQL ms", "查询数", "查询数恒定")
    print(pages._table([header, *[pages._row(r) for r in rows]]))
    portfolio_rows = [r for r in rows if r[0] == "改造总览"]
    ok = all(r[2] == 200 and r[3] <= TARGET_MS and r[6] for r in portfolio_rows)
    worst = max((r[3] for r in portfolio_rows), default=0.0)
    print(
        f"\n目标：改造总览页服务端时间 < {TARGET_MS:.0f} ms 且查询数固定 —— "
        + ("达到" if ok else f"未达到（最慢中位数 {worst:.1f} ms）")
    )
    for page, role, url, queries in slow:
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n慢页面：{page}（{role}）{url}；SQL 合计 {total:.1f} ms，最慢的查询：")
        for q in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:1200]}")
    return 0


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
