"""Given the periodic tasks of the settings (the case deadline sweep every minute), when two
workers look for due tasks at the same moment, then the task is enqueued once per period; and
`laoyuan worker --batch` enqueues what is due, runs it with the database task backend and exits."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laoyuan.cases import clocks
from laoyuan.cases.models import SupervisionLevel
from laoyuan.core.models import ScheduledTask
from laoyuan.core.periodic import Scheduler, configured
from tests.cases.helpers import Parties, at, fresh, open_case

SWEEP = "laoyuan.cases.tasks.sweep_deadlines"


def test_the_settings_list_the_case_sweep_every_minute(settings):
    assert (SWEEP, 60) in configured()


@pytest.mark.parametrize(
    "entry",
    [("laoyuan.nowhere.task", 60), ("laoyuan.cases.sweep.sweep", 60), (SWEEP, 0), ("x",)],
)
def test_a_wrong_entry_stops_the_worker_with_its_reason(settings, entry):
    settings.LAOYUAN_PERIODIC_TASKS = [entry]
    with pytest.raises(ImproperlyConfigured):
        configured()


def test_two_workers_enqueue_a_due_task_once_per_period(db):
    now = timezone.now()
    one = Scheduler([(SWEEP, 60)], worker_id="one")
    two = Scheduler([(SWEEP, 60)], worker_id="two")
    one.prepare(now)
    two.prepare(now)
    assert ScheduledTask.objects.count() == 1
    # both look at the same moment: one claims the run, the other finds it taken
    assert one.enqueue_due(now) == [SWEEP]
    assert two.enqueue_due(now) == []
    # within the minute nothing more; a minute later, whichever comes first
    assert two.enqueue_due(now + dt.timedelta(seconds=59)) == []
    assert two.enqueue_due(now + dt.timedelta(seconds=60)) == [SWEEP]
    row = ScheduledTask.objects.get()
    assert row.last_worker == "two" and row.next_run_at == now + dt.timedelta(seconds=120)


def test_a_changed_interval_is_taken_over(db):
    now = timezone.now()
    Scheduler([(SWEEP, 600)], worker_id="a").prepare(now)
    ScheduledTask.objects.update(next_run_at=now + dt.timedelta(seconds=600))
    Scheduler([(SWEEP, 60)], worker_id="a").prepare(now)
    row = ScheduledTask.objects.get()
    assert row.interval_seconds == 60 and row.next_run_at == now + dt.timedelta(seconds=60)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_in_batch_mode_runs_the_due_sweep_and_exits(world, monkeypatch):
    # django-tasks-db's loop closes stale connections as a request would; inside the test's
    # transaction that would close the test's own connection (PostgreSQL), so, as
    # django.test.Client does for requests, the test keeps it open
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    # given a case whose accept deadline passed long ago
    parties = Parties(world)
    with clocks.frozen_at(at("2026-09-01 09:00")):
        case = open_case(world, code="house.roof", party=parties.property)
    # when `laoyuan worker --batch` runs with the database backend
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    # then it enqueued the sweep, ran it and the case climbed to the community
    result = DBTaskResult.objects.get(task_path=SWEEP)
    assert result.status == "SUCCESSFUL" and result.return_value["escalated"] == 1
    assert fresh(case).level == SupervisionLevel.COMMUNITY
