"""Closing notices whose period has ended (公示期满结束), with the closing record (结束记录).

The sweep finds published notices whose end date is before today and claims each with a
conditional UPDATE (state still "published", end still past): when two workers sweep at once,
the second one's UPDATE changes no row and it moves on, so no notice is closed twice (and the
closing record's unique key would refuse a second one anyway). Claims are made in chunks, one
transaction per chunk, always in the same order (end date, id), so two workers wait for each
other rather than deadlock; what a chunk closes is written in bulk: the closing records, the
history rows, then one audit row and one notification per notice. The record says how the
objections stood at that moment: how many, how many answered, how many unresolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.notify import notify
from laoyuan.notices.models import (
    Notice,
    NoticeClosing,
    NoticeEvent,
    NoticeEventKind,
    NoticeState,
    Objection,
    ObjectionState,
)

BATCH = 500  # due notices read at once
CHUNK = 100  # notices claimed and closed in one transaction


@transaction.atomic
def _close_chunk(ids: Sequence[int], *, today: dt.date) -> list[NoticeClosing]:
    now = timezone.now()
    claimed = [
        pk
        for pk in ids
        if Notice.objects.filter(pk=pk, state=NoticeState.PUBLISHED, ends_on__lt=today).update(
            state=NoticeState.CLOSED, state_changed_at=now, closed_at=now, updated_at=now
        )
    ]
    if not claimed:
        return []
    counts = {
        row["notice_id"]: row
        for row in Objection.objects.filter(notice_id__in=claimed)
        .values("notice_id")
        .annotate(
            objections=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            resolved=Count("id", filter=Q(state=ObjectionState.RESOLVED)),
        )
    }
    empty = {"objections": 0, "answered": 0, "resolved": 0}
    closings = NoticeClosing.objects.bulk_create(
        NoticeClosing(
            notice_id=pk,
            closed_at=now,
            objections=counts.get(pk, empty)["objections"],
            answered=counts.get(pk, empty)["answered"],
            unresolved=counts.get(pk, empty)["objections"] - counts.get(pk, empty)["resolved"],
        )
        for pk in claimed
    )
    records = {
        c.notice_id: {
            "objections": c.objections,
            "answered": c.answered,
            "unresolved": c.unresolved,
        }
        for c in closings
    }
    NoticeEvent.objects.bulk_create(
        NoticeEvent(
            notice_id=pk,
            kind=NoticeEventKind.CLOSED,
            from_state=NoticeState.PUBLISHED,
            to_state=NoticeState.CLOSED,
            data=records[pk],
        )
        for pk in claimed
    )
    notices = Notice.objects.in_bulk(claimed)
    staff_ids = {
        i for n in notices.values() for i in (n.published_by_id, n.created_by_id) if i is not None
    }
    staff = User.objects.filter(pk__in=staff_ids, is_active=True).in_bulk()
    for pk in claimed:
        notice = notices[pk]
        audit_log(actor=None, action="notice.close", obj=notice, changes=records[pk])
        told = {notice.published_by_id, notice.created_by_id}
        notify(
            [staff[i] for i in sorted(told - {None}) if i in staff],
            title=_("公示“{title}”已期满结束").format(title=notice.title),
            body=_("异议{objections}条，已答复{answered}条，未办结{unresolved}条。").format(
                **records[pk]
            ),
            url=reverse("notices:notice", args=[pk]),
        )
    return closings


def notice_close(*, notice_id: int, today: dt.date | None = None) -> NoticeClosing | None:
    """Close one notice whose period ended before `today`, if no one else has: returns its
    closing record, or None when it was not (or no longer) due."""
    closings = _close_chunk([notice_id], today=today or timezone.localdate())
    return closings[0] if closings else None


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
        mine = [
            closing.notice_id
            for start in range(0, len(due), CHUNK)
            for closing in _close_chunk(due[start : start + CHUNK], today=today)
        ]
        closed.extend(mine)
        if len(due) < BATCH or not mine:
            return closed
