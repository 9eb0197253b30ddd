"""Reads of the Open311 endpoint.

Service requests are public in GeoReport v2 (no key is needed to read them), so they are read
here by jurisdiction, never by a user's scope, and only the values a public answer is made of
are loaded (`REQUEST_VALUES`: no phone, no account; cf. the cases app's `PUBLIC_FIELDS`, plus
the description and what decides whether it may be shown). One query for a page of requests;
the window is always at most 90 days of `opened_at` within the jurisdiction's streets: a
street's through the cases app's (street, opened_at) index, a district's by walking its
(opened_at, id) index backwards to a page.

Staff read the submissions of their place through `submissions_for` (scoped like the cases).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from laoyuan.cases.models import FINAL_STATES, OPEN_STATES, Case, Category
from laoyuan.core.actions import TOKEN_PREFIX, hash_token_secret
from laoyuan.core.models import ApiToken, User
from laoyuan.core.scopes import visible
from laoyuan.open311.answers import Open311Error
from laoyuan.open311.jurisdictions import Jurisdiction
from laoyuan.open311.models import Submission
from laoyuan.open311.params import RequestQuery

# Exactly what a public answer is made of, read as plain values (no model instances: a page of
# 1000 requests would build six thousand of them). No reporter's phone, no account: the name is
# read only to strike it from a shown description.
REQUEST_VALUES = (
    "request_id",
    "state",
    "status_note",
    "source",
    "description",
    "reporter_name",
    "street_id",
    "accept_seconds",
    "solve_seconds",
    "opened_at",
    "updated_at",
    "state_changed_at",
    "closed_at",
    "solve_due_at",
    "lat",
    "lon",
    "category__code",
    "category__name",
    "party__name",
    "compound__code",
    "compound__name",
    "compound__address",
    "street__name",
    "street__district__name",
)
STATES_OF = {"open": OPEN_STATES, "closed": FINAL_STATES}


def requests_in(jurisdiction: Jurisdiction | None) -> QuerySet:
    """Requests as the public may read them (rows of `REQUEST_VALUES`), of the jurisdiction's
    streets (None: all)."""
    cases = Case.objects.all()
    if jurisdiction is not None:
        cases = cases.filter(street_id__in=jurisdiction.street_ids)
    return cases.values(*REQUEST_VALUES)


def requests_matching(jurisdiction: Jurisdiction | None, query: RequestQuery) -> QuerySet:
    """The requests `GET requests` asks for, newest first: the listed ids (which override every
    other filter, as the spec says), else the window, service codes and statuses."""
    cases = requests_in(jurisdiction)
    if query.ids:
        cases = cases.filter(request_id__in=query.ids)
    else:
        cases = cases.filter(opened_at__gte=query.start, opened_at__lte=query.end)
        if query.service_codes:
            cases = cases.filter(category__code__in=query.service_codes)
        if query.statuses and set(query.statuses) != set(STATES_OF):
            cases = cases.filter(state__in=STATES_OF[query.statuses[0]])
    return cases.order_by("-opened_at", "-id")


def request_page(jurisdiction: Jurisdiction, query: RequestQuery) -> list[dict]:
    """One page of `GET requests` (one query). Listed ids are looked up by their unique index
    alone and kept to the jurisdiction here: at most 1000 rows, and no planner tempted to walk
    a whole street's cases to find them."""
    if query.ids:
        found = [
            c for c in requests_matching(None, query) if c["street_id"] in jurisdiction.street_ids
        ]
        return found[query.offset : query.offset + query.page_size]
    cases = requests_matching(jurisdiction, query)
    return list(cases[query.offset : query.offset + query.page_size])


def unknown_codes(codes: tuple[str, ...]) -> list[str]:
    """The codes among these that name no active service (one query)."""
    if not codes:
        return []
    known = set(
        Category.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
    )
    return [c for c in codes if c not in known]


def request_or_error(jurisdiction: Jurisdiction, request_id: str) -> dict:
    """One request of the jurisdiction by its id (受理编号), or the spec's 404."""
    request_id = (request_id or "").strip()
    found = None
    if request_id and len(request_id) <= 32:
        found = requests_in(jurisdiction).filter(request_id=request_id.upper()).first()
    if found is None:
        raise Open311Error(
            404,
            _("在辖区“{jurisdiction}”未找到受理编号为“{id}”的服务请求。").format(
                jurisdiction=jurisdiction.id, id=request_id[:32]
            ),
        )
    return found


def submissions_for(user: User) -> QuerySet[Submission]:
    """The Open311 submissions whose cases the user sees, newest first."""
    return (
        visible(user, Submission, "cases.view")
        .select_related("case__compound", "case__category", "token", "submitted_by")
        .order_by("-created_at", "-id")
    )


def key_or_none(raw: str | None) -> ApiToken | None:
    """The live API token (core.ApiToken, only its hash stored) an `api_key` is the secret of,
    with its user; None when unknown, revoked, or its user is deactivated."""
    secret = (raw or "").strip()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(
            secret_hash=hash_token_secret(secret), revoked_at__isnull=True, user__is_active=True
        )
        .first()
    )
