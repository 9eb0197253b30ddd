"""The pages of Open311 for people:

- the staff guide (/open311/, "Open311 接入说明"): what a community worker gives the city's 12345
  integrator: the endpoint, the jurisdiction ids of her place, the compound codes she may file
  cases in (address_id), the service codes with their service levels, how to make a key, and
  the requests received so far in her place;
- the public index (/open311/v2/): the HTML form of the discovery document the spec recommends,
  with every jurisdiction and service; no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laoyuan.cases import categories as category_data
from laoyuan.cases.models import ServiceLevel
from laoyuan.core.models import User
from laoyuan.open311 import actions, catalogue, documents, queries
from laoyuan.registry.models import District, Street
from laoyuan.registry.views.furniture import Crumb, paginate
from laoyuan.voices import places

COMPOUNDS_PER_PAGE = 50
RECEIVED_PER_PAGE = 20
DISTRICTS_PER_PAGE = 20


def _endpoint(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:public_index")).rstrip("/")


def _service_rows(street: Street | None) -> list[dict]:
    """Every service with its attributes and the service level in `street` (two queries)."""
    own = {}
    if street is not None:
        own = {s.category_id: s for s in ServiceLevel.objects.filter(street=street)}
    rows = []
    for category in catalogue.services():
        level = own.get(category.pk) or category
        rows.append(
            {
                "service": catalogue.service(category),
                "attributes": catalogue.definition(category)["attributes"],
                "accept": category_data.describe(level.accept_seconds),
                "solve": category_data.describe(level.solve_seconds),
                "own": category.pk in own,
            }
        )
    return rows


def _my_streets(user: User):
    compounds = places.voice_compounds(user, "cases.open")
    return (
        Street.objects.filter(pk__in=compounds.values("community__street_id"))
        .select_related("district")
        .order_by("code")
    )


@login_required
@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    """Open311 接入说明: everything to hand to a 12345 integrator, for the user's own place."""
    user = request.user
    if not actions.may_submit(user):
        return render(request, "open311/guide.html", {"not_allowed": True}, status=403)
    streets = list(_my_streets(user))
    compounds = paginate(
        request,
        places.voice_compounds(user, "cases.open").order_by("code"),
        per_page=COMPOUNDS_PER_PAGE,
        param="compounds",
    )
    received = paginate(
        request, queries.submissions_for(user), per_page=RECEIVED_PER_PAGE, param="received"
    )
    endpoint = _endpoint(request)
    example = streets[0].code if streets else ""
    return render(
        request,
        "open311/guide.html",
        {
            "endpoint": endpoint,
            "tokens_url": documents.tokens_url(request),
            "streets": streets,
            "districts": sorted({s.district for s in streets}, key=lambda d: d.code),
            "example_jurisdiction": example,
            "example_compound": compounds.object_list[0] if compounds.object_list else None,
            "compounds": compounds,
            "services": _service_rows(streets[0] if len(streets) == 1 else None),
            "received": received,
            "crumbs": [Crumb(_("工作台"), reverse("registry:workspace")), Crumb(_("Open311 接入"))],
        },
    )


@require_safe
def public_index(request: HttpRequest) -> HttpResponse:
    """The endpoint's home page for people (the discovery document in HTML)."""
    districts = paginate(
        request,
        District.objects.annotate(n=Count("streets")).order_by("code"),
        per_page=DISTRICTS_PER_PAGE,
        param="page",
    )
    streets = Street.objects.filter(district__in=list(districts.object_list)).order_by("code")
    by_district: dict[int, list[Street]] = {}
    for street in streets:
        by_district.setdefault(street.district_id, []).append(street)
    endpoint = _endpoint(request)
    response = render(
        request,
        "open311/index.html",
        {
            "endpoint": endpoint,
            "districts": [(d, by_district.get(d.pk, [])) for d in districts.object_list],
            "page": districts,
            "services": _service_rows(None),
            "key_service": documents.key_service_text(documents.tokens_url(request)),
            "contact": settings.LAOYUAN_OPEN311_CONTACT,
        },
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
