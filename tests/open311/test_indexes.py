"""Given the cases table, when GET requests reads its default window (the last 90 days of a
street or a district, newest first, at most 1000), a filtered window, or a list of ids, then
the database reaches the rows through an index, never by reading the whole table: at district
scale (hundreds of thousands of cases a year) a full scan would read them all for every call.

On PostgreSQL the planner prefers a sequential scan of a tiny test table whatever the indexes,
so sequential scans are priced out for the check (`enable_seqscan = off`): a plan that still
scans the table has no index to use. bench/open311.py measures the same calls at scale."""

from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone

from laoyuan.open311.jurisdictions import resolve
from laoyuan.open311.params import request_query
from laoyuan.open311.queries import requests_matching
from tests.open311.helpers import opened_at

QUERIES = [
    "",
    "status=open",
    "service_code=pipe.water,env.light&start_date=2026-11-01&end_date=2026-12-01",
    "service_request_id=GD-20261201-AAAAAA,GD-20261202-BBBBBB",
]


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return queryset.explain()
    return queryset.explain()


def test_every_window_of_get_requests_is_read_through_an_index(world):
    for days in range(3):
        opened_at(world, timezone.now() - timezone.timedelta(days=days))
    for jurisdiction_id in ("SH", "JJ"):
        jurisdiction = resolve(jurisdiction_id)
        for raw in QUERIES:
            query = request_query(QueryDict(raw), now=timezone.now())
            # Listed ids are looked up across streets (request_page keeps the jurisdiction's).
            scope = None if query.ids else jurisdiction
            found = plan(requests_matching(scope, query)[query.offset : query.page_size])
            if connection.vendor == "postgresql":
                assert "Seq Scan on cases_case" not in found, (raw, found)
            else:
                assert "SCAN cases_case" not in found.replace("SCAN cases_case_", ""), (raw, found)
                assert "cases_case" in found
