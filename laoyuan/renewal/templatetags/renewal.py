"""Template filters of the renewal pages: money in yuan to the fen, units and catalogue names
in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from django import template

from laoyuan.renewal import catalog

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12345.5 → "12,345.50" (Decimal in, text out; never through a float)."""
    if value in (None, ""):
        return "—"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return f"{amount:,.2f}"


@register.filter
def unit_name(value: str) -> str:
    return catalog.unit_name(value or "")


@register.filter
def item_type_name(code: str) -> str:
    return catalog.item_type_name(code or "")


@register.filter
def asset_type_name(code: str) -> str:
    return catalog.asset_type_name(code or "")


@register.filter
def quantity(value) -> str:
    """200.00 → "200", 12.50 → "12.5": a quantity without trailing zeros."""
    if value in (None, ""):
        return "—"
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def condition_label(code: str) -> str:
    from laoyuan.renewal.models import Condition

    return str(dict(Condition.choices).get(code, code or ""))
