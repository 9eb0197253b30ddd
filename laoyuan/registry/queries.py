"""Reads of the registry, already scoped to the user. Views and the API read through these."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent, User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, visible
from laoyuan.registry.models import (
    ELDERLY_AGE,
    INFANT_AGE,
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Ownership,
    Resident,
    Street,
    Unit,
    years_ago,
)


def streets_for(user: User) -> QuerySet[Street]:
    return visible(user, Street)


def communities_for(user: User) -> QuerySet[Community]:
    return visible(user, Community).select_related("street")


def compounds_for(user: User) -> QuerySet[Compound]:
    return visible(user, Compound).select_related("community")


def buildings_for(user: User) -> QuerySet[Building]:
    return visible(user, Building).select_related("compound")


def grids_for(user: User) -> QuerySet[Grid]:
    return visible(user, Grid).select_related("compound", "worker", "group_head")


def units_for(user: User) -> QuerySet[Unit]:
    return visible(user, Unit).select_related("building", "entrance")


def households_for(user: User) -> QuerySet[Household]:
    return visible(user, Household).select_related("unit__building", "unit__entrance", "grid")


# Assignments on these levels see every resident of the compounds they see.
_COMPOUND_WIDE_LEVELS = frozenset({"district", "street", "community", "compound"})


def _visible_residents(
    user: User, *, community_id: int | None = None
) -> tuple[QuerySet[Resident], bool]:
    """`visible(user, Resident)`, written so that the database can walk an index on compound.

    When every assignment that shows residents sits on a compound or a wider place, the user's
    residents are exactly those of her visible compounds: one small query for their ids, then
    `compound_id IN (…)`. A page of a whole street or district then reads its rows off the
    (compound, name) index instead of joining and sorting hundreds of thousands of rows.
    Returns the queryset and whether it is already narrowed to `community_id`."""
    roles = roles_with("registry.view")
    levels = {a.level for a in assignments_of(user) if a.role in roles}
    if not levels or not levels <= _COMPOUND_WIDE_LEVELS:
        return visible(user, Resident), False
    compounds = visible(user, Compound)
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    ids = list(compounds.order_by("id").values_list("id", flat=True))
    return Resident.objects.filter(compound_id__in=ids), bool(community_id)


def residents_for(
    user: User,
    *,
    search: str = "",
    community_id: int | None = None,
    compound_id: int | None = None,
    building_id: int | None = None,
    grid_id: int | None = None,
    age_group: str = "",
    flag: str = "",
    today: dt.date | None = None,
) -> QuerySet[Resident]:
    """Residents the user may see, filtered.

    `search` matches a name prefix, or, when it looks like a complete ID or phone number,
    the exact number through its keyed hash (never by decrypting)."""
    qs, by_community = _visible_residents(user, community_id=community_id)
    qs = qs.select_related("household__unit__building", "household__unit__entrance", "compound")
    term = pii.normalize_text(search)
    if term:
        id_like = pii.normalize_id_number(term)
        phone_like = pii.normalize_phone(term)
        if len(id_like) == 18 and id_like[:17].isdigit():
            qs = qs.filter(id_number_index=pii.blind_index("id", id_like))
        elif phone_like.isdigit() and len(phone_like) >= 7:
            qs = qs.filter(phone_index=pii.blind_index("phone", phone_like))
        else:
            qs = qs.filter(name__startswith=term)
    if community_id and not by_community:
        qs = qs.filter(compound__community_id=community_id)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if building_id:
        qs = qs.filter(household__building_id=building_id)
    if grid_id:
        qs = qs.filter(household__grid_id=grid_id)
    today = today or dt.date.today()
    if age_group == "elderly":
        qs = qs.filter(birth_date__lte=years_ago(today, ELDERLY_AGE))
    elif age_group == "infant":
        qs = qs.filter(birth_date__gt=years_ago(today, INFANT_AGE))
    if flag in {"lives_alone", "disabled", "low_income", "party_member"}:
        qs = qs.filter(**{flag: True})
    return qs.order_by("compound_id", "household_id", "id")


@dataclass(frozen=True)
class AgeRow:
    """Age structure of one group of residents (一老一小)."""

    key: int | None
    label: str
    residents: int
    elderly: int  # aged 65 and over
    infants: int  # under 3

    @property
    def elderly_share_percent(self) -> str:
        """Share of residents 65+, as a percentage with one decimal, exact (no floats)."""
        if not self.residents:
            return "0.0"
        tenths = (self.elderly * 1000 * 2 + self.residents) // (2 * self.residents)
        return f"{tenths // 10}.{tenths % 10}"


def _age_counts(today: dt.date) -> dict:
    elderly_born = years_ago(today, ELDERLY_AGE)
    infant_born = years_ago(today, INFANT_AGE)
    return {
        "residents": Count("id"),
        "elderly": Count("id", filter=Q(birth_date__lte=elderly_born)),
        "infants": Count("id", filter=Q(birth_date__gt=infant_born)),
    }


@dataclass(frozen=True)
class AgeStructure:
    total: AgeRow
    by_building: list[AgeRow]
    by_grid: list[AgeRow]


def age_structure(compound: Compound, *, today: dt.date | None = None) -> AgeStructure:
    """Residents 65+ and under 3, for the compound, per building and per micro-grid.

    One aggregate query grouped by (building, grid), folded here into the three views, plus two
    for labels, whatever the size of the compound (a 5,000-unit compound: one pass, not three)."""
    today = today or dt.date.today()
    counts = _age_counts(today)
    groups = (
        # The households' own (denormalised) compound lets PostgreSQL read just this compound's
        # households instead of hashing all of the district's.
        Resident.objects.filter(
            compound=compound, is_active=True, household__compound_id=compound.pk
        )
        .values("household__building_id", "household__grid_id")
        .annotate(**counts)
        .order_by()
    )
    total = [0, 0, 0]
    per_building: dict[int | None, list[int]] = {}
    per_grid: dict[int | None, list[int]] = {}
    for row in groups:
        numbers = (row["residents"], row["elderly"], row["infants"])
        for bucket in (
            total,
            per_building.setdefault(row["household__building_id"], [0, 0, 0]),
            per_grid.setdefault(row["household__grid_id"], [0, 0, 0]),
        ):
            for i, n in enumerate(numbers):
                bucket[i] += n
    buildings = {b.pk: str(b) for b in Building.objects.filter(compound=compound)}
    grids = {g.pk: g.name for g in Grid.objects.filter(compound=compound)}
    by_building = [
        AgeRow(key, buildings.get(key, "—"), *numbers) for key, numbers in per_building.items()
    ]
    by_grid = [
        AgeRow(key, grids.get(key, gettext("未划入网格")), *numbers)
        for key, numbers in per_grid.items()
    ]
    by_building.sort(key=lambda r: _natural(r.label))
    by_grid.sort(key=lambda r: (r.key is None, _natural(r.label)))
    return AgeStructure(
        total=AgeRow(compound.pk, compound.name, *total),
        by_building=by_building,
        by_grid=by_grid,
    )


_CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                   "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMBER = re.compile(r"(\d+|[零一二两三四五六七八九十]+)")


def _chinese_number(token: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23: grid names count in Chinese numerals (一网格, 二网格…)."""
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _CHINESE_DIGITS.get(tens[-1:], 1) * 10 + _CHINESE_DIGITS.get(ones[:1], 0)
    value = 0
    for char in token:
        value = value * 10 + _CHINESE_DIGITS[char]
    return value


def _natural(label: str) -> tuple:
    """Sort key that reads numbers in labels, Arabic or Chinese: 2栋 before 10栋, 二网格 before
    三网格. Each part is (0, number) or (1, text), so parts always compare."""
    return tuple(
        (0, int(p) if p.isdigit() else _chinese_number(p)) if _NUMBER.fullmatch(p) else (1, p)
        for p in _NUMBER.split(label)
        if p
    )


# --- Counts for the staff pages --------------------------------------------------------------
# The pages list one page of places at a time and then ask for the counts of just those places,
# grouped in the database: a fixed number of queries, whatever the size of the district.


def share_percent(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage with one decimal, rounded half up, exact (no floats)."""
    if not whole:
        return "0.0"
    tenths = (part * 1000 * 2 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class PlaceCounts:
    """Active households and residents of a place, with 65+ and under-3 (一老一小)."""

    households: int = 0
    residents: int = 0
    elderly: int = 0
    infants: int = 0

    @property
    def elderly_share_percent(self) -> str:
        return share_percent(self.elderly, self.residents)

    def __add__(self, other: PlaceCounts) -> PlaceCounts:
        return PlaceCounts(
            self.households + other.households,
            self.residents + other.residents,
            self.elderly + other.elderly,
            self.infants + other.infants,
        )


def place_counts(
    compound_ids: list[int], *, today: dt.date | None = None
) -> dict[int, PlaceCounts]:
    """Counts per compound for compounds the caller has already found visible. Two grouped
    queries; compounds without households are missing from the result (read with .get)."""
    if not compound_ids:
        return {}
    today = today or dt.date.today()
    households = dict(
        Household.objects.filter(compound_id__in=compound_ids, is_active=True)
        .values_list("compound_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, PlaceCounts] = {
        cid: PlaceCounts(households=n) for cid, n in households.items()
    }
    rows = (
        Resident.objects.filter(compound_id__in=compound_ids, is_active=True)
        .values("compound_id")
        .annotate(**_age_counts(today))
        .order_by()
    )
    for row in rows:
        cid = row["compound_id"]
        result[cid] = PlaceCounts(
            households=households.get(cid, 0),
            residents=row["residents"],
            elderly=row["elderly"],
            infants=row["infants"],
        )
    return result


def grid_household_counts(grid_ids: list[int]) -> dict[int, int]:
    """Active households per micro-grid (微网格), for grids already found visible."""
    if not grid_ids:
        return {}
    return dict(
        Household.objects.filter(grid_id__in=grid_ids, is_active=True)
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .order_by()
    )


@dataclass(frozen=True)
class BuildingCounts:
    units: int = 0
    households: int = 0


def building_counts(building_ids: list[int]) -> dict[int, BuildingCounts]:
    """Units and active households per building (楼栋), for buildings already found visible."""
    if not building_ids:
        return {}
    units = dict(
        Unit.objects.filter(building_id__in=building_ids)
        .values_list("building_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    households = dict(
        Household.objects.filter(building_id__in=building_ids, is_active=True)
        .values_list("building_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        bid: BuildingCounts(units.get(bid, 0), households.get(bid, 0))
        for bid in set(units) | set(households)
    }


@dataclass(frozen=True)
class UnitCounts:
    households: int = 0
    residents: int = 0


def unit_counts(unit_ids: list[int]) -> dict[int, UnitCounts]:
    """Active households and residents per dwelling unit (房屋), for units already visible."""
    if not unit_ids:
        return {}
    households = dict(
        Household.objects.filter(unit_id__in=unit_ids, is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    residents = dict(
        Resident.objects.filter(household__unit_id__in=unit_ids, is_active=True)
        .values_list("household__unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        uid: UnitCounts(households.get(uid, 0), residents.get(uid, 0))
        for uid in set(households) | set(residents)
    }


def household_members(
    user: User, household_ids: list[int], *, permission: str = "registry.view"
) -> dict[int, list[Resident]]:
    """The residents of these households the user may see, grouped by household, one query."""
    members: dict[int, list[Resident]] = {hid: [] for hid in household_ids}
    if not household_ids:
        return members
    for resident in (
        visible(user, Resident, permission)
        .filter(household_id__in=household_ids)
        .order_by("household_id", "id")
    ):
        members[resident.household_id].append(resident)
    return members


def unit_ownerships(user: User, unit: Unit) -> QuerySet[Ownership]:
    """Who owns this unit (业主), as far as the user may see owners; ID numbers stay masked."""
    return (
        visible(user, Ownership)
        .filter(unit=unit)
        .select_related("owner")
        .order_by("owner__name", "id")
    )


def editable_household_ids(user: User, household_ids: list[int]) -> set[int]:
    """Which of these households the user may add residents to, in one query."""
    if not household_ids:
        return set()
    return set(
        visible(user, Household, "registry.edit")
        .filter(pk__in=household_ids)
        .values_list("pk", flat=True)
    )


def portal_households(user: User) -> QuerySet[Household]:
    """A resident's own household(s) for the portal, with what the portal shows of the place:
    the compound, the building head (楼栋长), the grid worker and the group head."""
    return (
        visible(user, Household, "portal.view")
        .select_related(
            "compound",
            "unit__building__head",
            "unit__entrance",
            "grid__worker",
            "grid__group_head",
        )
        .order_by("id")
    )


def resident_list(user: User, *, number_key: str = "", **filters) -> QuerySet[Resident]:
    """The resident list (居民名册) of the staff pages: `residents_for`, ordered by compound and
    name so that a page is read off the (compound, name) index, never sorted from a whole
    district; ciphertexts stay in the database.

    `number_key` (from `number_search_key`) finds a full ID number or phone by its keyed hash,
    so that the number itself never has to travel in the page's address."""
    qs = residents_for(user, **filters)
    if number_key:
        kind, _, digest = number_key.partition(":")
        column = {"id": "id_number_index", "phone": "phone_index"}.get(kind)
        if column is None or not re.fullmatch(r"[0-9a-f]{64}", digest):
            return qs.none()
        qs = qs.filter(**{column: digest})
    return qs.order_by("compound_id", "name", "id").only(*RESIDENT_LIST_FIELDS)


def number_search_key(search: str) -> tuple[str, str] | None:
    """When `search` is a complete ID number or phone (the same test as `residents_for`):
    its search key "id:<hash>" or "phone:<hash>" and its masked form; otherwise None."""
    term = pii.normalize_text(search)
    if not term:
        return None
    id_like = pii.normalize_id_number(term)
    if len(id_like) == 18 and id_like[:17].isdigit():
        return f"id:{pii.blind_index('id', id_like)}", pii.mask_id_number(id_like)
    phone_like = pii.normalize_phone(term)
    if phone_like.isdigit() and len(phone_like) >= 7:
        return f"phone:{pii.blind_index('phone', phone_like)}", pii.mask_phone(phone_like)
    return None


# What a row of the resident list shows: masked numbers only, never the ciphertexts.
RESIDENT_LIST_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "relation",
    "tenure",
    "lives_alone",
    "disabled",
    "low_income",
    "party_member",
    "is_active",
    "id_number_masked",
    "phone_masked",
    "compound__name",
    "household__unit__room_number",
    "household__unit__building__number",
    "household__unit__entrance__number",
)


REVEAL_LOG_LIMIT = 20


def reveal_log(resident_ids: list[int], *, limit: int = REVEAL_LOG_LIMIT) -> dict[int, list]:
    """Who saw these residents' full ID numbers or phones, newest first (个人信息查看记录).

    One query for any number of residents; the last `limit` views of each are kept. Callers
    decide who may read it: staff who may reveal, and each resident for herself."""
    log: dict[int, list] = {pk: [] for pk in resident_ids}
    events = (
        AuditEvent.objects.filter(
            object_type=Resident._meta.label_lower,
            object_id__in=[str(pk) for pk in resident_ids],
            action__startswith="pii.reveal.",
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )
    for event in events[: limit * max(len(resident_ids), 1)]:
        entries = log[int(event.object_id)]
        if len(entries) < limit:
            entries.append(event)
    return log
