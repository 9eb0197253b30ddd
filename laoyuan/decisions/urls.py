"""Pages of meetings and their decisions, planned meetings, owners' votes and the resident's
side of both (签到, 投票)."""

from laoyuan.decisions.views import meetings, plans, portal, vote_entry, vote_notices, votes

app_name = "decisions"
urlpatterns = [
    *meetings.urlpatterns,
    *plans.urlpatterns,
    *votes.urlpatterns,
    *vote_entry.urlpatterns,
    *vote_notices.urlpatterns,
    *portal.urlpatterns,
]
