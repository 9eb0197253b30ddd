"""Reads of a project's money: the accounts statement (项目账目) — one function, read by the
page, the A4 PDF, the .xlsx and the public page alike — the ledger, payment requests, and the
collection list (收缴清单) of residents' shares with who has paid.

The statement names no resident: households' payments of their shares appear as one line per
day and source ("居民缴纳分摊，N户"); the collection list, for staff only, names the owners and
heads of household as the registry holds them, with phones masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from laoyuan.registry.models import Ownership, Relation, Resident
from laoyuan.renewal.ledger import Balances
from laoyuan.renewal.models import (
    Account,
    EntryKind,
    FundingSource,
    HouseholdShare,
    LedgerEntry,
    PaymentRequest,
    PaymentState,
    Project,
    ShareScheme,
    SourceKind,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


@dataclass
class SourceLine:
    source: FundingSource
    balances: Balances

    @property
    def kind_label(self) -> str:
        return str(self.source.get_kind_display())


@dataclass
class KindLine:
    kind: str
    label: str
    balances: Balances


@dataclass
class StatementEntry:
    """One line of the statement: an entry, or the day's household payments of one source."""

    booked_on: dt.date
    kind: str
    kind_label: str
    source: FundingSource
    description: str
    amount: Decimal
    households: int = 0  # >0: the line sums that many households' payments
    reversal: bool = False
    has_voucher: bool = False
    entry_id: int | None = None


@dataclass
class SchemeSummary:
    scheme: ShareScheme
    units: int
    paid_in_full: int
    paid_some: int
    collected: Decimal

    @property
    def unpaid(self) -> int:
        return self.units - self.paid_in_full - self.paid_some


@dataclass
class Statement:
    project: Project
    as_of: dt.datetime
    lines: list[SourceLine]
    by_kind: list[KindLine]
    total: Balances
    entries: list[StatementEntry]
    schemes: list[SchemeSummary] = field(default_factory=list)
    pending_count: int = 0
    pending_amount: Decimal = ZERO

    @property
    def budget_gap(self) -> Decimal | None:
        """Budget not yet covered by pledges (None when no budget is set)."""
        if self.project.budget is None:
            return None
        return max(self.project.budget - self.total.pledged, ZERO)


def accounts_statement(project: Project) -> Statement:
    """The project's accounts: per source and per kind of source pledged, received, spent and
    on hand; every entry in date order (households' payments summed per day); residents'
    collection; payments waiting for approval. Seven queries whatever the project's size."""
    sources = list(project.sources.select_related("document").order_by("pk"))
    per_source: dict[int, Balances] = {s.pk: Balances() for s in sources}
    for source_id, debit, credit, total in (
        LedgerEntry.objects.filter(project=project)
        .values_list("source_id", "debit", "credit")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "debit", "credit", "total")
        .order_by()
    ):
        per_source.setdefault(source_id, Balances()).post(debit, credit, total)
    total = Balances()
    by_kind: dict[str, Balances] = {}
    for s in sources:
        total += per_source[s.pk]
        by_kind.setdefault(s.kind, Balances())
        by_kind[s.kind] += per_source[s.pk]
    labels = dict(SourceKind.choices)
    by_id = {s.pk: s for s in sources}
    entries: list[StatementEntry] = []
    grouped: dict[tuple, StatementEntry] = {}
    for e in (
        LedgerEntry.objects.filter(project=project)
        .only(
            "pk",
            "kind",
            "amount",
            "booked_on",
            "description",
            "source_id",
            "share_id",
            "voucher_id",
            "reverses_id",
        )
        .order_by("booked_on", "id")
    ):
        if e.share_id is not None and e.kind == EntryKind.RECEIPT:
            key = (e.booked_on, e.source_id)
            line = grouped.get(key)
            if line is None:
                line = grouped[key] = StatementEntry(
                    booked_on=e.booked_on,
                    kind=e.kind,
                    kind_label=str(EntryKind(e.kind).label),
                    source=by_id[e.source_id],
                    description="",
                    amount=ZERO,
                )
                entries.append(line)
            line.amount += e.amount
            line.households += 1
            continue
        entries.append(
            StatementEntry(
                booked_on=e.booked_on,
                kind=e.kind,
                kind_label=str(EntryKind(e.kind).label),
                source=by_id[e.source_id],
                description=e.description if e.share_id is None else "",
                amount=e.amount,
                reversal=e.kind == EntryKind.REVERSAL,
                has_voucher=e.voucher_id is not None,
                entry_id=e.pk,
            )
        )
    pending = PaymentRequest.objects.filter(
        project=project, state=PaymentState.REQUESTED
    ).aggregate(n=Count("id"), t=Sum("amount"))
    return Statement(
        project=project,
        as_of=timezone.now(),
        lines=[SourceLine(s, per_source[s.pk]) for s in sources],
        by_kind=[
            KindLine(kind, str(labels[kind]), by_kind[kind])
            for kind in SourceKind.values
            if kind in by_kind
        ],
        total=total,
        entries=entries,
        schemes=scheme_summaries(project),
        pending_count=pending["n"],
        pending_amount=pending["t"] or ZERO,
    )


def collected_subquery():
    """What a share has collected: cash in (receipts) less cash out (their reversals)."""
    cash_in = (
        LedgerEntry.objects.filter(share=OuterRef("pk"), debit=Account.CASH)
        .values("share")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    cash_out = (
        LedgerEntry.objects.filter(share=OuterRef("pk"), credit=Account.CASH)
        .values("share")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return Coalesce(Subquery(cash_in), Value(ZERO), output_field=MONEY_FIELD) - Coalesce(
        Subquery(cash_out), Value(ZERO), output_field=MONEY_FIELD
    )


def shares_with_collected(scheme: ShareScheme) -> QuerySet[HouseholdShare]:
    return (
        HouseholdShare.objects.filter(scheme=scheme)
        .select_related("unit__building", "unit__entrance")
        .annotate(collected=collected_subquery())
    )


def scheme_summaries(project: Project) -> list[SchemeSummary]:
    """Per share scheme: households, paid in full, paid in part, collected (two queries)."""
    schemes = list(project.share_schemes.select_related("source").order_by("pk"))
    if not schemes:
        return []
    rows = (
        HouseholdShare.objects.filter(scheme__in=schemes)
        .annotate(collected=collected_subquery())
        .values_list("scheme_id", "amount", "collected")
    )
    out = {s.pk: SchemeSummary(s, 0, 0, 0, ZERO) for s in schemes}
    for scheme_id, amount, collected in rows:
        summary = out[scheme_id]
        summary.units += 1
        collected = collected or ZERO
        summary.collected += collected
        if collected >= amount:
            summary.paid_in_full += 1
        elif collected > 0:
            summary.paid_some += 1
    return list(out.values())


@dataclass
class Payer:
    """Who a unit's share is asked of, as the registry holds them (phones masked)."""

    names: list[str]
    phone_masked: str


def payers_of(shares: list[HouseholdShare]) -> dict[int, Payer]:
    """{unit id: Payer} for a page of shares: the unit's owners, or else the head of its
    household (two queries, whatever the page size)."""
    unit_ids = [s.unit_id for s in shares]
    out: dict[int, Payer] = {}
    for ownership in (
        Ownership.objects.filter(unit_id__in=unit_ids)
        .select_related("owner")
        .order_by("unit_id", "owner__name", "pk")
    ):
        payer = out.setdefault(ownership.unit_id, Payer([], ""))
        payer.names.append(ownership.owner.name)
        payer.phone_masked = payer.phone_masked or ownership.owner.phone_masked
    heads = (
        Resident.objects.filter(
            household__unit_id__in=unit_ids, relation=Relation.HEAD, is_active=True
        )
        .values_list("household__unit_id", "name", "phone_masked")
        .order_by("household__unit_id", "pk")
    )
    for unit_id, name, phone in heads:
        payer = out.setdefault(unit_id, Payer([], ""))
        if not payer.names:
            payer.names.append(name)
        payer.phone_masked = payer.phone_masked or phone
    return out


def collection_list(
    scheme: ShareScheme, *, status: str = "", text: str = ""
) -> QuerySet[HouseholdShare]:
    """A scheme's shares in the list's order, each with what it has collected; `status`
    "paid", "part" or "unpaid"; `text` a room number."""
    qs = shares_with_collected(scheme)
    if status == "paid":
        qs = qs.filter(collected__gte=F("amount"))
    elif status == "part":
        qs = qs.filter(collected__gt=0, collected__lt=F("amount"))
    elif status == "unpaid":
        qs = qs.filter(collected__lte=0)
    if text:
        qs = qs.filter(Q(unit__room_number__contains=text))
    return qs.order_by(
        "unit__building_id",
        F("unit__entrance_id").asc(nulls_first=True),
        "unit__floor",
        "unit__room_number",
        "pk",
    )


def ledger(project: Project) -> QuerySet[LedgerEntry]:
    """Every entry of the project, newest first (staff), with its source and voucher."""
    return (
        LedgerEntry.objects.filter(project=project)
        .select_related("source", "voucher", "share__unit__building", "created_by", "reverses")
        .annotate(reversed_count=Count("reversed_by"))
        .order_by("-booked_on", "-id")
    )


def pending_payments(project: Project) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(project=project, state=PaymentState.REQUESTED)
        .select_related("source", "requested_by", "voucher")
        .order_by("created_at", "id")
    )


def decided_payments(project: Project) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(project=project)
        .exclude(state=PaymentState.REQUESTED)
        .select_related("source", "requested_by", "decided_by")
        .order_by("-decided_at", "-id")
    )
