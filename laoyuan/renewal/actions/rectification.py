"""Writes to rectification items (整治事项): the compound's rectification list (整治清单), the
problems of supervision inspections and of check-ups. Each names who fixes it and a deadline
in Chinese working days (core.workdays: holidays skipped, 调休 Saturdays counted), and moves
open → rectifying → rectified (reported) → closed (checked on site, 销号); a failed check sends
it back. Those responsible report; only supervisors and staff close, so nobody closes their own
work. When case work is merged, `rectification_new` is where each item opens its case.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core import workdays
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.registry.models import Compound
from laoyuan.renewal.actions.common import fail, plausible_date, require, require_compound, text
from laoyuan.renewal.models import (
    RECTIFICATION_TRANSITIONS,
    ConditionRating,
    Inspection,
    Origin,
    Project,
    RectificationEvent,
    RectificationItem,
    RectificationState,
)
from laoyuan.voices.models import Topic

MAX_WORK_DAYS = 250
# Who may move an item into each state: those responsible report, supervisors close.
STATE_PERMISSION = {
    RectificationState.RECTIFYING: "renewal.rectify",
    RectificationState.RECTIFIED: "renewal.rectify",
    RectificationState.CLOSED: "renewal.inspect",
    RectificationState.CANCELLED: "renewal.manage",
}


def rectification_new(
    *,
    actor: User,
    compound: Compound,
    origin: str,
    title: str,
    responsible_party: str,
    found_on: dt.date | None,
    work_days: int | None,
    description: str = "",
    location: str = "",
    project: Project | None = None,
    inspection: Inspection | None = None,
    rating: ConditionRating | None = None,
    topic: Topic | None = None,
) -> RectificationItem:
    """Check and save one item (the caller has checked the permission and holds the
    transaction): the deadline is `work_days` working days after `found_on`."""
    problems: dict[str, str] = {}
    title = text(title, "title", problems, label=_("问题"), most=120)
    party = text(responsible_party, "responsible_party", problems, label=_("责任方"), most=120)
    location = text(location, "location", problems, label=_("位置"), most=120, required=False)
    description = text(
        description,
        "description",
        problems,
        label=_("情况说明"),
        most=5000,
        required=False,
        multiline=True,
    )
    found_on = plausible_date(found_on, "found_on", problems, label=_("发现日期"))
    if found_on and found_on > timezone.localdate():
        problems["found_on"] = _("发现日期不能晚于今天。")
    if (
        not isinstance(work_days, int)
        or isinstance(work_days, bool)
        or not 1 <= work_days <= MAX_WORK_DAYS
    ):
        problems["work_days"] = _("整改时限应为1到{n}个工作日。").format(n=MAX_WORK_DAYS)
    if origin not in Origin.values:
        problems["origin"] = _("来源不对。")
    if topic is not None and topic.compound_id != compound.pk:
        problems["topic"] = _("所选议题不在这个小区。")
    fail(problems)
    item = RectificationItem.objects.create(
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        origin=origin,
        project=project,
        inspection=inspection,
        rating=rating,
        topic=topic,
        title=title,
        description=description,
        location=location,
        responsible_party=party,
        found_on=found_on,
        work_days=work_days,
        deadline=workdays.add_days(found_on, work_days, working=True),
        state_changed_at=timezone.now(),
        created_by=actor,
    )
    RectificationEvent.objects.create(
        item=item,
        actor=actor,
        to_state=RectificationState.OPEN,
        note=_("{party}负责，{n}个工作日内（{deadline}前）整改").format(
            party=party, n=work_days, deadline=item.deadline
        ),
    )
    audit_log(
        actor=actor,
        action="renewal.rectification_create",
        obj=item,
        changes={"origin": origin, "deadline": item.deadline, "party": party},
    )
    return item


@transaction.atomic
def rectification_create(
    *,
    actor: User,
    compound: Compound,
    title: str,
    responsible_party: str,
    found_on: dt.date | None,
    work_days: int | None,
    description: str = "",
    location: str = "",
    topic: Topic | None = None,
) -> RectificationItem:
    """Put a small item on the compound's rectification list (整治清单)."""
    require_compound(actor, "renewal.manage", compound)
    return rectification_new(
        actor=actor,
        compound=compound,
        origin=Origin.LIST,
        title=title,
        responsible_party=responsible_party,
        found_on=found_on,
        work_days=work_days,
        description=description,
        location=location,
        topic=topic,
    )


@transaction.atomic
def rectification_transition(
    *, actor: User, item: RectificationItem, to_state: str, note: str = ""
) -> RectificationItem:
    """Move an item on: being fixed, reported fixed, closed after a check on site (销号), sent
    back when the check fails, or cancelled with the reason."""
    require(actor, "renewal.view", item)
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if to_state not in RECTIFICATION_TRANSITIONS.get(item.state, ()):
        label = (
            RectificationState(to_state).label
            if to_state in RectificationState.values
            else to_state
        )
        raise ValidationError(
            {
                "to_state": _("当前为“{now}”，不能改为“{to}”。").format(
                    now=item.get_state_display(), to=label
                )
            }
        )
    reopening = (
        item.state == RectificationState.RECTIFIED and to_state == RectificationState.RECTIFYING
    )
    # A failed check on site is the checker's call, as closing is.
    require(actor, "renewal.inspect" if reopening else STATE_PERMISSION[to_state], item)
    needs_reason = to_state == RectificationState.CANCELLED or reopening
    problems: dict[str, str] = {}
    note = text(
        note,
        "note",
        problems,
        label=_("理由") if needs_reason else _("说明"),
        most=2000,
        required=needs_reason,
        multiline=True,
    )
    fail(problems)
    before = item.state
    item.state = to_state
    item.state_changed_at = timezone.now()
    today = timezone.localdate()
    if to_state == RectificationState.RECTIFIED:
        item.rectified_on = today
    if to_state == RectificationState.CLOSED:
        item.closed_on = today
    if reopening:
        item.rectified_on = None
    item.save()
    RectificationEvent.objects.create(
        item=item, actor=actor, from_state=before, to_state=to_state, note=note
    )
    audit_log(
        actor=actor,
        action="renewal.rectification_transition",
        obj=item,
        changes={"state": [before, to_state], "note": note},
    )
    return item
