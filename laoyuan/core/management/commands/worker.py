"""`laoyuan worker`: the task worker of django-tasks' database backend (`db_worker`), plus the
periodic tasks of settings.LAOYUAN_PERIODIC_TASKS (e.g. the case deadline sweep every minute),
enqueued once per period however many workers run (core.periodic). `make demo` starts one beside
the web server; production runs as many as the load needs.

Takes every option of `db_worker` (--queue-name, --interval, --batch, --max-tasks …), and
--no-periodic for a worker that only runs what others enqueue. With --batch, the periodic tasks
due now are enqueued once, everything waiting is run, and the worker exits.
"""

from __future__ import annotations

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from laoyuan.core.periodic import Scheduler, configured


class Command(db_worker.Command):
    help = "运行后台任务（数据库任务队列），并按 LAOYUAN_PERIODIC_TASKS 定时加入任务（如工单期限巡查）。"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="不加入定时任务，只运行队列中的任务",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=1.0,
            help="检查定时任务的间隔（秒，默认1）",
        )

    def handle(self, *args, no_periodic: bool = False, tick: float = 1.0, **options) -> None:
        reloader_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not no_periodic and not reloader_parent:
            try:
                tasks = configured()
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            scheduler = Scheduler(tasks, worker_id=options["worker_id"])
            scheduler.prepare()
            scheduler.enqueue_due()
            if not options.get("batch"):
                scheduler.start_thread(tick)
        super().handle(*args, **options)
