"""The case pages of staff and party staff: the list (工单列表) with its filters, opening a case
(登记工单), a case's page, its receipt (回执, A4 with the QR code of its public progress page),
its photos, and revealing the reporter's phone (logged).

A case outside the user's scope answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.cases import actions, forms, queries, rules
from laoyuan.cases.views.detail import render_detail
from laoyuan.core.pdf import pdf_response, qr_svg, render_pdf
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Building, Compound
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate
from laoyuan.voices.places import voice_compounds

CASES_PER_PAGE = 25


def _require_view(request: HttpRequest) -> None:
    if not has_permission(request.user, "cases.view"):
        raise Http404


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases in scope (a party's staff: the party's), newest first, with filters."""
    _require_view(request)
    user = request.user
    compounds = list(
        voice_compounds(user, "cases.view")
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    parties = list(
        queries.parties_for(user).order_by("name", "pk").values_list("pk", "name")[:MAX_OPTIONS]
    )
    form = forms.CaseFilterForm(
        request.GET, compounds=compounds, parties=parties, categories=queries.categories()
    )
    filters = form.filters()
    page = paginate(request, queries.case_list(user, **filters), per_page=CASES_PER_PAGE)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "can_open": has_permission(user, "cases.open"),
            "can_supervise": has_permission(user, "cases.supervise"),
            "party_view": rules.as_party(user),
            "crumbs": [Crumb(_("工单"))],
        },
    )


def _building(compound: Compound, number: str) -> Building | None:
    number = (number or "").strip().removesuffix("栋").removesuffix("号楼").removesuffix("幢")
    if not number:
        return None
    found = Building.objects.filter(compound=compound, number=number).first()
    if found is None:
        raise ValidationError({"building": _("这个小区没有“{n}”栋。").format(n=number)})
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """A worker opens a case: place, category, what is wrong, who raised it, and optionally
    the party and the deadline."""
    user = request.user
    in_reach = voice_compounds(user, "cases.open").order_by("name", "pk")
    compounds = list(in_reach.values_list("pk", "name")[:MAX_OPTIONS])
    if not compounds:
        raise Http404
    may_dispatch = has_permission(user, "cases.dispatch")
    parties = list(
        queries.parties_for(user)
        .filter(is_active=True)
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )
    kwargs = {
        "compounds": compounds,
        "categories": queries.categories(),
        "parties": parties,
        "may_dispatch": may_dispatch,
    }
    if request.method == "POST":
        form = forms.CaseOpenForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            compound = in_reach.filter(pk=data["compound"]).select_related("community").first()
            try:
                if compound is None:
                    raise ValidationError({"compound": _("请选择您负责的小区。")})
                party = None
                if data.get("party"):
                    party = queries.parties_for(user).filter(pk=data["party"]).first()
                case = actions.case_open(
                    actor=user,
                    compound=compound,
                    category=queries.categories().filter(pk=data["category"]).first(),
                    description=data["description"],
                    title=data["title"],
                    solution_asked=data["solution_asked"],
                    building=_building(compound, data["building"]),
                    spot=data["spot"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    anonymous=data["anonymous"],
                    party=party,
                    deadline=data["deadline"],
                    photos=data["photos"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(
                    request,
                    _("已登记工单 {rid}。").format(rid=case.request_id),
                )
                return redirect("cases:detail", pk=case.pk)
    else:
        initial = {}
        if len(compounds) == 1:
            initial["compound"] = compounds[0][0]
        form = forms.CaseOpenForm(initial=initial, **kwargs)
    return render(
        request,
        "cases/new.html",
        {
            "form": form,
            "crumbs": [Crumb(_("工单"), reverse("cases:list")), Crumb(_("登记工单"))],
        },
    )


@login_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.case_or_404(request.user, pk)
    return render_detail(request, case)


@login_required
@require_POST
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the reporter's full phone once (logged), on the case page."""
    case = queries.case_or_404(request.user, pk)
    try:
        phone = actions.case_reporter_reveal(actor=request.user, case=case)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("cases:detail", pk=case.pk)
    response = render_detail(request, case, extra={"revealed_phone": phone})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def case_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of a case the user may see (sealed at rest, opened here)."""
    from laoyuan.core.scopes import get_visible_or_404

    photo = get_visible_or_404(
        request.user, queries.case_photos(request.user).only("image"), "cases.view", pk=pk
    )
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def case_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt (受理回执) to hand to the resident: the request id, what and where, the
    deadlines, and the QR code and address of the public progress page (no personal data)."""
    case = queries.case_or_404(request.user, pk)
    if rules.as_party(request.user):
        raise Http404
    url = request.build_absolute_uri(reverse("cases:public_progress", args=[case.public_token]))
    pdf = render_pdf(
        "cases/print/receipt.html", {"case": case, "url": url, "qr": qr_svg(url)}, request=request
    )
    return pdf_response(pdf, f"受理回执-{case.request_id}.pdf")
