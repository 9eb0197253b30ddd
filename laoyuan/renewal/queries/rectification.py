"""Reads of rectification items (整治事项), already scoped: the list with its filters (a
compound's rectification list, one project's problems, what is overdue) and one item with its
timeline."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.renewal.models import (
    CLOCK_STATES,
    RectificationEvent,
    RectificationItem,
    open_q,
)


def items_for(user: User, permission: str = "renewal.view") -> QuerySet[RectificationItem]:
    return visible(user, RectificationItem, permission).select_related(
        "compound", "project", "case"
    )


def overdue_q(today: dt.date) -> Q:
    """Past the deadline while still to be fixed, and its case (if any) not closed."""
    return open_q(states=CLOCK_STATES) & Q(deadline__lt=today)


def item_list(
    user: User,
    *,
    compound_id: int | None = None,
    project_id: int | None = None,
    origin: str = "",
    state: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[RectificationItem]:
    """Items in scope, soonest deadline first; `state` a state or "open"."""
    today = today or timezone.localdate()
    qs = items_for(user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if origin:
        qs = qs.filter(origin=origin)
    if state == "open":
        qs = qs.filter(open_q())
    elif state == "closed":
        qs = qs.filter(Q(state="closed") | (Q(case__state="closed") & ~Q(state="cancelled")))
    elif state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(overdue_q(today))
    return qs.order_by("deadline", "id")


def item_or_404(user: User, pk: int, permission: str = "renewal.view") -> RectificationItem:
    return get_visible_or_404(
        user,
        RectificationItem.objects.select_related(
            "compound", "project", "inspection", "topic", "rating__asset", "created_by", "case"
        ),
        permission,
        pk=pk,
    )


def item_events(item: RectificationItem) -> QuerySet[RectificationEvent]:
    return RectificationEvent.objects.filter(item=item).select_related("actor").order_by("at", "id")


def is_overdue(item: RectificationItem, today: dt.date | None = None) -> bool:
    return item.effective_state in CLOCK_STATES and item.deadline < (today or timezone.localdate())
