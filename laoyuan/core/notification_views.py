"""Notifications (站内通知) pages: every signed-in user reads her own, opens one (which marks it
read and follows its link) or marks them all read. Anyone else's answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from laoyuan.core.models import Notification
from laoyuan.core.notify import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_of,
)
from laoyuan.registry.views.furniture import Crumb, paginate

PER_PAGE = 20


def _safe_link(url: str) -> str:
    """Only links inside this site are followed (a stored link never leads elsewhere)."""
    if url and url.startswith("/") and not url.startswith("//"):
        if url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            return url
    return ""


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, the unread ones marked."""
    page = paginate(request, notifications_of(request.user), per_page=PER_PAGE)
    for note in page.object_list:
        note.link = _safe_link(note.url)
    has_unread = Notification.objects.filter(user=request.user, read_at__isnull=True).exists()
    return render(
        request,
        "core/notifications.html",
        {"page": page, "has_unread": has_unread, "crumbs": [Crumb(_("我的通知"))]},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notifications read; "打开" then follows its link."""
    note = get_object_or_404(notifications_of(request.user), pk=pk)
    notification_mark_read(actor=request.user, notification=note)
    link = _safe_link(note.url)
    if request.POST.get("open") and link:
        return redirect(link)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect("core:notifications")
