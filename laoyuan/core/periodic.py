"""Periodic tasks (定时任务) for `laoyuan worker`.

`settings.LAOYUAN_PERIODIC_TASKS` lists (dotted path of a django-tasks task, seconds between
runs), e.g. the case deadline sweep every minute. Each worker process runs a `Scheduler` beside
its task loop; a run is claimed with one conditional UPDATE on the task's `ScheduledTask` row
(its `next_run_at` still holds the value this worker read, or another worker took it) and
enqueued in the same transaction. However many workers run, each period enqueues a task once;
the tasks themselves must still be safe to run twice (a crash between claim and run skips a
period, never repeats one).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from laoyuan.core.models import ScheduledTask

logger = logging.getLogger("laoyuan.worker")


def configured() -> list[tuple[str, int]]:
    """The periodic tasks of the settings, checked: each path a task, each interval ≥ 1 s."""
    entries = list(getattr(settings, "LAOYUAN_PERIODIC_TASKS", []))
    out = []
    for entry in entries:
        try:
            path, seconds = entry
            seconds = int(seconds)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"LAOYUAN_PERIODIC_TASKS entries are (task path, seconds), not {entry!r}"
            ) from exc
        if seconds < 1:
            raise ImproperlyConfigured(f"LAOYUAN_PERIODIC_TASKS: {path} runs every {seconds} s")
        try:
            task = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"LAOYUAN_PERIODIC_TASKS: cannot import {path}") from exc
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"LAOYUAN_PERIODIC_TASKS: {path} is not a @task()")
        out.append((path, seconds))
    return out


class Scheduler:
    """Enqueues the configured periodic tasks when they are due."""

    def __init__(self, tasks: list[tuple[str, int]], *, worker_id: str) -> None:
        self.tasks = dict(tasks)
        self.worker_id = worker_id[:64]
        self._stop = threading.Event()

    def prepare(self, now: dt.datetime | None = None) -> None:
        """A row per task (due at once when new); a changed interval is taken over."""
        now = now or timezone.now()
        for path, seconds in self.tasks.items():
            row, created = ScheduledTask.objects.get_or_create(
                task_path=path, defaults={"interval_seconds": seconds, "next_run_at": now}
            )
            if not created and row.interval_seconds != seconds:
                ScheduledTask.objects.filter(pk=row.pk).update(
                    interval_seconds=seconds,
                    next_run_at=min(row.next_run_at, now + dt.timedelta(seconds=seconds)),
                )

    def enqueue_due(self, now: dt.datetime | None = None) -> list[str]:
        """Claim and enqueue every task due at `now`; returns the paths this worker enqueued."""
        now = now or timezone.now()
        done = []
        due = ScheduledTask.objects.filter(task_path__in=list(self.tasks), next_run_at__lte=now)
        for row in list(due):
            with transaction.atomic():
                claimed = ScheduledTask.objects.filter(
                    pk=row.pk, next_run_at=row.next_run_at
                ).update(
                    next_run_at=now + dt.timedelta(seconds=self.tasks[row.task_path]),
                    last_enqueued_at=now,
                    last_worker=self.worker_id,
                )
                if claimed:
                    import_string(row.task_path).enqueue()
                    done.append(row.task_path)
        return done

    def run_forever(self, tick: float = 1.0) -> None:
        """Check every `tick` seconds until stopped (a thread beside the task loop)."""
        try:
            while not self._stop.wait(tick):
                try:
                    self.enqueue_due()
                except Exception:  # a lost database must not kill the scheduler for good
                    logger.exception("Periodic tasks could not be enqueued; trying again.")
                finally:
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()

    def start_thread(self, tick: float = 1.0) -> threading.Thread:
        thread = threading.Thread(
            target=self.run_forever, args=(tick,), name="laoyuan-periodic", daemon=True
        )
        thread.start()
        return thread
