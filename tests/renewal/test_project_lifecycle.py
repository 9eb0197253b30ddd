"""Given a project in 五福苑's library, when it is moved through its lifecycle, then each step
happens only once its checks hold; a refused step names, in Chinese, every requirement that is
missing; each step is an event with who, when and why; going back or cancelling needs a reason.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent
from laoyuan.renewal import actions
from laoyuan.renewal.models import LIFECYCLE, ProjectEvent, ProjectState
from tests.renewal import given


def test_it_walks_a_project_from_proposal_to_maintenance(world):
    project = given.project(world)
    project = given.advance(world, project, ProjectState.MAINTENANCE)
    states = list(
        ProjectEvent.objects.filter(project=project, kind="state")
        .order_by("at", "id")
        .values_list("to_state", flat=True)
    )
    assert states == list(LIFECYCLE[1:])
    assert project.started_on and project.accepted_on
    assert AuditEvent.objects.filter(action="renewal.project_transition").count() == 9


def test_it_refuses_a_design_without_plan_drawings_scope_or_budget_and_says_which(world):
    project = given.advance(world, given.project(world), ProjectState.CONSULTED)
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="designed")
    assert refused.value.message_dict["to_state"] == [
        "项目还不能改为“方案已设计”，缺少以下条件：",
        "缺少改造方案：请上传“改造方案”附件。",
        "缺少设计图纸：请上传“设计图纸”附件。",
        "尚未填写工程量（如更换管网多少米、外立面多少平方米）。",
        "尚未填写预算金额。",
    ]
    project.refresh_from_db()
    assert project.state == ProjectState.CONSULTED
    assert not ProjectEvent.objects.filter(project=project, to_state="designed").exists()


def test_funding_must_cover_the_budget_to_the_fen(world):
    project = given.advance(world, given.project(world), ProjectState.PUBLISHED)
    actions.source_add(
        actor=world.li, project=project, kind="government", funder="区财政", pledged="999999.99"
    )
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="funded")
    assert "各方认缴合计999,999.99元，低于预算1,000,000.00元，还差0.01元。" in str(refused.value)
    actions.source_add(
        actor=world.li, project=project, kind="alliance", funder="党建联盟", pledged="0.01"
    )
    project = actions.project_transition(actor=world.li, project=project, to_state="funded")
    assert project.state == ProjectState.FUNDED


def test_the_maintenance_fund_needs_the_matter_named_or_the_emergency_procedure(world):
    project = given.advance(world, given.project(world), ProjectState.PUBLISHED)
    actions.source_add(
        actor=world.li,
        project=project,
        kind="maintenance_fund",
        funder="住宅专项维修资金",
        pledged=project.budget,
    )
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="funded")
    assert "“使用维修资金”" in str(refused.value)
    actions.project_edit(
        actor=world.li, project=project, fields=given.fields_of(project, vote_matter="use_fund")
    )
    # Naming the matter is not enough: the owners must have voted for it.
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="funded")
    assert "使用住宅专项维修资金须经业主表决通过（应急程序除外）" in str(refused.value)
    # The emergency procedure (art. 281), with its reason, is the other way.
    actions.project_edit(
        actor=world.li,
        project=project,
        fields=given.fields_of(
            project, fund_emergency=True, fund_emergency_reason="屋面大面积渗漏，危及住户安全"
        ),
    )
    project = actions.project_transition(actor=world.li, project=project, to_state="funded")
    step = ProjectEvent.objects.get(project=project, to_state="funded")
    assert "fund_vote" in step.data["checked"]


def test_acceptance_needs_finished_work_closed_problems_sign_off_report_and_survey(world):
    project = given.advance(world, given.project(world), ProjectState.CONSTRUCTION)
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="accepted")
    assert refused.value.message_dict["to_state"][1:] == [
        "工程尚未全部完成：当前进度0.0%。",
        "监督小组3名成员中同意验收的有0名，未过半数。",
        "缺少验收报告：请上传“验收报告”附件。",
        "尚未开展居民满意度调查。",
    ]


def test_going_back_to_design_or_cancelling_needs_a_reason(world):
    project = given.advance(world, given.project(world), ProjectState.DECIDED)
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="designed")
    assert refused.value.message_dict == {"note": ["请填写撤销或退回的理由。"]}
    project = actions.project_transition(
        actor=world.li, project=project, to_state="designed", note="公示收到异议，方案调整"
    )
    assert project.state == ProjectState.DESIGNED
    project = actions.project_transition(
        actor=world.li, project=project, to_state="cancelled", note="并入片区统一改造"
    )
    assert (project.state, project.cancel_reason) == ("cancelled", "并入片区统一改造")
    with pytest.raises(ValidationError, match="不能改为"):
        actions.project_transition(actor=world.li, project=project, to_state="consulted")


def test_a_step_that_skips_ahead_is_refused(world):
    project = given.project(world)
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="funded")
    assert refused.value.message_dict["to_state"] == ["项目当前为“已提出”，不能改为“资金已落实”。"]


@pytest.mark.parametrize("who", ["zhang", "zhao", "sun", "zhou"])
def test_roles_that_do_not_manage_projects_may_not_move_them(world, who):
    project = given.project(world)
    with pytest.raises(PermissionDenied):
        actions.project_transition(
            actor=world.users[who], project=project, to_state="cancelled", note="x"
        )


def test_the_outsider_may_not_put_a_project_in_wufuyuans_library(world):
    with pytest.raises(PermissionDenied):
        given.project(world, who="qian")
