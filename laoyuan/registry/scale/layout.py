"""Synthetic places: how a compound (小区) is laid out in buildings (楼栋), stairwells (单元)
and flats (房屋), how its households are cut into micro-grids (微网格) of 30–100, and names.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from laoyuan.registry.models import Grid

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 105 → 一百零五 (for names such as 三网格)."""
    if n < 0 or n > 999:
        raise ValueError(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    if rest < 20:
        return head + "一" + chinese_number(rest)
    return head + chinese_number(rest)


def grid_slices(count: int, rng: random.Random) -> list[tuple[int, int]]:
    """Cut `count` households (in building order) into micro-grids of 30–100 where possible.

    A compound of fewer than 30 households is one grid: a grid never spans two compounds."""
    if count <= 0:
        return []
    grids = max(1, round(count / rng.uniform(50, 80)))
    grids = max(grids, math.ceil(count / Grid.RECOMMENDED_MAX))
    grids = min(grids, max(1, count // Grid.RECOMMENDED_MIN))
    return [(count * i // grids, count * (i + 1) // grids) for i in range(grids)]


def quantize_area(value: float) -> Decimal:
    """Square metres with two decimals, as registered (不动产登记)."""
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BuildingLayout:
    number: int
    floors: int
    per_floor: int  # flats per landing (一梯几户)
    entrances: int
    units: int  # may be fewer than floors × per_floor × entrances in the last building


def building_layouts(units: int, *, old: bool, rng: random.Random) -> list[BuildingLayout]:
    """Walk-up blocks of 5–7 floors for old compounds, towers of 11–33 floors for new ones,
    adding buildings until the compound has exactly `units` flats."""
    layouts: list[BuildingLayout] = []
    remaining = units
    number = 1
    while remaining > 0:
        if old:
            floors, per_floor, entrances = (
                rng.randint(5, 7),
                rng.choice((2, 2, 2, 3)),
                rng.randint(2, 5),
            )
        else:
            floors, per_floor, entrances = (
                rng.randint(11, 33),
                rng.choice((2, 3, 4)),
                rng.randint(1, 2),
            )
        full = floors * per_floor * entrances
        if remaining < full:
            # The last (or only) building: as many entrances as needed, the top floor part-full.
            entrances = max(1, min(entrances, math.ceil(remaining / (floors * per_floor))))
            floors = min(floors, math.ceil(remaining / (per_floor * entrances)))
            full = remaining
        layouts.append(BuildingLayout(number, floors, per_floor, entrances, full))
        remaining -= full
        number += 1
    return layouts


def flat_positions(layout: BuildingLayout) -> list[tuple[int, int, int]]:
    """(entrance, floor, position on the landing) of each flat, stairwell by stairwell."""
    out: list[tuple[int, int, int]] = []
    for entrance in range(1, layout.entrances + 1):
        for floor in range(1, layout.floors + 1):
            for position in range(1, layout.per_floor + 1):
                if len(out) < layout.units:
                    out.append((entrance, floor, position))
    return out


def unit_area(rng: random.Random, *, old: bool, position_on_floor: int) -> Decimal:
    """Registered floor area of a flat: old blocks put one-, two- and three-room flats side by
    side on a landing (about 48, 62 and 76 m²); towers are larger."""
    if old:
        base = (48.0, 62.0, 76.0)[position_on_floor % 3]
        return quantize_area(min(98.0, max(36.0, rng.gauss(base, 4.0))))
    base = (89.0, 118.0, 76.0, 136.0)[position_on_floor % 4]
    return quantize_area(min(180.0, max(52.0, rng.gauss(base, 6.0))))


STREET_WORDS = tuple(
    "锦华 东湖 莲新 盐市 督院 书院 牛王 合江 水津 双桂 柳江 成龙 三圣 龙舟 福字 桂王 "
    "青石 玉带 红星 望江 九眼 白塔 金沙 银河 星辉 翠微 芙蓉 海椒".split()
)
PLACE_WORDS = tuple(
    "安 康 福 寿 泰 和 顺 兴 平 宁 华 荣 锦 绣 春 秋 明 光 德 仁 义 祥 瑞 新 民 丰 "
    "桂 兰 梅 竹 松 柏 荷 枫 桃 李 杏 柳 芳 园 江 河 湖 海 山 石 泉 桥 塘 湾".split()
)
OLD_COMPOUND_SUFFIXES = ("新村", "小区", "院", "宿舍", "里", "公寓", "坊")
NEW_COMPOUND_SUFFIXES = ("花园", "苑", "华府", "公馆", "家园", "名城", "雅居", "府")
ROAD_SUFFIXES = ("路", "街", "巷", "大道")


def place_name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.sample(PLACE_WORDS, 2)) + suffix


def address(rng: random.Random) -> str:
    road = rng.choice(PLACE_WORDS) + rng.choice(PLACE_WORDS) + rng.choice(ROAD_SUFFIXES)
    return f"{road}{rng.randint(1, 300)}号"
