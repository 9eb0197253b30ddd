"""Benchmark of public notices (公示): the pages and lists at district scale, and the closing sweep.

    .venv/bin/python bench/notices.py [--compounds 1200] [--notices 20] [--due 10000]
    scripts/with-postgres.sh .venv/bin/python bench/notices.py      # the same on PostgreSQL

It makes a throwaway database (SQLite in a temporary folder, or the PostgreSQL that
DATABASE_URL names; test keys, synthetic data only) with one street of `--compounds` compounds in
communities of twelve, `--notices` notices per compound (closed, open, upcoming, withdrawn,
drafts; some for some buildings, some community-wide) with objections and answers, one notice
with 2,000 objections, and `--due` notices whose period has ended. Then it prints, each with
its target:

- the staff list (notices:list) for the street official and for a community worker, the staff
  page of the notice with 2,000 objections, the resident's portal list, the public notice page
  and the compound's public page, and the API list: median and p95 server time through
  django.test.Client, and the number of queries (which must not change between requests);
  target < 100 ms;
- the closing sweep (notices_close_due) over the `--due` notices: total time and per notice;
  target: 10,000 due notices in under 60 s (each is closed in its own transaction with its
  closing record, history row, audit row and notification).

Nothing is asserted (the tests assert query counts); PASS/FAIL is printed against the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("LAOYUAN_VAR_DIR", tempfile.mkdtemp(prefix="laoyuan-bench-notices-"))
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from laoyuan.core.models import Role, RoleAssignment, User  # noqa: E402
from laoyuan.notices import actions  # noqa: E402
from laoyuan.notices.models import (  # noqa: E402
    AnswerOutcome,
    Notice,
    NoticeKind,
    NoticeState,
    Objection,
    ObjectionAnswer,
    ObjectionChannel,
    ObjectionState,
    TargetLevel,
)
from laoyuan.registry.models import (  # noqa: E402
    Building,
    Community,
    Compound,
    District,
    Household,
    Street,
    Unit,
)

PAGE_TARGET_MS = 100.0
SWEEP_TARGET_S = 60.0
PASSWORD = "bench-notices-pw"
BATCH = 5000
BIG_OBJECTIONS = 2000


def _ms(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _user(name: str, role: str, **node) -> User:
    user = User.objects.create_user(username=name, password=PASSWORD, display_name=name)
    ((level, target),) = [(k, v) for k, v in node.items() if k != "resident"]
    RoleAssignment.objects.create(user=user, role=role, level=level, **{level: target})
    return user


def seed(compounds: int, per_compound: int, due: int) -> dict:
    today = timezone.localdate()
    district = District.objects.create(code="BENCH-N", name="基准区")
    street = Street.objects.create(district=district, code="BENCH-N-S", name="基准街道")
    communities = [
        Community.objects.create(street=street, code=f"BN-C{i}", name=f"基准社区{i}")
        for i in range((compounds + 11) // 12)
    ]
    places = Compound.objects.bulk_create(
        Compound(
            community=communities[i // 12], code=f"BN-{i}", name=f"基准小区{i}", year_built=1990
        )
        for i in range(compounds)
    )
    first = places[0]
    building = Building.objects.create(compound=first, number="1")
    unit = Unit.objects.create(building=building, compound=first, room_number="101")
    household = Household.objects.create(unit=unit, compound=first, building=building)
    people = {
        "street": _user("bench-street", Role.STREET_OFFICIAL, street=street),
        "community": _user("bench-community", Role.COMMUNITY_WORKER, community=communities[0]),
        "resident": _user("bench-resident", Role.RESIDENT, household=household),
    }
    states = [
        NoticeState.CLOSED,
        NoticeState.CLOSED,
        NoticeState.CLOSED,
        NoticeState.PUBLISHED,
        NoticeState.PUBLISHED,
        NoticeState.WITHDRAWN,
        NoticeState.DRAFT,
    ]
    now = timezone.now()
    rows = []
    for c, compound in enumerate(places):
        for n in range(per_compound):
            state = states[(c + n) % len(states)]
            start = today - dt.timedelta(days=10 * n + 3)
            if state == NoticeState.PUBLISHED:
                start = today - dt.timedelta(days=2) if n % 2 else today + dt.timedelta(days=5)
            community_wide = n % 10 == 9
            rows.append(
                Notice(
                    kind=NoticeKind.values[n % len(NoticeKind.values)],
                    title=f"{compound.name}公示{n}",
                    body="公示正文。" * 40,
                    issuer="基准社区居民委员会",
                    street=street,
                    community_id=compound.community_id,
                    compound=None if community_wide else compound,
                    target_level=TargetLevel.COMMUNITY if community_wide else TargetLevel.COMPOUND,
                    target_label=compound.name,
                    starts_on=start,
                    period_days=7,
                    working_days=False,
                    ends_on=start + dt.timedelta(days=6),
                    state=state,
                    published_at=None if state == NoticeState.DRAFT else now,
                    closed_at=now if state == NoticeState.CLOSED else None,
                )
            )
    for i in range(due):
        compound = places[i % len(places)]
        start = today - dt.timedelta(days=20)
        rows.append(
            Notice(
                kind=NoticeKind.PLAN,
                title=f"到期公示{i}",
                body="到期的公示。",
                issuer="基准社区居民委员会",
                street=street,
                community_id=compound.community_id,
                compound=compound,
                target_level=TargetLevel.COMPOUND,
                target_label=compound.name,
                starts_on=start,
                period_days=7,
                working_days=False,
                ends_on=start + dt.timedelta(days=6),
                state=NoticeState.PUBLISHED,
                published_at=now,
                published_by=people["community"],
            )
        )
    for i in range(0, len(rows), BATCH):
        Notice.objects.bulk_create(rows[i : i + BATCH])
    big = actions.notice_publish(
        actor=people["community"],
        place=first,
        kind=NoticeKind.PLAN,
        title="基准小区0改造方案公示",
        body="改造方案。",
        starts_on=today,
        period_days=30,
        working_days=False,
    )
    objections = []
    for notice_id in Notice.objects.filter(state__in=[NoticeState.CLOSED, NoticeState.PUBLISHED])[
        : compounds * 3
    ].values_list("pk", flat=True):
        for k in range(2):
            objections.append(_objection(notice_id, k, today))
    for k in range(BIG_OBJECTIONS):
        objections.append(_objection(big.pk, k, today))
    for i in range(0, len(objections), BATCH):
        Objection.objects.bulk_create(objections[i : i + BATCH])
    answers = [
        ObjectionAnswer(
            objection=o,
            by=people["community"],
            text="已核实并说明。",
            outcome=AnswerOutcome.EXPLAINED,
            from_state=ObjectionState.PENDING,
            to_state=ObjectionState.RESOLVED,
        )
        for o in Objection.objects.filter(state=ObjectionState.RESOLVED).only("pk")
    ]
    for i in range(0, len(answers), BATCH):
        ObjectionAnswer.objects.bulk_create(answers[i : i + BATCH])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"people": people, "compound": first, "big": big}


def _objection(notice_id: int, k: int, today: dt.date) -> Objection:
    resolved = k % 2 == 0
    return Objection(
        notice_id=notice_id,
        channel=ObjectionChannel.PAPER,
        text_redacted=f"第{k}条异议：方案中的位置不合适。",
        objector_name=f"居民{k}",
        received_on=today,
        state=ObjectionState.RESOLVED if resolved else ObjectionState.PENDING,
        answered_at=timezone.now() if resolved else None,
    )


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, bool]:
    for _ in range(2):
        client.get(url)
    times, counts = [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
    median, p95 = _ms(times)
    return median, p95, max(counts), len(counts) == 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compounds", type=int, default=1200)
    parser.add_argument("--notices", type=int, default=20, help="notices per compound")
    parser.add_argument("--due", type=int, default=10_000, help="notices whose period has ended")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    print(f"=== {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = seed(args.compounds, args.notices, args.due)
    total = Notice.objects.count()
    print(
        f"seeded {total:,} notices and {Objection.objects.count():,} objections "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    people, compound, big = world["people"], world["compound"], world["big"]

    def signed_in(who: str | None) -> Client:
        client = Client()
        if who:
            assert client.login(username=people[who].username, password=PASSWORD)
        return client

    pages = [
        ("street", "staff list, whole street", reverse("notices:list")),
        ("street", "staff list, open now", reverse("notices:list") + "?phase=open"),
        ("community", "staff list, community", reverse("notices:list")),
        (
            "community",
            f"staff page, {BIG_OBJECTIONS:,} objections",
            reverse("notices:notice", args=[big.pk]),
        ),
        ("resident", "resident portal list", reverse("notices:portal_list")),
        (
            None,
            f"public notice, {BIG_OBJECTIONS:,} objections",
            reverse("notices:public_notice", args=[big.pk]),
        ),
        (None, "public compound page", reverse("notices:public_compound", args=[compound.pk])),
        ("street", "API list, whole street", "/api/v1/notices"),
        (None, "public API objections", f"/api/v1/public/notices/{big.pk}/objections"),
    ]
    print(f"\n{'page':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  fixed  target")
    status = 0
    for who, label, url in pages:
        median, p95, queries, fixed = measure(signed_in(who), url, args.requests)
        ok = median < PAGE_TARGET_MS and fixed
        status |= not ok
        print(
            f"{label:<36} {median:>10.1f} {p95:>8.1f} {queries:>8}  {'yes' if fixed else 'NO':>5}"
            f"  {_verdict(ok)}",
            flush=True,
        )

    started = time.perf_counter()
    closed = actions.notices_close_due()
    elapsed = time.perf_counter() - started
    ok = elapsed < SWEEP_TARGET_S * max(1, len(closed)) / 10_000
    print(
        f"\nclosing sweep: {len(closed):,} due notices closed in {elapsed:.1f} s "
        f"({elapsed * 1000 / max(1, len(closed)):.2f} ms each)  "
        f"target 10,000 in < {SWEEP_TARGET_S:.0f} s: {_verdict(ok)}"
    )
    started = time.perf_counter()
    again = actions.notices_close_due()
    print(f"sweep again: {len(again)} closed in {(time.perf_counter() - started) * 1000:.0f} ms")
    return status


if __name__ == "__main__":
    sys.exit(main())
