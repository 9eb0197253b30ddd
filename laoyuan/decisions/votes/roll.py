"""The roll of a vote (表决名册): which units and owners it counts, checked before opening and
frozen when it opens.

In the roll: every dwelling unit (专有部分) of the compound, or of the vote's buildings, with its
registered area (SPC interpretation art. 8: the register, else the survey, else the purchase
contract: `Unit.area_source`) and its owners (`Ownership`). Units are grouped into voting
persons (SPC interpretation art. 9): one unit is one person; all units held by the same owner
are one person, and all units the developer still holds are one person (the developer is one
`Owner` of the compound). A co-owned unit votes once, by any of its co-owners.

How co-owned units combine (decided here): a voting person is a distinct SET of owners. Units
held by exactly the same owners are one person (a couple holding two flats together: one
person); a flat held by A and B together and a flat held by A alone are two persons, because
their buyers differ (the interpretation merges the units of "the same buyer", and A alone is not
the buyer A-and-B). Each person's area is the sum of its units'.

Problems before opening: a unit without a registered area cannot be weighed, and a unit without
an owner has nobody to vote for it, yet both belong in the totals; counting them wrongly would
change the denominators and could void the decision. So a binding vote does not open until the
registry is put right (the organiser sees the list, each unit linked); an advisory poll opens
with units without an owner left out and units without an area counted with none, and says so.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from laoyuan.decisions.votes.models import (
    RollOwner,
    RollUnit,
    Vote,
    VoterKind,
    VotingPerson,
)
from laoyuan.registry.models import Household, Owner, OwnerKind, Ownership, Unit
from laoyuan.registry.roster.writing import BulkTable

PROBLEMS_SHOWN = 50


def scope_units(vote: Vote) -> QuerySet[Unit]:
    """The units a vote counts: its compound's, or only its buildings'."""
    qs = Unit.objects.filter(compound_id=vote.compound_id)
    building_ids = [b.pk for b in vote.buildings.all()]
    if building_ids:
        qs = qs.filter(building_id__in=building_ids)
    return qs


@dataclass
class RollCheck:
    """What the roll would be if the vote opened now, and what stops it."""

    units: int = 0
    area_cents: int = 0
    without_area: list[Unit] = field(default_factory=list)
    without_area_count: int = 0
    without_owner: list[Unit] = field(default_factory=list)
    without_owner_count: int = 0

    @property
    def has_problems(self) -> bool:
        return bool(self.without_area_count or self.without_owner_count)


def roll_check(vote: Vote) -> RollCheck:
    """Count the units in scope and list those without an area or an owner (first 50 of each):
    four queries, whatever the size of the compound."""
    units = scope_units(vote)
    figures = units.aggregate(
        n=Count("pk"),
        area_total=Sum("area"),
        no_area=Count("pk", filter=Q(area__isnull=True)),
        no_owner=Count("pk", filter=~Q(pk__in=Ownership.objects.values("unit_id"))),
    )
    check = RollCheck(
        units=figures["n"] or 0,
        area_cents=to_cents(figures["area_total"] or Decimal("0")),
        without_area_count=figures["no_area"] or 0,
        without_owner_count=figures["no_owner"] or 0,
    )
    labelled = units.select_related("building", "entrance")
    if check.without_area_count:
        check.without_area = list(labelled.filter(area__isnull=True)[:PROBLEMS_SHOWN])
    if check.without_owner_count:
        check.without_owner = list(
            labelled.exclude(pk__in=Ownership.objects.values("unit_id"))[:PROBLEMS_SHOWN]
        )
    return check


def to_cents(area: Decimal) -> int:
    """m² (two decimals) as an integer number of hundredths."""
    return int(Decimal(area).scaleb(2).to_integral_value())


_DIGITS = re.compile(r"(\d+)")


def natural(text: str | None) -> tuple:
    """Sort key that puts building 9 before building 10."""
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text or ""))


def unit_label(building: str, entrance: str | None, room: str) -> str:
    if entrance:
        return f"{building}栋{entrance}单元{room}"
    return f"{building}栋{room}"


@dataclass
class Totals:
    area_cents: int
    persons: int
    units: int
    digest: str


def freeze(vote: Vote, *, include_problems: bool) -> Totals:
    """Write the vote's roll from the registry as it stands now (the caller holds the vote's
    lock and has checked the problems). With `include_problems` (advisory polls) units without
    an area count with none and units without an owner are left out."""
    rows = list(
        scope_units(vote).values_list(
            "pk",
            "building_id",
            "building__number",
            "entrance__number",
            "room_number",
            "area",
            "area_source",
        )
    )
    rows.sort(key=lambda r: (natural(r[2]), natural(r[3]), natural(r[4]), r[0]))
    owners_of: dict[int, list[int]] = defaultdict(list)
    for unit_id, owner_id in Ownership.objects.filter(
        unit_id__in=scope_units(vote).values("pk")
    ).values_list("unit_id", "owner_id"):
        owners_of[unit_id].append(owner_id)
    owners = {
        o["pk"]: o
        for o in Owner.objects.filter(pk__in={i for ids in owners_of.values() for i in ids}).values(
            "pk", "name", "kind", "resident_id"
        )
    }
    grid_of: dict[int, int] = {}
    for unit_id, grid_id in (
        Household.objects.filter(unit_id__in=scope_units(vote).values("pk"), is_active=True)
        .order_by("pk")
        .values_list("unit_id", "grid_id")
    ):
        grid_of.setdefault(unit_id, grid_id)

    persons: dict[tuple[int, ...], VotingPerson] = {}
    units: list[tuple[tuple[int, ...], RollUnit]] = []
    for unit_id, building_id, building_no, entrance_no, room, area, source in rows:
        key = tuple(sorted(owners_of.get(unit_id, ())))
        if not include_problems and (not key or area is None):
            raise ValueError("the roll has problems: check roll_check before freezing")
        if not key:
            continue  # an advisory poll leaves out a unit nobody can vote for
        cents = to_cents(area) if area is not None else 0
        person = persons.get(key)
        if person is None:
            members = sorted((owners[i] for i in key), key=lambda o: (o["name"], o["pk"]))
            kinds = {o["kind"] for o in members}
            if OwnerKind.DEVELOPER in kinds:
                kind = VoterKind.DEVELOPER
            elif len(members) > 1:
                kind = VoterKind.JOINT
            elif OwnerKind.ORGANISATION in kinds:
                kind = VoterKind.ORGANISATION
            else:
                kind = VoterKind.PERSON
            person = VotingPerson(
                vote=vote,
                number=len(persons) + 1,
                owner_key=",".join(str(i) for i in key),
                label="、".join(o["name"] for o in members)[:300],
                kind=kind,
                area_cents=0,
                unit_count=0,
            )
            persons[key] = person
        person.area_cents += cents
        person.unit_count += 1
        units.append(
            (
                key,
                RollUnit(
                    vote=vote,
                    unit_id=unit_id,
                    building_id=building_id,
                    grid_id=grid_of.get(unit_id),
                    position=len(units) + 1,
                    label=unit_label(building_no, entrance_no, room),
                    area_cents=cents,
                    area_source=source or "",
                ),
            )
        )
    _write(vote, persons, units, owners)
    return Totals(
        area_cents=sum(p.area_cents for p in persons.values()),
        persons=len(persons),
        units=len(units),
        digest=roll_digest(vote),
    )


PERSON_COLUMNS = [
    "vote",
    "number",
    "owner_key",
    "label",
    "kind",
    "area_cents",
    "unit_count",
    "counted_choice",
    "counted_channel",
]
UNIT_COLUMNS = [
    "vote",
    "person",
    "unit",
    "building",
    "grid",
    "position",
    "label",
    "area_cents",
    "area_source",
]
OWNER_COLUMNS = ["vote", "person", "owner", "name", "kind", "resident"]


def _write(vote: Vote, persons: dict, units: list, owners: dict) -> None:
    """Write the roll with prepared statements (COPY on PostgreSQL): bulk_create's work per
    value made opening a 5,000-unit vote take seconds (bench/votes.py)."""
    BulkTable(VotingPerson, PERSON_COLUMNS).insert(
        (vote.pk, p.number, p.owner_key, p.label, p.kind, p.area_cents, p.unit_count, "", "")
        for p in persons.values()
    )
    pk_of = dict(VotingPerson.objects.filter(vote=vote).values_list("number", "pk"))
    for person in persons.values():
        person.pk = pk_of[person.number]
    BulkTable(RollUnit, UNIT_COLUMNS).insert(
        (
            vote.pk,
            persons[key].pk,
            u.unit_id,
            u.building_id,
            u.grid_id,
            u.position,
            u.label,
            u.area_cents,
            u.area_source,
        )
        for key, u in units
    )
    BulkTable(RollOwner, OWNER_COLUMNS).insert(
        (
            vote.pk,
            person.pk,
            owner_id,
            owners[owner_id]["name"][:120],
            owners[owner_id]["kind"],
            owners[owner_id]["resident_id"],
        )
        for key, person in persons.items()
        for owner_id in key
    )


def roll_digest(vote: Vote) -> str:
    """SHA-256 over the frozen roll (persons, units with their areas, owners) in order: the
    opening event records it, so an area or an owner changed afterwards is found."""
    digest = hashlib.sha256()
    for number, key, area, count in (
        VotingPerson.objects.filter(vote=vote)
        .order_by("number")
        .values_list("number", "owner_key", "area_cents", "unit_count")
    ):
        digest.update(f"P|{number}|{key}|{area}|{count}\n".encode())
    for position, unit_id, number, area in (
        RollUnit.objects.filter(vote=vote)
        .order_by("position")
        .values_list("position", "unit_id", "person__number", "area_cents")
    ):
        digest.update(f"U|{position}|{unit_id}|{number}|{area}\n".encode())
    for number, owner_id, resident_id in (
        RollOwner.objects.filter(vote=vote)
        .order_by("person__number", "owner_id")
        .values_list("person__number", "owner_id", "resident_id")
    ):
        digest.update(f"O|{number}|{owner_id}|{resident_id}\n".encode())
    return digest.hexdigest()
