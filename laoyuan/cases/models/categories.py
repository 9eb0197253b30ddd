"""Categories of cases (工单分类) and their service levels (办理时限).

A category is one second-level concern of the taxonomy in domain.md §11 (管网 · 供水与二次供水),
with a stable short `code` (also the Open311 `service_code`), a description, its group (the
first level), and, where a case of it needs more facts, a list of attribute definitions in the
Open311 GeoReport v2 shape. Its default service level says within how much *working time* a case
must be accepted, first answered and solved; a street may override any of them
(`ServiceLevel`). The shipped categories live in `cases/data/categories.json` and are written
after every migrate (`cases.categories`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.cases.models.parties import PartyKind
from laoyuan.core.models import TimeStamped


class Category(TimeStamped):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    group = models.CharField(_("大类"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    # Open311 attribute definitions: [{"code", "datatype", "required", "description", "order",
    # "values": [{"key", "name"}]}]; a case keeps its answers in `Case.attributes`.
    attributes = models.JSONField(_("附加信息定义"), default=list, blank=True)
    # Which kind of party usually handles it: the dispatch form offers those parties first.
    usual_party_kind = models.CharField(
        _("通常的责任方类型"), max_length=16, choices=PartyKind.choices, blank=True
    )
    # Default service level, in seconds of working time (core.workdays).
    accept_seconds = models.PositiveIntegerField(_("受理时限（工作时间，秒）"))
    respond_seconds = models.PositiveIntegerField(_("首次响应时限（工作时间，秒）"))
    solve_seconds = models.PositiveIntegerField(_("办结时限（工作时间，秒）"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("工单分类")
        verbose_name_plural = _("工单分类")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.group} · {self.name}"


class ServiceLevel(TimeStamped):
    """A street's own service level for one category (本街道时限), overriding the default."""

    street = models.ForeignKey(
        "registry.Street", on_delete=models.CASCADE, related_name="service_levels"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="overrides")
    accept_seconds = models.PositiveIntegerField(_("受理时限（工作时间，秒）"))
    respond_seconds = models.PositiveIntegerField(_("首次响应时限（工作时间，秒）"))
    solve_seconds = models.PositiveIntegerField(_("办结时限（工作时间，秒）"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {"district": "street__district_id", "street": "street_id"}

    class Meta:
        verbose_name = _("街道办理时限")
        verbose_name_plural = _("街道办理时限")
        constraints = [
            models.UniqueConstraint(fields=["street", "category"], name="service_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.street} · {self.category}"
