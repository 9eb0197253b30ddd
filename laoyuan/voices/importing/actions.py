"""Writes of the voice import (意见导入): upload, choosing the opinion columns, preview, commit.

Each checks `voices.import` on the compound (a command-line run by the operator passes
actor=None) and writes one audit row per upload, choice, preview and commit, with counts only:
never a phone, never a row's text. Status changes claim the batch with a conditional UPDATE,
so a double click or two workers cannot preview or commit the same batch twice.

The batch's `columns` holds the sheet's layout and the preview: {"columns": [{index, header,
field}], "chosen": bool, "ignored": [...], "unused": [...], "sample": [...], "notes": [...],
"voices_new": n, "voices_already": n} (see `layout`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import IO

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Building, Compound
from laoyuan.registry.roster.actions import claim_status
from laoyuan.registry.roster.reading import RosterFileError, extension_of
from laoyuan.voices import services
from laoyuan.voices.actions import BatchError, VoiceEntry, voices_record
from laoyuan.voices.importing.analysis import Analysis, analyse, read_sheet
from laoyuan.voices.importing.columns import TEXT, missing_columns, missing_message
from laoyuan.voices.models import (
    Channel,
    ImportKind,
    ImportStatus,
    VoiceImport,
    VoiceImportRowError,
)

logger = logging.getLogger(__name__)

PERMISSION = "voices.import"
SAMPLE_ROWS = 20
SAMPLE_CHARS = 120
OCCASION_MAX = 100

TRANSITIONS: dict[str, tuple[str, ...]] = {
    ImportStatus.UPLOADED: (ImportStatus.PREVIEWING, ImportStatus.UPLOADED),
    ImportStatus.PREVIEWING: (ImportStatus.PREVIEWED, ImportStatus.FAILED),
    # Back to UPLOADED: a questionnaire's opinion columns chosen again before committing.
    ImportStatus.PREVIEWED: (ImportStatus.COMMITTING, ImportStatus.UPLOADED),
    ImportStatus.COMMITTING: (ImportStatus.COMMITTED, ImportStatus.PREVIEWED),
    ImportStatus.COMMITTED: (),
    ImportStatus.FAILED: (),
}
BUSY = (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.COMMITTING)


def layout(batch: VoiceImport) -> dict:
    """The batch's layout and preview (kept in `columns`, see the module docstring)."""
    data = batch.columns
    if isinstance(data, dict):
        return data
    return {"columns": data or []}


def opinion_columns(batch: VoiceImport) -> tuple[int, ...]:
    return tuple(c["index"] for c in layout(batch).get("columns", []) if c.get("field") == TEXT)


def needs_columns(batch: VoiceImport) -> bool:
    """A questionnaire waiting for the user to say which columns hold opinions."""
    return (
        batch.kind == ImportKind.QUESTIONNAIRE
        and batch.status == ImportStatus.UPLOADED
        and not layout(batch).get("chosen")
    )


def is_busy(batch: VoiceImport) -> bool:
    return batch.status in BUSY and not needs_columns(batch)


def _require(actor: User | None, obj) -> None:
    if actor is not None and not has_permission(actor, PERMISSION, obj):
        raise PermissionDenied(PERMISSION)


def _claim(batch: VoiceImport, to: str, **fields) -> bool:
    return claim_status(batch, to, TRANSITIONS, **fields)


def _check_defaults(said_on: dt.date | None, occasion: str) -> str:
    if said_on is not None:
        if said_on > timezone.localdate():
            raise ValidationError({"said_on": _("默认日期不能晚于今天。")})
        if said_on < dt.date(2000, 1, 1):
            raise ValidationError({"said_on": _("默认日期太早（2000年以前）。")})
    occasion = (occasion or "").strip()
    if len(occasion) > OCCASION_MAX:
        raise ValidationError({"occasion": _("场次最多{n}个字。").format(n=OCCASION_MAX)})
    return occasion


@transaction.atomic
def voice_import_create(
    *,
    actor: User | None,
    compound: Compound,
    kind: str,
    file: IO[bytes],
    name: str,
    said_on: dt.date | None = None,
    occasion: str = "",
    opinion_headers: list[str] | None = None,
) -> VoiceImport:
    """Store an uploaded questionnaire sheet or 12345 export as a new batch.

    Checks at once what can be checked (type, size, emptiness, a header, the required columns
    of a hotline export, a date for the rows) and raises RosterFileError or ValidationError
    with a Chinese message otherwise; nothing is stored then. A questionnaire is ready to
    preview when `opinion_headers` names its opinion columns (or one is recognised by name and
    the caller passes []); otherwise it waits for `voice_import_choose_columns`."""
    _require(actor, compound)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("导入类型不对：{kind}").format(kind=kind)})
    occasion = _check_defaults(said_on, occasion)
    limit = settings.LAOYUAN_IMPORT_MAX_BYTES
    data = file.read(limit + 1)
    if len(data) > limit:
        raise RosterFileError(
            _("文件太大：超过 {limit} 的上限。请拆成几个文件分别导入。").format(
                limit=filesizeformat(limit)
            )
        )
    sheet = read_sheet(data, name=name, kind=kind)
    mapping = sheet.mapping
    chosen = False
    if opinion_headers:
        mapping = _with_texts(sheet, kind, opinion_headers, data=data, name=name)
        chosen = True
    elif opinion_headers is not None and mapping.texts:
        chosen = True
    if kind == ImportKind.HOTLINE:
        chosen = True
        if missing_columns(mapping):
            raise RosterFileError(missing_message(mapping, sheet.header_row))
    elif chosen and missing_columns(mapping):
        raise RosterFileError(missing_message(mapping, sheet.header_row))
    if said_on is None and "date" not in mapping.index:
        raise ValidationError(
            {"said_on": _("文件中没有日期列，请填写默认日期（这些意见是哪一天收集的）。")}
        )
    batch = VoiceImport(
        compound=compound,
        kind=kind,
        created_by=actor,
        original_name=name[-200:],
        file_sha256=hashlib.sha256(data).hexdigest(),
        said_on=said_on,
        occasion=occasion,
        sheet_name=sheet.sheet_name[:100],
        header_row=sheet.header_row,
        columns={
            "columns": mapping.as_json(),
            "chosen": chosen,
            "ignored": list(mapping.ignored),
            "unused": mapping.unused,
        },
    )
    ext = extension_of(name) or sheet.kind
    batch.original.save(f"voices.{ext}", ContentFile(data), save=False)
    try:
        batch.save()
        audit_log(
            actor=actor,
            action="voice_import.upload",
            obj=batch,
            changes={
                "compound": compound.pk,
                "kind": kind,
                "file_name": batch.original_name,
                "file_sha256": batch.file_sha256,
                "file_size": len(data),
            },
        )
    except Exception:
        batch.original.delete(save=False)  # no file without its batch
        raise
    return batch


def _with_texts(sheet, kind: str, headers: list[str], *, data: bytes, name: str):
    """The mapping again, with the opinion columns the user named."""
    wanted = [h.strip() for h in headers if h and h.strip()]
    index = {h: i for i, h in enumerate(sheet.mapping.headers) if h}
    unknown = [h for h in wanted if h not in index]
    if unknown:
        raise ValidationError(
            {
                "opinion_columns": _("文件中没有这些列：{unknown}。文件中的列是：{found}。").format(
                    unknown="、".join(f"“{h}”" for h in unknown),
                    found="、".join(f"“{h}”" for h in index),
                )
            }
        )
    return read_sheet(data, name=name, kind=kind, texts=tuple(index[h] for h in wanted)).mapping


def _source(batch: VoiceImport) -> bytes:
    # Through the storage, never the path: originals are sealed at rest (core.storage).
    try:
        with batch.original.open("rb") as fh:
            return fh.read()
    except (ValueError, InvalidTag, OSError) as exc:
        raise RosterFileError(_("保存的原始文件已损坏或无法解密，请重新上传。")) from exc


@transaction.atomic
def voice_import_choose_columns(
    *, actor: User | None, batch: VoiceImport, columns: list[int]
) -> bool:
    """Say which columns of a questionnaire hold opinions (each non-empty chosen cell becomes
    one voice). Possible until the batch is committed; False if it no longer is. The caller
    then enqueues the preview."""
    _require(actor, batch.compound)
    if batch.kind != ImportKind.QUESTIONNAIRE:
        raise ValidationError(_("只有问卷表需要选择意见列。"))
    current = layout(batch)
    headers = {c["index"]: c for c in current.get("columns", [])}
    chosen = sorted(set(columns))
    if not chosen:
        raise ValidationError({"columns": _("请至少选择一列意见。")})
    problems = []
    for i in chosen:
        column = headers.get(i)
        if column is None or not column["header"]:
            problems.append(_("第{n}列没有列名，不能选。").format(n=i + 1))
        elif column["field"] not in (None, TEXT):
            problems.append(
                _("“{header}”已识别为其他信息（如姓名、日期），不能作为意见列。").format(
                    header=column["header"]
                )
            )
    if problems:
        raise ValidationError({"columns": problems})
    sheet = read_sheet(_source(batch), name=batch.original.name, kind=batch.kind, texts=chosen)
    mapping = sheet.mapping
    if not _claim(
        batch,
        ImportStatus.UPLOADED,
        columns={
            "columns": mapping.as_json(),
            "chosen": True,
            "ignored": list(mapping.ignored),
            "unused": mapping.unused,
        },
        rows_read=0,
        rows_valid=0,
        rows_rejected=0,
        rows_already=0,
        error_message="",
    ):
        return False
    VoiceImportRowError.objects.filter(batch=batch).delete()
    audit_log(
        actor=actor,
        action="voice_import.columns",
        obj=batch,
        changes={"columns": [headers[i]["header"] for i in chosen]},
    )
    return True


def _analyse(batch: VoiceImport) -> Analysis:
    return analyse(
        _source(batch),
        name=batch.original.name,
        kind=batch.kind,
        compound=batch.compound,
        default_date=batch.said_on,
        texts=opinion_columns(batch) if batch.kind == ImportKind.QUESTIONNAIRE else (),
    )


def _sample(batch: VoiceImport, analysis: Analysis) -> list[dict]:
    """The first new voices as the commit would record them, with the proposed categories."""
    from laoyuan.voices.engine.text import redact

    picked = []
    for row in analysis.new:
        for voice in row.voices:
            picked.append((row, voice))
            if len(picked) >= SAMPLE_ROWS:
                break
        if len(picked) >= SAMPLE_ROWS:
            break
    texts = [redact(v.text) for _r, v in picked]
    predictions = services.propose_categories(batch.compound.community.street_id, texts)
    sample = []
    for (row, voice), text, p in zip(picked, texts, predictions, strict=True):
        sample.append(
            {
                "row": row.row_number,
                "column": voice.column,
                "text": text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…",
                "who": _("匿名") if row.anonymous else (row.speaker_name or _("未留名")),
                "building": row.building_label,
                "spot": row.spot,
                "said_on": row.said_on.isoformat() if row.said_on else "",
                "channel": str(Channel(row.channel).label),
                "category": p.category or "",
                "subcategory": p.subcategory or "",
                "confidence": f"{p.confidence:.2f}" if p.category else "",
            }
        )
    return sample


def _notes(batch: VoiceImport, analysis: Analysis) -> list[str]:
    notes = []
    texts = [analysis.mapping.headers[i] for i in analysis.mapping.texts]
    if len(texts) > 1:
        notes.append(
            _("每行有{n}列意见（{names}）：每个填了内容的格子成为一条意见。").format(
                n=len(texts), names="、".join(f"“{t}”" for t in texts)
            )
        )
    if analysis.voices_new != len(analysis.new):
        notes.append(
            _("{rows}行有效，共{voices}条新意见。").format(
                rows=len(analysis.new), voices=analysis.voices_new
            )
        )
    if batch.kind == ImportKind.HOTLINE:
        notes.append(_("电话号码不会保存到系统中；诉求内容里的号码也已去除。分类由系统重新建议。"))
    return notes


def voice_import_preview(*, batch_id: int) -> VoiceImport:
    """Read and check the batch's file and store what a commit would do (the preview).

    Runs in the task worker. An unusable file ends the batch as FAILED with the reason."""
    batch = VoiceImport.objects.select_related("compound__community").get(pk=batch_id)
    if needs_columns(batch) or not _claim(batch, ImportStatus.PREVIEWING):
        return batch
    try:
        analysis = _analyse(batch)
        sample = _sample(batch, analysis)
    except RosterFileError as exc:
        return _fail(batch, str(exc))
    except Exception:
        logger.exception("Voice import preview failed for batch %s", batch.pk)
        return _fail(batch, _("检查时发生内部错误，未写入任何数据。请联系系统管理员。"))
    phone_columns = {i for f, i in analysis.mapping.index.items() if f == "phone"}
    from laoyuan.voices.importing.rows import safe_cells

    with transaction.atomic():
        VoiceImportRowError.objects.filter(batch=batch).delete()
        VoiceImportRowError.objects.bulk_create(
            [
                VoiceImportRowError(
                    batch=batch,
                    row_number=r.row_number,
                    problems=r.problems,
                    cells=safe_cells(r.cells, phone_columns),
                )
                for r in analysis.rejected
            ],
            batch_size=1000,
        )
        counts = {
            "rows_read": analysis.rows_read,
            "rows_valid": len(analysis.new),
            "rows_rejected": len(analysis.rejected),
            "rows_already": analysis.rows_already,
        }
        data = {
            **layout(batch),
            "columns": analysis.mapping.as_json(),
            "ignored": list(analysis.mapping.ignored),
            "unused": analysis.mapping.unused,
            "sample": sample,
            "notes": _notes(batch, analysis),
            "voices_new": analysis.voices_new,
            "voices_already": analysis.voices_already,
        }
        _claim(
            batch,
            ImportStatus.PREVIEWED,
            sheet_name=analysis.sheet_name[:100],
            header_row=analysis.header_row,
            columns=data,
            previewed_at=timezone.now(),
            error_message="",
            **counts,
        )
        audit_log(
            actor=batch.created_by,
            action="voice_import.preview",
            obj=batch,
            changes={**counts, "voices_new": analysis.voices_new},
        )
    return batch


def _fail(batch: VoiceImport, message: str) -> VoiceImport:
    with transaction.atomic():
        _claim(batch, ImportStatus.FAILED, error_message=message)
        audit_log(
            actor=batch.created_by,
            action="voice_import.preview",
            obj=batch,
            changes={"failed": message},
        )
    return batch


def can_commit(batch: VoiceImport) -> bool:
    return batch.status == ImportStatus.PREVIEWED and bool(layout(batch).get("voices_new"))


def voice_import_request_commit(*, actor: User | None, batch: VoiceImport) -> bool:
    """Mark a previewed batch for commit by `actor`; False if it is not (or no longer) waiting
    for one or has nothing new. The caller then enqueues the commit task."""
    _require(actor, batch.compound)
    if not can_commit(batch):
        return False
    return _claim(batch, ImportStatus.COMMITTING, committed_by=actor, error_message="")


def voice_import_commit(*, batch_id: int) -> VoiceImport:
    """Record the new voices of a batch marked for commit: all of them or none.

    The file is read again and compared with the voices as they are now, so a voice imported
    meanwhile (the same file twice) is not recorded twice. Runs in the worker."""
    batch = VoiceImport.objects.select_related("compound__community", "committed_by").get(
        pk=batch_id
    )
    if batch.status != ImportStatus.COMMITTING:
        return batch
    try:
        with transaction.atomic():
            # One commit at a time per compound: the second waits here (PostgreSQL) or at its
            # first write (SQLite), then sees the first one's voices.
            Compound.objects.select_for_update().filter(pk=batch.compound_id).first()
            analysis = _analyse(batch)
            created = _record(batch, analysis)
            if not _claim(
                batch,
                ImportStatus.COMMITTED,
                done_create=len(created),
                committed_at=timezone.now(),
            ):
                raise RuntimeError(f"Voice import {batch.pk} changed status during its commit.")
            audit_log(
                actor=batch.committed_by,
                action="voice_import.commit",
                obj=batch,
                changes={
                    "done_create": len(created),
                    "rows_valid": len(analysis.new),
                    "rows_rejected": len(analysis.rejected),
                    "rows_already": analysis.rows_already,
                },
            )
    except Exception as exc:
        if isinstance(exc, RosterFileError | ValidationError):
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            logger.exception("Voice import commit failed for batch %s", batch.pk)
            message = _("导入时发生错误，没有写入任何数据，可以再试一次。")
        batch.status = ImportStatus.COMMITTING
        _claim(batch, ImportStatus.PREVIEWED, error_message=message[:2000])
    return batch


def _record(batch: VoiceImport, analysis: Analysis) -> list:
    if not analysis.new:
        return []
    ids = {r.building_id for r in analysis.new if r.building_id}
    buildings = Building.objects.in_bulk(ids)
    entries: list[VoiceEntry] = []
    rows: list[int] = []
    for row in analysis.new:
        for voice in row.voices:
            entries.append(
                VoiceEntry(
                    text=voice.text,
                    speaker_name="" if row.anonymous else row.speaker_name,
                    anonymous=row.anonymous,
                    building=buildings.get(row.building_id) if row.building_id else None,
                    spot=row.spot,
                    said_on=row.said_on,
                    channel=row.channel,
                    external_ref=voice.external_ref,
                )
            )
            rows.append(row.row_number)
    default_channel = Channel.HOTLINE if batch.kind == ImportKind.HOTLINE else Channel.QUESTIONNAIRE
    try:
        created = voices_record(
            actor=batch.committed_by,
            compound=batch.compound,
            channel=default_channel,
            said_on=batch.said_on or timezone.localdate(),
            entries=entries,
            occasion=batch.occasion,
            import_batch=batch,
        )
    except BatchError as exc:
        # Entry numbers back to the file's row numbers, which the user can find.
        raise ValidationError(
            [
                _("第{row}行：{problems}").format(row=rows[n - 1], problems="；".join(p))
                for n, p in sorted(exc.rows.items())
            ]
        ) from exc
    if batch.kind == ImportKind.HOTLINE:
        # Each 12345 work order opens a case too (case work, laoyuan.cases), once per number.
        from laoyuan.cases.actions import cases_open_from_hotline

        cases_open_from_hotline(actor=batch.committed_by, voices=created)
    return created


def voice_import_original_open(*, actor: User | None, batch: VoiceImport) -> IO[bytes]:
    """Open the uploaded file as it came (it may hold names and phones: logged as a reveal)."""
    _require(actor, batch.compound)
    audit_log(
        actor=actor,
        action="pii.reveal.voice_import_original",
        obj=batch,
        changes={"file_sha256": batch.file_sha256},
    )
    return batch.original.open("rb")
