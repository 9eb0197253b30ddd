"""Background work of residents' voices (django-tasks): the voice import's preview and commit.

Reading, checking and classifying a sheet of thousands of rows takes seconds, too long for a
web request, so the upload and confirm views store what was asked and enqueue these; the batch
page refreshes itself meanwhile. In production `laoyuan db_worker` runs them; tests run them
immediately.
"""

from __future__ import annotations

from django_tasks import task

from laoyuan.voices.importing import actions
from laoyuan.voices.models import VoiceImport


@task()
def voice_import_preview(batch_id: int) -> str:
    """Check an uploaded questionnaire or hotline export and store its preview."""
    return actions.voice_import_preview(batch_id=batch_id).status


@task()
def voice_import_commit(batch_id: int) -> str:
    """Record the new voices of a confirmed batch."""
    return actions.voice_import_commit(batch_id=batch_id).status


def enqueue_preview(batch: VoiceImport) -> None:
    voice_import_preview.enqueue(batch.pk)


def enqueue_commit(batch: VoiceImport) -> None:
    voice_import_commit.enqueue(batch.pk)
