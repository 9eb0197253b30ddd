"""The statistics page of case work (工单统计) and its Excel export: for the supervisor's scope,
a period and a grouping (责任方, 分类, 社区, 街道), the rates and times with SVG charts, and the
overdue list (a page at a time)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.cases import clocks, forms, stats
from laoyuan.cases.charts import rate_chart
from laoyuan.cases.stats_export import XLSX_CONTENT_TYPE, stats_workbook
from laoyuan.core.scopes import has_permission
from laoyuan.registry.views.furniture import BoundedPaginator, Crumb, paginate

OVERDUE_PER_PAGE = 20
CHART_ROWS = 12  # the charts show the groups with the most cases
EXPORT_OVERDUE_MAX = 5000


def _choice(request: HttpRequest):
    if not has_permission(request.user, "cases.supervise"):
        raise Http404
    form = forms.StatsForm(request.GET)
    group, since, until = form.choice(timezone.localdate(clocks.now()))
    return form, group, since, until


@login_required
@require_safe
def stats_page(request: HttpRequest) -> HttpResponse:
    form, group, since, until = _choice(request)
    now = clocks.now()
    result = stats.statistics(request.user, group=group, since=since, until=until, now=now)
    shown = result.rows[:CHART_ROWS]
    labels = [r.label for r in shown]
    charts = [
        (
            title,
            rate_chart(f"chart-{name}", labels, [getattr(r, name) for r in shown], title=title),
        )
        for name, title in (
            ("response_rate", _("响应率")),
            ("on_time_rate", _("按期办结率")),
            ("satisfaction_rate", _("满意率")),
        )
    ]
    overdue = paginate(
        request,
        stats.overdue_cases(request.user, now=now),
        per_page=OVERDUE_PER_PAGE,
        param="overdue_page",
        paginator_class=BoundedPaginator,
    )
    return render(
        request,
        "cases/stats.html",
        {
            "form": form,
            "stats": result,
            "group": group,
            "groups": forms.GROUPS,
            "charts": charts,
            "overdue": overdue,
            "now": now,
            "export_url": reverse("cases:stats_export") + "?" + request.GET.urlencode(),
            "crumbs": [Crumb(_("工单"), reverse("cases:list")), Crumb(_("工单统计"))],
        },
    )


@login_required
@require_safe
def stats_export(request: HttpRequest) -> HttpResponse:
    _form, _group, since, until = _choice(request)
    now = clocks.now()
    groupings = {
        key: stats.statistics(request.user, group=key, since=since, until=until, now=now)
        for key, _label in forms.GROUPS
    }
    period = f"{since:%Y-%m-%d} — {until:%Y-%m-%d}"
    data = stats_workbook(
        groupings,
        stats.overdue_cases(request.user, now=now)[:EXPORT_OVERDUE_MAX],
        place_label=_("我的管辖范围"),
        period_label=period,
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    name = f"cases-{since:%Y%m%d}-{until:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
