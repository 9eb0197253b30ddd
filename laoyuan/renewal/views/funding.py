"""Funding pages (资金共担): a project's sources with what each pledged, received and spent,
the ledger, payment requests and their second key (双人审批), reversals (冲正), residents'
shares with the collection list (收缴清单), and the accounts statement (项目账目) as a page, an
A4 PDF, an .xlsx and — once published — a public page for the bulletin board's QR code.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.core.pdf import pdf_response, qr_svg, render_pdf
from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.models import Building
from laoyuan.registry.views.furniture import paginate
from laoyuan.renewal import actions, exports
from laoyuan.renewal.forms.funding import (
    CollectionFilterForm,
    DecideForm,
    MoneyMoveForm,
    PaymentForm,
    ReverseForm,
    SchemeForm,
    SharePayForm,
    SourceForm,
)
from laoyuan.renewal.models import (
    FundingSource,
    HouseholdShare,
    LedgerEntry,
    PaymentRequest,
    Project,
    ShareScheme,
    SourceKind,
)
from laoyuan.renewal.queries import funding as queries
from laoyuan.renewal.queries.projects import project_or_404
from laoyuan.renewal.views.common import XLSX, attempt, file_response, may, project_crumbs

ENTRIES_PER_PAGE = 50
SHARES_PER_PAGE = 50


def _source_or_404(user, pk: int, permission: str = "renewal.funds") -> FundingSource:
    return get_visible_or_404(
        user, FundingSource.objects.select_related("project__compound"), permission, pk=pk
    )


@login_required
@require_safe
def funding(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's money: per source, payments waiting for the second key, share schemes, and
    every ledger entry (newest first)."""
    user = request.user
    project = project_or_404(user, pk)
    statement = queries.accounts_statement(project)
    return render(
        request,
        "renewal/funding/funding.html",
        {
            "project": project,
            "statement": statement,
            "pending": list(queries.pending_payments(project)),
            "decided": list(queries.decided_payments(project)[:20]),
            "entries": paginate(request, queries.ledger(project), per_page=ENTRIES_PER_PAGE),
            "can_fund": may(user, "renewal.funds", project),
            "can_approve": may(user, "renewal.approve", project),
            "crumbs": project_crumbs(project, _("资金与台账")),
        },
    )


def _done(request, project: Project, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("renewal:funding", pk=project.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a funding source and its pledge (source_add)."""
    user = request.user
    project = project_or_404(user, pk, "renewal.funds")
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = attempt(
            form,
            lambda: actions.source_add(
                actor=user,
                project=project,
                kind=data["kind"],
                funder=data["funder"],
                reference=data["reference"],
                pledged=data["pledged"] or None,
                booked_on=data["booked_on"],
                document=data["document"],
            ),
        )
        if source is not None:
            return _done(request, project, _("已添加资金来源“%(s)s”。") % {"s": source})
    return render(
        request,
        "renewal/funding/form.html",
        {
            "form": form,
            "project": project,
            "heading": _("添加资金来源"),
            "multipart": True,
            "crumbs": project_crumbs(project, _("添加资金来源")),
        },
    )


def _money_move(request: HttpRequest, pk: int, *, pledge: bool) -> HttpResponse:
    user = request.user
    source = _source_or_404(user, pk)
    project = source.project
    form = MoneyMoveForm(request.POST or None, request.FILES or None)
    if pledge:
        del form.fields["voucher"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if pledge:
            call = lambda: actions.pledge_add(  # noqa: E731
                actor=user,
                source=source,
                amount=data["amount"],
                booked_on=data["booked_on"],
                description=data["description"],
            )
        else:
            call = lambda: actions.receipt_record(  # noqa: E731
                actor=user,
                source=source,
                amount=data["amount"],
                booked_on=data["booked_on"],
                description=data["description"],
                voucher=data.get("voucher"),
            )
        entry = attempt(form, call)
        if entry is not None:
            return _done(
                request,
                project,
                _("已登记%(kind)s %(amount)s 元。")
                % {"kind": entry.get_kind_display(), "amount": f"{entry.amount:,.2f}"},
            )
    heading = _("追加认缴：%(s)s") if pledge else _("登记资金到位：%(s)s")
    return render(
        request,
        "renewal/funding/form.html",
        {
            "form": form,
            "project": project,
            "source": source,
            "balances": actions.source_balances(source),
            "heading": heading % {"s": source},
            "multipart": not pledge,
            "crumbs": project_crumbs(project, _("资金")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A further pledge from a source (pledge_add)."""
    return _money_move(request, pk, pledge=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def receipt_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Money from a source arrived (receipt_record), with its voucher."""
    return _money_move(request, pk, pledge=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to pay out of a source (payment_request); a second person approves."""
    user = request.user
    source = _source_or_404(user, pk)
    form = PaymentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payment = attempt(
            form,
            lambda: actions.payment_request(
                actor=user,
                source=source,
                amount=data["amount"],
                payee=data["payee"],
                purpose=data["purpose"],
                voucher=data["voucher"],
            ),
        )
        if payment is not None:
            return _done(request, source.project, _("已提出支付申请，等待另一人审批后支付。"))
    return render(
        request,
        "renewal/funding/form.html",
        {
            "form": form,
            "project": source.project,
            "source": source,
            "balances": actions.source_balances(source),
            "heading": _("支付申请：%(s)s") % {"s": source},
            "multipart": True,
            "maintenance_fund": source.kind == SourceKind.MAINTENANCE_FUND,
            "crumbs": project_crumbs(source.project, _("支付申请")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment request; the second key approves it (writing the payment) or sends it back."""
    user = request.user
    payment = get_visible_or_404(
        user,
        PaymentRequest.objects.select_related(
            "project__compound", "source", "requested_by", "decided_by", "voucher", "entry"
        ),
        "renewal.view",
        pk=pk,
    )
    can_decide = (
        payment.state == "requested"
        and payment.requested_by_id != user.pk
        and may(user, "renewal.approve", payment)
    )
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if not may(user, "renewal.approve", payment):
            raise Http404
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            done = attempt(
                form,
                lambda: actions.payment_decide(
                    actor=user, payment=payment, approve=approve, note=form.cleaned_data["note"]
                ),
            )
            if done is not None:
                return _done(
                    request,
                    payment.project,
                    _("已批准支付，已记入台账。") if approve else _("已退回支付申请。"),
                )
    return render(
        request,
        "renewal/funding/payment.html",
        {
            "payment": payment,
            "project": payment.project,
            "form": form,
            "can_decide": can_decide,
            "own": payment.requested_by_id == user.pk,
            "crumbs": project_crumbs(payment.project, _("支付申请")),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo an entry by a reversal (冲正), with the reason; the original stays."""
    user = request.user
    entry = get_visible_or_404(
        user,
        LedgerEntry.objects.select_related("project__compound", "source"),
        "renewal.funds",
        pk=pk,
    )
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            lambda: actions.entry_reverse(
                actor=user, entry=entry, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            return _done(request, entry.project, _("已冲正，原分录保留。"))
    return render(
        request,
        "renewal/funding/reverse.html",
        {
            "entry": entry,
            "project": entry.project,
            "form": form,
            "crumbs": project_crumbs(entry.project, _("冲正")),
        },
    )


# --- residents' shares ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scheme_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Share residents' own contributions over the units of some buildings (share_scheme_create)."""
    user = request.user
    project = project_or_404(user, pk, "renewal.funds")
    sources = FundingSource.objects.filter(project=project, kind=SourceKind.RESIDENTS)
    buildings = Building.objects.filter(compound_id=project.compound_id).order_by("number")
    form = SchemeForm(request.POST or None, sources=sources, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = attempt(
            form,
            lambda: actions.share_scheme_create(
                actor=user,
                project=project,
                source=data["source"],
                basis=data["basis"],
                total=data["total"],
                buildings=list(data["buildings"]),
                coefficients=data["coefficient_map"],
                agreed_at=data["agreed_at"],
            ),
        )
        if scheme is not None:
            messages.success(
                request,
                _("已按%(basis)s分摊到%(n)d户，合计正好%(total)s元。")
                % {
                    "basis": scheme.get_basis_display(),
                    "n": scheme.unit_count,
                    "total": f"{scheme.total:,.2f}",
                },
            )
            return redirect("renewal:scheme", pk=scheme.pk)
    return render(
        request,
        "renewal/funding/scheme_form.html",
        {
            "form": form,
            "project": project,
            "crumbs": project_crumbs(project, _("居民分摊")),
        },
    )


def _scheme_or_404(user, pk: int) -> ShareScheme:
    return get_visible_or_404(
        user,
        ShareScheme.objects.select_related("project__compound", "source"),
        "renewal.view",
        pk=pk,
    )


@login_required
@require_safe
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The collection list (收缴清单): each unit's share, who is asked (as registered, phones
    masked), what was paid and what is still owed."""
    user = request.user
    scheme = _scheme_or_404(user, pk)
    form = CollectionFilterForm(request.GET)
    page = paginate(
        request, queries.collection_list(scheme, **form.filters()), per_page=SHARES_PER_PAGE
    )
    payers = queries.payers_of(list(page.object_list))
    summary = next(s for s in queries.scheme_summaries(scheme.project) if s.scheme.pk == scheme.pk)
    return render(
        request,
        "renewal/funding/scheme.html",
        {
            "scheme": scheme,
            "project": scheme.project,
            "summary": summary,
            "form": form,
            "page": page,
            "rows": [(s, payers.get(s.unit_id)) for s in page.object_list],
            "can_fund": may(user, "renewal.funds", scheme.project),
            "crumbs": project_crumbs(scheme.project, _("收缴清单")),
        },
    )


@login_required
@require_safe
def scheme_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The collection list as .xlsx (phones masked)."""
    scheme = _scheme_or_404(request.user, pk)
    rows = list(queries.collection_list(scheme))
    data = exports.collection_workbook(scheme, rows, queries.payers_of(rows))
    return file_response(data, f"{scheme.project.title}-收缴清单.xlsx", XLSX)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A household pays (part of) its share: a receipt against it."""
    user = request.user
    share = get_visible_or_404(
        user,
        HouseholdShare.objects.select_related(
            "scheme__project__compound", "scheme__source", "unit"
        ),
        "renewal.funds",
        pk=pk,
    )
    form = SharePayForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = attempt(
            form,
            lambda: actions.receipt_record(
                actor=user,
                source=share.scheme.source,
                amount=data["amount"],
                booked_on=data["booked_on"],
                voucher=data["voucher"],
                share=share,
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("已登记%(unit)s缴纳%(amount)s元。")
                % {"unit": share.unit, "amount": f"{entry.amount:,.2f}"},
            )
            return redirect("renewal:scheme", pk=share.scheme_id)
    return render(
        request,
        "renewal/funding/form.html",
        {
            "form": form,
            "project": share.scheme.project,
            "heading": _("登记缴纳：%(unit)s，应缴%(amount)s元，已缴%(paid)s元")
            % {
                "unit": share.unit,
                "amount": f"{share.amount:,.2f}",
                "paid": f"{actions.share_collected(share):,.2f}",
            },
            "multipart": True,
            "back": reverse("renewal:scheme", args=[share.scheme_id]),
            "crumbs": project_crumbs(share.scheme.project, _("登记缴纳")),
        },
    )


# --- the accounts statement -------------------------------------------------------------------


def _statement_context(request, project: Project) -> dict:
    statement = queries.accounts_statement(project)
    public_url = (
        request.build_absolute_uri(reverse("renewal:public_accounts", args=[project.accounts_key]))
        if project.accounts_key
        else ""
    )
    return {"statement": statement, "project": project, "public_url": public_url}


@login_required
@require_safe
def accounts(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's accounts (项目账目): what the page, the PDF and the .xlsx all show."""
    user = request.user
    project = project_or_404(user, pk)
    return render(
        request,
        "renewal/funding/accounts.html",
        {
            **_statement_context(request, project),
            "can_publish": may(user, "renewal.funds", project),
            "crumbs": project_crumbs(project, _("项目账目")),
        },
    )


@login_required
@require_safe
def accounts_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The accounts as an A4 PDF for the bulletin board (with the public page's QR code once
    the accounts are published)."""
    project = project_or_404(request.user, pk)
    context = _statement_context(request, project)
    context["qr"] = qr_svg(context["public_url"]) if context["public_url"] else ""
    pdf = render_pdf("renewal/print/accounts.html", context, request=request)
    return pdf_response(pdf, f"{project.compound.name}-{project.title}-账目.pdf")


@login_required
@require_safe
def accounts_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request.user, pk)
    data = exports.accounts_workbook(queries.accounts_statement(project))
    return file_response(data, f"{project.compound.name}-{project.title}-账目.xlsx", XLSX)


@login_required
@require_POST
def accounts_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the accounts at a public address (accounts_publish)."""
    user = request.user
    project = project_or_404(user, pk, "renewal.funds")
    try:
        actions.accounts_publish(actor=user, project=project)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("账目已公开，可打印带二维码的公示版。"))
    return redirect("renewal:accounts", pk=project.pk)


@require_safe
def public_accounts(request: HttpRequest, key: str) -> HttpResponse:
    """The published accounts, open to anyone with the address (公开账目). No resident is
    named: households' payments are summed per day."""
    project = (
        Project.objects.select_related("compound__community__street")
        .filter(accounts_key=key, accounts_published_at__isnull=False)
        .exclude(accounts_key="")
        .first()
    )
    if project is None or len(key) > 64:
        raise Http404
    response = render(
        request,
        "renewal/funding/public_accounts.html",
        {"statement": queries.accounts_statement(project), "project": project},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns: list = [
    path("renewal/projects/<int:pk>/funding/", funding, name="funding"),
    path("renewal/projects/<int:pk>/sources/new/", source_new, name="source_new"),
    path("renewal/sources/<int:pk>/pledges/new/", pledge_new, name="pledge_new"),
    path("renewal/sources/<int:pk>/receipts/new/", receipt_new, name="receipt_new"),
    path("renewal/sources/<int:pk>/payments/new/", payment_new, name="payment_new"),
    path("renewal/payments/<int:pk>/", payment_detail, name="payment"),
    path("renewal/ledger/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
    path("renewal/projects/<int:pk>/shares/new/", scheme_new, name="scheme_new"),
    path("renewal/shares/<int:pk>/", scheme_detail, name="scheme"),
    path("renewal/shares/<int:pk>/collection.xlsx", scheme_xlsx, name="scheme_xlsx"),
    path("renewal/household-shares/<int:pk>/pay/", share_pay, name="share_pay"),
    path("renewal/projects/<int:pk>/accounts/", accounts, name="accounts"),
    path("renewal/projects/<int:pk>/accounts.pdf", accounts_pdf, name="accounts_pdf"),
    path("renewal/projects/<int:pk>/accounts.xlsx", accounts_xlsx, name="accounts_xlsx"),
    path("renewal/projects/<int:pk>/accounts/publish/", accounts_publish, name="accounts_publish"),
    path("public/accounts/<str:key>/", public_accounts, name="public_accounts"),
]
