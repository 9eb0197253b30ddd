"""Reads of voice imports, scoped: a batch is seen by those who may import for its compound."""

from __future__ import annotations

from django.db.models import QuerySet

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.voices.models import ImportStatus, VoiceImport, VoiceImportRowError

PERMISSION = "voices.import"


def voice_imports_for(user: User, *, compound_id: int | None = None) -> QuerySet[VoiceImport]:
    qs = visible(user, VoiceImport, PERMISSION).select_related(
        "compound__community__street__district", "created_by", "committed_by"
    )
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return qs.order_by("-created_at", "-id")


def voice_import_or_404(user: User, pk: int) -> VoiceImport:
    """The batch if its compound is within the user's import scope; else 404."""
    return get_visible_or_404(user, voice_imports_for(user), PERMISSION, pk=pk)


def voice_import_row_errors(batch: VoiceImport) -> QuerySet[VoiceImportRowError]:
    """The rejected rows of a batch in file order (the batch has already been scoped)."""
    return VoiceImportRowError.objects.filter(batch=batch).order_by("row_number")


def same_file_committed(batch: VoiceImport) -> VoiceImport | None:
    """An earlier committed batch of the same compound with exactly this file, if any."""
    return (
        VoiceImport.objects.filter(
            compound_id=batch.compound_id,
            file_sha256=batch.file_sha256,
            status=ImportStatus.COMMITTED,
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )
