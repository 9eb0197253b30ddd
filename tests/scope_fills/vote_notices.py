"""Scope-walk fillers for publishing a vote's result as a public notice (表决结果公示): li's
closed poll in 五福苑 (li organises it), qian (another district) tries the same, zhang (grid
worker of 五福苑, who does not organise votes) tries one of 马家沟小区 next door."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laoyuan.decisions.votes import actions
from laoyuan.decisions.votes.models import Vote
from tests.scope_fills.votes import poll_in


def closed_poll_in(world, compound=None) -> Vote:
    vote = poll_in(world, compound)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    vote.refresh_from_db()
    return actions.vote_close(actor=world.li, vote=vote)


FILL = {
    "decisions:vote_notice": (
        lambda w: closed_poll_in(w),
        lambda w: closed_poll_in(w),
        lambda w: closed_poll_in(w, w.majiagou),
    ),
}
