"""What every renewal action shares: permission checks on the object's place, the project's
timeline, and checking typed text. Not for use outside the renewal actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Compound
from laoyuan.renewal.models import Project, ProjectEvent
from laoyuan.voices.engine.text import redact
from laoyuan.voices.places import may_on_compound

MAX_MONEY = Decimal("999999999999.99")


def require(actor: User, permission: str, obj) -> None:
    if actor is None or not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


def require_compound(actor: User, permission: str, compound: Compound) -> None:
    """Renewal work is compound-wide: a grid worker works on her grid's whole compound."""
    if actor is None or not may_on_compound(actor, permission, compound):
        raise PermissionDenied(permission)


def event(project: Project, actor: User | None, kind: str, **fields) -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, actor=actor, kind=kind, **fields)


def text(
    value: object,
    field: str,
    problems: dict[str, str],
    *,
    label: str,
    most: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """A stripped text, redacted (no phones or ID numbers), its problem noted under `field`."""
    clean = str(value or "").strip()
    if not multiline:
        clean = " ".join(clean.split())
    if required and not clean:
        problems[field] = _("请填写{label}。").format(label=label)
    elif len(clean) > most:
        problems[field] = _("{label}最多{n}个字。").format(label=label, n=most)
    elif any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in clean):
        problems[field] = _("{label}不能包含控制字符。").format(label=label)
    return redact(clean) if clean else ""


def money(
    value: object,
    field: str,
    problems: dict[str, str],
    *,
    label: str,
    positive: bool = True,
    required: bool = True,
    example: str = "12500.00",
) -> Decimal | None:
    """An amount (of yuan, or a quantity) to two decimal places: a Decimal, never a float."""
    if value in (None, ""):
        if required:
            problems[field] = _("请填写{label}。").format(label=label)
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        problems[field] = _("{label}应为数字，例如 {example}。").format(
            label=label, example=example
        )
        return None
    if not amount.is_finite():
        problems[field] = _("{label}应为数字，例如 {example}。").format(
            label=label, example=example
        )
        return None
    if amount != amount.quantize(Decimal("0.01")):
        problems[field] = _("{label}最多两位小数。").format(label=label)
        return None
    if amount < 0 or (positive and amount == 0):
        problems[field] = _("{label}应大于0。").format(label=label)
        return None
    if amount > MAX_MONEY:
        problems[field] = _("{label}数值过大。").format(label=label)
        return None
    return amount.quantize(Decimal("0.01"))


def plausible_date(
    value: dt.date | None, field: str, problems: dict[str, str], *, label: str, required=True
) -> dt.date | None:
    if value is None:
        if required:
            problems[field] = _("请填写{label}。").format(label=label)
        return None
    if not isinstance(value, dt.date) or value.year < 2000 or value.year > 2100:
        problems[field] = _("{label}不合理：应在2000年到2100年之间。").format(label=label)
        return None
    return value


def fail(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


def quantity(
    value: object,
    field: str,
    problems: dict[str, str],
    *,
    label: str,
    positive: bool = True,
    required: bool = True,
) -> Decimal | None:
    """A quantity (metres, m², pieces) with at most two decimals."""
    return money(
        value, field, problems, label=label, positive=positive, required=required, example="200.5"
    )
