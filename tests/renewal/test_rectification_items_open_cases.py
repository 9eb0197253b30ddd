"""Given the case work of 沙河街道 (its parties), when a rectification item is recorded, then it
opens a case through the cases app: the category its subject maps to, the responsible party
dispatched at once when it is registered, the item's deadline; when the case is closed the item
counts as closed (销号) — on its page, in the lists, the project's checks and the portfolio. An
item recorded by someone who may not open cases (the owners' committee) waits for staff to open
its case. Inspection problem → case → solved → item closed, end to end."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from laoyuan.cases import actions as case_actions
from laoyuan.cases.models import Case, CaseSource, CaseState
from laoyuan.renewal import actions, requirements
from laoyuan.renewal.models import RectificationItem, open_q
from laoyuan.renewal.queries import rectification as item_queries
from laoyuan.renewal.queries.portfolio import portfolio
from tests.cases.helpers import Parties
from tests.renewal import given


@pytest.fixture
def parties(world) -> Parties:
    """The street's registered parties (五福苑物业服务中心, sun acting for it, …)."""
    return Parties(world)


def _list_item(world, **extra):
    return actions.rectification_create(
        actor=world.li,
        compound=world.wufuyuan,
        title="3栋门口井盖松动",
        responsible_party="五福苑物业服务中心",
        found_on=given.TODAY,
        work_days=5,
        location="3栋门口",
        **extra,
    )


def test_a_list_item_opens_a_dispatched_case_with_its_deadline(world, parties):
    item = _list_item(world)
    case = item.case
    assert case.source == CaseSource.STAFF and case.title == "3栋门口井盖松动"
    assert case.party == parties.property and case.state == CaseState.ASSIGNED
    assert case.category.code == "other.other"  # a list item without a topic or project
    # due by the end of the item's deadline (midnight after it)
    due = timezone.localtime(case.solve_due_at) - dt.timedelta(seconds=1)
    assert case.deadline_fixed and due.date() == item.deadline
    assert "责任方：五福苑物业服务中心" in case.description
    assert case.request_id in item.events.get().note


def test_the_category_follows_the_project_or_the_topic(world, parties):
    project = given.advance(world, given.project(world, item_type="roof"), "construction")
    inspection = actions.inspection_record(
        actor=world.li,
        project=project,
        inspected_on=given.TODAY,
        inspectors="监督小组",
        findings="屋面有积水",
        problems=[actions.ProblemEntry("屋面积水", "施工单位", 3)],
    )
    assert inspection.problems.get().case.category.code == "house.roof"
    topic = given.topic(world, ["5栋旁垃圾桶满溢"], title="垃圾桶满溢")
    item = _list_item(world, topic=topic)
    assert item.case.category.group == topic.category or item.case.category.code == "other.other"


def test_an_unregistered_party_leaves_the_case_for_the_dispatcher(world, parties):
    item = actions.rectification_create(
        actor=world.li,
        compound=world.wufuyuan,
        title="围挡破损",
        responsible_party="四川蜀安建设工程有限公司",
        found_on=given.TODAY,
        work_days=2,
    )
    assert item.case.state == CaseState.DISPATCH and item.case.party is None


def test_an_inspection_problem_becomes_a_case_that_closes_the_item(world, parties, login):
    # Given a project under construction and its inspection by the owners' committee
    project = given.advance(world, given.project(world), "construction")
    inspection = actions.inspection_record(
        actor=world.zhao,
        project=project,
        inspected_on=given.TODAY,
        inspectors="监督小组、业委会赵委员",
        findings="检查井周边路面下沉",
        problems=[actions.ProblemEntry("检查井周边路面下沉", "五福苑物业服务中心", 5, "3栋")],
    )
    item = inspection.problems.get()
    # the owners' committee may not open cases: the item waits, staff open its case
    assert item.case is None
    page = login(world.li).get(reverse("renewal:rectification", args=[item.pk])).content.decode()
    assert "尚未转为工单" in page and "转为工单" in page
    with pytest.raises(PermissionDenied):
        actions.rectification_open_case(actor=world.zhao, item=item)
    login(world.li).post(reverse("renewal:rectification", args=[item.pk]), {"form": "case"})
    item.refresh_from_db()
    case = item.case
    assert case is not None and case.party == parties.property
    with pytest.raises(ValidationError, match="已经转为工单"):
        actions.rectification_open_case(actor=world.li, item=item)
    # the acceptance waits for it
    assert requirements.facts_of(project).open_problems == 1
    # When the property accepts and solves it, and the resident's check is satisfied
    case = case_actions.case_accept(actor=world.sun, case=case)
    case = case_actions.case_solve(actor=world.sun, case=case, note="已重新夯实并恢复路面")
    item.refresh_from_db()
    assert item.effective_state == "open"  # solved is not closed yet
    case_actions.case_rate(actor=world.li, case=case, rating="satisfied")
    # Then the item counts as closed everywhere
    item = RectificationItem.objects.select_related("case").get(pk=item.pk)
    assert item.case.state == CaseState.CLOSED and item.effective_state == "closed"
    assert not RectificationItem.objects.filter(open_q(), pk=item.pk).exists()
    assert requirements.facts_of(project).open_problems == 0
    assert not item_queries.item_list(world.li, state="open").filter(pk=item.pk).exists()
    assert item_queries.item_list(world.li, state="closed").filter(pk=item.pk).exists()
    page = login(world.li).get(reverse("renewal:rectification", args=[item.pk])).content.decode()
    assert "工单已结案，本事项随之销号。" in page and case.request_id in page
    assert portfolio(world.shahe).items_open == 0
    # and its own workflow is over
    with pytest.raises(ValidationError, match="工单已结案"):
        actions.rectification_transition(actor=world.li, item=item, to_state="rectifying")


def test_an_overdue_item_whose_case_closed_is_not_overdue(world, parties):
    item = actions.rectification_create(
        actor=world.li,
        compound=world.wufuyuan,
        title="单元门闭门器损坏",
        responsible_party="五福苑物业服务中心",
        found_on=dt.date(2026, 9, 30),
        work_days=3,
    )
    late = item_queries.overdue_q(given.TODAY)
    assert RectificationItem.objects.filter(late, pk=item.pk).exists()
    Case.objects.filter(pk=item.case_id).update(state=CaseState.CLOSED)
    assert not RectificationItem.objects.filter(late, pk=item.pk).exists()


def test_the_case_opens_with_the_item_or_not_at_all(world, parties):
    """A refused item leaves no case behind (one transaction)."""
    before = Case.objects.count()
    with pytest.raises(ValidationError):
        actions.rectification_create(
            actor=world.li,
            compound=world.wufuyuan,
            title="",
            responsible_party="物业",
            found_on=given.TODAY,
            work_days=3,
        )
    assert Case.objects.count() == before
