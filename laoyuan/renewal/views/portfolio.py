"""The renewal portfolio (改造总览) of a district, a street or a community: old compounds
renovated, under way and waiting, money by source and class, projects behind schedule,
satisfaction at acceptance, server-drawn charts, the compound list (a page at a time) and the
.xlsx export. A place the user may not see answers 404, as if it did not exist; the page runs
the same number of queries for a community as for a district."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.renewal import exports
from laoyuan.renewal.models import RenewalClass, SourceKind
from laoyuan.renewal.progress import percent_half_up
from laoyuan.renewal.queries import portfolio as queries
from laoyuan.renewal.views.common import XLSX, base_crumbs, file_response, require_view
from laoyuan.voices import charts

COMPOUNDS_PER_PAGE = 30


def _labels() -> dict:
    return {
        "status": {
            queries.RENOVATED: _("已改造"),
            queries.UNDER_WAY: _("改造中"),
            queries.WAITING: _("待改造"),
        },
        "source": dict(SourceKind.choices),
        "class": dict(RenewalClass.choices),
    }


def _charts(p: queries.Portfolio, labels: dict) -> dict:
    status = charts.bar_chart(
        "renewal-status",
        [labels["status"][k] for k in queries.STATUS_KEYS],
        [[p.renovated], [p.under_way], [p.waiting]],
        series=[charts.Series(_("老旧小区"), "s1")],
        title=_("老旧小区改造情况"),
    )
    money = [
        charts.Series(_("认缴（万元）"), "s1"),
        charts.Series(_("已到位（万元）"), "s2"),
        charts.Series(_("已支出（万元）"), "s3"),
    ]

    def ten_thousands(b) -> list[int]:
        # A chart bar needs an integer: whole 万元, rounded down (the tables keep the fen).
        return [int(b.pledged // 10000), int(b.received // 10000), int(b.spent // 10000)]

    by_source = charts.bar_chart(
        "renewal-sources",
        [str(labels["source"][k]) for k in SourceKind.values if k in p.money_by_source],
        [ten_thousands(p.money_by_source[k]) for k in SourceKind.values if k in p.money_by_source],
        series=money,
        title=_("按资金来源（万元）"),
    )
    by_class = charts.bar_chart(
        "renewal-classes",
        [str(labels["class"][k]) for k in RenewalClass.values if k in p.money_by_class],
        [ten_thousands(p.money_by_class[k]) for k in RenewalClass.values if k in p.money_by_class],
        series=money,
        title=_("按改造类别（万元）"),
    )
    return {"status": status, "sources": by_source, "classes": by_class}


@login_required
@require_safe
def portfolio(request: HttpRequest) -> HttpResponse:
    """The portfolio of the place asked for (default: the widest the user sees)."""
    user = request.user
    require_view(user)
    value = request.GET.get("place") or queries.default_place(user)
    crumbs = [base_crumbs()[0], base_crumbs()[1], Crumb(_("改造总览"))]
    if not value:
        return render(request, "renewal/portfolio/none.html", {"crumbs": crumbs})
    place = queries.place_or_404(user, value)
    p = queries.portfolio(place)
    status = request.GET.get("status", "")
    if status not in queries.STATUS_KEYS:
        status = ""
    page = paginate(
        request,
        queries.compound_list(place, status=status, statuses=p.statuses),
        per_page=COMPOUNDS_PER_PAGE,
    )
    labels = _labels()
    return render(
        request,
        "renewal/portfolio/portfolio.html",
        {
            "p": p,
            "place": place,
            "place_value": value,
            "places": queries.place_choices(user),
            "status": status,
            "labels": labels,
            "charts": _charts(p, labels),
            "rows": queries.compound_rows(place, p.statuses, list(page.object_list)),
            "page": page,
            "renovated_share": percent_half_up(p.renovated, p.old_compounds),
            "satisfaction": percent_half_up(p.satisfied, p.answered),
            "source_rows": [
                (labels["source"][k], p.money_by_source[k])
                for k in SourceKind.values
                if k in p.money_by_source
            ],
            "class_rows": [
                (labels["class"][k], p.money_by_class[k], *p.budget_by_class.get(k, (0, 0)))
                for k in RenewalClass.values
                if k in p.money_by_class or k in p.budget_by_class
            ],
            "crumbs": crumbs,
        },
    )


@login_required
@require_safe
def portfolio_xlsx(request: HttpRequest) -> HttpResponse:
    """The portfolio as .xlsx: its figures, the money, and every old compound of the place."""
    user = request.user
    require_view(user)
    value = request.GET.get("place") or queries.default_place(user)
    if not value:
        raise Http404
    place = queries.place_or_404(user, value)
    p = queries.portfolio(place)
    compounds = list(queries.compound_list(place))
    rows = queries.compound_rows(place, p.statuses, compounds)
    data = exports.portfolio_workbook(p, rows, _labels())
    return file_response(data, f"{place.name}-改造总览-{p.today:%Y%m%d}.xlsx", XLSX)


urlpatterns: list = [
    path("renewal/portfolio/", portfolio, name="portfolio"),
    path("renewal/portfolio.xlsx", portfolio_xlsx, name="portfolio_xlsx"),
]
