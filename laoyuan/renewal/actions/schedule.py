"""Writes to a project's schedule: milestones (进度节点) with planned and actual dates, work
items (工程子项) whose reported quantities roll up into the progress figure, and, after
acceptance, the maintenance schedule (维护计划)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.renewal.actions.common import event, fail, plausible_date, quantity, require, text
from laoyuan.renewal.models import (
    DONE_STATES,
    EventKind,
    MaintenanceTask,
    Milestone,
    ProgressReport,
    Project,
    ProjectState,
    WorkItem,
)

MAX_WEIGHT = 10**9


def _not_closed(project: Project) -> None:
    if project.state == ProjectState.CANCELLED or project.state in DONE_STATES:
        raise ValidationError(
            _("项目当前为“{state}”，进度已不能再改。").format(state=project.get_state_display())
        )


@transaction.atomic
def milestone_add(
    *, actor: User, project: Project, name: str, planned_on: dt.date | None, note: str = ""
) -> Milestone:
    """Plan a milestone (节点): what, by when."""
    require(actor, "renewal.manage", project)
    _not_closed(project)
    problems: dict[str, str] = {}
    name = text(name, "name", problems, label=_("节点名称"), most=120)
    note = text(note, "note", problems, label=_("备注"), most=200, required=False)
    planned_on = plausible_date(planned_on, "planned_on", problems, label=_("计划日期"))
    fail(problems)
    milestone = Milestone.objects.create(
        project=project, name=name, planned_on=planned_on, note=note
    )
    event(
        project,
        actor,
        EventKind.SCHEDULE,
        note=_("计划节点“{name}”：{date}").format(name=name, date=planned_on),
        data={"milestone": milestone.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.milestone_add",
        obj=milestone,
        changes={"planned_on": planned_on},
    )
    return milestone


@transaction.atomic
def milestone_done(*, actor: User, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    """Record the day a milestone was reached (once; a later correction is a new note)."""
    require(actor, "renewal.manage", milestone)
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    problems: dict[str, str] = {}
    done_on = plausible_date(done_on, "done_on", problems, label=_("实际完成日期"))
    if done_on and done_on > timezone.localdate():
        problems["done_on"] = _("实际完成日期不能晚于今天。")
    if milestone.done_on is not None:
        problems["done_on"] = _("这个节点已记录在{date}完成。").format(date=milestone.done_on)
    fail(problems)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on", "updated_at"])
    late = (done_on - milestone.planned_on).days
    event(
        milestone.project,
        actor,
        EventKind.SCHEDULE,
        note=_("节点“{name}”完成：{date}").format(name=milestone.name, date=done_on),
        data={"milestone": milestone.pk, "days_late": late},
    )
    audit_log(
        actor=actor, action="renewal.milestone_done", obj=milestone, changes={"done_on": done_on}
    )
    return milestone


@transaction.atomic
def work_item_add(
    *,
    actor: User,
    project: Project,
    name: str,
    weight: int | None,
    planned_quantity: Decimal | str | None,
    unit: str,
) -> WorkItem:
    """List a work item with its weight in the progress figure and its planned quantity."""
    require(actor, "renewal.manage", project)
    _not_closed(project)
    problems: dict[str, str] = {}
    name = text(name, "name", problems, label=_("子项名称"), most=120)
    unit = text(unit, "unit", problems, label=_("单位"), most=10)
    planned = quantity(planned_quantity, "planned_quantity", problems, label=_("计划工程量"))
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
        problems["weight"] = _("权重应为1到{n}之间的整数。").format(n=MAX_WEIGHT)
    fail(problems)
    item = WorkItem.objects.create(
        project=project, name=name, weight=weight, planned_quantity=planned, unit=unit
    )
    event(
        project,
        actor,
        EventKind.SCHEDULE,
        note=_("工程子项“{name}”：{q}{unit}，权重{w}").format(
            name=name, q=planned, unit=unit, w=weight
        ),
        data={"work_item": item.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.work_item_add",
        obj=item,
        changes={"weight": weight, "planned": planned},
    )
    return item


@transaction.atomic
def work_item_report(
    *, actor: User, item: WorkItem, done_quantity: Decimal | str | None, note: str = ""
) -> WorkItem:
    """Report how much of a work item is done so far (a running total, during construction).
    A smaller total than before is a correction and needs a note."""
    require(actor, "renewal.manage", item)
    item = WorkItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    problems: dict[str, str] = {}
    if item.project.state != ProjectState.CONSTRUCTION:
        raise ValidationError(
            _("只有施工中的项目才能填报进度（当前为“{state}”）。").format(
                state=item.project.get_state_display()
            )
        )
    done = quantity(
        done_quantity, "done_quantity", problems, label=_("累计完成工程量"), positive=False
    )
    if done is not None and done > item.planned_quantity:
        problems["done_quantity"] = _("累计完成工程量不能超过计划的{planned}{unit}。").format(
            planned=item.planned_quantity, unit=item.unit
        )
    correcting = done is not None and done < item.done_quantity
    note = text(
        note,
        "note",
        problems,
        label=_("更正说明") if correcting else _("说明"),
        most=200,
        required=correcting,
    )
    fail(problems)
    before = item.done_quantity
    item.done_quantity = done
    item.save(update_fields=["done_quantity", "updated_at"])
    ProgressReport.objects.create(work_item=item, actor=actor, done_quantity=done, note=note)
    event(
        item.project,
        actor,
        EventKind.SCHEDULE,
        note=_("“{name}”累计完成{done}/{planned}{unit}").format(
            name=item.name, done=done, planned=item.planned_quantity, unit=item.unit
        )
        + (f"（{note}）" if note else ""),
        data={"work_item": item.pk, "done": [str(before), str(done)]},
    )
    audit_log(
        actor=actor,
        action="renewal.work_item_report",
        obj=item,
        changes={"done_quantity": [str(before), str(done)]},
    )
    return item


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31 January + 1 → 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def maintenance_add(
    *,
    actor: User,
    project: Project,
    name: str,
    responsible_party: str,
    interval_months: int | None,
    first_due: dt.date | None,
) -> MaintenanceTask:
    """Add a line to the maintenance schedule (维护计划): what, who, how often, first when."""
    require(actor, "renewal.manage", project)
    if project.state not in (ProjectState.ACCEPTED, ProjectState.MAINTENANCE):
        raise ValidationError(_("验收之后才能制定维护计划。"))
    problems: dict[str, str] = {}
    name = text(name, "name", problems, label=_("维护内容"), most=120)
    party = text(responsible_party, "responsible_party", problems, label=_("责任方"), most=120)
    first_due = plausible_date(first_due, "first_due", problems, label=_("首次维护日期"))
    if (
        not isinstance(interval_months, int)
        or isinstance(interval_months, bool)
        or not 1 <= interval_months <= 120
    ):
        problems["interval_months"] = _("周期应为1到120个月。")
    fail(problems)
    task = MaintenanceTask.objects.create(
        project=project,
        name=name,
        responsible_party=party,
        interval_months=interval_months,
        next_due=first_due,
    )
    event(
        project,
        actor,
        EventKind.MAINTENANCE,
        note=_("维护计划“{name}”：{party}，每{n}个月").format(
            name=name, party=party, n=interval_months
        ),
        data={"task": task.pk},
    )
    audit_log(actor=actor, action="renewal.maintenance_add", obj=task, changes={"name": name})
    return task


@transaction.atomic
def maintenance_done(
    *, actor: User, task: MaintenanceTask, done_on: dt.date | None, note: str = ""
) -> MaintenanceTask:
    """Record a maintenance visit done; the next one falls one interval later."""
    require(actor, "renewal.manage", task)
    task = MaintenanceTask.objects.select_for_update().select_related("project").get(pk=task.pk)
    problems: dict[str, str] = {}
    done_on = plausible_date(done_on, "done_on", problems, label=_("维护日期"))
    if done_on and done_on > timezone.localdate():
        problems["done_on"] = _("维护日期不能晚于今天。")
    if done_on and task.last_done and done_on < task.last_done:
        problems["done_on"] = _("维护日期不能早于上次维护（{date}）。").format(date=task.last_done)
    note = text(note, "note", problems, label=_("说明"), most=200, required=False)
    fail(problems)
    task.last_done = done_on
    task.next_due = add_months(done_on, task.interval_months)
    task.save(update_fields=["last_done", "next_due", "updated_at"])
    event(
        task.project,
        actor,
        EventKind.MAINTENANCE,
        note=_("完成维护“{name}”：{date}；下次{next}").format(
            name=task.name, date=done_on, next=task.next_due
        )
        + (f"（{note}）" if note else ""),
        data={"task": task.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.maintenance_done",
        obj=task,
        changes={"last_done": done_on, "next_due": task.next_due},
    )
    return task
