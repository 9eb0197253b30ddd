"""The renewal JSON API (改造接口) under /api/v1/renewal/: the project library, money and the
public accounts, supervision, schedule and acceptance, rectification items, the check-up, the
portfolio, and the resident's side (tag 改造).

Reads go through `renewal.queries` (scoped to the caller); writes through `renewal.actions`
only, which check the permission, validate and write the audit log and the project's timeline.
The object a call acts on answers 404 "未找到" when the caller may not see it, exactly as if it
did not exist; one the caller sees but may not change answers 403. A secondary reference in the
body that cannot be found is a 422 naming the field. Lists are paginated with `limit` (at most
200) and `offset` and run a fixed number of queries whatever the data size.
"""

from laoyuan.renewal.api import field, money, places, portal, projects  # noqa: F401 (routes)
from laoyuan.renewal.api.common import router

__all__ = ["router"]
