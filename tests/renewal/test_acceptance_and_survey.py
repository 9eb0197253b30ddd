"""Given a project under construction, when it is accepted, then the supervision group signs
(a refusal needs its reason, each member signs once, on paper or on her phone), the residents
answer the satisfaction survey once per household (on the portal for their own household, or on
paper entered by staff), the results are counted exactly, and the survey's invitation reaches
the project's residents in the background."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import Notification
from laoyuan.renewal import actions
from laoyuan.renewal.models import SignOff
from laoyuan.renewal.queries.projects import survey_results
from tests.renewal import given


@pytest.fixture
def building(world):
    return given.advance(world, given.project(world, buildings=[world.b1]), "construction")


def test_members_sign_once_and_a_refusal_says_why(world, building):
    member = building.group.members.order_by("pk").first()
    with pytest.raises(ValidationError, match="不同意验收，请写明原因"):
        actions.signoff_record(actor=world.li, project=building, member=member, agrees=False)
    actions.signoff_record(
        actor=world.li, project=building, member=member, agrees=False, remark="外墙有空鼓"
    )
    with pytest.raises(ValidationError, match="已经签过字了"):
        actions.signoff_record(actor=world.li, project=building, member=member, agrees=True)
    assert SignOff.objects.get(member=member).remark == "外墙有空鼓"


def test_a_member_signs_on_her_phone_and_others_cannot(world, building):
    volunteer = actions.volunteer_signup(actor=world.liu, project=building)
    member = building.group.members.create(volunteer=volunteer)
    signed = actions.signoff_mine(actor=world.liu, project=building, agrees=True)
    assert signed.member == member and signed.recorded_by == world.liu
    other = given.project(world)
    with pytest.raises(PermissionDenied):
        actions.signoff_mine(actor=world.liu, project=other, agrees=True)


def test_one_answer_per_household_counted_exactly(world, building):
    survey = actions.survey_open(
        actor=world.li, project=building, closes_on=given.TODAY + dt.timedelta(days=7)
    )
    actions.survey_answer(actor=world.liu, survey=survey, household=world.h1, choice="satisfied")
    with pytest.raises(ValidationError, match="每户只答一次"):
        actions.survey_answer(actor=world.liu, survey=survey, household=world.h1, choice="fairly")
    # she may not answer for her neighbours; staff enter their paper answers
    with pytest.raises(PermissionDenied):
        actions.survey_answer(actor=world.liu, survey=survey, household=world.h2, choice="fairly")
    actions.survey_answer(
        actor=world.li,
        survey=survey,
        household=world.h2,
        choice="dissatisfied",
        channel="paper",
        comment="楼道灯还是暗，电话13812345678",
    )
    results = survey_results(building)
    # the project names building 1: its two households were asked, both answered
    assert (results.eligible, results.answered, results.satisfied) == (2, 2, 1)
    assert results.rate == "50.0"
    assert [(c, n) for c, _label, n in results.by_choice] == [
        ("satisfied", 1),
        ("fairly", 0),
        ("dissatisfied", 1),
    ]
    # what residents write is kept without phones
    assert "13812345678" not in survey.answers.get(household=world.h2).comment


def test_a_closed_survey_takes_no_more_answers(world, building):
    survey = actions.survey_open(actor=world.li, project=building, closes_on=given.TODAY)
    actions.survey_close(actor=world.li, survey=survey)
    with pytest.raises(ValidationError, match="已经结束了"):
        actions.survey_answer(
            actor=world.liu, survey=survey, household=world.h1, choice="satisfied"
        )


def test_opening_the_survey_tells_the_residents_of_the_projects_buildings(
    world, building, django_capture_on_commit_callbacks
):
    # the immediate task backend runs the invitation as the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        actions.survey_open(actor=world.li, project=building, closes_on=given.TODAY)
    notes = Notification.objects.filter(title__contains="打个分")
    assert list(notes.values_list("user__username", flat=True)) == ["liu"]


def test_a_survey_opens_only_during_construction(world):
    with pytest.raises(ValidationError, match="只有施工中的项目"):
        actions.survey_open(actor=world.li, project=given.project(world), closes_on=given.TODAY)


def test_the_accepted_project_records_its_acceptance_day(world, building):
    accepted = given.advance(world, building, "accepted")
    assert accepted.accepted_on == dt.date.today()
    assert accepted.budget == Decimal("1000000.00")
