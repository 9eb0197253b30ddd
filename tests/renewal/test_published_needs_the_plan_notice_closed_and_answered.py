"""Given a decided project, when it is moved to 已公示, then the step is refused until a notice
of its plan (subject: the project) has run its period, was closed and every objection to it was
answered and settled; the plan notice goes to the project's compound or buildings with the plan
documents attached, and links back to the project."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laoyuan.notices import actions as notice_actions
from laoyuan.notices.models import NoticeState, TargetLevel
from laoyuan.renewal import actions
from laoyuan.renewal.models import ProjectEvent
from tests.notices.helpers import paper_objection
from tests.renewal import given


@pytest.fixture
def decided(world):
    return given.advance(world, given.project(world, title="楼道灯改造"), "decided")


def refusal(world, project) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        actions.project_transition(actor=world.li, project=project, to_state="published")
    return refused.value.message_dict["to_state"]


def test_it_refuses_without_a_plan_notice(world, decided):
    assert refusal(world, decided) == [
        "项目还不能改为“已公示”，缺少以下条件：",
        "尚未公示改造方案：请在项目页发布方案公示，公示期满、异议都答复后再推进。",
    ]


def test_the_plan_goes_to_the_compound_with_its_documents_and_links_back(world, decided):
    notice = given.plan_notice(world, decided)
    assert (notice.kind, notice.state, notice.target_level) == (
        "plan",
        NoticeState.PUBLISHED,
        TargetLevel.COMPOUND,
    )
    assert notice.title == "楼道灯改造改造方案公示"
    assert "预算：1,000,000.00元" in notice.body
    assert sorted(a.name for a in notice.attachments.all()) == ["图纸.pdf", "方案.pdf"]
    assert ProjectEvent.objects.filter(project=decided, kind="notice").exists()
    page = given_page(world, reverse("notices:notice", args=[notice.pk]))
    assert reverse("renewal:project", args=[decided.pk]) in page


def given_page(world, url):
    from django.test import Client

    client = Client()
    client.force_login(world.li)
    return client.get(url).content.decode()


def test_it_refuses_while_the_notice_runs(world, decided):
    notice = given.plan_notice(world, decided)
    assert refusal(world, decided)[1] == (
        f"方案公示“楼道灯改造改造方案公示”尚未结束（公示期至{notice.ends_on}），期满结束后才能推进。"
    )


def test_it_refuses_a_second_plan_notice_while_one_runs(world, decided):
    given.plan_notice(world, decided)
    with pytest.raises(ValidationError, match="还没有结束"):
        given.plan_notice(world, decided)


def test_it_refuses_while_an_objection_is_unanswered_then_allows_once_answered(world, decided):
    notice = given.plan_notice(world, decided)
    objection = paper_objection(world, notice, text="施工噪音怎么办")
    notice = given.close_notice(given.period_over(notice))
    assert notice.state == NoticeState.CLOSED
    assert refusal(world, decided)[1] == (
        "方案公示“楼道灯改造改造方案公示”还有1条异议没有答复办结。"
    )
    notice_actions.objection_answer(
        actor=world.li, objection=objection, text="夜间不施工，提前通知", outcome="explained"
    )
    project = actions.project_transition(actor=world.li, project=decided, to_state="published")
    assert project.state == "published"
    step = ProjectEvent.objects.get(project=project, to_state="published")
    assert step.data["checked"] == ["public_notice"]


def test_a_withdrawn_notice_does_not_count(world, decided):
    notice = given.plan_notice(world, decided)
    notice_actions.notice_withdraw(actor=world.li, notice=notice, reason="方案有误")
    assert "尚未公示改造方案" in refusal(world, decided)[1]
    given.plan_notice(world, decided)  # a new one may be published at once


def test_the_plan_is_publicised_only_once_designed(world):
    project = given.advance(world, given.project(world), "consulted")
    with pytest.raises(ValidationError, match="方案设计完成后"):
        given.plan_notice(world, project)


def test_a_project_of_some_buildings_is_publicised_to_them(world, decided):
    from tests.votes import helpers as vh

    b = vh.building(world.wufuyuan, "3")
    actions.project_edit(
        actor=world.li, project=decided, fields=given.fields_of(decided, buildings=[b])
    )
    notice = given.plan_notice(world, decided)
    assert notice.target_level == TargetLevel.BUILDINGS
    assert list(notice.buildings.all()) == [b]


def test_who_may_not_publish_is_refused(world, decided):
    for who in ("sun", "zhang"):
        with pytest.raises(PermissionDenied):
            given.plan_notice(world, decided, actor=world.users[who])
