"""Given a project whose matter the owners decide (民法典第278条), when it is moved to 已决策,
then the step is refused — naming what is missing, in Chinese — until a vote of its compound
and matter type is linked, counted and passed; a vote of another compound or matter, a
cancelled vote, or one asked of other buildings cannot be linked at all."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent
from laoyuan.decisions.votes.models import Matter
from laoyuan.renewal import actions
from laoyuan.renewal.models import ProjectEvent, ProjectState
from tests.renewal import given
from tests.votes import helpers as vh


@pytest.fixture
def lift(world):
    """A lift project of 五福苑 (matter (7) 改建), designed, with its council's decision."""
    project = given.advance(
        world, given.project(world, title="加装电梯", vote_matter="rebuild"), "designed"
    )
    actions.project_set_resolution(actor=world.li, project=project, decision=given.decision(world))
    return project


def draft_vote(world, matter, compound):
    """A vote being prepared (a draft) in building 9 of the compound."""
    from laoyuan.decisions.votes import actions as vote_actions

    b = vh.building(compound, "9")
    return vote_actions.vote_create(
        actor=world.li,
        compound=compound,
        draft=vh.draft(matter, meeting=vh.assembly(world, compound, [b]), buildings=[b]),
    )


def refusal(world, project, to_state="decided") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state=to_state)
    return refused.value.message_dict["to_state"]


def test_it_refuses_to_decide_without_a_linked_vote_and_says_so(world, lift):
    assert refusal(world, lift) == [
        "项目还不能改为“已决策”，缺少以下条件：",
        "尚未关联业主表决：“（七）改建、重建建筑物及其附属设施”须经业主表决通过（民法典第二百七十八条）。",
    ]


def test_it_refuses_while_the_vote_is_still_open(world, lift):
    vote = given.passed_vote(world, lift, close=False)
    actions.project_set_vote(actor=world.li, project=lift, vote=vote)
    assert "业主表决“屋面维修方案表决”尚未结束计票（当前为“投票中”）。" in refusal(world, lift)


def test_it_refuses_a_vote_that_did_not_pass(world, lift):
    given.link_passed_vote(world, lift, yes=False)
    assert "业主表决“屋面维修方案表决”未获通过。" in refusal(world, lift)


def test_it_decides_once_the_vote_passed_and_records_the_check(world, lift):
    given.link_passed_vote(world, lift)
    project = actions.project_transition(actor=world.li, project=lift, to_state="decided")
    assert project.state == ProjectState.DECIDED
    step = ProjectEvent.objects.get(project=project, to_state="decided")
    assert step.data["checked"] == ["resolution", "owners_vote"]
    assert ProjectEvent.objects.filter(project=project, kind="vote").exists()
    assert AuditEvent.objects.filter(action="renewal.project_vote").count() == 1


def test_a_project_without_a_matter_needs_no_vote(world):
    project = given.advance(world, given.project(world), "designed")
    actions.project_set_resolution(actor=world.li, project=project, decision=given.decision(world))
    project = actions.project_transition(actor=world.li, project=project, to_state="decided")
    step = ProjectEvent.objects.get(project=project, to_state="decided")
    assert step.data["checked"] == ["resolution"]


def test_it_refuses_a_vote_of_another_matter(world, lift):
    vote = draft_vote(world, Matter.MANAGER, world.wufuyuan)
    with pytest.raises(ValidationError) as refused:
        actions.project_set_vote(actor=world.li, project=lift, vote=vote)
    assert refused.value.message_dict["vote"] == [
        "表决“屋面维修方案表决”表决的是“（四）选聘和解聘物业服务企业或者其他管理人”，"
        "本项目需要“（七）改建、重建建筑物及其附属设施”的表决。"
    ]


def test_it_refuses_a_vote_of_another_compound(world, lift):
    vote = draft_vote(world, Matter.REBUILD, world.majiagou)
    with pytest.raises(ValidationError, match="只能选择本小区的业主表决"):
        actions.project_set_vote(actor=world.li, project=lift, vote=vote)


def test_it_refuses_a_vote_asked_of_other_buildings(world, lift):
    vote = given.passed_vote(world, lift)
    other = vh.building(world.wufuyuan, "8")
    actions.project_edit(
        actor=world.li, project=lift, fields=given.fields_of(lift, buildings=[other])
    )
    with pytest.raises(ValidationError, match="不包括本项目涉及的全部楼栋"):
        actions.project_set_vote(actor=world.li, project=lift, vote=vote)


def test_it_refuses_a_cancelled_vote(world, lift):
    from laoyuan.decisions.votes import actions as vote_actions

    vote = given.passed_vote(world, lift, close=False)
    vote_actions.vote_cancel(actor=world.li, vote=vote, reason="改期")
    vote.refresh_from_db()
    with pytest.raises(ValidationError, match="已取消"):
        actions.project_set_vote(actor=world.li, project=lift, vote=vote)


def test_only_those_who_manage_the_project_link_its_vote(world, lift):
    vote = given.passed_vote(world, lift)
    for who in ("zhang", "sun", "zhao"):
        with pytest.raises(PermissionDenied):
            actions.project_set_vote(actor=world.users[who], project=lift, vote=vote)


def test_the_vote_cannot_change_once_the_project_is_funded(world):
    project = given.advance(world, given.project(world, vote_matter="rebuild"), "funded")
    with pytest.raises(ValidationError, match="不能再更换业主表决"):
        actions.project_set_vote(actor=world.li, project=project, vote=None)
