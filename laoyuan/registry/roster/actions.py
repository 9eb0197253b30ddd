"""Writes of the roster import: upload, preview, commit, and the logged download of an original.

Each checks `registry.import` on the compound (a command-line run by the operator passes
actor=None) and writes one audit row: per upload, per preview and per commit, with the counts;
never one per resident. Status changes claim the batch with a conditional UPDATE, so a double
click or two workers cannot preview or commit the same batch twice.
"""

from __future__ import annotations

import hashlib
import logging
from typing import IO

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import (
    IMPORT_TRANSITIONS,
    Compound,
    ImportBatch,
    ImportRowError,
    ImportStatus,
)
from laoyuan.registry.roster.analysis import Analysis, analyse
from laoyuan.registry.roster.planning import RosterPlan, rooms_needing_entrance
from laoyuan.registry.roster.reading import RosterFileError, check_roster, extension_of

logger = logging.getLogger(__name__)

PERMISSION = "registry.import"
AREA_CHANGES_SHOWN = 200  # on the batch; the audit row of the commit keeps them all


def _require(actor: User | None, obj) -> None:
    if actor is not None and not has_permission(actor, PERMISSION, obj):
        raise PermissionDenied(PERMISSION)


def claim_status(batch, to: str, transitions: dict, **fields) -> bool:
    """Move an import batch (a roster's or a voice import's) from its current status to `to`
    if `transitions` allow it and nobody else did first."""
    if to not in transitions[batch.status]:
        return False
    fields["updated_at"] = timezone.now()
    claimed = (
        type(batch).objects.filter(pk=batch.pk, status=batch.status).update(status=to, **fields)
    )
    if claimed:
        batch.status = to
        for name, value in fields.items():
            setattr(batch, name, value)
    return bool(claimed)


def _claim(batch: ImportBatch, to: str, **fields) -> bool:
    return claim_status(batch, to, IMPORT_TRANSITIONS, **fields)


@transaction.atomic
def import_batch_create(
    *, actor: User | None, compound: Compound, file: IO[bytes], name: str
) -> ImportBatch:
    """Store an uploaded roster for a compound as a new batch, ready to preview.

    Checks what can be checked at once (type, size, emptiness, a recognisable header) and
    raises RosterFileError with a Chinese message otherwise; nothing is stored then."""
    _require(actor, compound)
    limit = settings.LAOYUAN_IMPORT_MAX_BYTES
    data = file.read(limit + 1)
    if len(data) > limit:
        raise RosterFileError(
            _("文件太大：超过 {limit} 的上限。可以把花名册按楼栋拆成几个文件分别导入。").format(
                limit=filesizeformat(limit)
            )
        )
    sheet = check_roster(data, name=name)  # type, emptiness and header, before storing anything
    batch = ImportBatch(
        compound=compound,
        created_by=actor,
        original_name=name[-200:],
        file_kind=sheet.kind,
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
        sheet_name=sheet.sheet_name[:100],
        header_row=sheet.header_row,
        columns=sheet.mapping.as_json(),
    )
    ext = extension_of(name) or sheet.kind
    batch.original.save(f"roster.{ext}", ContentFile(data), save=False)
    try:
        batch.save()
        audit_log(
            actor=actor,
            action="import.upload",
            obj=batch,
            changes={
                "compound": compound.pk,
                "file_name": batch.original_name,
                "file_sha256": batch.file_sha256,
                "file_size": batch.file_size,
            },
        )
    except Exception:
        batch.original.delete(save=False)  # no file without its batch
        raise
    return batch


def _analyse(batch: ImportBatch) -> Analysis:
    # Through the storage, never the path: originals are sealed at rest (core.storage).
    try:
        with batch.original.open("rb") as fh:
            source = fh.read()
    except (ValueError, InvalidTag, OSError) as exc:
        raise RosterFileError(_("保存的原始文件已损坏或无法解密，请重新上传。")) from exc
    return analyse(
        source,
        name=batch.original.name,
        rooms_needing_entrance=rooms_needing_entrance(batch.compound),
    )


def import_batch_preview(*, batch_id: int) -> ImportBatch:
    """Read and check the batch's file, and work out what a commit would do (the preview).

    Runs in the task worker. An unusable file ends the batch as FAILED with the reason."""
    batch = ImportBatch.objects.select_related("compound").get(pk=batch_id)
    if not _claim(batch, ImportStatus.PREVIEWING):
        return batch
    try:
        analysis = _analyse(batch)
        plan = RosterPlan(batch.compound, analysis.rows)
    except RosterFileError as exc:
        return _fail(batch, str(exc))
    except Exception:
        logger.exception("Roster preview failed for batch %s", batch.pk)
        return _fail(batch, _("检查时发生内部错误，未写入任何数据。请联系系统管理员。"))
    outcome = plan.outcome
    with transaction.atomic():
        ImportRowError.objects.filter(batch=batch).delete()
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    batch=batch,
                    row_number=r.row_number,
                    is_duplicate=r.is_duplicate,
                    problems=[p.as_json() for p in r.problems],
                    cells=r.cells,
                )
                for r in analysis.rejected
            ],
            batch_size=1000,
        )
        details = outcome.details(area_changes_limit=AREA_CHANGES_SHOWN)
        details["notes"] = analysis.notes
        details["ignored_columns"] = list(analysis.mapping.ignored)
        counts = {
            "rows_read": analysis.rows_read,
            "rows_valid": analysis.rows_valid,
            "rows_rejected": analysis.rows_rejected,
            "rows_duplicate": analysis.rows_duplicate,
            "plan_create": outcome.residents_create,
            "plan_update": outcome.residents_update,
            "plan_unchanged": outcome.residents_unchanged,
        }
        _claim(
            batch,
            ImportStatus.PREVIEWED,
            sheet_name=analysis.sheet_name[:100],
            header_row=analysis.header_row,
            columns=analysis.mapping.as_json(),
            plan_details=details,
            previewed_at=timezone.now(),
            error_message="",
            **counts,
        )
        audit_log(
            actor=batch.created_by,
            action="import.preview",
            obj=batch,
            changes={**counts, **{k: v for k, v in details.items() if k != "area_changes"}},
        )
    return batch


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    with transaction.atomic():
        _claim(batch, ImportStatus.FAILED, error_message=message)
        audit_log(
            actor=batch.created_by,
            action="import.preview",
            obj=batch,
            changes={"failed": message},
        )
    return batch


def import_batch_request_commit(*, actor: User | None, batch: ImportBatch) -> bool:
    """Mark a previewed batch for commit by `actor`; False if it is not (or no longer)
    waiting for one. The caller then enqueues the commit task."""
    _require(actor, batch)
    if batch.status != ImportStatus.PREVIEWED:
        return False
    return _claim(batch, ImportStatus.COMMITTING, committed_by=actor, error_message="")


def import_batch_commit(*, batch_id: int) -> ImportBatch:
    """Write the valid rows of a batch marked for commit: all of them or none.

    The file is read and matched again against the registry as it is now, so the counts are
    what was really done even if the registry changed since the preview. Runs in the worker."""
    batch = ImportBatch.objects.select_related("compound", "committed_by").get(pk=batch_id)
    if batch.status != ImportStatus.COMMITTING:
        return batch
    try:
        with transaction.atomic():
            # One commit at a time per compound: the second waits here (PostgreSQL) or at its
            # first write (SQLite), then sees the first one's rows.
            Compound.objects.select_for_update().filter(pk=batch.compound_id).first()
            analysis = _analyse(batch)
            plan = RosterPlan(batch.compound, analysis.rows)
            outcome = plan.apply()
            details = outcome.details(area_changes_limit=AREA_CHANGES_SHOWN)
            counts = {
                "done_create": outcome.residents_create,
                "done_update": outcome.residents_update,
                "done_unchanged": outcome.residents_unchanged,
            }
            if not _claim(
                batch,
                ImportStatus.COMMITTED,
                done_details=details,
                committed_at=timezone.now(),
                **counts,
            ):
                raise RuntimeError(f"Batch {batch.pk} changed status during its commit.")
            audit_log(
                actor=batch.committed_by,
                action="import.commit",
                obj=batch,
                changes={
                    **counts,
                    "rows_valid": analysis.rows_valid,
                    "rows_rejected": analysis.rows_rejected,
                    "rows_duplicate": analysis.rows_duplicate,
                    **outcome.details(),
                },
            )
    except Exception as exc:
        if isinstance(exc, RosterFileError):
            message = str(exc)
        else:
            logger.exception("Roster commit failed for batch %s", batch.pk)
            message = _("导入时发生错误，没有写入任何数据，可以再试一次。")
        batch.status = ImportStatus.COMMITTING
        _claim(batch, ImportStatus.PREVIEWED, error_message=message)
    return batch


def import_original_open(*, actor: User | None, batch: ImportBatch) -> IO[bytes]:
    """Open the uploaded file as it came. It holds full ID numbers and phones, so every
    download is logged like a reveal of personal data (查看留痕)."""
    _require(actor, batch)
    audit_log(
        actor=actor,
        action="pii.reveal.import_original",
        obj=batch,
        changes={"file_sha256": batch.file_sha256},
    )
    return batch.original.open("rb")
