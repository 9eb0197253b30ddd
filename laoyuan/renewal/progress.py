"""A project's progress (形象进度), exact: the weighted share of its work items done.

progress = Σ weight × min(done, planned) / planned  ÷  Σ weight, kept as a fraction; it is
shown rounded *down* to 0.1 %, so "100%" appears only when every item is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


def progress(items: Iterable[tuple[int, Decimal, Decimal]]) -> Fraction | None:
    """(weight, planned, done) per work item → the project's progress in [0, 1], or None when
    there are no work items (nothing planned, nothing to measure)."""
    total_weight = 0
    done = Fraction(0)
    for weight, planned, quantity in items:
        if weight <= 0 or planned <= 0:
            continue
        total_weight += weight
        done += weight * min(Fraction(quantity), Fraction(planned)) / Fraction(planned)
    if not total_weight:
        return None
    return done / total_weight


def percent_down(value: Fraction | None) -> str:
    """A fraction in [0, 1] as a percentage with one decimal, rounded down ("—" for None)."""
    if value is None:
        return "—"
    tenths = (value * 1000).numerator // (value * 1000).denominator
    return f"{tenths // 10}.{tenths % 10}"


def percent_half_up(part: int, whole: int) -> str:
    """part/whole as a percentage with one decimal, rounded half up, in integers only."""
    if not whole:
        return "—"
    tenths = (part * 2000 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"
