"""Given money on hand in a source, when a payment is asked for, then it is written into the
ledger only when a second person with the right to approve says so (双人审批); the person who
asked cannot approve her own request, a refusal needs its reason, and a decided request stays
decided."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.models import LedgerEntry, PaymentState
from tests.renewal import given


@pytest.fixture
def request_by_sun(world):
    project = given.project(world)
    source = actions.source_add(
        actor=world.li, project=project, kind="alliance", funder="党建联盟", pledged="700000"
    )
    actions.receipt_record(actor=world.li, source=source, amount="700000", booked_on=given.TODAY)
    # the property staff (the trustee) asks to pay
    return actions.payment_request(
        actor=world.sun, source=source, amount="120000", payee="活动场地施工方", purpose="场地打造"
    )


def test_the_person_who_asked_cannot_approve_and_nothing_is_paid(world, request_by_sun):
    street_official_request = actions.payment_request(
        actor=world.wang, source=request_by_sun.source, amount="1", payee="x", purpose="y"
    )
    with pytest.raises(ValidationError, match="不能审批自己提出的支付申请"):
        actions.payment_decide(actor=world.wang, payment=street_official_request, approve=True)
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_the_owners_committee_approves_and_only_then_it_is_paid(world, request_by_sun):
    assert not LedgerEntry.objects.filter(kind="payment").exists()
    done = actions.payment_decide(actor=world.zhao, payment=request_by_sun, approve=True)
    assert done.state == PaymentState.APPROVED
    assert done.entry.kind == "payment" and done.entry.amount == request_by_sun.amount
    assert done.decided_by == world.zhao
    with pytest.raises(ValidationError, match="不能再审批"):
        actions.payment_decide(actor=world.wang, payment=done, approve=False, note="重复")


def test_a_refusal_needs_its_reason_and_writes_nothing(world, request_by_sun):
    with pytest.raises(ValidationError) as refused:
        actions.payment_decide(actor=world.zhao, payment=request_by_sun, approve=False)
    assert refused.value.message_dict == {"note": ["请填写退回理由。"]}
    done = actions.payment_decide(
        actor=world.zhao, payment=request_by_sun, approve=False, note="缺少验收单"
    )
    assert (done.state, done.decision_note) == (PaymentState.REJECTED, "缺少验收单")
    assert not LedgerEntry.objects.filter(kind="payment").exists()


@pytest.mark.parametrize("who", ["li", "sun", "zhang", "chen", "zhou", "qian"])
def test_only_street_officials_and_the_owners_committee_hold_the_second_key(
    world, request_by_sun, who
):
    with pytest.raises(PermissionDenied):
        actions.payment_decide(actor=world.users[who], payment=request_by_sun, approve=True)
