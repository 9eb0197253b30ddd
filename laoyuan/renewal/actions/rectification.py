"""Writes to rectification items (整治事项): the compound's rectification list (整治清单), the
problems of supervision inspections and of check-ups. Each names who fixes it and a deadline
in Chinese working days (core.workdays: holidays skipped, 调休 Saturdays counted), and moves
open → rectifying → rectified (reported) → closed (checked on site, 销号); a failed check sends
it back. Those responsible report; only supervisors and staff close, so nobody closes their own
work.

Each item opens a case (工单) through the cases app's `case_open` in `rectification_new` (the one
place every item is created) when the person recording it may open cases there; otherwise (an
owners' committee member recording an inspection) the compound's staff open it from the item's
page (`rectification_open_case`). The case takes the category its subject maps to in the
catalogue, the responsible party when it is a registered one (dispatched at once if the actor
may dispatch), and the item's deadline; once the case is closed (结案), the item counts as closed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases import actions as case_actions
from laoyuan.cases import categories as case_categories
from laoyuan.cases import clocks as case_clocks
from laoyuan.cases.models import Case, Category
from laoyuan.cases.queries import match_party
from laoyuan.core import workdays
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Compound
from laoyuan.renewal import catalog
from laoyuan.renewal.actions.common import fail, plausible_date, require, require_compound, text
from laoyuan.renewal.models import (
    OPEN_STATES,
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
from laoyuan.voices.places import may_on_compound

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
    case = _open_case(actor, item) if may_open_case(actor, compound) else None
    note = _("{party}负责，{n}个工作日内（{deadline}前）整改").format(
        party=party, n=work_days, deadline=item.deadline
    )
    if case is not None:
        note += _("；已转为工单 {rid}").format(rid=case.request_id)
    RectificationEvent.objects.create(
        item=item, actor=actor, to_state=RectificationState.OPEN, note=note
    )
    audit_log(
        actor=actor,
        action="renewal.rectification_create",
        obj=item,
        changes={
            "origin": origin,
            "deadline": item.deadline,
            "party": party,
            "case": case.pk if case else None,
        },
    )
    return item


def may_open_case(actor: User, compound: Compound) -> bool:
    return may_on_compound(actor, "cases.open", compound)


def case_category(item: RectificationItem) -> Category:
    """The case category of an item: its project's item type, its rating's asset type, its
    topic's voices category; "其他" when none says."""
    code = ""
    if item.project_id:
        found = catalog.item_type(item.project.item_type)
        code = found.case_category if found else ""
    elif item.rating_id:
        found = catalog.asset_type(item.rating.asset.asset_type)
        code = found.case_category if found else ""
    elif item.topic_id:
        return case_actions.match_category(item.topic.category, item.topic.subcategory)
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    return category or Category.objects.get(code=case_categories.FALLBACK_CODE)


def _case_text(item: RectificationItem) -> str:
    origin = item.get_origin_display()
    lines = [f"【{origin}】{item.title}"]
    if item.project_id:
        lines.append(_("改造项目：{title}").format(title=item.project.title))
    if item.location:
        lines.append(_("位置：{where}").format(where=item.location))
    if item.description:
        lines.append(item.description)
    lines.append(
        _("责任方：{party}；整改期限：{deadline}（{n}个工作日）").format(
            party=item.responsible_party, deadline=item.deadline, n=item.work_days
        )
    )
    return "\n".join(lines)


def _open_case(actor: User, item: RectificationItem) -> Case:
    """Open the item's case through the cases app (its checks, clocks, timeline, audit row and
    notifications) and link it. A deadline already past when the case opens is due today."""
    compound = item.compound
    party = match_party(item.responsible_party, compound)
    if party is not None and not has_permission(actor, "cases.dispatch", compound):
        party = None  # it waits for a dispatcher, who sees the party named in the text
    case = case_actions.case_open(
        actor=actor,
        compound=compound,
        category=case_category(item),
        title=item.title,
        description=_case_text(item),
        spot=item.location[:100],
        party=party,
        # The cases app's clock (the demo writes its history at past moments through it).
        deadline=max(item.deadline, timezone.localdate(case_clocks.now())),
    )
    item.case = case
    item.save(update_fields=["case", "updated_at"])
    return case


@transaction.atomic
def rectification_open_case(*, actor: User, item: RectificationItem) -> RectificationItem:
    """Open the case of an item recorded by someone who could not (an owners' committee member
    recording an inspection): staff who may open cases in the compound do it here, once."""
    require(actor, "renewal.view", item)
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if not may_open_case(actor, item.compound):
        raise PermissionDenied("cases.open")
    if item.case_id is not None:
        raise ValidationError(_("这个整治事项已经转为工单了。"))
    if item.state not in OPEN_STATES:
        raise ValidationError(
            _("整治事项已是“{state}”，不需要再转为工单。").format(state=item.get_state_display())
        )
    case = _open_case(actor, item)
    RectificationEvent.objects.create(
        item=item,
        actor=actor,
        from_state=item.state,
        to_state=item.state,
        note=_("已转为工单 {rid}").format(rid=case.request_id),
    )
    audit_log(
        actor=actor,
        action="renewal.rectification_case",
        obj=item,
        changes={"case": case.pk, "party": case.party_id},
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
    if item.effective_state != item.state:
        raise ValidationError({"to_state": _("工单已结案，这个整治事项已随之销号，不能再改。")})
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
