"""Planning and writing a whole synthetic district (规模数据生成).

`seed_scale(preset="district")` writes about 16 streets (街道), 100 communities (社区), 1,200
compounds (小区, about 63% old: built before 2001) of 10 to 5,000 flats, 350,000 households and
900,000 residents, with grids, owners (业主) and ownerships, in one transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from laoyuan.registry.models import (
    ELDERLY_AGE,
    INFANT_AGE,
    OLD_COMPOUND_BEFORE_YEAR,
    AreaSource,
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    Owner,
    OwnerKind,
    Ownership,
    PropertyMode,
    Resident,
    Street,
    Unit,
    years_ago,
)
from laoyuan.registry.scale.layout import (
    NEW_COMPOUND_SUFFIXES,
    OLD_COMPOUND_SUFFIXES,
    STREET_WORDS,
    address,
    building_layouts,
    chinese_number,
    flat_positions,
    grid_slices,
    place_name,
    unit_area,
)
from laoyuan.registry.scale.people import (
    NEW_COMPOUND_RATES,
    OWNER_PII_FIELDS,
    CareRates,
    People,
    household_members,
    pick_head,
    resident_values,
)
from laoyuan.registry.scale.rows import TableWriter

# Resident ID region prefixes (行政区划代码) of people in a generated district: Sichuan places,
# deliberately never 510104 (Jinjiang) nor 320508 (Gusu), which the demo scenario uses, so the
# two data sets cannot share an ID number.
SCALE_REGIONS = (
    "510105 510106 510107 510108 510112 510113 510114 510116 510121 511002 511102 511302 "
    "510623 513401"
).split()

VACANCY_RATE = 0.03  # flats with nobody living in them


@dataclass(frozen=True)
class Preset:
    streets: int
    communities: int
    compounds: int
    households: int
    old_share: float
    largest: int  # flats of the largest compound
    smallest: int  # flats of the smallest compound


PRESETS: dict[str, Preset] = {
    # A district like Chengdu's Jinjiang: 1,189 compounds, 751 of them old, ~900k residents.
    "district": Preset(
        streets=16,
        communities=100,
        compounds=1200,
        households=350_000,
        old_share=0.63,
        largest=5000,
        smallest=10,
    ),
    # Small enough for the test suite and CI: seconds, not minutes.
    "small": Preset(
        streets=2,
        communities=4,
        compounds=12,
        households=1_200,
        old_share=0.6,
        largest=400,
        smallest=10,
    ),
}


class AlreadyGenerated(Exception):
    """This preset and seed were generated before (the message is in Chinese)."""


def district_code(preset: str, seed: int) -> str:
    return f"SCALE-{preset}-{seed}"


@dataclass(frozen=True)
class PlannedCompound:
    code: str
    name: str
    address: str
    community_index: int
    units: int
    year_built: int
    aging: float
    property_mode: str


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def plan_compounds(preset: Preset, prefix: str, rng: random.Random) -> list[PlannedCompound]:
    """Sizes, ages and names of every compound, before anything is written.

    Sizes are log-normal (many small compounds, a few very large ones), old compounds smaller
    than new ones, one compound at each end of the preset's range, and the rest scaled so the
    district holds the preset's number of households."""
    old_count = round(preset.compounds * preset.old_share)
    new_count = preset.compounds - old_count

    def sizes(count: int, median: float, sigma: float, low: int) -> list[int]:
        return [
            _clamp(int(rng.lognormvariate(math.log(median), sigma)), low, preset.largest)
            for _ in range(count)
        ]

    all_sizes = sizes(old_count, 110, 0.9, preset.smallest) + sizes(new_count, 420, 0.85, 40)
    all_sizes[0], all_sizes[-1] = preset.smallest, preset.largest
    target_rest = round(preset.households / (1 - VACANCY_RATE)) - preset.smallest - preset.largest
    rest = all_sizes[1:-1]
    for _ in range(8):  # clamping makes the scaling converge in a few rounds
        factor = target_rest / max(1, sum(rest))
        rest = [_clamp(round(s * factor), preset.smallest, preset.largest) for s in rest]
    all_sizes = [all_sizes[0], *rest, all_sizes[-1]]
    is_old = [True] * old_count + [False] * new_count
    order = list(range(preset.compounds))
    rng.shuffle(order)

    planned: list[PlannedCompound] = []
    for position, index in enumerate(order):
        old = is_old[index]
        community_index = position * preset.communities // preset.compounds
        street_no = community_index * preset.streets // preset.communities + 1
        if old:
            year = rng.randint(1975, OLD_COMPOUND_BEFORE_YEAR - 1)
            aging = rng.uniform(0.4, 1.0)
            mode = rng.choices(
                [
                    PropertyMode.RED,
                    PropertyMode.TRUST,
                    PropertyMode.SELF,
                    PropertyMode.CITY,
                    PropertyMode.MARKET,
                    PropertyMode.INTERIM,
                    PropertyMode.NONE,
                ],
                weights=[20, 10, 12, 25, 15, 10, 8],
            )[0]
            name = place_name(rng, rng.choice(OLD_COMPOUND_SUFFIXES))
        else:
            year = rng.randint(OLD_COMPOUND_BEFORE_YEAR, 2022)
            aging = rng.uniform(0.0, 0.35)
            mode = PropertyMode.MARKET
            name = place_name(rng, rng.choice(NEW_COMPOUND_SUFFIXES))
        planned.append(
            PlannedCompound(
                code=f"{prefix}-S{street_no:02d}C{community_index + 1:03d}X{position + 1:04d}",
                name=name,
                address=address(rng),
                community_index=community_index,
                units=all_sizes[index],
                year_built=year,
                aging=aging,
                property_mode=mode,
            )
        )
    return planned


@dataclass
class Writers:
    """One writer per table below the compound."""

    buildings: TableWriter
    entrances: TableWriter
    grids: TableWriter
    units: TableWriter
    households: TableWriter
    residents: TableWriter
    owners: TableWriter
    ownerships: TableWriter

    @classmethod
    def open(cls) -> Writers:
        return cls(
            buildings=TableWriter(Building),
            entrances=TableWriter(Entrance),
            grids=TableWriter(Grid),
            units=TableWriter(Unit),
            households=TableWriter(Household),
            residents=TableWriter(Resident),
            owners=TableWriter(Owner),
            ownerships=TableWriter(Ownership),
        )

    def flush(self) -> None:
        for writer in vars(self).values():
            writer.flush()


def _since(rng: random.Random, low_year: int) -> dt.date:
    return dt.date(rng.randint(low_year, 2023), rng.randint(1, 12), rng.randint(1, 28))


def populate_compound(
    w: Writers,
    compound: Compound,
    *,
    units: int,
    aging: float,
    rng: random.Random,
    people: People,
    today: dt.date,
) -> int:
    """Buildings, stairwells, flats, households, residents, grids and owners of one compound.

    Returns the number of households written."""
    old = compound.year_built < OLD_COMPOUND_BEFORE_YEAR
    rates = CareRates() if old else NEW_COMPOUND_RATES
    rental_rate = 0.22 if old else 0.15
    cid = compound.pk
    since_low = max(compound.year_built, 1990)

    buildings: list[dict[str, Any]] = []
    residents_by_building: dict[int, list[dict[str, Any]]] = {}
    households: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    special_owner: dict[str, int] = {}  # developer / work unit: one voting owner each
    landlords: list[int] = []

    for layout in building_layouts(units, old=old, rng=rng):
        building = {"id": w.buildings.new_key(), "compound_id": cid}
        building |= {"number": str(layout.number), "floors": layout.floors}
        buildings.append(building)
        residents_by_building[building["id"]] = []
        entrance_ids: dict[int, int] = {}
        for entrance, floor, position in flat_positions(layout):
            if entrance not in entrance_ids:
                entrance_ids[entrance] = w.entrances.add(
                    {"building_id": building["id"], "number": str(entrance)}
                )
            unit_id = w.units.add(
                {
                    "building_id": building["id"],
                    "entrance_id": entrance_ids[entrance],
                    "compound_id": cid,
                    "room_number": f"{floor}{position:02d}",
                    "floor": floor,
                    "area": unit_area(rng, old=old, position_on_floor=position - 1),
                    "area_source": AreaSource.REGISTER,
                }
            )
            vacant = rng.random() < VACANCY_RATE
            tenant = not vacant and rng.random() < rental_rate
            held_by = rng.random()
            owner_id: int | None = None
            if (not old and held_by < 0.015) or (old and held_by < 0.03):
                # New compounds: flats the developer never sold, all one voting owner together.
                # Old ones: public housing still held by the original work unit (原产权单位).
                kind = OwnerKind.ORGANISATION if old else OwnerKind.DEVELOPER
                if kind not in special_owner:
                    name = compound.name[:2] + ("机械厂" if old else "置业有限公司")
                    special_owner[kind] = w.owners.add(
                        {"compound_id": cid, "kind": kind, "name": name}
                    )
                owner_id = special_owner[kind]
                tenant = not vacant
            elif vacant or tenant:
                # Owned by someone living elsewhere; some such landlords hold two or three flats.
                if landlords and rng.random() < 0.15:
                    owner_id = rng.choice(landlords)
                else:
                    owner_id = w.owners.add({"compound_id": cid, **people.absent_owner()})
                    landlords.append(owner_id)
            if owner_id is not None:
                w.ownerships.add(
                    {"unit_id": unit_id, "owner_id": owner_id, "since": _since(rng, since_low)}
                )
            if vacant:
                continue
            household = {
                "id": w.households.new_key(),
                "unit_id": unit_id,
                "compound_id": cid,
                "building_id": building["id"],
            }
            members = household_members(rng, aging=aging, tenant=tenant)
            low_income = rng.random() < rates.low_income_household
            residents = resident_values(
                people, members, tenant=tenant, rates=rates, low_income=low_income
            )
            for resident in residents:
                resident["id"] = w.residents.new_key()
                resident["household_id"] = household["id"]
                resident["compound_id"] = cid
            households.append((household, residents))
            residents_by_building[building["id"]].extend(residents)
            if owner_id is not None:
                continue
            # Owner-occupied: the head owns it, in some the spouse jointly (共同共有 or 按份共有).
            co_owners = [r for r, m in zip(residents, members, strict=True) if m.co_owner]
            co_owners = co_owners[:1] if rng.random() < 0.35 else []
            shares = [None, None] if rng.random() < 0.6 else [Decimal("0.5"), Decimal("0.5")]
            since = _since(rng, since_low)
            for number, person in enumerate([residents[0], *co_owners]):
                owner = {"compound_id": cid, "name": person["name"], "resident_id": person["id"]}
                owner |= {key: person[key] for key in OWNER_PII_FIELDS}
                w.ownerships.add(
                    {
                        "unit_id": unit_id,
                        "owner_id": w.owners.add(owner),
                        "share": shares[number] if co_owners else None,
                        "since": since,
                    }
                )

    # Micro-grids over the households in building order, then heads, then the rows themselves.
    taken: set[int] = set()
    for number, (start, end) in enumerate(grid_slices(len(households), rng), start=1):
        grid = {
            "id": w.grids.new_key(),
            "compound_id": cid,
            "name": f"{chinese_number(number)}网格",
        }
        candidates = []
        for household, residents in households[start:end]:
            household["grid_id"] = grid["id"]
            candidates.extend(residents)
        head = pick_head(candidates, taken, rng, today)
        grid["group_head_id"] = head["id"] if head else None
        w.grids.add(grid)
    for building in buildings:
        head = pick_head(residents_by_building[building["id"]], taken, rng, today)
        building["head_id"] = head["id"] if head else None
        w.buildings.add(building)
    for household, residents in households:
        w.households.add(household)
        for resident in residents:
            w.residents.add(resident)
    return len(households)


@dataclass
class ScaleReport:
    district: District
    counts: dict[str, int] = field(default_factory=dict)
    elapsed_seconds: float = 0.0
    sealing_seconds: float = 0.0
    sealed_values: int = 0

    LABELS = {
        "streets": "街道",
        "communities": "社区",
        "compounds": "小区",
        "old_compounds": "其中老旧小区",
        "buildings": "楼栋",
        "units": "房屋",
        "households": "住户",
        "residents": "居民",
        "elderly": "其中65岁及以上",
        "infants": "其中3岁以下",
        "grids": "微网格",
        "owners": "业主",
        "ownerships": "产权关系",
    }

    def lines(self) -> list[str]:
        out = [f"区：{self.district.name}（编码 {self.district.code}）"]
        # Numbers first: Chinese labels are double-width and would break column alignment.
        out += [f"  {v:>10,}  {self.LABELS[k]}" for k, v in self.counts.items()]
        each = self.sealing_seconds / self.sealed_values * 1e6 if self.sealed_values else 0.0
        out.append(
            f"加密封存身份证号和手机号 {self.sealed_values:,} 个：{self.sealing_seconds:.1f} 秒"
            f"（每个 {each:.1f} 微秒）"
        )
        out.append(f"总耗时 {self.elapsed_seconds:.1f} 秒")
        return out


def _sqlite_fast_load(enable: bool) -> None:
    """On SQLite, trade durability for speed while loading. A crash mid-load loses only the
    load, which is one transaction and would be rolled back anyway. SQLite accepts these only
    outside a transaction: a caller's enclosing transaction keeps its own settings."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if enable:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB of page cache
            cursor.execute("PRAGMA temp_store=MEMORY")
        else:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


def _analyze() -> None:
    """Refresh the planner's statistics: right after a bulk load they describe empty tables,
    and plans made from them can be slow. SQLite samples (analysis_limit) to stay quick."""
    tables = [m._meta.db_table for m in (Building, Grid, Unit, Household, Resident, Owner)]
    tables.append(Ownership._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def seed_scale(
    *,
    preset: str = "district",
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    total_callback: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> ScaleReport:
    """Generate a whole synthetic district in one transaction (all or nothing).

    `total_callback(households)` is called once with the planned number of households, then
    `progress(n)` as households are generated. Raises AlreadyGenerated when this preset and
    seed were generated before, ValueError on an unknown preset or a seed out of range."""
    if preset not in PRESETS:
        raise ValueError(f"未知的规模预设“{preset}”，可选：{'、'.join(PRESETS)}")
    if not 0 <= seed <= 99_999:
        raise ValueError(f"种子须在 0 到 99999 之间，收到的是 {seed}")
    spec = PRESETS[preset]
    code = district_code(preset, seed)
    if District.objects.filter(code=code).exists():
        raise AlreadyGenerated(
            f"规模数据“{code}”已经生成过了：同一预设、同一种子只生成一次。"
            "换一个种子（--seed）可以再生成一个独立的区。"
        )
    started = time.perf_counter()
    today = today or dt.date.today()
    rng = random.Random(f"laoyuan-scale:{preset}:{seed}")
    people = People(rng, regions=SCALE_REGIONS, today=today)
    planned = plan_compounds(spec, code, rng)
    if total_callback:
        total_callback(round(sum(p.units for p in planned) * (1 - VACANCY_RATE)))

    _sqlite_fast_load(True)
    try:
        with transaction.atomic():
            district = District.objects.create(
                code=code, name=f"规模测试区（{preset}，种子{seed}）"
            )
            streets = Street.objects.bulk_create(
                Street(
                    district=district,
                    code=f"{code}-S{n:02d}",
                    name=STREET_WORDS[(n - 1) % len(STREET_WORDS)] + "街道",
                )
                for n in range(1, spec.streets + 1)
            )
            communities = Community.objects.bulk_create(
                Community(
                    street=streets[i * spec.streets // spec.communities],
                    code=f"{code}-S{i * spec.streets // spec.communities + 1:02d}C{i + 1:03d}",
                    name=place_name(rng, "社区"),
                )
                for i in range(spec.communities)
            )
            compounds = Compound.objects.bulk_create(
                Compound(
                    community=communities[p.community_index],
                    code=p.code,
                    name=p.name,
                    address=p.address,
                    year_built=p.year_built,
                    registered_households=round(p.units * (1 - VACANCY_RATE)),
                    property_mode=p.property_mode,
                )
                for p in planned
            )
            writers = Writers.open()
            for plan, compound in zip(planned, compounds, strict=True):
                made = populate_compound(
                    writers,
                    compound,
                    units=plan.units,
                    aging=plan.aging,
                    rng=rng,
                    people=people,
                    today=today,
                )
                if progress:
                    progress(made)
            writers.flush()
    finally:
        _sqlite_fast_load(False)
    _analyze()

    report = ScaleReport(district=district)
    report.counts = district_counts(district, today=today)
    report.elapsed_seconds = time.perf_counter() - started
    report.sealing_seconds = people.sealing_seconds
    report.sealed_values = people.sealed_values
    return report


def district_counts(district: District, *, today: dt.date | None = None) -> dict[str, int]:
    """What a district holds, counted in the database (one query per kind of row)."""
    today = today or dt.date.today()
    in_district = {"compound__community__street__district": district}
    residents = Resident.objects.filter(**in_district)
    return {
        "streets": Street.objects.filter(district=district).count(),
        "communities": Community.objects.filter(street__district=district).count(),
        "compounds": Compound.objects.filter(community__street__district=district).count(),
        "old_compounds": Compound.objects.filter(
            community__street__district=district, is_old=True
        ).count(),
        "buildings": Building.objects.filter(**in_district).count(),
        "units": Unit.objects.filter(**in_district).count(),
        "households": Household.objects.filter(**in_district).count(),
        "residents": residents.count(),
        "elderly": residents.filter(birth_date__lte=years_ago(today, ELDERLY_AGE)).count(),
        "infants": residents.filter(birth_date__gt=years_ago(today, INFANT_AGE)).count(),
        "grids": Grid.objects.filter(**in_district).count(),
        "owners": Owner.objects.filter(**in_district).count(),
        "ownerships": Ownership.objects.filter(
            unit__compound__community__street__district=district
        ).count(),
    }
