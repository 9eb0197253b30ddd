"""Pages of meetings and their decisions."""

from laoyuan.decisions.views import meetings

app_name = "decisions"
urlpatterns = [*meetings.urlpatterns]
