"""Responsible parties (责任方) of case work and their contacts.

A party is an organisation that fixes things: the community's own team (社区两委), the property
company (物业), a utility (供水、供电、燃气、通信), a street department (城管办、住建办), a social
organisation (社会组织). It belongs to a street and serves the whole street, one community or
one compound. The accounts that act for it hold the role "party staff" (责任单位人员) assigned on
the party itself (`RoleAssignment.party`), so the one scoping mechanism shows them the cases
assigned to their party and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped


class PartyKind(models.TextChoices):
    COMMUNITY = "community", _("社区工作团队")
    PROPERTY = "property", _("物业服务企业")
    WATER = "water", _("供水单位")
    POWER = "power", _("供电单位")
    GAS = "gas", _("燃气单位")
    TELECOM = "telecom", _("通信运营商")
    DEPARTMENT = "department", _("街道职能部门")
    SOCIAL_ORG = "social_org", _("社会组织")
    OTHER = "other", _("其他单位")


# How a party is reached from each level of the place tree. A party serves its street (or a
# community or compound in it): everyone working in the street may look it up to dispatch to it
# or to call it, so the levels below the street reach it through the street. Its own staff reach
# it through their assignment on the party.
PARTY_SCOPE_PATHS = {
    "district": "street__district_id",
    "street": "street_id",
    "community": "street__communities",
    "compound": "street__communities__compounds",
    "building": "street__communities__compounds__buildings",
    "grid": "street__communities__compounds__grids",
    "party": "id",
}


class Party(TimeStamped):
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=PartyKind.choices)
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="parties")
    # Where it serves: the whole street (both empty), one community, or one compound.
    community = models.ForeignKey(
        "registry.Community",
        verbose_name=_("服务社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name=_("服务小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Other names people write for it ("自来水公司" for the water company's local office): a
    # decision's free-text "responsible party" is matched against the name and these.
    aliases = models.JSONField(_("别称"), default=list, blank=True)
    duty = models.TextField(_("职责范围"), blank=True)
    # The organisation's own service number (e.g. a utility's 24-hour line): not personal data.
    service_phone = models.CharField(_("服务电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = PARTY_SCOPE_PATHS

    class Meta:
        verbose_name = _("责任方")
        verbose_name_plural = _("责任方")
        ordering = ["street", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="party_name_unique_in_street")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def serves(self) -> str:
        """Where it serves, as a reader says it."""
        if self.compound_id:
            return str(self.compound)
        if self.community_id:
            return str(self.community)
        return str(self.street)


class PartyContact(TimeStamped):
    """A person to call at a party (联系人): name, post and phone. The phone is personal data:
    encrypted, blind-indexed and masked like a resident's (core.pii); every reveal is logged."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=40)
    post = models.CharField(_("职务"), max_length=40, blank=True)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("电话"), max_length=24, blank=True, editable=False)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_paths = {
        level: f"party__{path}" if path != "id" else "party_id"
        for level, path in PARTY_SCOPE_PATHS.items()
    }

    class Meta:
        verbose_name = _("责任方联系人")
        verbose_name_plural = _("责任方联系人")
        ordering = ["party", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name
