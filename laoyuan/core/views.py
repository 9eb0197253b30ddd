"""Health, sign-in and the landing page that sends each role to its workspace."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from laoyuan.core.scopes import roles_of


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
        status = 200
    except Exception as exc:  # the point of a health check is to report, not to raise
        database = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles - {"resident", "party_staff"}:
        return redirect("registry:workspace")
    if "party_staff" in roles:
        return redirect("cases:list")
    if "resident" in roles:
        return redirect("registry:portal")
    return render(request, "core/no_role.html", status=403)
