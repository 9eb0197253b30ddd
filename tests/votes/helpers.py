"""Shared by the owners' vote tests: units with owners in a few lines, an owners' assembly
noticed in time, votes opened through the actions, and the closing time coming.

Units are given as (room, area in m², owner names): owners are found or made by name in the
compound (a name stands for one identity), "开发商" is the developer. Every figure a test
expects is computed by hand in the test itself."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import MeetingKind, NoticeChannel
from laoyuan.decisions.votes import actions, ballots
from laoyuan.decisions.votes.models import Matter, RollOwner, Vote, VotingPerson
from laoyuan.registry.models import (
    AreaSource,
    Building,
    Compound,
    Entrance,
    Household,
    Owner,
    OwnerKind,
    Ownership,
    Resident,
    Unit,
)
from tests.cast import PASSWORD

DEVELOPER = "开发商"


def owner_named(compound: Compound, name: str) -> Owner:
    kind = OwnerKind.DEVELOPER if name == DEVELOPER else OwnerKind.PERSON
    owner = Owner.objects.filter(compound=compound, name=name).first()
    if owner is None:
        owner = Owner.objects.create(compound=compound, name=name, kind=kind)
    return owner


def building(compound: Compound, number: str) -> Building:
    found = Building.objects.filter(compound=compound, number=number).first()
    return found or Building.objects.create(compound=compound, number=number, floors=6)


def units(
    compound: Compound, number: str, specs: Sequence[tuple[str, str | None, Sequence[str]]]
) -> list[Unit]:
    """Units of building `number` (made if missing), each with its area and owners."""
    b = building(compound, number)
    entrance, _ = Entrance.objects.get_or_create(building=b, number="1")
    made = []
    for room, area, names in specs:
        unit = Unit.objects.create(
            building=b,
            entrance=entrance,
            compound=compound,
            room_number=room,
            floor=int(room[0]),
            area=Decimal(area) if area is not None else None,
            area_source=AreaSource.REGISTER if area is not None else "",
        )
        for name in names:
            Ownership.objects.create(unit=unit, owner=owner_named(compound, name))
        made.append(unit)
    return made


def account_for(owner: Owner, unit: Unit, username: str) -> User:
    """A portal account for an owner: a resident of the unit's household, linked to her."""
    household = Household.objects.filter(unit=unit).first() or Household.objects.create(
        unit=unit, compound=unit.compound, building=unit.building
    )
    resident = Resident.objects.create(household=household, compound=unit.compound, name=owner.name)
    owner.resident = resident
    owner.save(update_fields=["resident"])
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=owner.name)
    RoleAssignment.objects.create(
        user=user, role=Role.RESIDENT, level="household", household=household, resident=resident
    )
    return user


def assembly(world, compound: Compound | None = None, buildings=(), *, noticed_days_ago=16):
    """An owners' assembly meeting today, noticed `noticed_days_ago` days ago (in time)."""
    today = timezone.localdate()
    return plan_actions.meeting_plan(
        actor=world.li,
        compound=compound or world.wufuyuan,
        kind=MeetingKind.OWNERS_ASSEMBLY,
        title="业主大会",
        held_on=today,
        place="院坝",
        buildings=buildings,
        notice=plan_actions.NoticeEntry(
            noticed_on=today - dt.timedelta(days=noticed_days_ago),
            channels=[NoticeChannel.BOARD],
            posted_where="各单元公告栏",
        ),
    )


def draft(matter=Matter.MANAGER, *, meeting=None, buildings=(), options=(), hours=2):
    now = timezone.now()
    return actions.VoteDraft(
        title="屋面维修方案表决",
        question="是否同意？",
        matter=matter,
        opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(hours=hours),
        buildings=buildings,
        meeting=meeting,
        options=list(options),
    )


def open_vote(world, matter=Matter.MANAGER, *, compound=None, buildings=(), options=()) -> Vote:
    """An open vote of the compound (五福苑 unless told), taken at a fresh owners' assembly
    when binding; opened by li."""
    compound = compound or world.wufuyuan
    meeting = None if matter == Matter.ADVISORY else assembly(world, compound, buildings)
    vote = actions.vote_create(
        actor=world.li,
        compound=compound,
        draft=draft(matter, meeting=meeting, buildings=buildings, options=options),
    )
    return actions.vote_open(actor=world.li, vote=vote)


def person_of(vote: Vote, unit: Unit) -> VotingPerson:
    return VotingPerson.objects.get(vote=vote, units__unit=unit)


def roll_owner(vote: Vote, unit: Unit, name: str) -> RollOwner:
    return RollOwner.objects.get(vote=vote, person__units__unit=unit, name=name)


def scan(kind: str = "png") -> SimpleUploadedFile:
    if kind == "pdf":
        return SimpleUploadedFile("票.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    out = io.BytesIO()
    Image.new("RGB", (40, 60), (240, 240, 240)).save(out, format="PNG")
    return SimpleUploadedFile("票.png", out.getvalue(), content_type="image/png")


_numbers = iter(range(1, 10**6))


def paper(world, vote: Vote, unit: Unit, name: str, choice: str, *, who="li", **kwargs):
    """Type in a paper ballot of `name` for the unit's voting person (li by default)."""
    return ballots.ballot_enter_paper(
        actor=world.users[who],
        vote=vote,
        paper=ballots.PaperBallot(
            owner=roll_owner(vote, unit, name),
            choice=choice,
            ballot_number=kwargs.pop("number", f"P{next(_numbers):05d}"),
            received_at=kwargs.pop("received_at", timezone.now()),
            scan=kwargs.pop("scan", scan()),
            **kwargs,
        ),
    )


def online(user: User, vote: Vote, unit: Unit, choice: str):
    return ballots.ballot_cast_online(
        actor=user, vote=vote, person=person_of(vote, unit), choice=choice
    )


def polls_close(vote: Vote) -> Vote:
    """Given the closing time has come (the vote's clock moved, nothing else)."""
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    vote.refresh_from_db()
    return vote


def close(world, vote: Vote) -> Vote:
    polls_close(vote)
    return actions.vote_close(actor=world.li, vote=vote)
