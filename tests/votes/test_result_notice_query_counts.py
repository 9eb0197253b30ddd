"""Given a closed vote whose result was published (and some notices withdrawn before), and a
meeting whose resolutions published notices, when the pages and endpoints that list those
notices are called with little data and then with much more, then they run the same number
of queries: none per notice, voting person or resolution."""

import pytest
from django.urls import reverse
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.decisions import resolutions
from laoyuan.decisions.models import ResolutionKind
from laoyuan.decisions.votes import publishing
from laoyuan.decisions.votes.models import Vote
from laoyuan.notices import actions as notice_actions
from laoyuan.notices.models import Notice
from tests.scope_fills.meetings import meeting_in
from tests.votes.api_support import API
from tests.votes.test_query_counts import count, grow


def more_notices(world, vote: Vote, withdrawn: int) -> Notice:
    """`withdrawn` more notices of the vote's result, each withdrawn, then one that stands."""
    for notice in Notice.objects.filter(state="published", subject_id=vote.pk):
        notice_actions.notice_withdraw(actor=world.li, notice=notice, reason="更正")
    for _ in range(withdrawn):
        notice = publishing.vote_publish_result(actor=world.li, vote=vote)
        notice_actions.notice_withdraw(actor=world.li, notice=notice, reason="更正")
    return publishing.vote_publish_result(actor=world.li, vote=vote)


def more_resolutions(world, meeting, n: int) -> None:
    for i in range(n):
        resolutions.resolution_record(
            actor=world.li,
            meeting=meeting,
            kind=ResolutionKind.NOTICE,
            text=f"决议{i}",
            notice=resolutions.ResolutionNotice(starts_on=timezone.localdate(), period_days=5),
        )


def _world(world, n: int, meeting=None):
    grow(world, n)
    vote = Vote.objects.filter(status="closed").order_by("pk").first()
    notice = more_notices(world, vote, n // 2)
    meeting = meeting or meeting_in(world)
    more_resolutions(world, meeting, n)
    return vote, notice, meeting


# (URL, whose client): li for staff, the owner a2-0 (building 5, with an account) for the portal.
def _urls(vote, notice, meeting):
    return [
        (reverse("decisions:vote", args=[vote.pk]), "li"),
        (reverse("decisions:vote_notice", args=[vote.pk]), "li"),
        (reverse("decisions:meeting", args=[meeting.pk]), "li"),
        (reverse("notices:notice", args=[notice.pk]), "li"),
        (reverse("decisions:portal_vote", args=[vote.pk]), "a2-0"),
        (reverse("notices:portal_notice", args=[notice.pk]), "a2-0"),
        (f"{API}/votes/{vote.pk}", "li"),
        (f"{API}/votes/{vote.pk}/result", "li"),
        (f"{API}/meetings/{meeting.pk}", "li"),
        (f"{API}/portal/votes/{vote.pk}", "a2-0"),
    ]


@pytest.mark.parametrize("index", range(10))
def test_the_pages_listing_result_notices_run_a_fixed_number_of_queries(world, login, index):
    vote, notice, meeting = _world(world, 2)
    url, who = _urls(vote, notice, meeting)[index]
    client = login(User.objects.get(username=who))
    small = count(client, url)
    vote, notice, meeting = _world(world, 8, meeting)
    url, _who = _urls(vote, notice, meeting)[index]
    large = count(client, url)
    assert small == large, f"{url}: {small} queries with little data, {large} with more"
