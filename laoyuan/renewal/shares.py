"""Residents' shares (居民分摊) to the fen, exactly.

A total in yuan is shared out over dwelling units in proportion to their weights — registered
area (登记建筑面积), one each (均摊), or the agreed coefficient of the unit's floor (lifts: low
floors pay less, the ground floor often nothing). Arithmetic is in integers only:

1. the total becomes fen, each weight an integer (scaled by the same power of ten);
2. each unit gets floor(total × weight / Σ weights) fen;
3. the fen left over (fewer than the number of units) go one each to the units with the
   largest remainders (最大余额法); equal remainders go to the unit listed first.

So the shares always add up to the total, each is within one fen of its exact proportion, a
larger weight never pays less than a smaller one, and anyone with the list and the weights
gets the same result.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

FEN = Decimal("0.01")
MAX_WEIGHT_PLACES = 4


class ShareError(ValueError):
    """Carries a message in Chinese for the person who asked."""


@dataclass(frozen=True)
class Share:
    key: Hashable
    weight: Decimal
    fen: int
    extra_fen: bool  # got one of the left-over fen

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.fen) * FEN).quantize(FEN)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_fen(total: Decimal) -> int:
    if not isinstance(total, Decimal) or not total.is_finite():
        raise ShareError("分摊总额应为有限的金额。")
    if total < 0:
        raise ShareError("分摊总额不能为负数。")
    if _places(total) > 2:
        raise ShareError("分摊总额最多精确到分（两位小数）。")
    return int(total * 100)


def allocate(total: Decimal, weights: Sequence[tuple[Hashable, Decimal]]) -> list[Share]:
    """Share `total` (yuan) over `weights` [(key, weight)], in the order given."""
    fen = to_fen(total)
    if not weights:
        raise ShareError("没有可分摊的房屋。")
    for _key, w in weights:
        if not isinstance(w, Decimal) or not w.is_finite() or w < 0:
            raise ShareError("权重应为不小于0的数。")
        if _places(w) > MAX_WEIGHT_PLACES:
            raise ShareError(f"权重最多{MAX_WEIGHT_PLACES}位小数。")
    scale = 10 ** max(_places(w) for _k, w in weights)
    ints = [int(w * scale) for _k, w in weights]
    whole = sum(ints)
    if whole == 0:
        raise ShareError("所有房屋的权重都是0，无法分摊。")
    base = [fen * w // whole for w in ints]
    remainders = [fen * w % whole for w in ints]
    left = fen - sum(base)
    # Largest remainder first; equal remainders keep the order of the list.
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    extra = set(order[:left])
    return [
        Share(key=key, weight=w, fen=base[i] + (1 if i in extra else 0), extra_fen=i in extra)
        for i, (key, w) in enumerate(weights)
    ]


def parse_coefficients(raw: dict[str, object]) -> dict[int, Decimal]:
    """Floor coefficients as agreed ({"1": "0", "2": "0.6", …}) checked: floors are integers,
    coefficients numbers from 0 to 100 with at most four decimals."""
    out: dict[int, Decimal] = {}
    for floor, value in raw.items():
        try:
            number = int(str(floor).strip())
            weight = Decimal(str(value).strip())
        except (ValueError, ArithmeticError) as exc:
            raise ShareError(f"楼层系数“{floor}: {value}”不是数字。") from exc
        if not weight.is_finite() or weight < 0 or weight > 100:
            raise ShareError(f"{number}层的系数应在0到100之间。")
        if _places(weight) > MAX_WEIGHT_PLACES:
            raise ShareError(f"{number}层的系数最多{MAX_WEIGHT_PLACES}位小数。")
        out[number] = weight
    if not out:
        raise ShareError("按楼层分摊须填写各层的系数。")
    return out
