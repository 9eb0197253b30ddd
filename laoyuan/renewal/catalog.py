"""The renewal catalogue (改造目录), kept as data in `renewal/data/catalog.json`:

- item types (改造内容): drainage, façade, roads, parking, lift, e-bike shed, canteen, … each in
  one of the three classes of renovation content — basic (基础类: water, power, gas, roads,
  drainage, safety), improvement (完善类: lifts, parking, barrier-free, property rooms) and upgrade
  (提升类: elderly care, childcare, canteens, convenience services) — with its usual unit and the
  voices subcategories (voices/data/taxonomy.json) that ask for it;
- asset types of the infrastructure check-up (城市体检): pipes, roads, lights, walls, roofs,
  lifts, fire equipment, chargers, … each with its unit and the item type a poor rating proposes.

Each item type and asset type names the case category (工单分类, cases/data/categories.json)
that a rectification item about it opens its case under.

Projects and assets store the code; the name is looked up here, in Chinese or English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"
CLASSES = ("basic", "improvement", "upgrade")


@dataclass(frozen=True)
class ItemType:
    code: str
    name_zh: str
    name_en: str
    renewal_class: str
    unit: str
    voice_subcategories: tuple[str, ...]
    case_category: str = ""

    @property
    def name(self) -> str:
        return _pick(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class AssetType:
    code: str
    name_zh: str
    name_en: str
    unit: str
    proposes: str  # the item type a poor rating proposes
    case_category: str = ""

    @property
    def name(self) -> str:
        return _pick(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Catalog:
    item_types: dict[str, ItemType]
    asset_types: dict[str, AssetType]
    units: dict[str, str]


def _pick(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") and en else zh


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    raw = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    items = {
        r["code"]: ItemType(
            code=r["code"],
            name_zh=r["name"],
            name_en=r.get("en", ""),
            renewal_class=r["class"],
            unit=r["unit"],
            voice_subcategories=tuple(r.get("voices", ())),
            case_category=r.get("case_category", ""),
        )
        for r in raw["item_types"]
    }
    assets = {
        r["code"]: AssetType(
            code=r["code"],
            name_zh=r["name"],
            name_en=r.get("en", ""),
            unit=r["unit"],
            proposes=r["proposes"],
            case_category=r.get("case_category", ""),
        )
        for r in raw["asset_types"]
    }
    bad_class = [t.code for t in items.values() if t.renewal_class not in CLASSES]
    bad_link = [a.code for a in assets.values() if a.proposes not in items]
    if bad_class or bad_link:
        raise ValueError(f"catalog.json: bad class {bad_class}, unknown item type in {bad_link}")
    return Catalog(items, assets, dict(raw.get("units", {})))


def item_type(code: str) -> ItemType | None:
    return catalog().item_types.get(code)


def item_types() -> list[ItemType]:
    return list(catalog().item_types.values())


def item_type_choices() -> list[tuple[str, str]]:
    """Grouped by class, for a <select> (the class label comes from RenewalClass)."""
    from laoyuan.renewal.models import RenewalClass

    groups = []
    for value, label in RenewalClass.choices:
        groups.append((label, [(t.code, t.name) for t in item_types() if t.renewal_class == value]))
    return groups


def item_type_name(code: str) -> str:
    found = item_type(code)
    return found.name if found else code


def asset_type(code: str) -> AssetType | None:
    return catalog().asset_types.get(code)


def asset_types() -> list[AssetType]:
    return list(catalog().asset_types.values())


def asset_type_name(code: str) -> str:
    found = asset_type(code)
    return found.name if found else code


def unit_name(unit: str) -> str:
    """A unit of quantity (米, 平方米 …) in the reader's language."""
    if (get_language() or "").startswith("en"):
        return catalog().units.get(unit, unit)
    return unit


def guess_item_type(category: str, subcategory: str) -> ItemType:
    """The item type a topic of this voices (sub)category asks for; "other" of the class the
    category most often means when nothing matches."""
    for t in item_types():
        if subcategory and subcategory in t.voice_subcategories:
            return t
    by_category = {
        "一老一小": "other_upgrade",
        "公共服务": "other_upgrade",
        "停车充电": "other_improvement",
        "加装电梯与适老化": "other_improvement",
        "环境卫生": "other_improvement",
        "物业服务": "other_improvement",
    }
    return catalog().item_types[by_category.get(category, "other_basic")]
