"""The places, people and accounts of the demo scenario (演示场景), as data.

Chengdu, Jinjiang district (锦江区) → Shahe street (沙河街道) → Shahe community (沙河社区) →
Wufuyuan (五福苑, 马家沟1号): relief housing (解困房) built in 1994 for workers of bankrupt
enterprises, 9 buildings, 497 households, about 1,500 residents, about 33,000 m², roughly 30%
aged 65 and over, trust-model property management (信托制物业); nine ground-floor flats became
shared rooms (知福堂, 味福堂 …). Around it, smaller compounds in the same street, one of them new.
Suzhou, Gusu district (姑苏区) → Canglang street (沧浪街道): 桂花新村 in Guihua community (桂花社区),
the self-managed (业主自管小组) 金狮河沿5号 in Jinshi community (金狮社区), 南门新村 under a
district-wide property contract (物业城市).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from laoyuan.core.models import Level, Role
from laoyuan.registry.models import PropertyMode

DEMO_PASSWORD = "laoyuan-demo"
JINJIANG_REGION = "510104"
GUSU_REGION = "320508"

# --- the places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingSpec:
    """A walk-up block: `entrances` stairwells (单元) of `floors` floors, two flats a landing.

    `ground_rooms_removed` ground-floor flats were turned into shared rooms (like Wufuyuan's
    知福堂, 味福堂 …) and are not dwellings any more."""

    number: str
    floors: int
    entrances: int
    per_floor: int = 2
    ground_rooms_removed: int = 0

    @property
    def units(self) -> int:
        return self.floors * self.entrances * self.per_floor - self.ground_rooms_removed


@dataclass(frozen=True)
class CompoundSpec:
    code: str
    name: str
    address: str
    year_built: int
    property_mode: str
    buildings: tuple[BuildingSpec, ...]
    grids: int
    region: str
    rental_rate: float
    aging: float = 0.8
    mix: dict[str, float] | None = None  # household kinds, when the compound has its own story
    area_types: tuple[float, ...] = (48.0, 62.0, 76.0)  # mean m² of the flats on a landing
    target_area: Decimal | None = None  # total registered area to scale the flats to
    co_owned_rate: float = 0.3
    developer: str = ""  # name of the developer still holding unsold units
    developer_units: int = 0
    multi_unit_owners: int = 2  # owners holding two units (one lived in, one let)

    @property
    def units(self) -> int:
        return sum(b.units for b in self.buildings)


@dataclass(frozen=True)
class CommunitySpec:
    code: str
    name: str
    compounds: tuple[CompoundSpec, ...]


@dataclass(frozen=True)
class StreetSpec:
    code: str
    name: str
    communities: tuple[CommunitySpec, ...]


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    streets: tuple[StreetSpec, ...]


# Wufuyuan: 1990s relief housing, many households of three generations of the same family.
WUFUYUAN_MIX = {
    "elder_alone": 0.10,
    "elder_couple": 0.19,
    "three_generations": 0.40,
    "family": 0.17,
    "young_family": 0.05,
    "couple": 0.05,
    "single": 0.04,
}

WUFUYUAN = CompoundSpec(
    code="510104-SH-01-WFY",
    name="五福苑",
    address="成都市锦江区马家沟1号",
    year_built=1994,
    property_mode=PropertyMode.TRUST,
    buildings=(
        BuildingSpec("1", floors=7, entrances=4),
        BuildingSpec("2", floors=7, entrances=4),
        BuildingSpec("3", floors=6, entrances=5, ground_rooms_removed=2),
        BuildingSpec("4", floors=6, entrances=5),
        BuildingSpec("5", floors=7, entrances=3, ground_rooms_removed=2),
        BuildingSpec("6", floors=7, entrances=3),
        BuildingSpec("7", floors=6, entrances=4),
        BuildingSpec("8", floors=6, entrances=6, ground_rooms_removed=3),
        BuildingSpec("9", floors=7, entrances=5, ground_rooms_removed=2),
    ),
    grids=7,
    region=JINJIANG_REGION,
    rental_rate=0.10,
    mix=WUFUYUAN_MIX,
    area_types=(52.0, 66.0, 80.0),
    target_area=Decimal("33000.00"),
    co_owned_rate=0.25,
    developer="成都市锦城安居建设开发有限公司",
    developer_units=4,
    multi_unit_owners=3,
)

DEMO_DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        code="510104",
        name="锦江区",
        streets=(
            StreetSpec(
                code="510104-SH",
                name="沙河街道",
                communities=(
                    CommunitySpec(
                        code="510104-SH-01",
                        name="沙河社区",
                        compounds=(
                            WUFUYUAN,
                            CompoundSpec(
                                code="510104-SH-01-MJG2",
                                name="马家沟2号院",
                                address="成都市锦江区马家沟2号",
                                year_built=1988,
                                property_mode=PropertyMode.RED,
                                buildings=(
                                    BuildingSpec("1", floors=5, entrances=3),
                                    BuildingSpec("2", floors=5, entrances=2),
                                ),
                                grids=1,
                                region=JINJIANG_REGION,
                                rental_rate=0.25,
                                aging=0.85,
                            ),
                            CompoundSpec(
                                code="510104-SH-01-SHY",
                                name="沙河苑",
                                address="成都市锦江区沙河堡路18号",
                                year_built=2012,
                                property_mode=PropertyMode.MARKET,
                                buildings=tuple(
                                    BuildingSpec(str(n), floors=18, entrances=1, per_floor=4)
                                    for n in (1, 2)
                                ),
                                grids=2,
                                region=JINJIANG_REGION,
                                rental_rate=0.18,
                                aging=0.15,
                                area_types=(89.0, 118.0, 76.0, 128.0),
                                developer="成都沙河置业有限公司",
                                developer_units=6,
                            ),
                        ),
                    ),
                    CommunitySpec(
                        code="510104-SH-02",
                        name="东光社区",
                        compounds=(
                            CompoundSpec(
                                code="510104-SH-02-DG",
                                name="东光小区",
                                address="成都市锦江区东光街36号",
                                year_built=1986,
                                property_mode=PropertyMode.INTERIM,
                                buildings=(
                                    BuildingSpec("1", floors=6, entrances=3),
                                    BuildingSpec("2", floors=6, entrances=2),
                                    BuildingSpec("3", floors=6, entrances=3),
                                ),
                                grids=1,
                                region=JINJIANG_REGION,
                                rental_rate=0.3,
                                aging=0.7,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DistrictSpec(
        code="320508",
        name="姑苏区",
        streets=(
            StreetSpec(
                code="320508-CL",
                name="沧浪街道",
                communities=(
                    CommunitySpec(
                        code="320508-CL-01",
                        name="桂花社区",
                        compounds=(
                            CompoundSpec(
                                code="320508-CL-01-GHXC",
                                name="桂花新村",
                                address="苏州市姑苏区桂花新村",
                                year_built=1985,
                                property_mode=PropertyMode.RED,
                                buildings=tuple(
                                    BuildingSpec(str(n), floors=5, entrances=3) for n in range(1, 7)
                                ),
                                grids=3,
                                region=GUSU_REGION,
                                rental_rate=0.2,
                                aging=0.95,
                            ),
                        ),
                    ),
                    CommunitySpec(
                        code="320508-CL-02",
                        name="金狮社区",
                        compounds=(
                            CompoundSpec(
                                code="320508-CL-02-JSHY5",
                                name="金狮河沿5号",
                                address="苏州市姑苏区金狮河沿5号",
                                year_built=1982,
                                property_mode=PropertyMode.SELF,
                                buildings=(
                                    BuildingSpec("1", floors=4, entrances=2),
                                    BuildingSpec("2", floors=4, entrances=2),
                                ),
                                grids=1,
                                region=GUSU_REGION,
                                rental_rate=0.15,
                                aging=0.9,
                                multi_unit_owners=1,
                            ),
                        ),
                    ),
                    CommunitySpec(
                        code="320508-CL-03",
                        name="南门社区",
                        compounds=(
                            CompoundSpec(
                                code="320508-CL-03-NMXC",
                                name="南门新村",
                                address="苏州市姑苏区南门路",
                                year_built=1990,
                                property_mode=PropertyMode.CITY,
                                buildings=tuple(
                                    BuildingSpec(str(n), floors=6, entrances=2) for n in range(1, 6)
                                ),
                                grids=2,
                                region=GUSU_REGION,
                                rental_rate=0.22,
                                aging=0.75,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
)


def all_compounds() -> list[CompoundSpec]:
    """Every compound of the scenario, in loading order."""
    return [
        compound
        for district in DEMO_DISTRICTS
        for street in district.streets
        for community in street.communities
        for compound in community.compounds
    ]


# --- the accounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: str | None  # None: the superuser for /admin/
    level: str = ""
    place_code: str = ""  # code of the street, community or compound; grids by `grid`
    grid: str = ""  # grid name within `place_code`'s compound


DEMO_ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("jiedao", "王建华", Role.STREET_OFFICIAL, Level.STREET, "510104-SH"),
    AccountSpec("shequ", "李晓梅", Role.COMMUNITY_WORKER, Level.COMMUNITY, "510104-SH-01"),
    AccountSpec("wangge", "张红英", Role.GRID_WORKER, Level.GRID, WUFUYUAN.code, grid="一网格"),
    AccountSpec("shuji", "陈德明", Role.PARTY_SECRETARY, Level.COMPOUND, WUFUYUAN.code),
    AccountSpec("yeweihui", "赵国强", Role.OWNERS_COMMITTEE, Level.COMPOUND, WUFUYUAN.code),
    AccountSpec("wuye", "孙志刚", Role.PROPERTY_STAFF, Level.COMPOUND, WUFUYUAN.code),
    AccountSpec("shegong", "周雨婷", Role.SOCIAL_ORG_STAFF, Level.COMMUNITY, "510104-SH-01"),
    # The resident account speaks for a woman of 75–82 heading a Wufuyuan household, picked
    # when the demo loads: the 78-year-old on her phone that this software must work for.
    AccountSpec("jumin", "", Role.RESIDENT, Level.HOUSEHOLD, WUFUYUAN.code),
    AccountSpec("canglang", "钱丽萍", Role.COMMUNITY_WORKER, Level.COMMUNITY, "320508-CL-01"),
    AccountSpec("admin", "系统管理员", None),
)
# Usernames of the workers of Wufuyuan's other grids: wangge2 … wangge7.
EXTRA_GRID_WORKER_PREFIX = "wangge"
