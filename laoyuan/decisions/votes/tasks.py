"""Background work of owners' votes (django-tasks): telling the owners (通知业主).

When a vote opens, closes or is cancelled, every owner on its roll who has a portal account,
and every proxy with one, gets an in-app notification (and an e-mail when e-mail is set up).
A compound of thousands of owners makes that thousands of rows, so it runs after the commit in
the task worker instead of in the organiser's request. Tests run it immediately.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.core.notify import notify
from laoyuan.decisions.votes.models import Proxy, RollOwner, Vote

EVENTS = ("opened", "closed", "cancelled")


def enqueue_owner_notices(vote: Vote, event: str) -> None:
    """Tell the vote's owners about `event` once the current transaction commits."""
    if event not in EVENTS:
        raise ValueError(event)
    pk = vote.pk
    transaction.on_commit(lambda: notify_owners.enqueue(pk, event))


def owner_accounts(vote: Vote) -> list[User]:
    """The portal accounts of the vote's owners and of their proxies."""
    residents = set(
        RollOwner.objects.filter(vote=vote, resident__isnull=False).values_list(
            "resident_id", flat=True
        )
    )
    residents |= set(
        Proxy.objects.filter(vote=vote, proxy_resident__isnull=False).values_list(
            "proxy_resident_id", flat=True
        )
    )
    user_ids = RoleAssignment.objects.filter(role=Role.RESIDENT, resident_id__in=residents).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


@task()
def notify_owners(vote_id: int, event: str) -> int:
    """Notify the vote's owners with accounts; returns how many were told."""
    vote = Vote.objects.filter(pk=vote_id).select_related("compound").first()
    if vote is None:
        return 0
    closes = f"{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}"
    if event == "opened":
        title = _("请投票：{title}").format(title=vote.title)
        body = _("{compound}的业主表决已开始，{closes}截止。点开就能在手机上投票。").format(
            compound=vote.compound.name, closes=closes
        )
    elif event == "closed":
        title = _("表决结果：{title}").format(title=vote.title)
        body = _("投票已结束并计票，点开查看结果。")
    else:
        title = _("表决已取消：{title}").format(title=vote.title)
        body = vote.cancel_reason
    url = reverse("decisions:portal_vote", args=[vote.pk])
    return notify(owner_accounts(vote), title=title, body=body, url=url)
