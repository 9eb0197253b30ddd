"""The voice import (意见导入) in the JSON API under /api/v1/voice-imports.

Same rules as the pages: a batch is visible to those holding `voices.import` on its compound,
anything else answers 404 "未找到". Uploading a 12345 export (kind=hotline), or a questionnaire
whose opinion column is recognised by name or named in `opinion_columns`, enqueues the preview;
a questionnaire without one waits (`needs_columns`) for POST /voice-imports/{id}/columns.
Committing enqueues the commit; poll GET /voice-imports/{id} for the status. Rejected rows are
listed with `errors_limit`/`errors_offset`; phones never appear (masked or removed).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.import_api import BatchFilter, ErrorsQuery, MappedBatches, Message, Page
from laoyuan.registry.models import Compound
from laoyuan.registry.roster.reading import RosterFileError
from laoyuan.voices import tasks
from laoyuan.voices.importing import actions
from laoyuan.voices.importing.actions import can_commit, layout, needs_columns
from laoyuan.voices.importing.queries import (
    voice_import_or_404,
    voice_import_row_errors,
    voice_imports_for,
)
from laoyuan.voices.importing.spreadsheets import XLSX_CONTENT_TYPE, rejected_workbook
from laoyuan.voices.models import ImportKind, ImportStatus, VoiceImport

router = Router(tags=["意见导入"])

PERMISSION = "voices.import"


class ColumnOut(Schema):
    index: int
    header: str
    field: str | None = Field(description="识别为哪一项；text 为意见列；空为未识别（忽略）")


class SampleVoiceOut(Schema):
    row: int = Field(description="Excel 中的行号")
    column: str
    text: str = Field(description="内容（已去除电话、证件号）")
    who: str
    building: str
    spot: str
    said_on: str
    channel: str
    category: str = Field(description="系统建议的一级分类")
    subcategory: str
    confidence: str


class VoiceImportOut(Schema):
    id: int
    compound: str = Field(description="小区编码")
    compound_name: str
    kind: str = Field(description="questionnaire（问卷表）或 hotline（12345工单表）")
    kind_display: str
    status: str = Field(
        description="uploaded, previewing, previewed, committing, committed, failed"
    )
    status_display: str
    needs_columns: bool = Field(description="问卷：等待选择意见列（POST .../columns）")
    file_name: str
    file_sha256: str
    sheet_name: str
    header_row: int | None
    said_on: dt.date | None = Field(description="默认日期")
    occasion: str
    created_by: str | None
    created_at: dt.datetime
    previewed_at: dt.datetime | None
    committed_by: str | None
    committed_at: dt.datetime | None
    rows_read: int
    rows_valid: int = Field(description="有新意见的有效行")
    rows_rejected: int
    rows_already: int = Field(description="已导入过的行（不重复导入）")
    voices_new: int = Field(description="确认导入后将新增的意见条数")
    done_create: int | None = Field(description="导入后：实际新增的意见条数")
    can_commit: bool
    columns: list[ColumnOut]
    ignored_columns: list[str]
    unused_columns: list[str] = Field(description="识别了但不导入的列（如联系电话）")
    notes: list[str]
    error_message: str


class VoiceImportProblemOut(Schema):
    column: str = Field(description="文件中的列名；空表示整行")
    reason: str
    value: str = Field(description="填写的内容（已去除电话、证件号）")


class VoiceImportRowErrorOut(Schema):
    row_number: int = Field(description="Excel 中的行号")
    problems: list[VoiceImportProblemOut]


class VoiceImportErrorsPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[VoiceImportRowErrorOut]


class VoiceImportDetailOut(VoiceImportOut):
    sample: list[SampleVoiceOut] = Field(description="将导入的前20条意见及建议分类")
    errors: VoiceImportErrorsPage


class ColumnsIn(Schema):
    columns: list[str] = Field(
        description="意见所在列的列名（可多列：每个填了内容的格子成为一条意见）",
        max_length=200,
    )


def _user(request: HttpRequest) -> User:
    return request.auth


def _out(batch: VoiceImport) -> dict:
    data = layout(batch)
    return {
        "id": batch.pk,
        "compound": batch.compound.code,
        "compound_name": batch.compound.name,
        "kind": batch.kind,
        "kind_display": batch.get_kind_display(),
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "needs_columns": needs_columns(batch),
        "file_name": batch.original_name,
        "file_sha256": batch.file_sha256,
        "sheet_name": batch.sheet_name,
        "header_row": batch.header_row,
        "said_on": batch.said_on,
        "occasion": batch.occasion,
        "created_by": str(batch.created_by) if batch.created_by_id else None,
        "created_at": batch.created_at,
        "previewed_at": batch.previewed_at,
        "committed_by": str(batch.committed_by) if batch.committed_by_id else None,
        "committed_at": batch.committed_at,
        "rows_read": batch.rows_read,
        "rows_valid": batch.rows_valid,
        "rows_rejected": batch.rows_rejected,
        "rows_already": batch.rows_already,
        "voices_new": data.get("voices_new", 0),
        "done_create": batch.done_create,
        "can_commit": can_commit(batch),
        "columns": data.get("columns", []),
        "ignored_columns": data.get("ignored", []),
        "unused_columns": data.get("unused", []),
        "notes": data.get("notes", []),
        "error_message": batch.error_message,
    }


def _reloaded(request: HttpRequest, batch: VoiceImport) -> VoiceImport:
    return voice_import_or_404(_user(request), batch.pk)


def _messages(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@router.post(
    "/voice-imports",
    response={201: VoiceImportOut},
    url_name="voice_import_create",
    summary="上传问卷表或12345工单表",
    description="multipart/form-data：compound（小区编码）、kind（questionnaire 或 hotline）、"
    "file（.xlsx、.xls 或 .csv），可选 said_on（默认日期，文件没有日期列时必填）、occasion（场次）、"
    "opinion_columns（问卷：意见所在列的列名，多列用逗号分隔）。上传后自动开始检查；"
    "用 GET /voice-imports/{id} 查看进度与结果。",
)
def voice_import_create(
    request: HttpRequest,
    compound: Form[str],
    kind: Form[str],
    file: File[UploadedFile],
    said_on: Form[dt.date | None] = None,
    occasion: Form[str] = "",
    opinion_columns: Form[str] = "",
):
    user = _user(request)
    target = get_visible_or_404(user, Compound, PERMISSION, code=compound[:32])
    if kind not in ImportKind.values:
        raise HttpError(400, _("kind 应为 questionnaire（问卷表）或 hotline（12345工单表）。"))
    if file.size > settings.LAOYUAN_IMPORT_MAX_BYTES:
        raise HttpError(
            400,
            _("文件太大：最大只能 {limit}。").format(
                limit=filesizeformat(settings.LAOYUAN_IMPORT_MAX_BYTES)
            ),
        )
    headers = [h.strip() for h in opinion_columns.replace("，", ",").split(",") if h.strip()]
    try:
        batch = actions.voice_import_create(
            actor=user,
            compound=target,
            kind=kind,
            file=file,
            name=file.name or "voices",
            said_on=said_on,
            occasion=occasion,
            opinion_headers=headers,
        )
    except RosterFileError as exc:
        raise HttpError(400, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(400, _messages(exc)) from exc
    if not needs_columns(batch):
        tasks.enqueue_preview(batch)
    return Status(201, _out(_reloaded(request, batch)))


@router.get(
    "/voice-imports",
    response=list[VoiceImportOut],
    url_name="voice_import_list",
    summary="意见导入批次列表",
    description="最新的在前；compound=小区编码 只看一个小区。",
)
@paginate(Page)
def voice_import_list(request: HttpRequest, filters: Query[BatchFilter]):
    qs = voice_imports_for(_user(request))
    if filters.compound:
        qs = qs.filter(compound__code=filters.compound)
    return MappedBatches(qs, _out)


@router.get(
    "/voice-imports/{batch_id}",
    response=VoiceImportDetailOut,
    url_name="voice_import_detail",
    summary="意见导入批次：状态、预览和有问题的行",
)
def voice_import_detail(request: HttpRequest, batch_id: int, page: Query[ErrorsQuery]):
    batch = voice_import_or_404(_user(request), batch_id)
    start, limit = page.errors_offset, page.errors_limit
    items = list(voice_import_row_errors(batch)[start : start + limit]) if limit else []
    out = _out(batch)
    out["sample"] = (
        layout(batch).get("sample", []) if batch.status != ImportStatus.COMMITTED else []
    )
    out["errors"] = {
        # The count is on the batch; no COUNT(*) over the rows.
        "count": batch.rows_rejected,
        "offset": start,
        "limit": limit,
        "items": [{"row_number": e.row_number, "problems": e.problems} for e in items],
    }
    return out


@router.post(
    "/voice-imports/{batch_id}/columns",
    response={202: VoiceImportOut, 400: Message, 409: Message},
    url_name="voice_import_columns",
    summary="选择问卷的意见列",
    description="问卷表：哪几列是居民的意见（列名）。每个填了内容的格子成为一条意见；"
    "选定后重新检查。确认导入之前都可以更改。",
)
def voice_import_columns(request: HttpRequest, batch_id: int, body: ColumnsIn):
    user = _user(request)
    batch = voice_import_or_404(user, batch_id)
    index = {c["header"]: c["index"] for c in layout(batch).get("columns", []) if c["header"]}
    unknown = [h for h in body.columns if h not in index]
    if unknown:
        return Status(
            400,
            {
                "detail": _("文件中没有这些列：{unknown}。文件中的列是：{found}。").format(
                    unknown="、".join(f"“{h}”" for h in unknown),
                    found="、".join(f"“{h}”" for h in index),
                )
            },
        )
    try:
        chosen = actions.voice_import_choose_columns(
            actor=user, batch=batch, columns=[index[h] for h in body.columns]
        )
    except ValidationError as exc:
        return Status(400, {"detail": _messages(exc)})
    except RosterFileError as exc:
        return Status(400, {"detail": str(exc)})
    if not chosen:
        return Status(
            409,
            {
                "detail": _("这个批次现在不能更改意见列（状态：{status}）。").format(
                    status=batch.get_status_display()
                )
            },
        )
    tasks.enqueue_preview(batch)
    return Status(202, _out(_reloaded(request, batch)))


@router.post(
    "/voice-imports/{batch_id}/commit",
    response={202: VoiceImportOut, 409: Message},
    url_name="voice_import_commit",
    summary="确认导入",
    description="把检查通过的新意见写入系统（全部成功或全部不写）；有问题的行和已导入过的意见"
    "不导入。只能对状态为 previewed 且有新意见的批次调用一次。",
)
def voice_import_commit(request: HttpRequest, batch_id: int):
    user = _user(request)
    batch = voice_import_or_404(user, batch_id)
    if batch.status == ImportStatus.PREVIEWED and not can_commit(batch):
        return Status(409, {"detail": _("这个文件没有新的意见可以导入。")})
    if not actions.voice_import_request_commit(actor=user, batch=batch):
        return Status(
            409,
            {
                "detail": _("这个批次现在不能导入（状态：{status}）。").format(
                    status=batch.get_status_display()
                )
            },
        )
    tasks.enqueue_commit(batch)
    return Status(202, _out(_reloaded(request, batch)))


@router.get(
    "/voice-imports/{batch_id}/rejected.xlsx",
    url_name="voice_import_rejected",
    summary="下载未导入的行（.xlsx）",
    description="原文件行号、问题和原来的各列；电话已脱敏。",
)
def voice_import_rejected(request: HttpRequest, batch_id: int):
    batch = voice_import_or_404(_user(request), batch_id)
    content = rejected_workbook(batch, voice_import_row_errors(batch).iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"rejected-voices-{batch.pk}.xlsx"
    )
    response["Cache-Control"] = "no-store"
    return response
