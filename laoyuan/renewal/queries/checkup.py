"""Reads of the infrastructure check-up (城市体检) of a compound: the inventory with each asset's
latest rating, the check-ups, and the compound's indicators:

- buildings needing an age-friendly retrofit (需适老化改造的楼栋): four floors or more, and no
  lift in the inventory for that building;
- the parking gap (停车缺口): the latest check-up's demand less the parking spaces counted;
- no e-bike charging (无电动车充电设施): no charging point counted, or every one rated poor;
- no property management (无物业管理): the compound's property mode in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from laoyuan.registry.models import Building, Compound, PropertyMode
from laoyuan.renewal.models import POOR_CONDITIONS, Asset, Checkup, ConditionRating

LIFT_FLOORS = 4  # walk-ups of this many floors or more need a lift to be age-friendly


def inventory(compound: Compound) -> QuerySet[Asset]:
    """The compound's assets, each with its latest rating (condition and the rating's id)."""
    latest = ConditionRating.objects.filter(asset=OuterRef("pk")).order_by(
        "-checkup__checked_on", "-checkup_id"
    )
    return (
        Asset.objects.filter(compound=compound)
        .select_related("building")
        .annotate(
            latest_condition=Subquery(latest.values("condition")[:1]),
            latest_rating_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by("asset_type", "building_id", "id")
    )


def checkups(compound: Compound) -> QuerySet[Checkup]:
    return Checkup.objects.filter(compound=compound).order_by("-checked_on", "-id")


def checkup_ratings(checkup: Checkup) -> QuerySet[ConditionRating]:
    return (
        ConditionRating.objects.filter(checkup=checkup)
        .select_related("asset__building")
        .prefetch_related("proposed_projects", "rectifications")
        .order_by("asset__asset_type", "asset_id")
    )


@dataclass
class Indicators:
    buildings: int
    needing_lift: list[Building]
    parking_spaces: Decimal | None
    parking_demand: int | None
    chargers: Decimal
    chargers_working: bool
    property_mode: str
    property_label: str

    @property
    def parking_gap(self) -> int | None:
        if self.parking_demand is None:
            return None
        return max(self.parking_demand - int(self.parking_spaces or 0), 0)

    @property
    def no_ebike_charging(self) -> bool:
        return not self.chargers or not self.chargers_working

    @property
    def no_property_management(self) -> bool:
        return self.property_mode == PropertyMode.NONE


def indicators(compound: Compound) -> Indicators:
    """The compound's indicators (five queries)."""
    lifts = set(
        Asset.objects.filter(compound=compound, asset_type="lift", building__isnull=False)
        .exclude(quantity=0)
        .values_list("building_id", flat=True)
    )
    buildings = list(Building.objects.filter(compound=compound).order_by("number"))
    needing = [b for b in buildings if (b.floors or 0) >= LIFT_FLOORS and b.pk not in lifts]
    totals = dict(
        Asset.objects.filter(compound=compound, asset_type__in=("parking", "charger"))
        .values("asset_type")
        .annotate(q=Sum("quantity"))
        .values_list("asset_type", "q")
        .order_by()
    )
    chargers = [
        a.latest_condition
        for a in inventory(compound).filter(asset_type="charger").exclude(quantity=0)
    ]
    latest = checkups(compound).exclude(parking_demand__isnull=True).first()
    return Indicators(
        buildings=len(buildings),
        needing_lift=needing,
        parking_spaces=totals.get("parking"),
        parking_demand=latest.parking_demand if latest else None,
        chargers=totals.get("charger") or Decimal("0"),
        chargers_working=any(c not in POOR_CONDITIONS for c in chargers),
        property_mode=compound.property_mode,
        property_label=str(compound.get_property_mode_display()),
    )
