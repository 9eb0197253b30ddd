"""Writes of the infrastructure check-up (城市体检): the compound's inventory of assets, each
periodic check-up with a rating per asset, and what a poor rating proposes — a project in the
library or an item on the rectification list, linked back to the rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.registry.models import Building, Compound
from laoyuan.renewal import catalog
from laoyuan.renewal.actions.common import (
    fail,
    plausible_date,
    quantity,
    require,
    require_compound,
    text,
)
from laoyuan.renewal.actions.projects import ProjectFields, project_create
from laoyuan.renewal.actions.rectification import rectification_new
from laoyuan.renewal.models import (
    Asset,
    Checkup,
    Condition,
    ConditionRating,
    Origin,
    Project,
    RectificationItem,
)

MAX_RATINGS = 500


@transaction.atomic
def asset_add(
    *,
    actor: User,
    compound: Compound,
    asset_type: str,
    name: str,
    building: Building | None = None,
    quantity_value: Decimal | str | None = None,
    unit: str = "",
    installed_year: int | None = None,
) -> Asset:
    """Add an asset to the compound's inventory (设施台账)."""
    require_compound(actor, "renewal.checkup", compound)
    problems: dict[str, str] = {}
    kind = catalog.asset_type(asset_type or "")
    if kind is None:
        problems["asset_type"] = _("请选择设施类型。")
    name = text(name, "name", problems, label=_("名称或位置"), most=120)
    amount = quantity(
        quantity_value, "quantity", problems, label=_("数量"), required=False, positive=False
    )
    unit = text(unit, "unit", problems, label=_("单位"), most=10, required=False)
    if building is not None and building.compound_id != compound.pk:
        problems["building"] = _("所选楼栋不在这个小区。")
    this_year = timezone.localdate().year
    if installed_year is not None and not 1900 <= installed_year <= this_year:
        problems["installed_year"] = _("建设年份应在1900年到{year}年之间。").format(year=this_year)
    fail(problems)
    asset = Asset.objects.create(
        compound=compound,
        asset_type=kind.code,
        name=name,
        building=building,
        quantity=amount,
        unit=unit or (kind.unit if amount is not None else ""),
        installed_year=installed_year,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="renewal.asset_add",
        obj=asset,
        changes={"type": kind.code, "quantity": amount},
    )
    return asset


@dataclass
class RatingEntry:
    asset: Asset
    condition: str
    note: str = ""


@transaction.atomic
def checkup_record(
    *,
    actor: User,
    compound: Compound,
    checked_on: dt.date | None,
    inspector: str,
    ratings: Sequence[RatingEntry],
    parking_demand: int | None = None,
    note: str = "",
) -> Checkup:
    """Record a check-up (体检) of the compound, rating each asset inspected."""
    require_compound(actor, "renewal.checkup", compound)
    problems: dict[str, str] = {}
    day = plausible_date(checked_on, "checked_on", problems, label=_("体检日期"))
    if day and day > timezone.localdate():
        problems["checked_on"] = _("体检日期不能晚于今天。")
    inspector = text(inspector, "inspector", problems, label=_("体检单位或人员"), most=120)
    note = text(note, "note", problems, label=_("说明"), most=5000, required=False, multiline=True)
    if parking_demand is not None and not 0 <= parking_demand <= 100_000:
        problems["parking_demand"] = _("停车需求应为0到100000之间的整数。")
    rated = [r for r in ratings if r.condition]
    if not rated:
        problems["ratings"] = _("请至少为一项设施评级。")
    elif len(rated) > MAX_RATINGS:
        problems["ratings"] = _("一次最多评级{n}项设施。").format(n=MAX_RATINGS)
    seen: set[int] = set()
    for r in rated:
        if r.asset.compound_id != compound.pk:
            problems["ratings"] = _("设施“{name}”不在这个小区。").format(name=r.asset.name)
        elif r.condition not in Condition.values:
            problems["ratings"] = _("设施“{name}”的状况不对。").format(name=r.asset.name)
        elif r.asset.pk in seen:
            problems["ratings"] = _("设施“{name}”评了两次。").format(name=r.asset.name)
        seen.add(r.asset.pk)
    clean_notes = [
        text(r.note, "ratings", problems, label=_("评级说明"), most=200, required=False)
        for r in rated
    ]
    fail(problems)
    checkup = Checkup.objects.create(
        compound=compound,
        checked_on=day,
        inspector=inspector,
        parking_demand=parking_demand,
        note=note,
        created_by=actor,
    )
    ConditionRating.objects.bulk_create(
        ConditionRating(checkup=checkup, asset=r.asset, condition=r.condition, note=n)
        for r, n in zip(rated, clean_notes, strict=True)
    )
    audit_log(
        actor=actor,
        action="renewal.checkup_record",
        obj=checkup,
        changes={
            "ratings": len(rated),
            "poor": sum(1 for r in rated if r.condition in (Condition.POOR, Condition.DANGEROUS)),
        },
    )
    return checkup


def _proposable(rating: ConditionRating) -> None:
    if not rating.is_poor:
        raise ValidationError(_("只有评为“较差”或“危险”的设施才需要立项或整治。"))
    if rating.proposed_projects.exists() or rating.rectifications.exists():
        raise ValidationError(_("这条评级已经转为项目或整治事项了。"))


@transaction.atomic
def rating_to_project(*, actor: User, rating: ConditionRating) -> Project:
    """A poor rating proposes a project: into the library, of the item type the asset type
    calls for, linked to the rating."""
    rating = (
        ConditionRating.objects.select_for_update()
        .select_related("asset", "checkup__compound__community")
        .get(pk=rating.pk)
    )
    _proposable(rating)
    kind = catalog.asset_type(rating.asset.asset_type)
    item_type = kind.proposes if kind else "other_basic"
    found = _("{date}体检：{asset}{condition}").format(
        date=rating.checkup.checked_on,
        asset=rating.asset.name,
        condition=rating.get_condition_display(),
    )
    return project_create(
        actor=actor,
        compound=rating.checkup.compound,
        fields=ProjectFields(
            title=_("{asset}改造").format(asset=rating.asset.name)[:120],
            item_type=item_type,
            description=found + (f"。{rating.note}" if rating.note else ""),
            buildings=[rating.asset.building] if rating.asset.building else [],
        ),
        from_rating=rating,
    )


@transaction.atomic
def rating_to_rectification(
    *, actor: User, rating: ConditionRating, responsible_party: str, work_days: int | None
) -> RectificationItem:
    """A poor rating proposes an item on the rectification list, linked to the rating."""
    rating = (
        ConditionRating.objects.select_for_update()
        .select_related("asset", "checkup__compound__community")
        .get(pk=rating.pk)
    )
    compound = rating.checkup.compound
    require(actor, "renewal.view", rating)
    require_compound(actor, "renewal.manage", compound)
    _proposable(rating)
    return rectification_new(
        actor=actor,
        compound=compound,
        origin=Origin.CHECKUP,
        title=_("{asset}{condition}").format(
            asset=rating.asset.name, condition=rating.get_condition_display()
        )[:120],
        description=rating.note,
        location=rating.asset.name,
        responsible_party=responsible_party,
        found_on=rating.checkup.checked_on,
        work_days=work_days,
        rating=rating,
    )
