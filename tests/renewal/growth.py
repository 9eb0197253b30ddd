"""Growing renewal data for the query-count tests (no tests here): more of everything in
五福苑, and a project under construction with a group, a survey, an inspection and a scheme."""

from decimal import Decimal

from laoyuan.notices import actions as notice_actions
from laoyuan.registry.models import Unit
from laoyuan.renewal import actions
from laoyuan.renewal.models import Project
from tests.renewal import given


def grow(world, n: int) -> None:
    """n more of everything in 五福苑: projects with sources, receipts, payments, milestones,
    work items, volunteers, inspections and their problems; flats sharing a scheme; assets."""
    first = Project.objects.order_by("pk").first()
    for i in range(n):
        project = given.project(world, title=f"项目{n}-{i}", budget="1000000.00")
        source = actions.source_add(
            actor=world.li, project=project, kind="government", funder="区财政", pledged="1000000"
        )
        for _ in range(2):
            actions.receipt_record(
                actor=world.li, source=source, amount="1000", booked_on=given.TODAY
            )
        payment = actions.payment_request(
            actor=world.li, source=source, amount="500", payee="施工单位", purpose="进度款"
        )
        actions.payment_decide(actor=world.wang, payment=payment, approve=True)
        actions.milestone_add(actor=world.li, project=project, name="进场", planned_on=given.TODAY)
        actions.work_item_add(
            actor=world.li,
            project=project,
            name="管网",
            weight=i + 1,
            planned_quantity="10",
            unit="米",
        )
        actions.volunteer_add(
            actor=world.li,
            project=project,
            resident=given.resident(world, world.wufuyuan, f"志愿{n}{i}"),
        )
        actions.rectification_create(
            actor=world.li,
            compound=world.wufuyuan,
            title=f"问题{n}{i}",
            responsible_party="物业",
            found_on=given.TODAY,
            work_days=3,
        )
        actions.asset_add(
            actor=world.li, compound=world.wufuyuan, asset_type="road", name=f"道路{n}{i}"
        )
        # a notice about the first project, objected to on paper
        notice = notice_actions.notice_publish(
            actor=world.li,
            place=world.wufuyuan,
            kind="project",
            title=f"项目进展公示{n}{i}",
            body="施工进展",
            starts_on=given.TODAY,
            period_days=3,
            working_days=False,
            subject=first,
        )
        notice_actions.objection_record_paper(
            actor=world.li, notice=notice, objector_name="王大爷", text="噪音大"
        )
        Unit.objects.create(
            building=world.b1,
            compound=world.wufuyuan,
            room_number=f"9{n:02d}{i:02d}",
            floor=5,
            area=Decimal("50.00"),
        )
    if first is None:
        return
    for _ in range(n):
        actions.milestone_add(actor=world.li, project=first, name="节点", planned_on=given.TODAY)
        actions.work_item_add(
            actor=world.li, project=first, name="子项", weight=2, planned_quantity="5", unit="个"
        )


def scheme(world, project, residents):
    actions.share_scheme_create(
        actor=world.li,
        project=project,
        source=residents,
        basis="area",
        total=Decimal("1000.00"),
        buildings=[world.b1, world.b2],
    )
