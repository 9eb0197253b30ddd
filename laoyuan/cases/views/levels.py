"""The street's service levels (办理时限): every category with its accept, first-response and
solve times in working days or hours, the shipped default or the street's own; a street
official sets or resets her street's. Cases already running keep the level they opened with."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laoyuan.cases import actions, categories, forms, queries
from laoyuan.cases.models import Category, ServiceLevel
from laoyuan.registry.models import Street
from laoyuan.registry.views.furniture import Crumb


def _street(request: HttpRequest) -> Street:
    """The street whose levels are shown: asked for (?street=), else the user's first."""
    streets = queries.service_level_streets(request.user)
    wanted = request.GET.get("street") or request.POST.get("street")
    street = streets.filter(pk=wanted).first() if str(wanted or "").isdigit() else None
    street = street or streets.first()
    if street is None:
        raise Http404
    return street


@login_required
@require_safe
def level_list(request: HttpRequest) -> HttpResponse:
    street = _street(request)
    own = {s.category_id: s for s in ServiceLevel.objects.filter(street=street)}
    rows = []
    for c in queries.categories():
        mine = own.get(c.pk)
        source = mine or c
        rows.append(
            {
                "category": c,
                "own": mine is not None,
                "accept": categories.describe(source.accept_seconds),
                "respond": categories.describe(source.respond_seconds),
                "solve": categories.describe(source.solve_seconds),
            }
        )
    return render(
        request,
        "cases/levels/list.html",
        {
            "street": street,
            "streets": list(queries.service_level_streets(request.user)),
            "rows": rows,
            "crumbs": [Crumb(_("工单"), reverse("cases:list")), Crumb(_("办理时限"))],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    street = _street(request)
    category = Category.objects.filter(pk=pk, is_active=True).first()
    if category is None:
        raise Http404
    levels = categories.levels_for(category, street.pk)
    if request.method == "POST":
        form = forms.LevelForm(request.POST)
        try:
            if request.POST.get("reset") == "1":
                actions.service_level_reset(actor=request.user, street=street, category=category)
                messages.success(request, _("已恢复默认时限。"))
                return redirect(reverse("cases:levels") + f"?street={street.pk}")
            if form.is_valid():
                actions.service_level_set(
                    actor=request.user, street=street, category=category, **form.seconds()
                )
                messages.success(
                    request, _("已保存“{category}”的办理时限。").format(category=category)
                )
                return redirect(reverse("cases:levels") + f"?street={street.pk}")
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
    else:
        form = forms.LevelForm(
            initial=forms.LevelForm.initial_for(
                {"accept": levels.accept, "respond": levels.respond, "solve": levels.solve}
            )
        )
    return render(
        request,
        "cases/levels/edit.html",
        {
            "form": form,
            "street": street,
            "category": category,
            "levels": levels,
            "defaults": {
                "accept": categories.describe(category.accept_seconds),
                "respond": categories.describe(category.respond_seconds),
                "solve": categories.describe(category.solve_seconds),
            },
            "crumbs": [
                Crumb(_("工单"), reverse("cases:list")),
                Crumb(_("办理时限"), reverse("cases:levels") + f"?street={street.pk}"),
                Crumb(str(category)),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )
