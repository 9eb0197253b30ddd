"""Background work of case work (django-tasks): the deadline sweep, enqueued every minute by
`laoyuan worker` (settings.LAOYUAN_PERIODIC_TASKS); tests run it immediately."""

from __future__ import annotations

from django_tasks import task

from laoyuan.cases.sweep import sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Remind the holders of cases nearing a deadline and escalate those past one."""
    result = sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
