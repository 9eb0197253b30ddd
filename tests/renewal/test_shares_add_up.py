"""Given any total in yuan and any set of weights (registered areas, equal shares, floor
coefficients), when the total is shared out, then the shares add up exactly to the total, each
is within one fen of its exact proportion, a larger weight never pays less, and the same input
always gives the same result (property-based, hypothesis)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laoyuan.renewal.shares import ShareError, allocate, parse_coefficients

totals = st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen) / 100)
areas = st.integers(min_value=1, max_value=5_000_000).map(lambda x: Decimal(x) / 100)
coefficients = st.integers(min_value=0, max_value=30_000).map(lambda x: Decimal(x) / 10_000)


def _check(total: Decimal, weights: list[Decimal]) -> None:
    shares = allocate(total, list(enumerate(weights)))
    # then they add up to the total, to the fen
    assert sum(s.amount for s in shares) == total
    assert sum(s.fen for s in shares) == int(total * 100)
    whole = sum(weights)
    for s in shares:
        exact = Fraction(int(total * 100)) * Fraction(s.weight) / Fraction(whole)
        # each within one fen of its exact share, never below its floor
        assert exact - 1 < s.fen < exact + 1
        assert s.amount == s.amount.quantize(Decimal("0.01"))
        assert s.fen >= 0
    # a larger weight never pays less; zero weight pays nothing
    for a in shares:
        if a.weight == 0:
            assert a.fen == 0
        for b in shares:
            if a.weight > b.weight:
                assert a.fen >= b.fen
    # the left-over fen are fewer than the units, one each
    assert sum(s.extra_fen for s in shares) < len(shares)
    # and the same input gives the same result
    assert allocate(total, list(enumerate(weights))) == shares


@settings(max_examples=300, deadline=None)
@given(total=totals, weights=st.lists(areas, min_size=1, max_size=80))
def test_shares_by_area_add_up_exactly_for_any_total_and_any_areas(total, weights):
    _check(total, weights)


@settings(max_examples=200, deadline=None)
@given(total=totals, n=st.integers(min_value=1, max_value=600))
def test_equal_shares_add_up_and_differ_by_at_most_one_fen(total, n):
    shares = allocate(total, [(i, Decimal(1)) for i in range(n)])
    assert sum(s.amount for s in shares) == total
    assert max(s.fen for s in shares) - min(s.fen for s in shares) <= 1


@settings(max_examples=200, deadline=None)
@given(
    total=totals,
    weights=st.lists(coefficients, min_size=1, max_size=40).filter(lambda ws: any(ws)),
)
def test_floor_coefficients_with_free_ground_floors_add_up(total, weights):
    _check(total, weights)


def test_a_lift_shared_by_floor_coefficients_leaves_the_ground_floor_free():
    # given a six-floor stairwell, two flats a floor, the ground floor paying nothing
    coefficients = parse_coefficients(
        {"1": "0", "2": "0.6", "3": "0.8", "4": "1", "5": "1.2", "6": "1.4"}
    )
    weights = [(f"{floor}0{door}", coefficients[floor]) for floor in range(1, 7) for door in (1, 2)]
    # when 100,000.00 yuan are shared
    shares = {s.key: s.amount for s in allocate(Decimal("100000.00"), weights)}
    # then the ground floor pays nothing, the top floor most, and it adds up
    assert shares["101"] == shares["102"] == Decimal("0.00")
    assert shares["601"] == Decimal("14000.00")
    assert shares["201"] == Decimal("6000.00")
    assert sum(shares.values()) == Decimal("100000.00")


def test_the_left_over_fen_go_to_the_largest_remainders_then_in_list_order():
    # 0.10 over three equal units: 3 fen each, the one left goes to the first listed
    shares = allocate(Decimal("0.10"), [("a", Decimal(1)), ("b", Decimal(1)), ("c", Decimal(1))])
    assert [(s.key, s.fen, s.extra_fen) for s in shares] == [
        ("a", 4, True),
        ("b", 3, False),
        ("c", 3, False),
    ]


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (Decimal("1.005"), [Decimal(1)], "最多精确到分"),
        (Decimal("-1"), [Decimal(1)], "不能为负数"),
        (Decimal("10"), [], "没有可分摊的房屋"),
        (Decimal("10"), [Decimal(0), Decimal(0)], "权重都是0"),
        (Decimal("10"), [Decimal("-1")], "不小于0"),
        (Decimal("10"), [Decimal("0.00001")], "最多4位小数"),
        (Decimal("NaN"), [Decimal(1)], "有限的金额"),
    ],
)
def test_it_refuses_what_cannot_be_shared_with_a_chinese_reason(total, weights, message):
    with pytest.raises(ShareError, match=message):
        allocate(total, list(enumerate(weights)))
