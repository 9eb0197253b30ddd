"""The funnel (意见漏斗) of residents' voices: how many voices became topics (议题), how many
of those were decided, and what came of them (project library 项目库, cases 工单, answers 答复,
rejections 不予采纳), for a place within the user's scope and a period — as a page with
server-drawn charts and as an .xlsx export.

The place is chosen with three menus (street 街道 / community 社区 / compound 小区); the finest
one chosen wins. A place id in the address that the user may not see answers 404, as if it did
not exist. Both pages run a fixed number of queries whatever the size of the place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.core.models import User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, has_permission, scope_q, visible
from laoyuan.registry.models import Building, Community, Compound, Grid, Street
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb
from laoyuan.voices import charts, queries
from laoyuan.voices.funnel_export import XLSX_CONTENT_TYPE, funnel_topics, funnel_workbook

PERMISSION = "voices.view"
PERIODS = ("all", "year", "12m", "custom")


def _period_labels() -> dict[str, str]:
    return {
        "all": _("全部时间"),
        "year": _("今年"),
        "12m": _("近12个月"),
        "custom": _("自定义"),
    }


# --- the place and the period ---------------------------------------------------------------


def _compounds_q(user: User) -> Q:
    """Compounds whose voices the user sees. Compounds have no grid or building level, yet a
    grid worker sees every voice of her grid's compound (topics are compound-wide)."""
    q = scope_q(user, Compound, PERMISSION)
    roles = roles_with(PERMISSION)
    mine = [a for a in assignments_of(user) if a.role in roles]
    grids = [a.node_id for a in mine if a.level == "grid"]
    buildings = [a.node_id for a in mine if a.level == "building"]
    if grids:
        q |= Q(pk__in=Grid.objects.filter(pk__in=grids).values("compound_id"))
    if buildings:
        q |= Q(pk__in=Building.objects.filter(pk__in=buildings).values("compound_id"))
    return q


def compounds_for(user: User) -> QuerySet[Compound]:
    return Compound.objects.filter(_compounds_q(user)).select_related("community__street")


def _id(value: str | None) -> int | None:
    """A place id from the address; anything but a positive integer is a place nobody sees."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise Http404 from exc
    if number <= 0:
        raise Http404
    return number


def _date(value: str | None, what: str, errors: list[str]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("{what}“{value}”不是有效日期，请按“年-月-日”填写，例如 2025-03-01。").format(
                what=what, value=value[:20]
            )
        )
        return None


def _year_ago(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28) + dt.timedelta(days=1)


@dataclass
class FunnelChoice:
    """What the funnel is for: the place (None: the user's whole scope), the period, the
    menus to choose again, and any problem with what was asked (in Chinese)."""

    place: Street | Community | Compound | None
    place_label: str
    since: dt.date | None
    until: dt.date | None
    period: str
    street_id: int | None = None
    community_id: int | None = None
    compound_id: int | None = None
    streets: list[tuple[int, str]] = field(default_factory=list)
    communities: list[tuple[int, str]] = field(default_factory=list)
    compounds: list[tuple[int, str]] = field(default_factory=list)
    too_many_compounds: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        if self.period != "custom":
            return _period_labels()[self.period]
        since = self.since.isoformat() if self.since else _("最早")
        until = self.until.isoformat() if self.until else _("今天")
        return _("{since} 至 {until}").format(since=since, until=until)


def _widest(user: User) -> tuple[str, int | None, str]:
    """The default place: the one place the user's scope is, as (level, id, ""); or, for
    several places or a whole district, ("", None, a label) for everything the user sees."""
    roles = roles_with(PERMISSION)
    mine = {(a.level, a.node_id): a for a in assignments_of(user) if a.role in roles}
    if len(mine) != 1:
        return "", None, _("我的全部工作范围")
    (assignment,) = mine.values()
    if assignment.level in ("street", "community", "compound"):
        return assignment.level, assignment.node_id, ""
    node = assignment.node
    if isinstance(node, Grid | Building):
        return "compound", node.compound_id, ""
    return "", None, str(node)  # a district: everything the user sees


def _bounded(qs) -> tuple[list[tuple[int, str]], bool]:
    rows = list(qs[: MAX_OPTIONS + 1])
    return (rows[:MAX_OPTIONS], len(rows) > MAX_OPTIONS)


def funnel_choice(user: User, params, *, today: dt.date | None = None) -> FunnelChoice:
    """Read the place and the period from the query string (404 for a place out of scope)."""
    today = today or timezone.localdate()
    street_id, community_id, compound_id = (
        _id(params.get("street")),
        _id(params.get("community")),
        _id(params.get("compound")),
    )
    place: Street | Community | Compound | None = None
    label = ""
    if not (street_id or community_id or compound_id):
        level, default_id, label = _widest(user)
        street_id = default_id if level == "street" else None
        community_id = default_id if level == "community" else None
        compound_id = default_id if level == "compound" else None
    if compound_id:
        place = compounds_for(user).filter(pk=compound_id).first()
        if place is None:
            raise Http404
        community_id, street_id = place.community_id, place.community.street_id
        label = f"{place.community.street.name} · {place.community.name} · {place.name}"
    elif community_id:
        place = (
            visible(user, Community, PERMISSION)
            .select_related("street")
            .filter(pk=community_id)
            .first()
        )
        if place is None:
            raise Http404
        street_id = place.street_id
        label = f"{place.street.name} · {place.name}"
    elif street_id:
        place = visible(user, Street, PERMISSION).filter(pk=street_id).first()
        if place is None:
            raise Http404
        label = place.name

    errors: list[str] = []
    period = params.get("period", "")
    since = _date(params.get("from"), _("开始日期"), errors)
    until = _date(params.get("to"), _("结束日期"), errors)
    if since or until:
        period = "custom"
    elif period == "year":
        since, until = dt.date(today.year, 1, 1), today
    elif period == "12m":
        since, until = _year_ago(today), today
    else:
        period = "all"
    if since and until and since > until:
        errors.append(
            _("开始日期（{since}）晚于结束日期（{until}），已改为不限日期。").format(
                since=since, until=until
            )
        )
        since = until = None
        period = "all"

    choice = FunnelChoice(
        place=place,
        place_label=label,
        since=since,
        until=until,
        period=period,
        street_id=street_id,
        community_id=community_id,
        compound_id=compound_id,
        errors=errors,
    )
    choice.streets, _many = _bounded(
        visible(user, Street, PERMISSION).order_by("code").values_list("id", "name")
    )
    communities = visible(user, Community, PERMISSION).order_by("code")
    if street_id:
        communities = communities.filter(street_id=street_id)
    choice.communities, _many = _bounded(communities.values_list("id", "name"))
    compounds = compounds_for(user).order_by("code")
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    elif street_id:
        compounds = compounds.filter(community__street_id=street_id)
    choice.compounds, choice.too_many_compounds = _bounded(compounds.values_list("id", "name"))
    return choice


def _require_staff(user: User) -> None:
    if not has_permission(user, PERMISSION):
        raise Http404


# --- the page ---------------------------------------------------------------------------------


def steps_of(funnel: queries.Funnel) -> list[charts.Step]:
    """The funnel's steps, in order: voices → topics → decided → the outcomes."""
    t = funnel.total
    return [
        charts.Step(_("意见"), t.voices),
        charts.Step(_("议题"), t.topics),
        charts.Step(_("已决定"), t.decided),
        charts.Step(_("入项目库"), t.project, "outcome"),
        charts.Step(_("转工单"), t.case, "outcome"),
        charts.Step(_("答复办结"), t.answered, "outcome"),
        charts.Step(_("不予采纳"), t.rejected, "outcome"),
    ]


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    tenths = round(part * 1000 / whole)
    return f"{tenths // 10}.{tenths % 10}%"


def _category_label(key: str) -> str:
    return key or _("未归类")


@login_required
@require_safe
def funnel_page(request: HttpRequest) -> HttpResponse:
    """The funnel page: big numbers, a funnel chart, and voices by channel and by category."""
    user = request.user
    _require_staff(user)
    choice = funnel_choice(user, request.GET)
    funnel = queries.funnel(user, place=choice.place, since=choice.since, until=choice.until)
    for row in funnel.by_category:
        row.label = _category_label(row.key)
    steps = steps_of(funnel)
    t = funnel.total
    place_period = f"{choice.place_label}，{choice.period_label}"
    funnel_svg = charts.funnel_chart(
        "funnel-chart",
        steps,
        title=_("意见漏斗：{what}").format(what=place_period),
    )
    channel_svg = charts.bar_chart(
        "channel-chart",
        [r.label for r in funnel.by_channel],
        [(r.voices,) for r in funnel.by_channel],
        series=[charts.Series(_("意见"), "s1")],
        title=_("各渠道的意见数：{what}").format(what=place_period),
    )
    category_svg = charts.bar_chart(
        "category-chart",
        [r.label for r in funnel.by_category],
        [(r.voices, r.topics) for r in funnel.by_category],
        series=[charts.Series(_("意见"), "s1"), charts.Series(_("议题"), "s2")],
        title=_("各分类的意见数和议题数：{what}").format(what=place_period),
    )
    query = request.GET.copy()
    query.pop("page", None)
    presets = []
    for key in ("year", "12m", "all"):
        q = request.GET.copy()
        for name in ("from", "to", "period"):
            q.pop(name, None)
        q["period"] = key
        presets.append((key, _period_labels()[key], "?" + q.urlencode(), key == choice.period))
    return render(
        request,
        "voices/funnel/funnel.html",
        {
            "choice": choice,
            "funnel": funnel,
            "total": t,
            "steps": steps,
            "waiting": t.decided - t.project - t.case - t.answered,
            "shares": {
                "topics": _percent(t.topics, t.voices),
                "decided": _percent(t.decided, t.topics),
                "project": _percent(t.project, t.topics),
                "grouped": _percent(t.voices - funnel.ungrouped, t.voices),
            },
            "funnel_svg": funnel_svg,
            "channel_svg": channel_svg,
            "category_svg": category_svg,
            "presets": presets,
            "export_url": reverse("voices:funnel_export") + "?" + query.urlencode(),
            "crumbs": [
                Crumb(_("工作台"), reverse("registry:workspace")),
                Crumb(_("意见漏斗")),
            ],
        },
    )


@login_required
@require_safe
def funnel_export(request: HttpRequest) -> HttpResponse:
    """The same funnel as an Excel workbook, with the topics of the period."""
    user = request.user
    _require_staff(user)
    choice = funnel_choice(user, request.GET)
    funnel = queries.funnel(user, place=choice.place, since=choice.since, until=choice.until)
    for row in funnel.by_category:
        row.label = _category_label(row.key)
    topics = funnel_topics(user, place=choice.place, since=choice.since, until=choice.until)
    content = funnel_workbook(
        funnel,
        topics.iterator(chunk_size=2000),
        place_label=choice.place_label,
        period_label=choice.period_label,
        steps=steps_of(funnel),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"意见漏斗-{choice.place_label}-{choice.period_label}.xlsx".replace(" · ", "-")
    response["Content-Disposition"] = content_disposition_header(True, name.replace(" ", ""))
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list = [
    path("funnel/", funnel_page, name="funnel"),
    path("funnel.xlsx", funnel_export, name="funnel_export"),
]
