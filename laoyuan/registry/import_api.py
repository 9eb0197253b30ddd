"""The roster import (花名册导入) in the JSON API under /api/v1/imports.

Same rules as the pages: a batch is visible to those holding `registry.import` on its
compound, anything else answers 404 "未找到". Uploading enqueues the preview; committing
enqueues the commit; poll `GET /imports/{id}` for the status. Rejected rows are listed with
`errors_limit`/`errors_offset` and can be downloaded as .xlsx; ID numbers and phones in them
are masked.
"""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry import tasks
from laoyuan.registry.models import Compound, ImportBatch, ImportStatus
from laoyuan.registry.roster import actions
from laoyuan.registry.roster.queries import (
    import_batch_or_404,
    import_batches_for,
    import_row_errors,
)
from laoyuan.registry.roster.reading import RosterFileError
from laoyuan.registry.roster.spreadsheets import XLSX_CONTENT_TYPE, rejected_workbook

router = Router(tags=["花名册导入 imports"])

PERMISSION = "registry.import"
ERRORS_LIMIT_DEFAULT = 50
ERRORS_LIMIT_MAX = 200


class ResidentCounts(Schema):
    create: int = Field(description="新增居民")
    update: int = Field(description="更新居民")
    unchanged: int = Field(description="无变化居民")


class BatchOut(Schema):
    id: int
    compound: str = Field(description="小区编码")
    compound_name: str
    status: str = Field(
        description="uploaded, previewing, previewed, committing, committed, failed"
    )
    status_display: str
    file_name: str
    file_kind: str
    file_size: int
    file_sha256: str
    sheet_name: str
    header_row: int | None
    created_by: str | None
    created_at: dt.datetime
    previewed_at: dt.datetime | None
    committed_by: str | None
    committed_at: dt.datetime | None
    rows_read: int
    rows_valid: int
    rows_rejected: int
    rows_duplicate: int
    plan: ResidentCounts = Field(description="预览：确认导入后将对居民做的改动")
    result: ResidentCounts | None = Field(description="导入后：实际的改动；未导入时为空")
    details: dict = Field(description="楼栋、房屋、住户、网格、业主和面积变更的数目")
    error_message: str


class ProblemOut(Schema):
    column: str = Field(description="文件中的列名；空表示整行")
    reason: str
    value: str = Field(description="填写的内容；身份证号和电话已脱敏")


class RowErrorOut(Schema):
    row_number: int = Field(description="Excel 中的行号")
    is_duplicate: bool
    problems: list[ProblemOut]


class ErrorsPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[RowErrorOut]


class BatchDetailOut(BatchOut):
    errors: ErrorsPage


class ErrorsQuery(Schema):
    errors_offset: int = Field(0, ge=0, le=10**9)
    errors_limit: int = Field(ERRORS_LIMIT_DEFAULT, ge=0, le=ERRORS_LIMIT_MAX)


class BatchFilter(Schema):
    compound: str | None = Field(None, max_length=32, description="小区编码")


class ImportPageInput(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class Page(LimitOffsetPagination):
    Input = ImportPageInput  # its own name: the API's Page.Input is another schema


class Message(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return request.auth


def _batch_out(batch: ImportBatch) -> dict:
    committed = batch.status == ImportStatus.COMMITTED
    return {
        "id": batch.pk,
        "compound": batch.compound.code,
        "compound_name": batch.compound.name,
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "file_name": batch.original_name,
        "file_kind": batch.file_kind,
        "file_size": batch.file_size,
        "file_sha256": batch.file_sha256,
        "sheet_name": batch.sheet_name,
        "header_row": batch.header_row,
        "created_by": str(batch.created_by) if batch.created_by_id else None,
        "created_at": batch.created_at,
        "previewed_at": batch.previewed_at,
        "committed_by": str(batch.committed_by) if batch.committed_by_id else None,
        "committed_at": batch.committed_at,
        "rows_read": batch.rows_read,
        "rows_valid": batch.rows_valid,
        "rows_rejected": batch.rows_rejected,
        "rows_duplicate": batch.rows_duplicate,
        "plan": {
            "create": batch.plan_create,
            "update": batch.plan_update,
            "unchanged": batch.plan_unchanged,
        },
        "result": {
            "create": batch.done_create,
            "update": batch.done_update,
            "unchanged": batch.done_unchanged,
        }
        if committed
        else None,
        "details": batch.done_details if committed else batch.plan_details,
        "error_message": batch.error_message,
    }


def _reloaded(request: HttpRequest, batch: ImportBatch) -> ImportBatch:
    return import_batch_or_404(_user(request), batch.pk)


@router.post(
    "/imports",
    response={201: BatchOut},
    url_name="import_create",
    summary="上传花名册",
    description="multipart/form-data：compound（小区编码）和 file（.xlsx、.xls 或 .csv）。"
    "上传后自动开始检查；用 GET /imports/{id} 查看进度与结果。",
)
def import_create(
    request: HttpRequest,
    compound: Form[str],
    file: File[UploadedFile],
):
    user = _user(request)
    target = get_visible_or_404(user, Compound, PERMISSION, code=compound[:32])
    if file.size > settings.LAOYUAN_IMPORT_MAX_BYTES:
        raise HttpError(
            400,
            _("文件太大：最大只能 {limit}。").format(
                limit=filesizeformat(settings.LAOYUAN_IMPORT_MAX_BYTES)
            ),
        )
    try:
        batch = actions.import_batch_create(
            actor=user, compound=target, file=file, name=file.name or "roster"
        )
    except RosterFileError as exc:
        raise HttpError(400, str(exc)) from exc
    tasks.enqueue_preview(batch)
    return Status(201, _batch_out(_reloaded(request, batch)))


@router.get(
    "/imports",
    response=list[BatchOut],
    url_name="import_list",
    summary="导入批次列表",
    description="最新的在前；compound=小区编码 只看一个小区。",
)
@paginate(Page)
def import_list(request: HttpRequest, filters: Query[BatchFilter]):
    qs = import_batches_for(_user(request))
    if filters.compound:
        qs = qs.filter(compound__code=filters.compound)
    return MappedBatches(qs, _batch_out)


class MappedBatches:
    """A queryset seen through an output function (`_batch_out`): ninja's paginator slices
    and counts it. The voice import API pages its batches with it too."""

    def __init__(self, qs, out):
        self.qs = qs
        self.out = out

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return [self.out(b) for b in self.qs[item]]

    def __len__(self) -> int:
        return self.count()


@router.get(
    "/imports/{batch_id}",
    response=BatchDetailOut,
    url_name="import_detail",
    summary="导入批次：状态、数目和有问题的行",
)
def import_detail(request: HttpRequest, batch_id: int, page: Query[ErrorsQuery]):
    batch = import_batch_or_404(_user(request), batch_id)
    errors = import_row_errors(batch)
    start, limit = page.errors_offset, page.errors_limit
    items = list(errors[start : start + limit]) if limit else []
    out = _batch_out(batch)
    out["errors"] = {
        # The counts are on the batch; no COUNT(*) over the rows.
        "count": batch.rows_rejected + batch.rows_duplicate,
        "offset": start,
        "limit": limit,
        "items": [
            {"row_number": e.row_number, "is_duplicate": e.is_duplicate, "problems": e.problems}
            for e in items
        ],
    }
    return out


@router.post(
    "/imports/{batch_id}/commit",
    response={202: BatchOut, 409: Message},
    url_name="import_commit",
    summary="确认导入",
    description="把检查通过的行写入系统（全部成功或全部不写）；有问题的行不导入。"
    "只能对状态为 previewed 的批次调用一次。",
)
def import_commit(request: HttpRequest, batch_id: int):
    user = _user(request)
    batch = import_batch_or_404(user, batch_id)
    if batch.status == ImportStatus.PREVIEWED and batch.rows_valid == 0:
        return Status(409, {"detail": _("这个文件没有可以导入的有效行。")})
    if not actions.import_batch_request_commit(actor=user, batch=batch):
        return Status(
            409,
            {
                "detail": _("这个批次现在不能导入（状态：{status}）。").format(
                    status=batch.get_status_display()
                )
            },
        )
    tasks.enqueue_commit(batch)
    return Status(202, _batch_out(_reloaded(request, batch)))


@router.get(
    "/imports/{batch_id}/rejected.xlsx",
    url_name="import_rejected",
    summary="下载未导入的行（.xlsx）",
    description="原文件行号、问题和原来的各列；身份证号和电话已脱敏。",
)
def import_rejected(request: HttpRequest, batch_id: int):
    batch = import_batch_or_404(_user(request), batch_id)
    content = rejected_workbook(batch, import_row_errors(batch).iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rejected-{batch.pk}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
