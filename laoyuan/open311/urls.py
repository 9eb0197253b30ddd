"""Routes of Open311: the staff guide, and the GeoReport v2 endpoint under /open311/v2/.

The endpoint's routes are named `public_*`: they are open without login (a service request is
public in GeoReport v2; posting one needs an api_key, checked by the view). The format is the
suffix of the last segment; service codes hold dots themselves (`pipe.water.json`), so the
views split it off after the last dot.
"""

from django.urls import path, re_path

from laoyuan.open311.views import pages, resources

app_name = "open311"
urlpatterns = [
    path("open311/", pages.guide, name="guide"),
    path("open311/v2/", pages.public_index, name="public_index"),
    path("open311/v2/openapi.json", resources.openapi, name="public_openapi"),
    re_path(
        r"^open311/v2/discovery(?:\.(?P<fmt>[^/]*))?$",
        resources.discovery,
        name="public_discovery",
    ),
    re_path(
        r"^open311/v2/services(?:\.(?P<fmt>[^/]*))?$", resources.services, name="public_services"
    ),
    re_path(
        r"^open311/v2/services/(?P<tail>[^/]+)$",
        resources.service_definition,
        name="public_service",
    ),
    re_path(
        r"^open311/v2/requests(?:\.(?P<fmt>[^/]*))?$",
        resources.service_requests,
        name="public_requests",
    ),
    re_path(
        r"^open311/v2/requests/(?P<tail>[^/]+)$",
        resources.service_request,
        name="public_request",
    ),
    re_path(r"^open311/v2/(?P<rest>.*)$", resources.unknown_resource, name="public_unknown"),
]
