"""Pages of public notices (公示). Each area's module declares its own routes."""

from laoyuan.notices.views import objections, portal, public, staff

app_name = "notices"
urlpatterns = [
    *staff.urlpatterns,
    *objections.urlpatterns,
    *portal.urlpatterns,
    *public.urlpatterns,
]
