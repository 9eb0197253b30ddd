"""The shipped categories of cases (工单分类) and the service level (办理时限) that applies to a
case: the street's own (`ServiceLevel`) when it set one, else the category's default.

`data/categories.json` lists the categories of domain.md §11 with stable codes, a default
service level in seconds of working time, the kind of party that usually handles each, and
Open311 attribute definitions where a case needs more facts. `seed_categories` writes the
missing ones (it never overwrites a category someone changed); it runs after every migrate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from laoyuan.core.workdays import DAY

DATA = Path(__file__).resolve().parent / "data" / "categories.json"
HOUR = 3600
FALLBACK_CODE = "other.other"  # where a voice's or topic's category has no match


@lru_cache(maxsize=1)
def shipped() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return json.load(fh)["categories"]


def seed_categories(using: str = DEFAULT_DB_ALIAS) -> int:
    """Write the shipped categories that are missing; returns how many were written."""
    from laoyuan.cases.models import Category

    have = set(Category.objects.using(using).values_list("code", flat=True))
    rows = [Category(**row) for row in shipped() if row["code"] not in have]
    Category.objects.using(using).bulk_create(rows)
    return len(rows)


def seed_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    seed_categories(using)


@dataclass(frozen=True)
class Levels:
    """A service level in seconds of working time."""

    accept: int
    respond: int
    solve: int
    own: bool = False  # the street's own, not the default


def levels_for(category, street_id: int) -> Levels:
    """The service level of a category in a street (one query)."""
    from laoyuan.cases.models import ServiceLevel

    own = ServiceLevel.objects.filter(street_id=street_id, category=category).first()
    if own is not None:
        return Levels(own.accept_seconds, own.respond_seconds, own.solve_seconds, own=True)
    return Levels(category.accept_seconds, category.respond_seconds, category.solve_seconds)


def describe(seconds: int) -> str:
    """A service level as people say it: "1个工作日", "4个工作小时", "1个工作日4小时"."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    days, rest = divmod(int(seconds), DAY)
    hours, rest = divmod(rest, HOUR)
    parts = []
    if days:
        parts.append(_("%(n)d个工作日") % {"n": days})
    if hours:
        parts.append((_("%(n)d小时") if days else _("%(n)d个工作小时")) % {"n": hours})
    if rest or not parts:
        parts.append(_("%(n)d分钟") % {"n": (rest + 59) // 60})
    return ("" if (get_language() or "zh").startswith("zh") else " ").join(parts)
