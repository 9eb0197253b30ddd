"""Reads of roster imports, scoped: a batch is seen by those who may import for its compound."""

from __future__ import annotations

from django.db.models import QuerySet

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry.models import ImportBatch, ImportRowError

PERMISSION = "registry.import"


def import_batches_for(user: User, *, compound_id: int | None = None) -> QuerySet[ImportBatch]:
    qs = visible(user, ImportBatch, PERMISSION).select_related(
        "compound__community", "created_by", "committed_by"
    )
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return qs.order_by("-created_at", "-id")


def import_batch_or_404(user: User, pk: int) -> ImportBatch:
    """The batch if its compound is within the user's import scope; else 404."""
    return get_visible_or_404(user, import_batches_for(user), PERMISSION, pk=pk)


def import_row_errors(batch: ImportBatch) -> QuerySet[ImportRowError]:
    """The rejected rows of a batch in file order (the batch has already been scoped)."""
    return ImportRowError.objects.filter(batch=batch).order_by("row_number")


def same_file_committed(batch: ImportBatch) -> ImportBatch | None:
    """An earlier committed batch of the same compound with exactly this file, if any."""
    return (
        ImportBatch.objects.filter(
            compound_id=batch.compound_id, file_sha256=batch.file_sha256, status="committed"
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )
