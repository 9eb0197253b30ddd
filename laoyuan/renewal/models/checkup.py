"""The infrastructure check-up (城市体检) of a compound: its inventory of assets (设施台账 —
pipes, roads, lights, walls, roofs, lifts, fire equipment, chargers …, types in the catalogue)
and periodic check-ups (体检) that rate each asset's condition. A poor rating proposes a
project (into the library) or a rectification item, linked back to the rating.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.renewal.models.projects import QUANTITY


def compound_paths(prefix: str = "") -> dict[str, str]:
    """Scope paths through the compound (assets and check-ups carry no street of their own:
    there are a few dozen per compound, not hundreds of thousands)."""
    return {
        "district": f"{prefix}compound__community__street__district_id",
        "street": f"{prefix}compound__community__street_id",
        "community": f"{prefix}compound__community_id",
        "compound": f"{prefix}compound_id",
        "building": f"{prefix}compound__buildings",
        "grid": f"{prefix}compound__grids",
    }


class Condition(models.TextChoices):
    GOOD = "good", _("完好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")
    DANGEROUS = "dangerous", _("危险")


# Ratings that call for action: a project or a rectification item.
POOR_CONDITIONS = (Condition.POOR, Condition.DANGEROUS)


class Asset(TimeStamped):
    """One line of the compound's inventory: an asset type, where, how much."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="renewal_assets"
    )
    asset_type = models.CharField(_("设施类型"), max_length=32)
    name = models.CharField(_("名称或位置"), max_length=120)
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(
        _("数量"), **QUANTITY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    installed_year = models.PositiveSmallIntegerField(_("建设年份"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = compound_paths()

    class Meta:
        verbose_name = _("设施")
        verbose_name_plural = _("设施台账")
        ordering = ["compound", "asset_type", "id"]
        indexes = [models.Index(fields=["compound", "asset_type"])]

    def __str__(self) -> str:
        return self.name

    @property
    def asset_type_name(self) -> str:
        from laoyuan.renewal.catalog import asset_type_name

        return asset_type_name(self.asset_type)


class Checkup(TimeStamped):
    """One periodic check-up (体检) of a compound, rating every asset inspected."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="renewal_checkups"
    )
    checked_on = models.DateField(_("体检日期"))
    inspector = models.CharField(_("体检单位或人员"), max_length=120)
    # Households that need a parking space: with the spaces of the inventory, the parking gap.
    parking_demand = models.PositiveIntegerField(_("停车需求（个）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = compound_paths()

    class Meta:
        verbose_name = _("体检")
        verbose_name_plural = _("体检")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["compound", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.checked_on:%Y-%m-%d} {self.inspector}"


class ConditionRating(models.Model):
    checkup = models.ForeignKey(Checkup, on_delete=models.CASCADE, related_name="ratings")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="ratings")
    condition = models.CharField(_("状况"), max_length=12, choices=Condition.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = compound_paths("checkup__")

    class Meta:
        verbose_name = _("体检评级")
        verbose_name_plural = _("体检评级")
        ordering = ["checkup", "asset_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkup", "asset"], name="one_rating_per_asset")
        ]

    def __str__(self) -> str:
        return f"{self.asset} {self.condition}"

    @property
    def is_poor(self) -> bool:
        return self.condition in POOR_CONDITIONS
