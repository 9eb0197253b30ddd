"""Pages of the roster import (花名册导入): upload, the list of batches, a batch's preview and
result, the confirm button, and the downloads (template, rejected rows, original file).

Everything answers 404 outside the user's import scope (`registry.import` on the compound).
Heavy work runs in tasks (`registry.tasks`); the batch page refreshes itself meanwhile.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.registry import tasks
from laoyuan.registry.models import Compound, ImportBatch, ImportStatus
from laoyuan.registry.roster import actions
from laoyuan.registry.roster.columns import COLUMNS, FIELD_LABELS
from laoyuan.registry.roster.queries import (
    import_batch_or_404,
    import_batches_for,
    import_row_errors,
    same_file_committed,
)
from laoyuan.registry.roster.reading import KINDS, RosterFileError, extension_of
from laoyuan.registry.roster.spreadsheets import (
    XLSX_CONTENT_TYPE,
    rejected_workbook,
    template_workbook,
)

PERMISSION = "registry.import"
BATCHES_PER_PAGE = 20
ERRORS_PER_PAGE = 50


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _crumbs(compound: Compound, *tail: tuple[str, str]) -> list[dict]:
    crumbs = [
        {"label": _("工作台"), "url": reverse("registry:workspace")},
        {
            "label": compound.community.name,
            "url": reverse("registry:community", args=[compound.community_id]),
        },
        {"label": compound.name, "url": reverse("registry:compound", args=[compound.pk])},
    ]
    crumbs += [{"label": label, "url": url} for label, url in tail]
    return crumbs


def _page(request: HttpRequest, object_list, per_page: int):
    page = Paginator(object_list, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()

    def link(number: int) -> str:
        query["page"] = str(number)
        return "?" + query.urlencode()

    page.previous_link = link(page.number - 1) if page.has_previous() else ""
    page.next_link = link(page.number + 1) if page.has_next() else ""
    return page


# --- the template -----------------------------------------------------------------------------


@login_required
@require_safe
def template_download(request: HttpRequest) -> HttpResponse:
    """The roster template (.xlsx): expected columns, one example row and a notes sheet."""
    if not has_permission(request.user, PERMISSION):
        raise Http404
    return _attachment(template_workbook(), "居民花名册模板.xlsx", XLSX_CONTENT_TYPE)


# --- upload -----------------------------------------------------------------------------------


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("花名册文件（.xlsx、.xls 或 .csv）"),
        error_messages={
            "required": gettext_lazy("请选择要上传的花名册文件。"),
            "empty": gettext_lazy("文件是空的（0字节）。请检查是否选对了文件。"),
            "invalid": gettext_lazy("没有收到文件，请重新选择后上传。"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LAOYUAN_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "“{name}”太大（{size}），最大只能 {limit}。"
                    "可以把花名册按楼栋拆成几个文件分别导入。"
                ).format(
                    name=upload.name, size=filesizeformat(upload.size), limit=filesizeformat(limit)
                )
            )
        if extension_of(upload.name) not in KINDS:
            raise forms.ValidationError(
                _(
                    "“{name}”不是花名册文件：只能上传 Excel（.xlsx、.xls）或 CSV（.csv）文件。"
                ).format(name=upload.name)
            )
        return upload


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a roster for one compound; the preview is then prepared in the background."""
    compound = get_visible_or_404(
        request.user, Compound.objects.select_related("community"), PERMISSION, pk=pk
    )
    form = RosterUploadForm()
    status = 200
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = actions.import_batch_create(
                    actor=request.user, compound=compound, file=upload, name=upload.name
                )
            except RosterFileError as exc:
                form.add_error("file", f"“{upload.name}”：{exc}")
            else:
                tasks.enqueue_preview(batch)
                return redirect("registry:import_detail", pk=batch.pk)
        status = 400
    recent = list(import_batches_for(request.user, compound_id=compound.pk)[:5])
    return render(
        request,
        "registry/import_upload.html",
        {
            "compound": compound,
            "form": form,
            "recent": recent,
            "columns": COLUMNS,
            "max_size": filesizeformat(settings.LAOYUAN_IMPORT_MAX_BYTES),
            "crumbs": _crumbs(compound, (_("导入花名册"), "")),
        },
        status=status,
    )


# --- batches ----------------------------------------------------------------------------------


@login_required
@require_safe
def import_list(request: HttpRequest) -> HttpResponse:
    """The import batches the user may see, newest first; ?compound=ID narrows to one."""
    if not has_permission(request.user, PERMISSION):
        raise Http404
    compound = None
    compound_id = request.GET.get("compound", "")
    if compound_id:
        compound = get_visible_or_404(
            request.user,
            Compound.objects.select_related("community"),
            PERMISSION,
            pk=compound_id,
        )
    page = _page(
        request,
        import_batches_for(request.user, compound_id=compound.pk if compound else None),
        BATCHES_PER_PAGE,
    )
    crumbs = (
        _crumbs(compound, (_("花名册导入记录"), ""))
        if compound
        else [
            {"label": _("工作台"), "url": reverse("registry:workspace")},
            {"label": _("花名册导入记录"), "url": ""},
        ]
    )
    return render(
        request,
        "registry/import_list.html",
        {"page": page, "compound": compound, "crumbs": crumbs},
    )


@login_required
@require_safe
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: its status while the tasks run, then the preview or the result, and every
    rejected row with its reasons (paginated)."""
    batch = import_batch_or_404(request.user, pk)
    errors = _page(request, import_row_errors(batch), ERRORS_PER_PAGE)
    column_rows = [
        {"header": c["header"], "field": FIELD_LABELS.get(c["field"], "")}
        for c in batch.columns
        if c["header"]
    ]
    details = batch.done_details if batch.status == ImportStatus.COMMITTED else batch.plan_details
    response = render(
        request,
        "registry/import_detail.html",
        {
            "batch": batch,
            "compound": batch.compound,
            "errors": errors,
            "details": details,
            "column_rows": column_rows,
            "same_file": same_file_committed(batch) if batch.status == "previewed" else None,
            "can_commit": batch.status == ImportStatus.PREVIEWED and batch.rows_valid > 0,
            "crumbs": _crumbs(
                batch.compound,
                (
                    _("花名册导入记录"),
                    reverse("registry:imports") + f"?compound={batch.compound_id}",
                ),
                (_("批次 #{pk}").format(pk=batch.pk), ""),
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a previewed batch: the commit is enqueued and the page shows its progress."""
    batch = import_batch_or_404(request.user, pk)
    if request.method != "POST":
        return redirect("registry:import_detail", pk=batch.pk)
    if batch.rows_valid == 0 and batch.status == ImportStatus.PREVIEWED:
        messages.warning(request, _("这个文件没有可以导入的有效行。请改正后重新上传。"))
    elif actions.import_batch_request_commit(actor=request.user, batch=batch):
        tasks.enqueue_commit(batch)
        messages.success(request, _("已确认导入，正在写入…"))
    elif batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
        messages.info(request, _("这个批次已经确认过了，不会重复导入。"))
    else:
        messages.warning(
            request,
            _("这个批次现在不能导入（状态：{status}）。").format(status=batch.get_status_display()),
        )
    return redirect("registry:import_detail", pk=batch.pk)


@login_required
@require_safe
def rejected_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows that were not imported, as .xlsx: row number, reasons, original columns
    (ID numbers and phones masked)."""
    batch = import_batch_or_404(request.user, pk)
    content = rejected_workbook(batch, import_row_errors(batch).iterator(chunk_size=2000))
    return _attachment(content, f"未导入的行-批次{batch.pk}.xlsx", XLSX_CONTENT_TYPE)


@login_required
@require_safe
def original_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as it was uploaded (full personal data: the download is logged)."""
    batch: ImportBatch = import_batch_or_404(request.user, pk)
    fh = actions.import_original_open(actor=request.user, batch=batch)
    response = FileResponse(fh, as_attachment=True, filename=batch.original_name)
    response["Cache-Control"] = "no-store"
    return response
