"""The resident portal (居民端): a resident's own household, details and compound."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.core.scopes import assignments_of, get_visible_or_404, has_permission
from laoyuan.registry import actions, queries
from laoyuan.registry.models import (
    Resident,
)
from laoyuan.registry.views.furniture import (
    Crumb,
)


def _render_portal(request: HttpRequest, *, revealed: dict | None = None) -> HttpResponse:
    user = request.user
    households = list(queries.portal_households(user))
    members = queries.household_members(user, [h.pk for h in households], permission="portal.view")
    own_ids = {a.resident_id for a in assignments_of(user) if a.role == "resident"}
    me = [m for group in members.values() for m in group if m.pk in own_ids]
    # A resident may know who looked at her full numbers (PIPL: the right to know).
    log = queries.reveal_log([m.pk for m in me])
    for person in me:
        person.reveal_events = log[person.pk]
    response = render(
        request,
        "registry/portal.html",
        {
            "me": me,
            "household_rows": [(h, members[h.pk]) for h in households],
            "revealed": revealed or {},
            "can_reveal": has_permission(user, "portal.reveal"),
            "crumbs": [Crumb(_("我的家"))],
        },
    )
    if revealed:
        add_never_cache_headers(response)
    return response


@login_required
@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    """A resident's own household, details and compound; nobody else's."""
    if not has_permission(request.user, "portal.view"):
        raise Http404
    return _render_portal(request)


@login_required
def portal_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident sees her own full number once (logged, as every reveal)."""
    resident = get_visible_or_404(request.user, Resident, "portal.reveal", pk=pk)
    if request.method != "POST":
        return redirect("registry:portal")
    field_name = request.POST.get("field", "")
    if field_name not in actions.PII_FIELDS:
        return HttpResponseBadRequest(_("只能查看身份证号或联系电话"))
    try:
        value = actions.resident_reveal(actor=request.user, resident=resident, field=field_name)
    except PermissionDenied as exc:
        raise Http404 from exc
    return _render_portal(request, revealed={"resident": resident.pk, field_name: value})
