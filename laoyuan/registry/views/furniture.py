"""Page furniture shared by the registry pages: breadcrumbs (位置) down the place tree,
pagination that keeps the filters, and a paginator whose count stays cheap at district scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, has_permission
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    District,
    Grid,
    Household,
    Street,
    Unit,
)

PER_PAGE = 25
# Each community row of the workspace sums all its residents: fewer rows per page keep a
# district-wide workspace fast.
COMMUNITIES_PER_PAGE = 12
UNITS_PER_PAGE = 50
RESIDENTS_PER_PAGE = 50
# The resident list of a whole street or district would count hundreds of thousands of rows on
# every page; counting stops here and the page asks the user to narrow the search instead.
RESIDENT_COUNT_CAP = 10_000
# A filter menu is only offered when it stays short enough to be read and chosen from.
MAX_OPTIONS = 300


@dataclass
class Crumb:
    label: str
    url: str = ""


_LEVEL_OF = {
    District: "district",
    Street: "street",
    Community: "community",
    Compound: "compound",
    Building: "building",
    Grid: "grid",
    Household: "household",
}
_URL_OF = {
    Community: "registry:community",
    Compound: "registry:compound",
    Building: "registry:building",
    Grid: "registry:grid",
    Unit: "registry:unit",
}


def view_assignments(user: User) -> list[RoleAssignment]:
    roles = roles_with("registry.view")
    return [a for a in assignments_of(user) if a.role in roles]


def sees(user: User, model: type[models.Model], chain: dict[str, int | None]) -> bool:
    """Whether the user may open a node, judged from its ancestors without a query.

    Mirrors `scopes.scope_q`: some assignment sits on one of the levels the model can be reached
    from, on exactly this node's ancestor. Only decides whether a breadcrumb is a link; the page
    behind the link still checks with `get_visible_or_404`."""
    paths = getattr(model, "scope_paths", {})
    return any(a.level in paths and chain.get(a.level) == a.node_id for a in view_assignments(user))


def place_label(node: models.Model) -> str:
    if isinstance(node, Unit):
        entrance = f"{node.entrance.number}单元" if node.entrance_id else ""
        return f"{entrance}{node.room_number}"
    return str(node)


def trail(
    user: User, nodes: list[models.Model], *, here: str = "", also: dict | None = None
) -> list[Crumb]:
    """Breadcrumbs from the workspace down the place tree to this page.

    `nodes` are the ancestors, widest first; `also` adds levels that are not shown but decide
    links (the household's micro-grid, for a grid worker)."""
    chain: dict[str, int | None] = dict(also or {})
    crumbs = [Crumb(_("工作台"), reverse("registry:workspace"))]
    for node in nodes:
        if type(node) in _LEVEL_OF:
            chain[_LEVEL_OF[type(node)]] = node.pk
        url = ""
        if type(node) in _URL_OF and sees(user, type(node), chain):
            url = reverse(_URL_OF[type(node)], args=[node.pk])
        crumbs.append(Crumb(place_label(node), url))
    if here:
        crumbs.append(Crumb(here))
    return crumbs


def ancestors(compound: Compound) -> list[models.Model]:
    community = compound.community
    return [community.street.district, community.street, community, compound]


class BoundedPaginator(Paginator):
    """Counts at most `cap` rows, so the count stays cheap on a whole street or district."""

    def __init__(self, object_list, per_page, *, cap: int = RESIDENT_COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


@dataclass
class PageLinks:
    first: str = ""
    previous: str = ""
    next: str = ""
    last: str = ""
    numbers: list[tuple[int, str, bool]] = field(default_factory=list)


def paginate(
    request: HttpRequest,
    object_list,
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    paginator_class: type[Paginator] = Paginator,
) -> Page:
    """One page of `object_list`, with links that keep every other query parameter (filters)."""
    page = paginator_class(object_list, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    current, last = page.number, page.paginator.num_pages
    page.links = PageLinks(
        first=url(1) if current > 1 else "",
        previous=url(current - 1) if page.has_previous() else "",
        next=url(current + 1) if page.has_next() else "",
        last=url(last) if current < last else "",
        numbers=[
            (n, url(n), n == current)
            for n in range(max(1, current - 2), min(last, current + 2) + 1)
        ],
    )
    return page


def require_staff(user: User) -> None:
    if not has_permission(user, "registry.view"):
        raise Http404
