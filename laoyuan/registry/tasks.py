"""Background work of the registry (django-tasks): the roster import's preview and commit.

Reading and matching a roster of 100,000 rows takes seconds, too long for a web request, so the
upload and the confirm views store what was asked and enqueue these; the batch page refreshes
itself until the status changes. In production `laoyuan db_worker` runs them; tests run them
immediately.
"""

from __future__ import annotations

from django_tasks import task

from laoyuan.registry.models import ImportBatch
from laoyuan.registry.roster import actions


@task()
def roster_preview(batch_id: int) -> str:
    """Check an uploaded roster and store its preview."""
    return actions.import_batch_preview(batch_id=batch_id).status


@task()
def roster_commit(batch_id: int) -> str:
    """Write the valid rows of a confirmed roster."""
    return actions.import_batch_commit(batch_id=batch_id).status


def enqueue_preview(batch: ImportBatch) -> None:
    roster_preview.enqueue(batch.pk)


def enqueue_commit(batch: ImportBatch) -> None:
    roster_commit.enqueue(batch.pk)
