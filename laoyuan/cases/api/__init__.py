"""The case-work JSON API (工单接口) under /api/v1/, tag 工单: cases and every step of their work,
supervision notices, the overdue board, statistics, responsible parties, categories and service
levels, and the resident's own cases.

Reads go through `cases.queries` (already scoped to the caller); writes through `cases.actions`
only, which check the permission, validate and write the timeline and the audit log. Lists are
paginated with `limit` (at most 200) and `offset` and run a fixed number of queries whatever
the data size.
"""

from laoyuan.cases.api import cases, parties  # noqa: F401 (they register their endpoints)
from laoyuan.cases.api.base import router

__all__ = ["router"]
