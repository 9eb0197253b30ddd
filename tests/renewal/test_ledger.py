"""Given a project's funding sources, when money is pledged, received, paid and corrected,
then every movement is one append-only double-entry row (debit and credit of equal amount),
the balances are sums over the rows, nothing is received beyond what was pledged nor paid
beyond what was received, and a correction is a reversal that leaves the original in place."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from laoyuan.core.models import AuditEvent
from laoyuan.renewal import actions
from laoyuan.renewal.ledger import balances
from laoyuan.renewal.models import LedgerEntry
from tests.renewal import given


@pytest.fixture
def source(world):
    project = given.project(world, budget="15000000.00")
    return actions.source_add(
        actor=world.li,
        project=project,
        kind="government",
        funder="锦江区财政局",
        reference="老旧小区改造专项",
        pledged="15000000.00",
        booked_on=given.TODAY,
    )


def test_each_movement_is_one_balanced_row_and_the_balances_are_their_sums(world, source):
    actions.receipt_record(actor=world.li, source=source, amount="9000000", booked_on=given.TODAY)
    payment = actions.payment_request(
        actor=world.li, source=source, amount="2500000.50", payee="蜀安建设", purpose="管网进度款"
    )
    actions.payment_decide(actor=world.zhao, payment=payment, approve=True)
    rows = list(LedgerEntry.objects.filter(source=source).order_by("pk"))
    assert [(e.kind, e.debit, e.credit, e.amount) for e in rows] == [
        ("pledge", "receivable", "pledged", Decimal("15000000.00")),
        ("receipt", "cash", "receivable", Decimal("9000000.00")),
        ("payment", "spent", "cash", Decimal("2500000.50")),
    ]
    b = actions.source_balances(source)
    assert (b.pledged, b.received, b.spent, b.cash, b.outstanding) == (
        Decimal("15000000.00"),
        Decimal("9000000.00"),
        Decimal("2500000.50"),
        Decimal("6499999.50"),
        Decimal("6000000.00"),
    )
    assert b.balanced
    assert b == balances((e.debit, e.credit, e.amount) for e in rows)


def test_nothing_is_received_beyond_what_was_pledged(world, source):
    actions.receipt_record(
        actor=world.li, source=source, amount="14999999.99", booked_on=given.TODAY
    )
    with pytest.raises(ValidationError) as refused:
        actions.receipt_record(actor=world.li, source=source, amount="0.02", booked_on=given.TODAY)
    assert "超过该来源尚未到位的0.01元" in str(refused.value)


def test_a_payment_may_not_be_asked_beyond_the_money_on_hand_less_what_is_waiting(world, source):
    actions.receipt_record(actor=world.li, source=source, amount="100", booked_on=given.TODAY)
    actions.payment_request(
        actor=world.li, source=source, amount="60", payee="施工单位", purpose="材料"
    )
    with pytest.raises(ValidationError, match=r"可用的40\.00元"):
        actions.payment_request(
            actor=world.li, source=source, amount="40.01", payee="施工单位", purpose="人工"
        )


def test_a_reversal_is_a_new_row_with_the_accounts_swapped(world, source):
    receipt = actions.receipt_record(
        actor=world.li, source=source, amount="1000.00", booked_on=given.TODAY
    )
    reversal = actions.entry_reverse(actor=world.li, entry=receipt, reason="金额录错，应为100元")
    assert (reversal.debit, reversal.credit, reversal.amount, reversal.reverses) == (
        "receivable",
        "cash",
        Decimal("1000.00"),
        receipt,
    )
    receipt.refresh_from_db()
    assert receipt.amount == Decimal("1000.00")  # the original stays as it was
    assert actions.source_balances(source).received == Decimal("0.00")
    with pytest.raises(ValidationError, match="已经冲正过了"):
        actions.entry_reverse(actor=world.li, entry=receipt, reason="再冲一次")
    with pytest.raises(ValidationError, match="冲正分录不能再冲正"):
        actions.entry_reverse(actor=world.li, entry=reversal, reason="冲正的冲正")


def test_a_receipt_already_spent_cannot_be_reversed_before_the_payment(world, source):
    receipt = actions.receipt_record(
        actor=world.li, source=source, amount="100", booked_on=given.TODAY
    )
    payment = actions.payment_request(
        actor=world.li, source=source, amount="80", payee="施工单位", purpose="材料"
    )
    payment = actions.payment_decide(actor=world.zhao, payment=payment, approve=True)
    with pytest.raises(ValidationError, match="请先冲正之后的到位或支出分录"):
        actions.entry_reverse(actor=world.li, entry=receipt, reason="录错")
    actions.entry_reverse(actor=world.li, entry=payment.entry, reason="施工单位退款")
    actions.entry_reverse(actor=world.li, entry=receipt, reason="录错")
    assert actions.source_balances(source).cash == Decimal("0.00")


def test_amounts_are_decimal_to_the_fen_and_junk_is_refused_in_chinese(world, source):
    for amount, message in [
        ("12.345", "最多两位小数"),
        ("-5", "应大于0"),
        ("0", "应大于0"),
        ("一百", "应为数字"),
        ("nan", "应为数字"),
        ("99999999999999", "数值过大"),
    ]:
        with pytest.raises(ValidationError, match=message):
            actions.receipt_record(
                actor=world.li, source=source, amount=amount, booked_on=given.TODAY
            )
    before = LedgerEntry.objects.count()
    actions.receipt_record(actor=world.li, source=source, amount="1,000.50", booked_on=given.TODAY)
    assert LedgerEntry.objects.count() == before + 1


def test_every_movement_is_audited(world, source):
    actions.receipt_record(actor=world.li, source=source, amount="10", booked_on=given.TODAY)
    assert list(
        AuditEvent.objects.filter(action__startswith="renewal.")
        .order_by("id")
        .values_list("action", flat=True)
    )[-2:] == ["renewal.source_add", "renewal.ledger_receipt"]


def test_the_voucher_of_a_receipt_is_checked_by_content(world, source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    disguised = SimpleUploadedFile("回单.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError, match="不是可接受的文件类型"):
        actions.receipt_record(
            actor=world.li, source=source, amount="10", booked_on=given.TODAY, voucher=disguised
        )
    assert not LedgerEntry.objects.filter(kind="receipt").exists()
    entry = actions.receipt_record(
        actor=world.li,
        source=source,
        amount="10",
        booked_on=given.TODAY,
        voucher=given.pdf("回单.pdf"),
    )
    assert entry.voucher.content_type == "application/pdf"
    assert entry.voucher.file.open("rb").read().startswith(b"%PDF-")
    # sealed at rest: the bytes on disk are not the PDF
    with open(entry.voucher.file.path, "rb") as raw:
        assert not raw.read().startswith(b"%PDF-")
