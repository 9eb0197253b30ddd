"""What a roster does to a compound's registry: the plan (preview) and its execution (commit).

Both run the same code. The compound's buildings, entrances, units, households, grids,
residents, owners and ownerships are loaded once, one query per table, into dictionaries; each
valid row is then matched in plain Python. Something the row needs that does not exist yet (a
building, a unit, a household …) gets a negative placeholder id, so later rows find it as if it
existed. A preview stops there and counts; a commit then creates and updates in bulk, table by
table, replacing placeholders by the ids the database gave. No query is made per row.

Matching: a resident is the same person when the unit and the ID number's blind index match
(the upsert key); a unit by (building, entrance, room); an owner (业主) by the ID number's blind
index within the compound, so one owner of two units stays one owner.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

from django.db import models, transaction
from django.utils import timezone

from laoyuan.core import pii
from laoyuan.registry.models import (
    AreaSource,
    Building,
    Compound,
    Entrance,
    Grid,
    Household,
    Owner,
    OwnerKind,
    Ownership,
    Relation,
    Resident,
    Tenure,
    Unit,
)
from laoyuan.registry.roster.rows import RosterRow
from laoyuan.registry.roster.writing import (
    HOUSEHOLD_FIELDS,
    OWNER_FIELDS,
    RESIDENT_FIELDS,
    UNIT_FIELDS,
    BulkTable,
    sealed_phone,
    update_changes,
)

BATCH_SIZE = 1000

# Resident fields a roster may change, in the order of the tuples loaded below.
_RESIDENT_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "phone_index",
    "relation",
    "tenure",
    "lives_alone",
    "disabled",
    "low_income",
    "party_member",
    "note",
    "is_active",
)
_OPTIONAL_FIELDS = ("relation", "tenure", "lives_alone", "disabled", "low_income", "party_member")


@dataclass
class Outcome:
    """What the roster does (preview) or did (commit). Residents are counted per row."""

    residents_create: int = 0
    residents_update: int = 0
    residents_unchanged: int = 0
    buildings: int = 0
    entrances: int = 0
    units: int = 0
    households: int = 0
    grids: int = 0
    grid_assignments: int = 0
    owners_create: int = 0
    owners_update: int = 0
    ownerships: int = 0
    area_changes: list[dict] = field(default_factory=list)

    def details(self, *, area_changes_limit: int | None = None) -> dict:
        changes = self.area_changes
        if area_changes_limit is not None:
            changes = changes[:area_changes_limit]
        return {
            "buildings": self.buildings,
            "entrances": self.entrances,
            "units": self.units,
            "households": self.households,
            "grids": self.grids,
            "grid_assignments": self.grid_assignments,
            "owners_create": self.owners_create,
            "owners_update": self.owners_update,
            "ownerships": self.ownerships,
            "areas_changed": len(self.area_changes),
            "area_changes": changes,
        }


class _Registry:
    """The compound as it is, loaded in bulk (one query per table)."""

    def __init__(self, compound: Compound):
        cid = compound.pk
        self.buildings: dict[str, int] = dict(
            Building.objects.filter(compound_id=cid).values_list("number", "id")
        )
        self.entrances: dict[tuple[int, str], int] = {
            (b, n): pk
            for pk, b, n in Entrance.objects.filter(building__compound_id=cid).values_list(
                "id", "building_id", "number"
            )
        }
        self.units: dict[tuple[int, int | None, str], int] = {}
        self.units_by_room: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.unit_area: dict[int, tuple[Decimal | None, str]] = {}
        for pk, b, e, room, area, source in Unit.objects.filter(compound_id=cid).values_list(
            "id", "building_id", "entrance_id", "room_number", "area", "area_source"
        ):
            self.units[(b, e, room)] = pk
            self.units_by_room[(b, room)].append(pk)
            self.unit_area[pk] = (area, source)
        self.grids: dict[str, int] = dict(
            Grid.objects.filter(compound_id=cid).values_list("name", "id")
        )
        # A unit's household for the roster: the active one first, then the oldest.
        self.household_of_unit: dict[int, list] = {}  # unit → [household id, grid id]
        unit_of_household: dict[int, int] = {}
        for pk, unit_id, grid_id in (
            Household.objects.filter(compound_id=cid)
            .order_by("unit_id", "-is_active", "id")
            .values_list("id", "unit_id", "grid_id")
        ):
            self.household_of_unit.setdefault(unit_id, [pk, grid_id])
            unit_of_household[pk] = unit_id
        self.residents: dict[tuple[int, str], tuple] = {}  # (unit, id index) → state
        for values in (
            Resident.objects.filter(compound_id=cid)
            .exclude(id_number_index="")
            .order_by("id")
            .values_list("id", "household_id", "id_number_index", *_RESIDENT_FIELDS)
        ):
            unit = unit_of_household.get(values[1])
            if unit is not None:  # (a resident filed under another compound's household: skip)
                self.residents.setdefault((unit, values[2]), (values[0], values[1], *values[3:]))
        self.owners: dict[str, list] = {  # id index → [id, name, phone index, resident id]
            index: [pk, name, phone_index, resident_id]
            for pk, index, name, phone_index, resident_id in Owner.objects.filter(compound_id=cid)
            .exclude(id_number_index="")
            .values_list("id", "id_number_index", "name", "phone_index", "resident_id")
        }
        self.ownerships: set[tuple[int, int]] = set(
            Ownership.objects.filter(unit__compound_id=cid).values_list("unit_id", "owner_id")
        )


def rooms_needing_entrance(compound: Compound) -> frozenset[tuple[str, str]]:
    """(building, room) pairs found in more than one entrance of the compound (one query)."""
    seen: set[tuple[str, str]] = set()
    several: set[tuple[str, str]] = set()
    for key in Unit.objects.filter(compound=compound).values_list(
        "building__number", "room_number"
    ):
        (several if key in seen else seen).add(key)
    return frozenset(several)


def _floor_of(room: str) -> int | None:
    """Room 1203 is on floor 12, room 101 on floor 1; other schemes leave the floor empty."""
    if room.isdigit() and 3 <= len(room) <= 5:
        floor = int(room[:-2])
        return floor if 0 < floor < 200 else None
    return None


class RosterPlan:
    """Matches the rows against the registry; `apply()` then writes what it found."""

    def __init__(self, compound: Compound, rows: list[RosterRow]):
        self.compound = compound
        self.rows = rows
        self.outcome = Outcome()
        self._placeholders = count(-1, -1)
        self.new_buildings: list[tuple[int, str]] = []
        self.new_entrances: list[tuple[int, int, str]] = []
        self.new_grids: list[tuple[int, str]] = []
        # placeholder → [building ref, entrance ref, room, area, area source]
        self.new_units: dict[int, list] = {}
        # placeholder → [unit ref, building ref, grid ref]
        self.new_households: dict[int, list] = {}
        self.area_updates: dict[int, tuple[Decimal, str]] = {}
        self.grid_updates: dict[int, int] = {}  # household → grid ref
        self.resident_creates: list[tuple[int, int, RosterRow]] = []
        self.resident_updates: list[tuple[int, dict, RosterRow]] = []
        self.owner_creates: list[tuple[int, RosterRow, int]] = []  # (ref, row, resident ref)
        self.owner_updates: dict[int, dict] = {}
        self.ownership_creates: list[tuple[int, int]] = []  # (unit ref, owner ref)
        self._plan(_Registry(compound))

    def _new(self) -> int:
        return next(self._placeholders)

    # --- matching -----------------------------------------------------------------------------

    def _plan(self, reg: _Registry) -> None:
        out = self.outcome
        for row in self.rows:
            building = reg.buildings.get(row.building)
            if building is None:
                building = reg.buildings[row.building] = self._new()
                self.new_buildings.append((building, row.building))
            entrance = None
            if row.entrance:
                entrance = reg.entrances.get((building, row.entrance))
                if entrance is None:
                    entrance = reg.entrances[(building, row.entrance)] = self._new()
                    self.new_entrances.append((entrance, building, row.entrance))
            unit = self._unit(reg, row, building, entrance)
            grid = None
            if row.grid:
                grid = reg.grids.get(row.grid)
                if grid is None:
                    grid = reg.grids[row.grid] = self._new()
                    self.new_grids.append((grid, row.grid))
            household = reg.household_of_unit.get(unit)
            if household is None:
                household = reg.household_of_unit[unit] = [self._new(), grid]
                self.new_households[household[0]] = [unit, building, grid]
            elif grid is not None and household[1] != grid:
                household[1] = grid
                if household[0] < 0:
                    self.new_households[household[0]][2] = grid
                else:
                    self.grid_updates[household[0]] = grid
            resident = self._resident(reg, row, unit, household[0])
            if row.tenure == Tenure.OWNER:
                self._owner(reg, row, unit, resident)
        out.buildings = len(self.new_buildings)
        out.entrances = len(self.new_entrances)
        out.grids = len(self.new_grids)
        out.units = len(self.new_units)
        out.households = len(self.new_households)
        out.grid_assignments = len(self.grid_updates)
        out.owners_create = len(self.owner_creates)
        out.owners_update = len(self.owner_updates)
        out.ownerships = len(self.ownership_creates)

    def _unit(self, reg: _Registry, row: RosterRow, building: int, entrance: int | None) -> int:
        unit = reg.units.get((building, entrance, row.room))
        if unit is None and entrance is None:
            # No entrance in the file: the building's only unit with this room number will do.
            candidates = reg.units_by_room.get((building, row.room), [])
            if len(candidates) == 1:
                unit = candidates[0]
        if unit is None:
            unit = reg.units[(building, entrance, row.room)] = self._new()
            reg.units_by_room[(building, row.room)].append(unit)
            source = (row.area_source or AreaSource.REGISTER) if row.area is not None else ""
            self.new_units[unit] = [building, entrance, row.room, row.area, source]
            reg.unit_area[unit] = (row.area, source)
            return unit
        if row.area is not None:
            old_area, old_source = reg.unit_area[unit]
            new_source = row.area_source or (
                old_source if old_area == row.area and old_source else AreaSource.REGISTER
            )
            if old_area != row.area or (row.area_source and row.area_source != old_source):
                reg.unit_area[unit] = (row.area, new_source)
                if unit < 0:  # created by this roster; an earlier row gave no area
                    self.new_units[unit][3:] = [row.area, new_source]
                else:
                    self.area_updates[unit] = (row.area, new_source)
                    self.outcome.area_changes.append(
                        {
                            "unit": unit,
                            "label": row.unit_label,
                            "row": row.row_number,
                            "old": str(old_area) if old_area is not None else "",
                            "new": str(row.area),
                            "old_source": old_source,
                            "source": new_source,
                        }
                    )
        return unit

    def _resident(self, reg: _Registry, row: RosterRow, unit: int, household: int) -> int:
        key = (unit, row.id_index)
        state = reg.residents.get(key)
        if state is None:
            ref = self._new()
            reg.residents[key] = (ref, household, *(None,) * len(_RESIDENT_FIELDS))
            self.resident_creates.append((ref, household, row))
            self.outcome.residents_create += 1
            return ref
        if state[0] < 0:  # the same person reached twice through the entrance fallback
            self.outcome.residents_unchanged += 1
            return state[0]
        current = dict(zip(_RESIDENT_FIELDS, state[2:], strict=True))
        changes: dict = {}
        for name in ("name", "sex", "birth_date"):
            if getattr(row, name) != current[name]:
                changes[name] = getattr(row, name)
        if row.phone_index is not None and row.phone_index != current["phone_index"]:
            changes["phone"] = row.phone
        for name in (*_OPTIONAL_FIELDS, "note"):
            value = getattr(row, name)
            if value is not None and value != current[name]:
                changes[name] = value
        if not current["is_active"]:
            changes["is_active"] = True  # listed on the roster: living here again
        if changes:
            self.resident_updates.append((state[0], changes, row))
            self.outcome.residents_update += 1
        else:
            self.outcome.residents_unchanged += 1
        return state[0]

    def _owner(self, reg: _Registry, row: RosterRow, unit: int, resident: int) -> None:
        owner = reg.owners.get(row.id_index)
        if owner is None:
            ref = self._new()
            reg.owners[row.id_index] = [ref, row.name, row.phone_index, resident]
            self.owner_creates.append((ref, row, resident))
            owner_ref = ref
        else:
            owner_ref = owner[0]
            if owner_ref > 0:
                changes = self.owner_updates.get(owner_ref, {})
                if row.name != owner[1]:
                    changes["name"] = owner[1] = row.name
                if row.phone_index is not None and row.phone_index != owner[2]:
                    owner[2] = row.phone_index
                    changes["phone"] = row.phone
                if owner[3] is None:
                    changes["resident"] = owner[3] = resident
                if changes:
                    self.owner_updates[owner_ref] = changes
        if (unit, owner_ref) not in reg.ownerships:
            reg.ownerships.add((unit, owner_ref))
            self.ownership_creates.append((unit, owner_ref))

    # --- writing ------------------------------------------------------------------------------

    def _ref(self, value: int | None) -> int | None:
        """The database id for an id or a placeholder of something created in `apply()`."""
        if value is None or value > 0:
            return value
        return self._real[value]

    def _create(self, model, objects: dict[int, models.Model]) -> None:
        """bulk_create for the small tables (buildings, entrances, grids): ids come back."""
        created = model.objects.bulk_create(list(objects.values()), batch_size=BATCH_SIZE)
        for placeholder, obj in zip(objects, created, strict=True):
            if obj.pk is None:  # every supported database returns ids from bulk inserts
                raise RuntimeError("The database did not return ids from bulk_create.")
            self._real[placeholder] = obj.pk

    @transaction.atomic
    def apply(self) -> Outcome:
        """Write the plan: all of it or, on any error, nothing.

        The large tables (units, households, residents, owners, ownerships) are written with
        one prepared INSERT or UPDATE run over all rows (executemany): bulk_create's work per
        value would cost more than the database itself. Ids of new rows are then read back
        with one query per table, by their natural keys."""
        now = timezone.now()
        cid = self.compound.pk
        self._real: dict[int, int] = {}
        ref = self._ref
        self._create(
            Building,
            {p: Building(compound_id=cid, number=number) for p, number in self.new_buildings},
        )
        self._create(
            Entrance,
            {p: Entrance(building_id=ref(b), number=n) for p, b, n in self.new_entrances},
        )
        self._create(Grid, {p: Grid(compound_id=cid, name=name) for p, name in self.new_grids})

        if self.new_units:
            BulkTable(Unit, UNIT_FIELDS).insert(
                (now, now, cid, ref(b), ref(e), room, _floor_of(room), area, source)
                for b, e, room, area, source in self.new_units.values()
            )
            units = {
                (b, e, room): pk
                for pk, b, e, room in Unit.objects.filter(compound_id=cid).values_list(
                    "id", "building_id", "entrance_id", "room_number"
                )
            }
            for p, (b, e, room, _area, _source) in self.new_units.items():
                self._real[p] = units[(ref(b), ref(e), room)]
        BulkTable(Unit, ["area", "area_source", "updated_at"]).update(
            (area, source, now, pk) for pk, (area, source) in self.area_updates.items()
        )

        if self.new_households:
            BulkTable(Household, HOUSEHOLD_FIELDS).insert(
                (now, now, cid, ref(u), ref(b), ref(g), True)
                for u, b, g in self.new_households.values()
            )
            newest = dict(  # the unit's household created just now has the highest id
                Household.objects.filter(compound_id=cid)
                .order_by("id")
                .values_list("unit_id", "id")
            )
            for p, (u, _b, _g) in self.new_households.items():
                self._real[p] = newest[ref(u)]
        BulkTable(Household, ["grid", "updated_at"]).update(
            (ref(g), now, pk) for pk, g in self.grid_updates.items()
        )

        if self.resident_creates:
            BulkTable(Resident, RESIDENT_FIELDS).insert(
                self._resident_values(now, ref(h), row) for _p, h, row in self.resident_creates
            )
            if self.owner_creates or self.owner_updates:  # owners point at their resident
                ids = {
                    (h, index): pk
                    for pk, h, index in Resident.objects.filter(compound_id=cid)
                    .order_by("id")
                    .values_list("id", "household_id", "id_number_index")
                }
                for p, h, row in self.resident_creates:
                    self._real[p] = ids[(ref(h), row.id_index)]
        update_changes(Resident, [(pk, ch) for pk, ch, _row in self.resident_updates], now)

        if self.owner_creates:
            BulkTable(Owner, OWNER_FIELDS).insert(
                self._owner_values(now, row, ref(r)) for _p, row, r in self.owner_creates
            )
            owners = dict(
                Owner.objects.filter(compound_id=cid)
                .exclude(id_number_index="")
                .values_list("id_number_index", "id")
            )
            for p, row, _r in self.owner_creates:
                self._real[p] = owners[row.id_index]
        update_changes(Owner, list(self._resolved_owner_updates()), now)
        BulkTable(Ownership, ["created_at", "updated_at", "unit", "owner"]).insert(
            (now, now, ref(u), ref(o)) for u, o in self.ownership_creates
        )
        return self.outcome

    def _resolved_owner_updates(self):
        for pk, changes in self.owner_updates.items():
            changes = dict(changes)
            if "resident" in changes:
                changes["resident"] = self._ref(changes["resident"])
            yield pk, changes

    def _resident_values(self, now: dt.datetime, household_id: int, row: RosterRow) -> tuple:
        phone = sealed_phone(row.phone)
        return (
            now,
            now,
            household_id,
            self.compound.pk,
            row.name,
            row.sex,
            row.birth_date,
            pii.encrypt(row.id_number),
            row.id_index,
            pii.mask_id_number(row.id_number),
            *phone,
            row.relation or Relation.OTHER,
            row.tenure or Tenure.OTHER,
            bool(row.lives_alone),
            bool(row.disabled),
            bool(row.low_income),
            bool(row.party_member),
            True,
            row.note or "",
        )

    def _owner_values(self, now: dt.datetime, row: RosterRow, resident_id: int) -> tuple:
        return (
            now,
            now,
            self.compound.pk,
            OwnerKind.PERSON,
            row.name,
            pii.encrypt(row.id_number),
            row.id_index,
            pii.mask_id_number(row.id_number),
            *sealed_phone(row.phone),
            resident_id,
        )
