"""Pages of renewal (老旧小区改造). Each area's module declares its own routes."""

from laoyuan.renewal.views import (
    funding,
    links,
    places,
    portal,
    portfolio,
    projects,
    schedule,
    supervision,
)

app_name = "renewal"
urlpatterns = [
    *projects.urlpatterns,
    *links.urlpatterns,
    *funding.urlpatterns,
    *supervision.urlpatterns,
    *schedule.urlpatterns,
    *places.urlpatterns,
    *portfolio.urlpatterns,
    *portal.urlpatterns,
]
