"""Pages of the voice import (意见导入): a questionnaire sheet (问卷) or a 12345 hotline export
uploaded for one compound, its opinion columns chosen (questionnaires), checked (the preview),
confirmed (the commit), and the downloads (templates, rejected rows).

Everything answers 404 outside the user's import scope (`voices.import` on the compound).
Heavy work runs in tasks (`voices.tasks`); the batch page refreshes itself meanwhile.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.scopes import get_visible_or_404, has_permission
from laoyuan.registry.models import Compound
from laoyuan.registry.roster.reading import KINDS, RosterFileError, extension_of
from laoyuan.registry.views.furniture import Crumb, ancestors, paginate, trail
from laoyuan.voices import tasks
from laoyuan.voices.importing import actions
from laoyuan.voices.importing.actions import can_commit, is_busy, layout, needs_columns
from laoyuan.voices.importing.columns import COLUMNS_OF, TEXT, field_labels
from laoyuan.voices.importing.queries import (
    same_file_committed,
    voice_import_or_404,
    voice_import_row_errors,
    voice_imports_for,
)
from laoyuan.voices.importing.spreadsheets import (
    TEMPLATE_NAMES,
    XLSX_CONTENT_TYPE,
    rejected_workbook,
    template_workbook,
)
from laoyuan.voices.models import ImportKind, ImportStatus, VoiceImport

PERMISSION = "voices.import"
BATCHES_PER_PAGE = 20
ERRORS_PER_PAGE = 50


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _crumbs(request: HttpRequest, compound: Compound | None, *tail: Crumb) -> list[Crumb]:
    crumbs = trail(request.user, ancestors(compound)) if compound else trail(request.user, [])
    return [*crumbs, *tail]


def _list_url(compound_id: int | None = None) -> str:
    url = reverse("voices:voice_imports")
    return f"{url}?compound={compound_id}" if compound_id else url


# --- the templates ----------------------------------------------------------------------------


@login_required
@require_safe
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The template of a kind (.xlsx): its columns, one example row and a notes sheet."""
    if not has_permission(request.user, PERMISSION):
        raise Http404
    return _attachment(template_workbook(kind), TEMPLATE_NAMES[kind], XLSX_CONTENT_TYPE)


# --- upload -----------------------------------------------------------------------------------


class VoiceUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("文件类型"),
        choices=ImportKind.choices,
        initial=ImportKind.QUESTIONNAIRE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择文件类型：问卷表或12345工单表。")},
    )
    file = forms.FileField(
        label=gettext_lazy("文件（.xlsx、.xls 或 .csv）"),
        error_messages={
            "required": gettext_lazy("请选择要上传的文件。"),
            "empty": gettext_lazy("文件是空的（0字节）。请检查是否选对了文件。"),
            "invalid": gettext_lazy("没有收到文件，请重新选择后上传。"),
        },
    )
    said_on = forms.DateField(
        label=gettext_lazy("默认日期"),
        required=False,
        help_text=gettext_lazy("文件中没有日期的行，按这一天记录。文件没有日期列时必填。"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("日期格式不对，请写成2024-05-03。")},
    )
    occasion = forms.CharField(
        label=gettext_lazy("场次"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("选填，如“2024年春季居民问卷”。"),
        error_messages={"max_length": gettext_lazy("场次最多100个字。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LAOYUAN_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("“{name}”太大（{size}），最大只能 {limit}。请拆成几个文件分别导入。").format(
                    name=upload.name, size=filesizeformat(upload.size), limit=filesizeformat(limit)
                )
            )
        if extension_of(upload.name) not in KINDS:
            raise forms.ValidationError(
                _("“{name}”不能导入：只能上传 Excel（.xlsx、.xls）或 CSV（.csv）文件。").format(
                    name=upload.name
                )
            )
        return upload

    def clean_said_on(self):
        value: dt.date | None = self.cleaned_data.get("said_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("默认日期不能晚于今天。"))
        return value


def _add_errors(form: forms.Form, exc: ValidationError, default_field: str) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a questionnaire sheet or a 12345 export for one compound. A hotline export is
    checked at once; a questionnaire first asks which columns hold opinions."""
    compound = get_visible_or_404(
        request.user,
        Compound.objects.select_related("community__street__district"),
        PERMISSION,
        pk=pk,
    )
    form = VoiceUploadForm(initial={"kind": request.GET.get("kind") or ImportKind.QUESTIONNAIRE})
    status = 200
    if request.method == "POST":
        form = VoiceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                batch = actions.voice_import_create(
                    actor=request.user,
                    compound=compound,
                    kind=form.cleaned_data["kind"],
                    file=upload_file,
                    name=upload_file.name,
                    said_on=form.cleaned_data["said_on"],
                    occasion=form.cleaned_data["occasion"],
                )
            except RosterFileError as exc:
                form.add_error("file", f"“{upload_file.name}”：{exc}")
            except ValidationError as exc:
                _add_errors(form, exc, "file")
            else:
                if not needs_columns(batch):
                    tasks.enqueue_preview(batch)
                return redirect("voices:voice_import", pk=batch.pk)
        status = 400
    recent = list(voice_imports_for(request.user, compound_id=compound.pk)[:5])
    return render(
        request,
        "voices/imports/upload.html",
        {
            "compound": compound,
            "form": form,
            "recent": recent,
            "kinds": [
                {"kind": kind, "label": label, "columns": COLUMNS_OF[kind]}
                for kind, label in ImportKind.choices
            ],
            "max_size": filesizeformat(settings.LAOYUAN_IMPORT_MAX_BYTES),
            "crumbs": _crumbs(request, compound, Crumb(_("导入意见"))),
        },
        status=status,
    )


# --- batches ----------------------------------------------------------------------------------


@login_required
@require_safe
def batch_list(request: HttpRequest) -> HttpResponse:
    """The voice imports the user may see, newest first; ?compound=ID narrows to one."""
    if not has_permission(request.user, PERMISSION):
        raise Http404
    compound = None
    if request.GET.get("compound"):
        compound = get_visible_or_404(
            request.user,
            Compound.objects.select_related("community__street__district"),
            PERMISSION,
            pk=request.GET["compound"],
        )
    page = paginate(
        request,
        voice_imports_for(request.user, compound_id=compound.pk if compound else None),
        per_page=BATCHES_PER_PAGE,
    )
    return render(
        request,
        "voices/imports/list.html",
        {
            "page": page,
            "compound": compound,
            "crumbs": _crumbs(request, compound, Crumb(_("意见导入记录"))),
        },
    )


def _column_choices(batch: VoiceImport) -> list[dict]:
    """The columns a user may pick as opinion columns, with the current choice."""
    labels = field_labels(batch.kind)
    rows = []
    for column in layout(batch).get("columns", []):
        if not column["header"]:
            continue
        rows.append(
            {
                "index": column["index"],
                "header": column["header"],
                "checked": column["field"] == TEXT,
                "role": labels.get(column["field"], "") if column["field"] != TEXT else "",
                "selectable": column["field"] in (None, TEXT),
            }
        )
    return rows


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: the opinion-column choice (questionnaires), its status while the tasks run,
    then the preview (first new voices with their proposed categories) or the result, and every
    rejected row with its reasons (paginated)."""
    batch = voice_import_or_404(request.user, pk)
    compound = batch.compound
    errors = paginate(request, voice_import_row_errors(batch), per_page=ERRORS_PER_PAGE)
    data = layout(batch)
    labels = field_labels(batch.kind)
    response = render(
        request,
        "voices/imports/detail.html",
        {
            "batch": batch,
            "compound": compound,
            "data": data,
            "busy": is_busy(batch),
            "needs_columns": needs_columns(batch),
            "choices": _column_choices(batch)
            if batch.kind == ImportKind.QUESTIONNAIRE
            and batch.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED)
            else [],
            "errors": errors,
            "column_rows": [
                {"header": c["header"], "field": labels.get(c["field"] or "", "")}
                for c in data.get("columns", [])
                if c["header"]
            ],
            "same_file": same_file_committed(batch)
            if batch.status == ImportStatus.PREVIEWED
            else None,
            "can_commit": can_commit(batch),
            "crumbs": _crumbs(
                request,
                compound,
                Crumb(_("意见导入记录"), _list_url(compound.pk)),
                Crumb(_("批次 #{pk}").format(pk=batch.pk)),
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def choose_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """A questionnaire's opinion columns chosen: the preview is (re)started."""
    batch = voice_import_or_404(request.user, pk)
    try:
        columns = [int(v) for v in request.POST.getlist("columns")]
    except ValueError:
        columns = []
    try:
        chosen = actions.voice_import_choose_columns(
            actor=request.user, batch=batch, columns=columns
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("voices:voice_import", pk=batch.pk)
    except RosterFileError as exc:
        messages.error(request, str(exc))
        return redirect("voices:voice_import", pk=batch.pk)
    if chosen:
        tasks.enqueue_preview(batch)
    else:
        messages.warning(
            request,
            _("这个批次现在不能更改意见列（状态：{status}）。").format(
                status=batch.get_status_display()
            ),
        )
    return redirect("voices:voice_import", pk=batch.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a previewed batch: the commit is enqueued and the page shows its result."""
    batch = voice_import_or_404(request.user, pk)
    if request.method != "POST":
        return redirect("voices:voice_import", pk=batch.pk)
    if batch.status == ImportStatus.PREVIEWED and not can_commit(batch):
        messages.warning(request, _("这个文件没有新的意见可以导入。"))
    elif actions.voice_import_request_commit(actor=request.user, batch=batch):
        tasks.enqueue_commit(batch)
        messages.success(request, _("已确认导入，正在写入…"))
    elif batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
        messages.info(request, _("这个批次已经确认过了，不会重复导入。"))
    else:
        messages.warning(
            request,
            _("这个批次现在不能导入（状态：{status}）。").format(status=batch.get_status_display()),
        )
    return redirect("voices:voice_import", pk=batch.pk)


@login_required
@require_safe
def rejected_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows that were not imported, as .xlsx: row number, reasons, the original columns
    (phones masked)."""
    batch = voice_import_or_404(request.user, pk)
    content = rejected_workbook(batch, voice_import_row_errors(batch).iterator(chunk_size=2000))
    return _attachment(content, f"未导入的行-意见导入{batch.pk}.xlsx", XLSX_CONTENT_TYPE)


urlpatterns = [
    path(
        "voice-imports/templates/questionnaire.xlsx",
        template_download,
        {"kind": ImportKind.QUESTIONNAIRE},
        name="voice_import_template",
    ),
    path(
        "voice-imports/templates/hotline.xlsx",
        template_download,
        {"kind": ImportKind.HOTLINE},
        name="voice_import_template_hotline",
    ),
    path("compounds/<int:pk>/voice-imports/new/", upload, name="voice_import_upload"),
    path("voice-imports/", batch_list, name="voice_imports"),
    path("voice-imports/<int:pk>/", detail, name="voice_import"),
    path("voice-imports/<int:pk>/columns/", choose_columns, name="voice_import_columns"),
    path("voice-imports/<int:pk>/commit/", commit, name="voice_import_commit"),
    path("voice-imports/<int:pk>/rejected.xlsx", rejected_download, name="voice_import_rejected"),
]
