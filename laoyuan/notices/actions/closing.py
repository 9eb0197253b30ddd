"""Closing notices whose period has ended (公示期满结束), with the closing record (结束记录).

The sweep finds published notices whose end date is before today and closes each in its own
transaction by a conditional UPDATE (state still "published", end still past): when two workers
sweep at once, the second one's UPDATE changes no row and it moves on, so no notice is closed
twice (and the closing record's unique key would refuse a second one anyway). The record says
how the objections stood at that moment: how many, how many answered, how many unresolved.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.notify import notify
from laoyuan.notices.actions.history import event
from laoyuan.notices.models import (
    Notice,
    NoticeClosing,
    NoticeEventKind,
    NoticeState,
    Objection,
    ObjectionState,
)

BATCH = 500


@transaction.atomic
def notice_close(*, notice_id: int, today: dt.date | None = None) -> NoticeClosing | None:
    """Close one notice whose period ended before `today`, if no one else has: returns its
    closing record, or None when it was not (or no longer) due."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    claimed = Notice.objects.filter(
        pk=notice_id, state=NoticeState.PUBLISHED, ends_on__lt=today
    ).update(state=NoticeState.CLOSED, state_changed_at=now, closed_at=now, updated_at=now)
    if not claimed:
        return None
    counts = Objection.objects.filter(notice_id=notice_id).aggregate(
        objections=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        resolved=Count("id", filter=Q(state=ObjectionState.RESOLVED)),
    )
    closing = NoticeClosing.objects.create(
        notice_id=notice_id,
        closed_at=now,
        objections=counts["objections"],
        answered=counts["answered"],
        unresolved=counts["objections"] - counts["resolved"],
    )
    notice = Notice.objects.get(pk=notice_id)
    record = {
        "objections": closing.objections,
        "answered": closing.answered,
        "unresolved": closing.unresolved,
    }
    event(
        notice,
        None,
        NoticeEventKind.CLOSED,
        from_state=NoticeState.PUBLISHED,
        to_state=NoticeState.CLOSED,
        data=record,
    )
    audit_log(actor=None, action="notice.close", obj=notice, changes=record)
    ids = {notice.published_by_id, notice.created_by_id} - {None}
    notify(
        User.objects.filter(pk__in=ids, is_active=True).order_by("pk"),
        title=_("公示“{title}”已期满结束").format(title=notice.title),
        body=_("异议{objections}条，已答复{answered}条，未办结{unresolved}条。").format(**record),
        url=reverse("notices:notice", args=[notice.pk]),
    )
    return closing


def notices_close_due(*, today: dt.date | None = None) -> list[int]:
    """Close every published notice whose period ended before today (idempotent: what is
    closed already, or closed meanwhile by another worker, is left alone). Returns the ids it
    closed itself."""
    today = today or timezone.localdate()
    closed: list[int] = []
    while True:
        due = list(
            Notice.objects.filter(state=NoticeState.PUBLISHED, ends_on__lt=today)
            .order_by("ends_on", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        mine = [pk for pk in due if notice_close(notice_id=pk, today=today) is not None]
        closed.extend(mine)
        if len(due) < BATCH or not mine:
            return closed
