"""Scope-walk fillers for owners' votes (业主表决): li's votes in 五福苑 (li organises them), qian
(another district) tries the same, zhang (grid worker of 五福苑) tries those of 马家沟小区 next
door. The resident's vote page has liu as its insider (she owns 1栋101); staff have no portal.

Advisory polls stand in for votes here: they open without an owners' assembly, and the scope
is the same for every kind of vote."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from laoyuan.decisions.votes import actions, ballots
from laoyuan.decisions.votes.models import Matter, RollOwner
from laoyuan.registry.models import Building, Owner, Ownership, Unit


def _owned_unit(world, compound) -> None:
    """马家沟小区 has no units in the cast's world: give it one with an owner."""
    if Unit.objects.filter(compound=compound, ownerships__isnull=False).exists():
        return
    building, _ = Building.objects.get_or_create(compound=compound, number="1")
    unit = Unit.objects.create(
        building=building, compound=compound, room_number="101", area=Decimal("60.00")
    )
    Ownership.objects.create(
        unit=unit, owner=Owner.objects.create(compound=compound, name="马业主")
    )


def poll_in(world, compound=None, *, opened=True):
    compound = compound or world.wufuyuan
    _owned_unit(world, compound)
    now = timezone.now()
    vote = actions.vote_create(
        actor=world.li,
        compound=compound,
        draft=actions.VoteDraft(
            title="活动室开放时间",
            question="知福堂周末几点开门？",
            matter=Matter.ADVISORY,
            opens_at=now - dt.timedelta(minutes=5),
            closes_at=now + dt.timedelta(days=3),
            options=["八点", "九点"],
        ),
    )
    return actions.vote_open(actor=world.li, vote=vote) if opened else vote


def _scan():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (255, 255, 255)).save(out, format="PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def roll_owner_in(world, compound=None) -> RollOwner:
    vote = poll_in(world, compound)
    return RollOwner.objects.filter(vote=vote).order_by("pk").first()


def ballot_in(world, compound=None):
    owner = roll_owner_in(world, compound)
    return ballots.ballot_enter_paper(
        actor=world.li,
        vote=owner.vote,
        paper=ballots.PaperBallot(
            owner=owner,
            choice="o1",
            ballot_number="S-1",
            received_at=timezone.now(),
            scan=_scan(),
        ),
    )


def proxy_in(world, compound=None):
    owner = roll_owner_in(world, compound)
    return ballots.proxy_record(
        actor=world.li, vote=owner.vote, owner=owner, proxy_name="代理人", scan=_scan()
    )


def _three(make):
    return (
        lambda w: make(w),
        lambda w: make(w),
        lambda w: make(w, w.majiagou),
    )


_OPEN = _three(poll_in)
_DRAFT = (
    lambda w: poll_in(w, opened=False),
    lambda w: poll_in(w, opened=False),
    lambda w: poll_in(w, w.majiagou, opened=False),
)
FILL = {
    "decisions:vote_new": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "decisions:vote": _OPEN,
    "decisions:vote_edit": _DRAFT,
    "decisions:vote_open": _DRAFT,
    "decisions:vote_close": _OPEN,
    "decisions:vote_cancel": _OPEN,
    "decisions:vote_roll": _OPEN,
    "decisions:vote_ballots": _OPEN,
    "decisions:vote_result_pdf": _OPEN,
    "decisions:vote_result_xlsx": _OPEN,
    "decisions:vote_verify": _OPEN,
    "decisions:vote_paper": _OPEN,
    "decisions:vote_proxy": _OPEN,
    "decisions:vote_ballot_scan": _three(ballot_in),
    "decisions:vote_proxy_scan": _three(proxy_in),
    "decisions:vote_owner_reveal": _three(roll_owner_in),
    "decisions:portal_vote": _OPEN,
}
INSIDER = {"decisions:portal_vote": "liu"}
