"""Given a project paid from the maintenance fund (住宅专项维修资金), then it is funded and a
payment out of the fund is asked for and approved only with a passed owners' vote on using the
fund (民法典第278条 item 5) — or through the emergency procedure with its reason (art. 281);
other sources pay as before."""

import pytest
from django.core.exceptions import ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.models import LedgerEntry, PaymentRequest
from tests.renewal import given


def _fund_source(world, project):
    source = actions.source_add(
        actor=world.li,
        project=project,
        kind="maintenance_fund",
        funder="7栋住宅专项维修资金",
        pledged="50000.00",
        booked_on=given.TODAY,
    )
    actions.receipt_record(actor=world.li, source=source, amount="50000.00", booked_on=given.TODAY)
    return source


def _ask(world, source):
    return actions.payment_request(
        actor=world.li, source=source, amount="10000.00", payee="蜀安建设", purpose="屋面防水进度款"
    )


def test_a_payment_out_of_the_fund_is_refused_without_the_vote(world):
    project = given.advance(world, given.project(world, vote_matter="use_fund"), "designed")
    source = _fund_source(world, project)
    with pytest.raises(ValidationError) as refused:
        _ask(world, source)
    assert refused.value.message_dict["source"] == [
        "使用住宅专项维修资金须经业主表决通过（应急程序除外）：尚未关联业主表决："
        "“（五）使用建筑物及其附属设施的维修资金”须经业主表决通过（民法典第二百七十八条）。"
    ]
    assert not PaymentRequest.objects.exists()


def test_a_vote_that_failed_does_not_open_the_fund(world):
    project = given.advance(world, given.project(world, vote_matter="use_fund"), "designed")
    given.link_passed_vote(world, project, yes=False)
    with pytest.raises(ValidationError, match="未获通过"):
        _ask(world, _fund_source(world, project))


def test_the_fund_pays_once_the_owners_voted_for_it(world):
    project = given.advance(world, given.project(world, vote_matter="use_fund"), "designed")
    given.link_passed_vote(world, project)
    payment = _ask(world, _fund_source(world, project))
    payment = actions.payment_decide(actor=world.wang, payment=payment, approve=True)
    assert payment.state == "approved" and LedgerEntry.objects.filter(kind="payment").count() == 1


def test_the_emergency_procedure_with_its_reason_opens_the_fund(world):
    project = given.advance(world, given.project(world), "designed")
    actions.project_edit(
        actor=world.li,
        project=project,
        fields=given.fields_of(
            project, fund_emergency=True, fund_emergency_reason="暴雨后屋面塌漏，危及住户安全"
        ),
    )
    payment = _ask(world, _fund_source(world, project))
    assert payment.state == "requested"


def test_approval_checks_the_vote_again(world):
    """Asked for under the emergency procedure, which was then withdrawn: not approved."""
    project = given.advance(world, given.project(world), "designed")
    emergency = given.fields_of(project, fund_emergency=True, fund_emergency_reason="暴雨塌漏")
    actions.project_edit(actor=world.li, project=project, fields=emergency)
    payment = _ask(world, _fund_source(world, project))
    project.refresh_from_db()
    actions.project_edit(
        actor=world.li,
        project=project,
        fields=given.fields_of(project, fund_emergency=False, fund_emergency_reason=""),
    )
    with pytest.raises(ValidationError, match="须经业主表决通过"):
        actions.payment_decide(actor=world.wang, payment=payment, approve=True)
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_other_sources_need_no_vote(world):
    project = given.advance(world, given.project(world), "designed")
    source = actions.source_add(
        actor=world.li, project=project, kind="government", funder="区财政", pledged="1000.00"
    )
    actions.receipt_record(actor=world.li, source=source, amount="1000.00", booked_on=given.TODAY)
    assert actions.payment_request(
        actor=world.li, source=source, amount="100.00", payee="蜀安建设", purpose="进度款"
    )
