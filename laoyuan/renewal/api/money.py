"""The renewal API's money (资金共担): the accounts statement, the ledger, sources and pledges,
money received, payment requests and their second key, reversals, residents' share schemes and
the collection list (phones masked)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from laoyuan.core.scopes import get_visible_or_404
from laoyuan.registry.api import Page
from laoyuan.renewal import actions
from laoyuan.renewal.api.common import TAGS, pk, router, user_of
from laoyuan.renewal.api.projects import _buildings
from laoyuan.renewal.api.schemas import (
    DecideIn,
    EntryOut,
    MoneyMoveIn,
    PaymentIn,
    PaymentOut,
    ReceiptIn,
    ReverseIn,
    SchemeIn,
    SchemeOut,
    ShareFilters,
    ShareOut,
    SourceIn,
    SourceOut,
    StatementOut,
    money,
    money_out,
)
from laoyuan.renewal.models import (
    FundingSource,
    HouseholdShare,
    LedgerEntry,
    PaymentRequest,
    ShareScheme,
)
from laoyuan.renewal.queries import funding as queries
from laoyuan.renewal.queries.projects import project_or_404


def _source(request, source_id: int) -> FundingSource:
    return get_visible_or_404(
        user_of(request),
        FundingSource.objects.select_related("project__compound"),
        "renewal.view",
        pk=source_id,
    )


def _source_out(source: FundingSource) -> dict:
    return {
        "id": source.pk,
        "kind": source.kind,
        "kind_label": str(source.get_kind_display()),
        "funder": source.funder,
        "reference": source.reference,
        "money": money_out(actions.source_balances(source)),
    }


@router.get(
    "/renewal/projects/{project_id}/accounts",
    response=StatementOut,
    tags=TAGS,
    summary="项目账目：各来源认缴、到位、支出、结余，及每笔收支",
    description="与页面、打印版、Excel 相同的账目。居民缴纳分摊按天合计一行，不列姓名。",
)
def accounts(request: HttpRequest, project_id: int = pk("项目编号")):
    project = project_or_404(user_of(request), project_id)
    s = queries.accounts_statement(project)

    def line(source, balances, kind, label):
        ref = {"id": source.pk, "name": source.funder} if source else {"id": 0, "name": label}
        return {"source": ref, "kind": kind, "kind_label": label, "money": money_out(balances)}

    return {
        "project": {"id": project.pk, "name": project.title},
        "as_of": s.as_of,
        "budget": money(project.budget),
        "sources": [line(x.source, x.balances, x.source.kind, x.kind_label) for x in s.lines],
        "by_kind": [line(None, k.balances, k.kind, k.label) for k in s.by_kind],
        "total": money_out(s.total),
        "entries": [
            {
                "booked_on": e.booked_on,
                "kind": e.kind,
                "kind_label": e.kind_label,
                "source_id": e.source.pk,
                "description": e.description,
                "amount": money(e.amount),
                "households": e.households,
                "reversal": e.reversal,
            }
            for e in s.entries
        ],
        "schemes": [
            {
                "scheme_id": x.scheme.pk,
                "basis": x.scheme.basis,
                "units": x.units,
                "paid_in_full": x.paid_in_full,
                "paid_some": x.paid_some,
                "unpaid": x.unpaid,
                "total": money(x.scheme.total),
                "collected": money(x.collected),
            }
            for x in s.schemes
        ],
        "pending_payments": s.pending_count,
        "pending_amount": money(s.pending_amount),
    }


@router.get(
    "/renewal/projects/{project_id}/ledger",
    response=list[EntryOut],
    tags=TAGS,
    summary="台账分录（复式记账，只增不改）",
    description="每笔分录借方、贷方金额相等；冲正为方向相反的新分录（reverses_id 指向原分录）。",
)
@paginate(Page)
def ledger(request: HttpRequest, project_id: int = pk("项目编号")):
    project = project_or_404(user_of(request), project_id)
    return LedgerEntry.objects.filter(project=project).order_by("-booked_on", "-id")


@router.post(
    "/renewal/projects/{project_id}/sources",
    response={201: SourceOut},
    tags=TAGS,
    summary="添加资金来源及其认缴",
)
def source_add(request: HttpRequest, payload: SourceIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = project_or_404(user, project_id)
    source = actions.source_add(
        actor=user,
        project=project,
        kind=payload.kind,
        funder=payload.funder,
        reference=payload.reference,
        pledged=payload.pledged,
        booked_on=payload.booked_on,
    )
    return Status(201, _source_out(source))


@router.post(
    "/renewal/sources/{source_id}/pledges",
    response={201: EntryOut},
    tags=TAGS,
    summary="追加认缴",
)
def pledge_add(request: HttpRequest, payload: MoneyMoveIn, source_id: int = pk("资金来源编号")):
    source = _source(request, source_id)
    entry = actions.pledge_add(
        actor=user_of(request),
        source=source,
        amount=payload.amount,
        booked_on=payload.booked_on,
        description=payload.description,
    )
    return Status(201, entry)


@router.post(
    "/renewal/sources/{source_id}/receipts",
    response={201: EntryOut},
    tags=TAGS,
    summary="登记资金到位（含居民缴纳分摊）",
    description="不能超过该来源尚未到位的金额；居民缴纳时带 share_id，不能超过这户还差的金额。",
)
def receipt_record(request: HttpRequest, payload: ReceiptIn, source_id: int = pk("资金来源编号")):
    source = _source(request, source_id)
    share = None
    if payload.share_id:
        share = (
            HouseholdShare.objects.filter(pk=payload.share_id, scheme__source=source)
            .select_related("scheme", "unit__building", "unit__entrance")
            .first()
        )
        if share is None:
            raise ValidationError({"share_id": _("未找到这个资金来源下的这户分摊")})
    entry = actions.receipt_record(
        actor=user_of(request),
        source=source,
        amount=payload.amount,
        booked_on=payload.booked_on,
        description=payload.description,
        share=share,
    )
    return Status(201, entry)


@router.post(
    "/renewal/sources/{source_id}/payment-requests",
    response={201: PaymentOut},
    tags=TAGS,
    summary="支付申请（须另一人审批后才支付）",
)
def payment_request(request: HttpRequest, payload: PaymentIn, source_id: int = pk("资金来源编号")):
    source = _source(request, source_id)
    payment = actions.payment_request(
        actor=user_of(request),
        source=source,
        amount=payload.amount,
        payee=payload.payee,
        purpose=payload.purpose,
    )
    return Status(201, payment)


@router.post(
    "/renewal/payment-requests/{payment_id}/decision",
    response=PaymentOut,
    tags=TAGS,
    summary="审批支付申请（批准即记入台账，退回须写理由）",
    description="申请人不能审批自己的申请（双人审批）。",
)
def payment_decide(request: HttpRequest, payload: DecideIn, payment_id: int = pk("支付申请编号")):
    user = user_of(request)
    payment = get_visible_or_404(
        user, PaymentRequest.objects.select_related("project"), "renewal.view", pk=payment_id
    )
    return actions.payment_decide(
        actor=user, payment=payment, approve=payload.approve, note=payload.note
    )


@router.post(
    "/renewal/ledger/{entry_id}/reverse",
    response={201: EntryOut},
    tags=TAGS,
    summary="冲正分录（原分录保留）",
)
def entry_reverse(request: HttpRequest, payload: ReverseIn, entry_id: int = pk("分录编号")):
    user = user_of(request)
    entry = get_visible_or_404(
        user, LedgerEntry.objects.select_related("source"), "renewal.view", pk=entry_id
    )
    return Status(201, actions.entry_reverse(actor=user, entry=entry, reason=payload.reason))


@router.post(
    "/renewal/projects/{project_id}/share-schemes",
    response={201: SchemeOut},
    tags=TAGS,
    summary="居民分摊方案（按面积、均摊或按楼层系数），精确到分、合计等于总额",
)
def scheme_create(request: HttpRequest, payload: SchemeIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = project_or_404(user, project_id)
    source = FundingSource.objects.filter(pk=payload.source_id, project=project).first()
    if source is None:
        raise ValidationError({"source_id": _("未找到本项目的这个资金来源")})
    scheme = actions.share_scheme_create(
        actor=user,
        project=project,
        source=source,
        basis=payload.basis,
        total=payload.total,
        buildings=_buildings(project.compound_id, payload.building_ids),
        coefficients=payload.coefficients,
        agreed_at=payload.agreed_at,
    )
    return Status(201, scheme)


@router.get(
    "/renewal/share-schemes/{scheme_id}/shares",
    response=list[ShareOut],
    tags=TAGS,
    summary="收缴清单：每户应缴、已缴（姓名按登记信息，电话脱敏）",
)
@paginate(Page)
def shares(request: HttpRequest, filters: Query[ShareFilters], scheme_id: int = pk("分摊方案编号")):
    scheme = get_visible_or_404(
        user_of(request),
        ShareScheme.objects.select_related("project"),
        "renewal.view",
        pk=scheme_id,
    )
    return ShareRows(queries.collection_list(scheme, status=filters.status, text=filters.q))


class ShareRows:
    """The collection list, sliced by the paginator, with each page's payers added in two
    queries (not one per row)."""

    def __init__(self, qs) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, window):
        rows = list(self.qs[window])
        payers = queries.payers_of(rows)
        return [
            {
                "id": s.pk,
                "unit_id": s.unit_id,
                "unit": str(s.unit),
                "payer_names": payers[s.unit_id].names if s.unit_id in payers else [],
                "phone": payers[s.unit_id].phone_masked if s.unit_id in payers else "",
                "weight": str(s.weight),
                "amount": money(s.amount),
                "collected": money(s.collected or 0),
                "extra_fen": s.extra_fen,
            }
            for s in rows
        ]
