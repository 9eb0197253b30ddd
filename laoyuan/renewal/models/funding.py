"""Funding shared by many (资金合理共担): the sources of a project's money, the ledger (台账) of
every movement, payment requests approved by a second person (双人审批), and residents' shares
(居民分摊) computed per dwelling unit.

The ledger is double-entry and append-only. Each source has four accounts — pledged (认缴),
receivable (应到位), received (已到位) and spent (已支出) — and every entry moves one amount from
one account to another (debit and credit, always equal):

    pledge   Dr receivable  Cr pledged      a funder commits money
    receipt  Dr cash        Cr receivable   the money arrives
    payment  Dr spent       Cr cash         money is paid out (after a second person approves)

A correction is a reversal (冲正): a new entry with the two accounts swapped, pointing at the
entry it undoes. Nothing is ever edited or deleted, so pledged, received, spent and the cash on
hand are always sums over the entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.renewal.models.projects import MONEY, Project, place_paths


class SourceKind(models.TextChoices):
    GOVERNMENT = "government", _("政府财政资金")
    ALLIANCE = "alliance", _("企业与党建联盟单位")
    SOCIAL = "social", _("社会资本")
    RESIDENTS = "residents", _("居民自筹")
    MAINTENANCE_FUND = "maintenance_fund", _("住宅专项维修资金")
    COMMON_INCOME = "common_income", _("公共收益")


class FundingSource(TimeStamped):
    """Who pays part of a project: a government budget line, an enterprise or alliance unit,
    social capital, the residents themselves, the maintenance fund or common income."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="sources")
    kind = models.CharField(_("资金来源"), max_length=20, choices=SourceKind.choices)
    funder = models.CharField(_("出资方"), max_length=120)
    reference = models.CharField(
        _("预算科目或文号"),
        max_length=120,
        blank=True,
        help_text=_("如财政资金的预算科目、批复文号"),
    )
    document = models.ForeignKey(
        "renewal.ProjectAttachment",
        verbose_name=_("资金文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.funder}"


class Account(models.TextChoices):
    PLEDGED = "pledged", _("认缴")
    RECEIVABLE = "receivable", _("应到位")
    CASH = "cash", _("已到位未支出")
    SPENT = "spent", _("已支出")


class EntryKind(models.TextChoices):
    PLEDGE = "pledge", _("认缴")
    RECEIPT = "receipt", _("资金到位")
    PAYMENT = "payment", _("支出")
    REVERSAL = "reversal", _("冲正")


# (debit, credit) of each kind of entry; a reversal swaps those of the entry it undoes.
ENTRY_ACCOUNTS: dict[str, tuple[str, str]] = {
    EntryKind.PLEDGE: (Account.RECEIVABLE, Account.PLEDGED),
    EntryKind.RECEIPT: (Account.CASH, Account.RECEIVABLE),
    EntryKind.PAYMENT: (Account.SPENT, Account.CASH),
}


class LedgerEntry(models.Model):
    """One movement of money (台账分录), append-only."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ledger")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    debit = models.CharField(_("借方"), max_length=12, choices=Account.choices)
    credit = models.CharField(_("贷方"), max_length=12, choices=Account.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    booked_on = models.DateField(_("日期"))
    description = models.CharField(_("摘要"), max_length=200)
    voucher = models.ForeignKey(
        "renewal.ProjectAttachment",
        verbose_name=_("凭证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的分录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # A resident's own contribution: the household share it pays.
    share = models.ForeignKey(
        "renewal.HouseholdShare",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("台账分录")
        verbose_name_plural = _("台账分录")
        ordering = ["booked_on", "id"]
        indexes = [
            models.Index(fields=["project", "source"]),
            models.Index(fields=["share"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="ledger_two_accounts"),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.get_kind_display()} {self.amount}"


class PaymentState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准支付")
    REJECTED = "rejected", _("已退回")


class PaymentRequest(TimeStamped):
    """A payment asked for by one person and approved by another (双人审批): only the approval
    writes the payment into the ledger."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    payee = models.CharField(_("收款单位"), max_length=120)
    purpose = models.CharField(_("用途"), max_length=200)
    voucher = models.ForeignKey(
        "renewal.ProjectAttachment",
        verbose_name=_("凭证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=PaymentState.choices, default=PaymentState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("支付申请")
        verbose_name_plural = _("支付申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="payment_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"


class ShareBasis(models.TextChoices):
    AREA = "area", _("按登记建筑面积")
    EQUAL = "equal", _("每户均摊")
    FLOOR = "floor", _("按楼层系数（加装电梯）")


class ShareScheme(TimeStamped):
    """How residents' own contributions (居民自筹) are shared out: the basis, the total, the
    buildings it covers and, for lifts, the coefficient of each floor. The shares are computed
    once, when the scheme is adopted, and never change; another basis is a new scheme."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="share_schemes")
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="share_schemes"
    )
    basis = models.CharField(_("分摊依据"), max_length=8, choices=ShareBasis.choices)
    total = models.DecimalField(_("分摊总额（元）"), **MONEY)
    # {"1": "0", "2": "0.6", …}: each floor's weight, as agreed by the owners of the stairwell.
    coefficients = models.JSONField(_("楼层系数"), default=dict, blank=True)
    buildings = models.ManyToManyField(
        "registry.Building", verbose_name=_("分摊楼栋"), related_name="+"
    )
    agreed_at = models.CharField(
        _("依据的约定"), max_length=200, blank=True, help_text=_("如：2025年5月12日单元业主协商会")
    )
    weight_total = models.CharField(max_length=40, editable=False)
    unit_count = models.PositiveIntegerField(default=0, editable=False)
    pledge = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("分摊方案")
        verbose_name_plural = _("分摊方案")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.total}"


class HouseholdShare(models.Model):
    """One dwelling unit's share (每户应缴) under a scheme: its weight and its amount to the
    fen. The amounts of a scheme add up exactly to its total (largest remainder)."""

    scheme = models.ForeignKey(ShareScheme, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("权重"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("应缴（元）"), **MONEY)
    # The fen that went to this unit by the largest remainder, shown so anyone can check.
    extra_fen = models.BooleanField(_("分得尾差1分"), default=False)

    # A resident sees her own unit's share on the portal.
    scope_paths = {**place_paths("scheme__project__"), "household": "unit__households__id"}

    class Meta:
        verbose_name = _("每户分摊")
        verbose_name_plural = _("每户分摊")
        ordering = ["scheme", "unit__building_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="one_share_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.amount}"
