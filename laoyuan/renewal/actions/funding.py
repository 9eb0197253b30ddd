"""Writes to a project's money (资金共担): funding sources and their pledges (认缴), money
received (到位), payments asked for by one person and approved by another (双人审批),
reversals (冲正) as the only correction, residents' shares (居民分摊) and the publishing of the
accounts (账目公开).

The ledger is append-only (renewal.models.funding). Every posting to a source locks the
source's row first, so two people recording at once cannot both spend the same yuan: after each
posting nothing may be received beyond what was pledged, nor paid beyond what was received.

Paying out of the maintenance fund (住宅专项维修资金) needs the project's passed owners' vote
(业主表决) on using it (民法典第278条), checked when the payment is asked for and again when it is
approved, unless the project records the emergency procedure of art. 281 with its reason.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.registry.models import Building, Unit
from laoyuan.renewal import requirements
from laoyuan.renewal import shares as share_math
from laoyuan.renewal.actions.common import event, fail, money, plausible_date, require, text
from laoyuan.renewal.actions.projects import attachment_store
from laoyuan.renewal.ledger import Balances, balances
from laoyuan.renewal.models import (
    ENTRY_ACCOUNTS,
    AttachmentKind,
    EntryKind,
    EventKind,
    FundingSource,
    HouseholdShare,
    LedgerEntry,
    PaymentRequest,
    PaymentState,
    Project,
    ProjectAttachment,
    ProjectState,
    ShareBasis,
    ShareScheme,
    SourceKind,
)

MAX_SHARE_UNITS = 20_000


def _open_for_money(project: Project) -> None:
    if project.state == ProjectState.CANCELLED:
        raise ValidationError(_("项目已撤销，不能再登记资金。"))


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _locked(source: FundingSource) -> FundingSource:
    return FundingSource.objects.select_for_update().select_related("project").get(pk=source.pk)


def source_balances(source: FundingSource) -> Balances:
    """Where one source stands, from its entries."""
    return balances(
        LedgerEntry.objects.filter(source=source)
        .values_list("debit", "credit")
        .annotate(total=Sum("amount"))
        .values_list("debit", "credit", "total")
        .order_by()
    )


def _pending(source: FundingSource) -> Decimal:
    total = PaymentRequest.objects.filter(source=source, state=PaymentState.REQUESTED).aggregate(
        t=Sum("amount")
    )["t"]
    return total or Decimal("0")


def _post(
    *,
    actor: User | None,
    source: FundingSource,
    kind: str,
    amount: Decimal,
    booked_on: dt.date,
    description: str,
    voucher: ProjectAttachment | None = None,
    share: HouseholdShare | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    if reverses is not None:
        debit, credit = reverses.credit, reverses.debit
    else:
        debit, credit = ENTRY_ACCOUNTS[kind]
    return LedgerEntry.objects.create(
        project_id=source.project_id,
        source=source,
        kind=kind,
        debit=debit,
        credit=credit,
        amount=amount,
        booked_on=booked_on,
        description=description,
        voucher=voucher,
        share=share,
        reverses=reverses,
        created_by=actor,
    )


def _voucher(
    actor: User, project: Project, upload: UploadedFile | None, title: str, kind: str
) -> ProjectAttachment | None:
    if upload is None:
        return None
    return attachment_store(actor=actor, project=project, kind=kind, title=title, upload=upload)


def _entry_date(value: dt.date | None, problems: dict[str, str]) -> dt.date | None:
    day = plausible_date(value, "booked_on", problems, label=_("日期"))
    if day and day > timezone.localdate():
        problems["booked_on"] = _("日期不能晚于今天。")
    return day


@transaction.atomic
def source_add(
    *,
    actor: User,
    project: Project,
    kind: str,
    funder: str,
    reference: str = "",
    pledged: Decimal | str | None = None,
    booked_on: dt.date | None = None,
    document: UploadedFile | None = None,
) -> FundingSource:
    """Add a funding source (资金来源) and, when an amount is given, its pledge (认缴)."""
    require(actor, "renewal.funds", project)
    _open_for_money(project)
    problems: dict[str, str] = {}
    if kind not in SourceKind.values:
        problems["kind"] = _("请选择资金来源。")
    funder = text(funder, "funder", problems, label=_("出资方"), most=120)
    reference = text(
        reference, "reference", problems, label=_("预算科目或文号"), most=120, required=False
    )
    amount = money(pledged, "pledged", problems, label=_("认缴金额"), required=False)
    day = _entry_date(booked_on or timezone.localdate(), problems)
    fail(problems)
    doc = _voucher(actor, project, document, _("{funder}资金文件").format(funder=funder), "funding")
    source = FundingSource.objects.create(
        project=project,
        kind=kind,
        funder=funder,
        reference=reference,
        document=doc,
        created_by=actor,
    )
    entry = None
    if amount:
        entry = _post(
            actor=actor,
            source=source,
            kind=EntryKind.PLEDGE,
            amount=amount,
            booked_on=day,
            description=_("{funder}认缴").format(funder=funder),
            voucher=doc,
        )
    event(
        project,
        actor,
        EventKind.FUNDING,
        note=_("资金来源：{source}，认缴{amount}元").format(
            source=source, amount=_yuan(amount or Decimal("0"))
        ),
        data={"source": source.pk, "entry": entry.pk if entry else None},
    )
    audit_log(
        actor=actor,
        action="renewal.source_add",
        obj=source,
        changes={"kind": kind, "funder": funder, "pledged": amount},
    )
    return source


@transaction.atomic
def pledge_add(
    *,
    actor: User,
    source: FundingSource,
    amount: Decimal | str | None,
    booked_on: dt.date | None,
    description: str = "",
) -> LedgerEntry:
    """A further pledge (追加认缴) from a source already listed."""
    require(actor, "renewal.funds", source)
    source = _locked(source)
    _open_for_money(source.project)
    problems: dict[str, str] = {}
    value = money(amount, "amount", problems, label=_("认缴金额"))
    day = _entry_date(booked_on, problems)
    description = text(
        description, "description", problems, label=_("摘要"), most=200, required=False
    ) or _("{funder}追加认缴").format(funder=source.funder)
    fail(problems)
    entry = _post(
        actor=actor,
        source=source,
        kind=EntryKind.PLEDGE,
        amount=value,
        booked_on=day,
        description=description,
    )
    _money_event(actor, source, entry)
    return entry


def _money_event(actor: User, source: FundingSource, entry: LedgerEntry) -> None:
    event(
        source.project,
        actor,
        EventKind.FUNDING,
        note=f"{entry.get_kind_display()}：{source}，{_yuan(entry.amount)}元。{entry.description}",
        data={"source": source.pk, "entry": entry.pk},
    )
    audit_log(
        actor=actor,
        action=f"renewal.ledger_{entry.kind}",
        obj=entry,
        changes={"source": source.pk, "amount": entry.amount, "booked_on": entry.booked_on},
    )


def share_collected(share: HouseholdShare) -> Decimal:
    """What a household has paid of its share: receipts less their reversals."""
    rows = (
        LedgerEntry.objects.filter(share=share)
        .values_list("debit", "credit")
        .annotate(total=Sum("amount"))
        .values_list("debit", "credit", "total")
        .order_by()
    )
    return balances(rows).received


@transaction.atomic
def receipt_record(
    *,
    actor: User,
    source: FundingSource,
    amount: Decimal | str | None,
    booked_on: dt.date | None,
    description: str = "",
    voucher: UploadedFile | None = None,
    share: HouseholdShare | None = None,
) -> LedgerEntry:
    """Money arrived (资金到位) from a source — for residents' own contributions, a household's
    payment of its share. Never more than is still to arrive."""
    require(actor, "renewal.funds", source)
    source = _locked(source)
    _open_for_money(source.project)
    problems: dict[str, str] = {}
    value = money(amount, "amount", problems, label=_("到位金额"))
    day = _entry_date(booked_on, problems)
    description = text(
        description, "description", problems, label=_("摘要"), most=200, required=False
    )
    if share is not None and share.scheme.source_id != source.pk:
        problems["share"] = _("这户的分摊不属于这个资金来源。")
    fail(problems)
    now = source_balances(source)
    if value > now.outstanding:
        raise ValidationError(
            {
                "amount": _(
                    "到位金额{amount}元超过该来源尚未到位的{left}元：请先登记认缴，或核对金额。"
                ).format(amount=_yuan(value), left=_yuan(now.outstanding))
            }
        )
    if share is not None:
        left = share.amount - share_collected(share)
        if value > left:
            raise ValidationError(
                {
                    "amount": _("这户应缴{due}元，还差{left}元，本次{amount}元超出了。").format(
                        due=_yuan(share.amount), left=_yuan(left), amount=_yuan(value)
                    )
                }
            )
        description = description or _("{unit}缴纳分摊").format(unit=share.unit)
    doc = _voucher(actor, source.project, voucher, _("到位凭证"), AttachmentKind.VOUCHER)
    entry = _post(
        actor=actor,
        source=source,
        kind=EntryKind.RECEIPT,
        amount=value,
        booked_on=day,
        description=description or _("{funder}资金到位").format(funder=source.funder),
        voucher=doc,
        share=share,
    )
    _money_event(actor, source, entry)
    return entry


@transaction.atomic
def _fund_vote_or_refuse(source: FundingSource) -> None:
    """The maintenance fund pays only what the owners voted for (or an emergency repair)."""
    if source.kind != SourceKind.MAINTENANCE_FUND:
        return
    project = Project.objects.get(pk=source.project_id)
    problem = requirements.fund_vote_problem(project, *requirements.vote_facts(project))
    if problem:
        raise ValidationError({"source": problem})


def payment_request(
    *,
    actor: User,
    source: FundingSource,
    amount: Decimal | str | None,
    payee: str,
    purpose: str,
    voucher: UploadedFile | None = None,
) -> PaymentRequest:
    """Ask to pay money out of a source (支付申请); it is paid only when someone else approves.
    Never more than the source holds, less what others already asked for."""
    require(actor, "renewal.funds", source)
    source = _locked(source)
    _open_for_money(source.project)
    _fund_vote_or_refuse(source)
    problems: dict[str, str] = {}
    value = money(amount, "amount", problems, label=_("支付金额"))
    payee = text(payee, "payee", problems, label=_("收款单位"), most=120)
    purpose = text(purpose, "purpose", problems, label=_("用途"), most=200)
    fail(problems)
    available = source_balances(source).cash - _pending(source)
    if value > available:
        raise ValidationError(
            {
                "amount": _(
                    "支付金额{amount}元超过该来源可用的{left}元（已到位未支出，减去待审批的申请）。"
                ).format(amount=_yuan(value), left=_yuan(available))
            }
        )
    doc = _voucher(
        actor,
        source.project,
        voucher,
        _("支付凭证：{payee}").format(payee=payee),
        AttachmentKind.VOUCHER,
    )
    payment = PaymentRequest.objects.create(
        project=source.project,
        source=source,
        amount=value,
        payee=payee,
        purpose=purpose,
        voucher=doc,
        requested_by=actor,
    )
    event(
        source.project,
        actor,
        EventKind.FUNDING,
        note=_("支付申请：{payee} {amount}元，{purpose}（待审批）").format(
            payee=payee, amount=_yuan(value), purpose=purpose
        ),
        data={"payment": payment.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.payment_request",
        obj=payment,
        changes={"amount": value, "payee": payee, "source": source.pk},
    )
    return payment


@transaction.atomic
def payment_decide(
    *, actor: User, payment: PaymentRequest, approve: bool, note: str = ""
) -> PaymentRequest:
    """The second key (双人审批): someone other than the person who asked approves — and the
    payment is written into the ledger — or sends it back with the reason."""
    require(actor, "renewal.approve", payment)
    payment = PaymentRequest.objects.select_for_update().get(pk=payment.pk)
    source = _locked(payment.source)
    problems: dict[str, str] = {}
    note = text(
        note,
        "note",
        problems,
        label=_("退回理由") if not approve else _("审批意见"),
        most=200,
        required=not approve,
    )
    fail(problems)
    if payment.requested_by_id == actor.pk:
        raise ValidationError(_("支付须由另一人审批：不能审批自己提出的支付申请。"))
    if payment.state != PaymentState.REQUESTED:
        raise ValidationError(
            _("这笔申请已是“{state}”，不能再审批。").format(state=payment.get_state_display())
        )
    if approve:
        _fund_vote_or_refuse(source)
        now = source_balances(source)
        if payment.amount > now.cash:
            raise ValidationError(
                _("该来源已到位未支出的只有{left}元，不足以支付{amount}元。").format(
                    left=_yuan(now.cash), amount=_yuan(payment.amount)
                )
            )
        payment.entry = _post(
            actor=actor,
            source=source,
            kind=EntryKind.PAYMENT,
            amount=payment.amount,
            booked_on=timezone.localdate(),
            description=f"{payment.payee}：{payment.purpose}",
            voucher=payment.voucher,
        )
    payment.state = PaymentState.APPROVED if approve else PaymentState.REJECTED
    payment.decided_by = actor
    payment.decided_at = timezone.now()
    payment.decision_note = note
    payment.save()
    event(
        payment.project,
        actor,
        EventKind.FUNDING,
        note=_("支付申请{state}：{payee} {amount}元").format(
            state=payment.get_state_display(), payee=payment.payee, amount=_yuan(payment.amount)
        )
        + (f"（{note}）" if note else ""),
        data={"payment": payment.pk, "entry": payment.entry_id},
    )
    audit_log(
        actor=actor,
        action="renewal.payment_approve" if approve else "renewal.payment_reject",
        obj=payment,
        changes={"state": [PaymentState.REQUESTED, payment.state], "note": note},
    )
    return payment


@transaction.atomic
def entry_reverse(*, actor: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Undo an entry by a reversal (冲正): a new entry with its accounts swapped. The original
    stays. Refused when it would leave more received than pledged or more paid than received
    (reverse the later entries first)."""
    require(actor, "renewal.funds", entry)
    source = _locked(entry.source)
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    problems: dict[str, str] = {}
    reason = text(reason, "reason", problems, label=_("冲正理由"), most=180)
    fail(problems)
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError(_("冲正分录不能再冲正；如需更正，请重新登记。"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("这笔分录已经冲正过了。"))
    if ShareScheme.objects.filter(pledge=entry).exists():
        raise ValidationError(_("这是居民分摊方案的认缴，随方案确定，不能单独冲正。"))
    after = source_balances(source)
    after.post(entry.credit, entry.debit, entry.amount)
    if after.outstanding < 0 or after.cash < 0:
        raise ValidationError(
            _("冲正后该来源的到位或支出会超过认缴或到位金额：请先冲正之后的到位或支出分录。")
        )
    reversal = _post(
        actor=actor,
        source=source,
        kind=EntryKind.REVERSAL,
        amount=entry.amount,
        booked_on=timezone.localdate(),
        description=_("冲正：{reason}").format(reason=reason),
        share=entry.share,
        reverses=entry,
    )
    _money_event(actor, source, reversal)
    return reversal


# --- residents' shares ------------------------------------------------------------------------


def _units_for(buildings: Sequence[Building]):
    # NULL entrances first on every database, so the order (and the fen) is the same anywhere.
    return (
        Unit.objects.filter(building__in=[b.pk for b in buildings])
        .select_related("building", "entrance")
        .order_by(
            "building_id",
            F("entrance_id").asc(nulls_first=True),
            "floor",
            "room_number",
            "pk",
        )
    )


def _weights(units: list[Unit], basis: str, coefficients: dict[int, Decimal]):
    if basis == ShareBasis.AREA:
        no_area = [str(u) for u in units if not u.area]
        if no_area:
            raise ValidationError(
                {
                    "basis": _("以下{n}套房屋没有登记面积，不能按面积分摊：{units}").format(
                        n=len(no_area),
                        units="、".join(no_area[:10]) + ("…" if len(no_area) > 10 else ""),
                    )
                }
            )
        return [(u.pk, u.area) for u in units]
    if basis == ShareBasis.EQUAL:
        return [(u.pk, Decimal(1)) for u in units]
    no_floor = sorted({str(u.floor) for u in units if u.floor not in coefficients})
    if no_floor:
        raise ValidationError(
            {
                "coefficients": _("以下楼层没有系数：{floors}").format(
                    floors="、".join(f or "未登记楼层" for f in no_floor)
                )
            }
        )
    return [(u.pk, coefficients[u.floor]) for u in units]


@transaction.atomic
def share_scheme_create(
    *,
    actor: User,
    project: Project,
    source: FundingSource,
    basis: str,
    total: Decimal | str | None,
    buildings: Sequence[Building],
    coefficients: dict[str, object] | None = None,
    agreed_at: str = "",
) -> ShareScheme:
    """Share residents' own contributions (居民自筹) over the dwelling units of some buildings,
    by area, equally, or by floor coefficients (lifts), to the fen, adding up exactly to the
    total (renewal.shares). The total is pledged on the source; each household's payment is a
    receipt against its share."""
    require(actor, "renewal.funds", project)
    _open_for_money(project)
    problems: dict[str, str] = {}
    if source.project_id != project.pk or source.kind != SourceKind.RESIDENTS:
        problems["source"] = _("请选择本项目“居民自筹”类的资金来源。")
    if basis not in ShareBasis.values:
        problems["basis"] = _("请选择分摊依据。")
    value = money(total, "total", problems, label=_("分摊总额"))
    agreed_at = text(
        agreed_at, "agreed_at", problems, label=_("依据的约定"), most=200, required=False
    )
    buildings = list(dict.fromkeys(buildings))
    if not buildings:
        problems["buildings"] = _("请选择分摊的楼栋。")
    elif any(b.compound_id != project.compound_id for b in buildings):
        problems["buildings"] = _("所选楼栋不在这个小区。")
    parsed: dict[int, Decimal] = {}
    if basis == ShareBasis.FLOOR:
        try:
            parsed = share_math.parse_coefficients(coefficients or {})
        except share_math.ShareError as exc:
            problems["coefficients"] = str(exc)
    fail(problems)
    units = list(_units_for(buildings)[: MAX_SHARE_UNITS + 1])
    if not units:
        raise ValidationError({"buildings": _("所选楼栋没有登记房屋。")})
    if len(units) > MAX_SHARE_UNITS:
        raise ValidationError({"buildings": _("一次最多分摊{n}套房屋。").format(n=MAX_SHARE_UNITS)})
    try:
        allocated = share_math.allocate(value, _weights(units, basis, parsed))
    except share_math.ShareError as exc:
        raise ValidationError({"total": str(exc)}) from exc
    scheme = ShareScheme.objects.create(
        project=project,
        source=source,
        basis=basis,
        total=value,
        coefficients={str(k): str(v) for k, v in sorted(parsed.items())},
        agreed_at=agreed_at,
        weight_total=str(sum((s.weight for s in allocated), Decimal(0))),
        unit_count=len(units),
        created_by=actor,
    )
    scheme.buildings.set(buildings)
    HouseholdShare.objects.bulk_create(
        HouseholdShare(
            scheme=scheme, unit_id=s.key, weight=s.weight, amount=s.amount, extra_fen=s.extra_fen
        )
        for s in allocated
    )
    if value:
        scheme.pledge = _post(
            actor=actor,
            source=_locked(source),
            kind=EntryKind.PLEDGE,
            amount=value,
            booked_on=timezone.localdate(),
            description=_("居民分摊：{basis}，{n}户").format(
                basis=scheme.get_basis_display(), n=len(units)
            ),
        )
        scheme.save(update_fields=["pledge"])
    event(
        project,
        actor,
        EventKind.FUNDING,
        note=_("居民分摊方案：{basis}，{n}户，合计{total}元").format(
            basis=scheme.get_basis_display(), n=len(units), total=_yuan(value)
        ),
        data={"scheme": scheme.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.share_scheme_create",
        obj=scheme,
        changes={
            "basis": basis,
            "total": value,
            "units": len(units),
            "buildings": [b.pk for b in buildings],
        },
    )
    return scheme


@transaction.atomic
def accounts_publish(*, actor: User, project: Project) -> Project:
    """Open the project's accounts (公开账目) at a public address (for the bulletin board's QR
    code); publishing again keeps the same address."""
    require(actor, "renewal.funds", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.accounts_key:
        project.accounts_key = secrets.token_urlsafe(16)
    project.accounts_published_at = timezone.now()
    project.save(update_fields=["accounts_key", "accounts_published_at", "updated_at"])
    event(project, actor, EventKind.ACCOUNTS, note=_("公开项目账目"))
    audit_log(actor=actor, action="renewal.accounts_publish", obj=project)
    return project
