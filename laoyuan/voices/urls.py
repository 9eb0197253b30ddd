"""Pages of voices and topics. Each area's module declares its own routes."""

from laoyuan.voices.views import funnel, imports, portal, sorting, topics

app_name = "voices"
urlpatterns = [
    *sorting.urlpatterns,
    *topics.urlpatterns,
    *portal.urlpatterns,
    *imports.urlpatterns,
    *funnel.urlpatterns,
]
