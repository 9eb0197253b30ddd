"""The resident's side of case work (居民端): "我的工单" beside "我的意见" — the cases she raised
and those opened from topics she spoke in, each with where it stands and its timeline; a form
to report a problem (我要报事); her confirmation and rating of a solved case; the receipt with
the address of its public progress page.

Everything here is hers alone: staff have no portal (404), another resident's case is 404, and
no worker's or party member's personal details are shown, only the organisations.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.cases import actions, clocks, forms, queries
from laoyuan.cases.models import CaseState, EventKind
from laoyuan.cases.views.detail import case_clocks
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Building
from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.voices.queries import portal_compounds

CASES_PER_PAGE = 10


def _require_resident(user) -> None:
    if not has_permission(user, "portal.case"):
        raise Http404


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [
        Crumb(_("我的家"), reverse("registry:portal")),
        Crumb(_("我的工单"), reverse("cases:portal_cases")),
        *more,
    ]


@login_required
@require_safe
def portal_cases(request: HttpRequest) -> HttpResponse:
    """ "我的工单": her cases, newest first, with where each stands."""
    _require_resident(request.user)
    page = paginate(request, queries.my_cases(request.user), per_page=CASES_PER_PAGE)
    return render(
        request,
        "cases/portal/list.html",
        {"page": page, "crumbs": [*_crumbs()[:1], Crumb(_("我的工单"))]},
    )


def _form(request: HttpRequest, data=None, files=None) -> forms.PortalCaseForm:
    compounds = list(portal_compounds(request.user).order_by("pk"))
    buildings = list(
        Building.objects.filter(compound__in=[c.pk for c in compounds])
        .order_by("compound_id", "number")
        .values_list("pk", "number")
    )
    return forms.PortalCaseForm(
        data,
        files,
        compounds=[(c.pk, c.name) for c in compounds],
        categories=queries.categories(),
        buildings=[(pk, _("%(n)s栋") % {"n": n}) for pk, n in buildings],
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_new(request: HttpRequest) -> HttpResponse:
    """Report a problem of her compound; she is told at each step and rates it at the end."""
    _require_resident(request.user)
    if request.method == "POST":
        form = _form(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            compound = portal_compounds(request.user).filter(pk=data["compound"]).first()
            building = (
                Building.objects.filter(pk=data["building"], compound=compound).first()
                if data["building"] and compound
                else None
            )
            try:
                if compound is None:
                    raise ValidationError({"compound": _("请选择您家所在的小区。")})
                if data["building"] and building is None:
                    raise ValidationError({"building": _("所选楼栋不在这个小区。")})
                case = actions.case_submit(
                    actor=request.user,
                    compound=compound,
                    category=queries.categories().filter(pk=data["category"]).first(),
                    description=data["description"],
                    building=building,
                    spot=data["spot"],
                    phone=data["phone"],
                    anonymous=data["anonymous"],
                    photos=data["photos"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _(
                        "已收到，受理编号 {rid}。社区会尽快派给责任单位办理；每一步都会通知您，"
                        "办好后请您确认并评价。"
                    ).format(rid=case.request_id),
                )
                return redirect("cases:portal_case", pk=case.pk)
    else:
        form = _form(request)
    return render(
        request,
        "cases/portal/new.html",
        {"form": form, "crumbs": _crumbs(Crumb(_("我要报事")))},
    )


def _timeline(case):
    events = list(queries.public_events(case))
    labels = dict(EventKind.choices)
    for e in events:
        e.kind_label = labels.get(e.kind, e.kind)
        e.show_note = e.kind in queries.PUBLIC_NOTE_KINDS or e.kind in (
            EventKind.RATED,
            EventKind.REOPENED,
            EventKind.REVIEW,
        )
    return events


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portal_case(request: HttpRequest, pk: int) -> HttpResponse:
    """One of her cases: where it stands, the deadlines, the timeline, and — once solved, if she
    raised it — the rating form."""
    _require_resident(request.user)
    case = queries.portal_case_or_404(request.user, pk)
    may_rate = case.state == CaseState.SOLVED and case.reporter_account_id == request.user.pk
    form = forms.RateForm(request.POST or None)
    if request.method == "POST":
        if not may_rate:
            messages.error(request, _("这张工单现在不需要您评价。"))
            return redirect("cases:portal_case", pk=case.pk)
        if form.is_valid():
            try:
                actions.case_rate(
                    actor=request.user,
                    case=case,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("谢谢您的评价！"))
                return redirect("cases:portal_case", pk=case.pk)
    return render(
        request,
        "cases/portal/detail.html",
        {
            "case": case,
            "mine": case.reporter_account_id == request.user.pk,
            "may_rate": may_rate,
            "form": form,
            "clocks": case_clocks(case, clocks.now()),
            "timeline": _timeline(case),
            "public_url": request.build_absolute_uri(
                reverse("cases:public_progress", args=[case.public_token])
            ),
            "crumbs": _crumbs(Crumb(case.request_id)),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def public_progress(request: HttpRequest, token: str) -> HttpResponse:
    """The public progress page of a case (办理进度), reached by the unguessable address on its
    receipt: its state and timeline, without a name, a phone or anyone's words but the
    redacted progress notes."""
    case = queries.public_case(token)
    response = render(
        request,
        "cases/public/progress.html",
        {"case": case, "timeline": _timeline(case), "clocks": case_clocks(case, clocks.now())},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
