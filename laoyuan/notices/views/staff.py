"""Staff pages of public notices (公示): the list in scope with its filters, choosing where to
publish, writing and editing a draft with its attachments, a notice's page (period, place,
attachments, history, objections and answers, the closing record), publishing, withdrawing,
printing the A4 notice for the bulletin board, and downloading attachments.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core import pdf
from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.notices import actions, periods, printing, queries, subjects
from laoyuan.notices.forms import AttachForm, NoticeFilterForm, NoticeForm, WithdrawForm
from laoyuan.notices.models import AttachmentKind, Notice, NoticeAttachment, NoticeState
from laoyuan.notices.phases import phase_label, phase_of
from laoyuan.notices.targets import PUBLISH, publish_communities, publish_compounds, target_of
from laoyuan.registry.models import Building, Community, Compound
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.voices.places import voice_compounds

NOTICES_PER_PAGE = 25
OBJECTIONS_PER_PAGE = 25


def crumbs(here: str = "", notice: Notice | None = None) -> list[Crumb]:
    out = [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("公示"), reverse("notices:list") if here or notice else ""),
    ]
    if notice is not None:
        out.append(Crumb(notice.title, reverse("notices:notice", args=[notice.pk]) if here else ""))
    if here:
        out.append(Crumb(here))
    return out


def _require_staff(request: HttpRequest) -> None:
    if not has_permission(request.user, "notices.view"):
        raise Http404


def _place_choices(user) -> list[tuple[str, str]]:
    communities = list(
        visible(user, Community, "notices.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    compounds = list(
        voice_compounds(user, "notices.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    return [
        (f"community:{pk}", _("{name}（社区）").format(name=name)) for pk, name in communities
    ] + [(f"compound:{pk}", name) for pk, name in compounds]


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notices in scope, latest start first, with their objection counts; filters by place,
    kind, state and period."""
    user = request.user
    _require_staff(request)
    today = timezone.localdate()
    form = NoticeFilterForm(request.GET, places=_place_choices(user))
    filters = form.filters()
    page = paginate(
        request, queries.notice_list(user, today=today, **filters), per_page=NOTICES_PER_PAGE
    )
    page.object_list = queries.with_objection_counts(page.object_list)
    for notice in page.object_list:
        notice.phase = phase_of(notice, today)
        notice.phase_label = phase_label(notice, today)
    return render(
        request,
        "notices/staff/list.html",
        {
            "form": form,
            "page": page,
            "can_publish": has_permission(user, PUBLISH),
            "crumbs": crumbs(),
        },
    )


@login_required
@require_safe
def notice_choose_place(request: HttpRequest) -> HttpResponse:
    """Where the new notice is for: a whole community, or a compound (some of its buildings
    are chosen on the next page)."""
    user = request.user
    if not has_permission(user, PUBLISH):
        raise Http404
    chosen = request.GET.get("place", "")
    level, _sep, pk = chosen.partition(":")
    if level == "compound" and pk.isdigit():
        return redirect("notices:new_compound", pk=int(pk))
    if level == "community" and pk.isdigit():
        return redirect("notices:new_community", pk=int(pk))
    communities = list(publish_communities(user).order_by("name", "pk")[:MAX_OPTIONS])
    compounds = list(publish_compounds(user).order_by("name", "pk")[:MAX_OPTIONS])
    return render(
        request,
        "notices/staff/choose.html",
        {
            "communities": communities,
            "compounds": compounds,
            "crumbs": crumbs(_("发布公示")),
        },
    )


def _buildings_of(compound: Compound | None):
    if compound is None:
        return None
    return Building.objects.filter(compound=compound).order_by("number")


def _new(request: HttpRequest, place: Community | Compound) -> HttpResponse:
    user = request.user
    compound = place if isinstance(place, Compound) else None
    target = target_of(place)
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES, buildings=_buildings_of(compound))
        if form.is_valid() and not _previewing(request):
            try:
                notice = actions.notice_create_draft(
                    actor=user,
                    place=place,
                    attachments=form.cleaned_data.get("attachments") or [],
                    **form.action_kwargs(),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已保存草稿“{title}”。请核对公示期和附件，然后发布。").format(
                        title=notice.title
                    ),
                )
                return redirect("notices:notice", pk=notice.pk)
    else:
        form = NoticeForm(
            buildings=_buildings_of(compound),
            initial={"issuer": actions.default_issuer(user, target)},
        )
    return render(
        request,
        "notices/staff/form.html",
        {
            "form": form,
            "target_label": target.label,
            "notice": None,
            "preview": _preview(form),
            "files_lost": request.method == "POST" and bool(request.FILES),
            "crumbs": crumbs(_("发布公示")),
        },
    )


def _preview(form: NoticeForm) -> periods.Period | None:
    """The period as typed (or as first offered), counted, to show beside the form."""
    if form.is_bound:
        data = getattr(form, "cleaned_data", {})
        starts, days = data.get("starts_on"), data.get("period_days")
        ends, working = data.get("ends_on"), data.get("working_days", True)
    else:
        starts = form.initial.get("starts_on") or form.fields["starts_on"].initial
        days = form.initial.get("period_days") or form.fields["period_days"].initial
        ends, working = None, str(form.initial.get("working_days", "1")) == "1"
    try:
        return periods.period_of(starts, days=days, ends_on=ends, working=working)
    except ValidationError:
        return None


def _previewing(request: HttpRequest) -> bool:
    """ "计算结束日期" was pressed: count the period and show the form again, saving nothing."""
    return request.method == "POST" and "preview" in request.POST


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_new_compound(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a notice for a compound, or for some of its buildings."""
    compound = get_visible_or_404(
        request.user, Compound.objects.select_related("community__street"), PUBLISH, pk=pk
    )
    return _new(request, compound)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_new_community(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a notice for a whole community."""
    community = get_visible_or_404(
        request.user, Community.objects.select_related("street"), PUBLISH, pk=pk
    )
    return _new(request, community)


@login_required
@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a notice: its period (with a warning when it runs into a year whose
    holidays are not published), place, subject, attachments, history, objections with their
    answers, and the closing record; the actions the viewer may take."""
    user = request.user
    notice = queries.notice_or_404(user, pk)
    today = timezone.localdate()
    can_publish = has_permission(user, PUBLISH, notice)
    objections = paginate(
        request, queries.notice_objections(notice), per_page=OBJECTIONS_PER_PAGE, param="op"
    )
    return render(
        request,
        "notices/staff/detail.html",
        {
            "notice": notice,
            "phase": phase_of(notice, today),
            "phase_label": phase_label(notice, today),
            "period_text": periods.describe(notice.period_days, notice.working_days),
            "provisional_years": periods.provisional_years(notice.starts_on, notice.ends_on),
            "start_passed": notice.state == NoticeState.DRAFT and notice.starts_on < today,
            "subject": subjects.link(notice, user),
            "attachments": list(queries.notice_attachments(notice)),
            "events": list(queries.notice_events(notice)),
            "counts": queries.objection_counts(notice),
            "objections": objections,
            "closing": getattr(notice, "closing", None)
            if notice.state == NoticeState.CLOSED
            else None,
            "can_publish": can_publish,
            "can_record": notice.state == NoticeState.PUBLISHED
            and has_permission(user, "notices.record_objection", notice),
            "public_url": printing.public_url(notice),
            "crumbs": crumbs(notice=notice),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft (texts, period, buildings), add and remove its attachments."""
    user = request.user
    notice = queries.notice_or_404(user, pk, PUBLISH)
    if notice.state != NoticeState.DRAFT:
        messages.error(request, _("公示已经发布，不能再修改；如需更正，请撤回后重新发布。"))
        return redirect("notices:notice", pk=notice.pk)
    buildings = _buildings_of(notice.compound)
    if request.method == "POST":
        form = NoticeForm(request.POST, buildings=buildings, with_files=False)
        if form.is_valid() and not _previewing(request):
            try:
                actions.notice_update_draft(actor=user, notice=notice, **form.action_kwargs())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("notices:notice", pk=notice.pk)
    else:
        form = NoticeForm(
            buildings=buildings,
            with_files=False,
            initial={
                "kind": notice.kind,
                "title": notice.title,
                "body": notice.body,
                "starts_on": notice.starts_on,
                "period_days": notice.period_days,
                "working_days": "1" if notice.working_days else "0",
                "issuer": notice.issuer,
                "objection_contact": notice.objection_contact,
                "buildings": [b.pk for b in notice.buildings.all()],
            },
        )
    return render(
        request,
        "notices/staff/form.html",
        {
            "form": form,
            "target_label": notice.target_label,
            "notice": notice,
            "attachments": list(queries.notice_attachments(notice)),
            "attach_form": AttachForm(),
            "preview": _preview(form),
            "crumbs": crumbs(_("修改草稿"), notice),
        },
    )


@login_required
@require_POST
def notice_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Add attachments to a draft (from its edit page)."""
    user = request.user
    notice = queries.notice_or_404(user, pk, PUBLISH)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = actions.notice_attach(
                actor=user, notice=notice, attachments=form.cleaned_data["attachments"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("已添加附件：{names}").format(names="、".join(a.name for a in stored))
            )
    return redirect("notices:edit", pk=notice.pk)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an attachment from a draft."""
    user = request.user
    attachment = queries.attachment_or_404(user, pk, PUBLISH)
    try:
        actions.notice_detach(actor=user, attachment=attachment)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除附件“{name}”。").format(name=attachment.name))
    return redirect("notices:edit", pk=attachment.notice_id)


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft (from its page)."""
    user = request.user
    notice = queries.notice_or_404(user, pk, PUBLISH)
    try:
        notice = actions.notice_publish_draft(actor=user, notice=notice)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("没有发布：{reason}").format(reason=message))
    else:
        messages.success(
            request,
            _("已发布，公示期 {start} 至 {end}。请打印张贴到公告栏。").format(
                start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat()
            ),
        )
    return redirect("notices:notice", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a published notice early, or discard a draft, with the reason."""
    user = request.user
    notice = queries.notice_or_404(user, pk, PUBLISH)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.notice_withdraw(actor=user, notice=notice, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("公示已撤回，理由已记录。"))
            return redirect("notices:notice", pk=pk)
    return render(
        request,
        "notices/staff/withdraw.html",
        {"notice": notice, "form": form, "crumbs": crumbs(_("撤回"), notice)},
    )


@login_required
@require_safe
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as an A4 PDF for the bulletin board, with the QR code to its public page."""
    notice = queries.notice_or_404(request.user, pk)
    return pdf.pdf_response(printing.notice_pdf(notice), printing.pdf_filename(notice))


def attachment_response(attachment: NoticeAttachment, *, public: bool) -> FileResponse:
    """The stored file, opened from the sealed storage. PDFs and pictures show in the browser
    (sandboxed: a PDF's scripts run nowhere); spreadsheets and documents download."""
    inline = attachment.kind in (AttachmentKind.PDF, AttachmentKind.IMAGE)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "public, max-age=60" if public else "private, max-age=60"
    return response


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, for staff in scope (drafts included)."""
    attachment = queries.attachment_or_404(request.user, pk)
    return attachment_response(attachment, public=False)


urlpatterns: list = [
    path("notices/", notice_list, name="list"),
    path("notices/new/", notice_choose_place, name="new"),
    path("compounds/<int:pk>/notices/new/", notice_new_compound, name="new_compound"),
    path("communities/<int:pk>/notices/new/", notice_new_community, name="new_community"),
    path("notices/<int:pk>/", notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", notice_edit, name="edit"),
    path("notices/<int:pk>/attachments/", notice_attach, name="attach"),
    path("notices/<int:pk>/publish/", notice_publish, name="publish"),
    path("notices/<int:pk>/withdraw/", notice_withdraw, name="withdraw"),
    path("notices/<int:pk>/print.pdf", notice_print, name="print"),
    path("notices/files/<int:pk>/", attachment_download, name="attachment"),
    path("notices/files/<int:pk>/remove/", attachment_remove, name="attachment_remove"),
]
