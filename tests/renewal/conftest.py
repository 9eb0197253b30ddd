import pytest
from django.utils import translation

from laoyuan.renewal import actions
from tests.renewal import given


@pytest.fixture(autouse=True)
def _back_to_chinese():
    """A page asked for in English leaves English active in the thread (LocaleMiddleware
    activates, nothing deactivates); the next test's messages are Chinese again."""
    yield
    translation.deactivate()


@pytest.fixture
def base(world):
    """A project under construction with a group, a survey, an inspection and a scheme."""
    project = given.advance(world, given.project(world, title="主项目"), "construction")
    actions.survey_open(actor=world.li, project=project, closes_on=given.TODAY)
    actions.inspection_record(
        actor=world.li,
        project=project,
        inspected_on=given.TODAY,
        inspectors="监督小组",
        findings="检查",
        problems=[actions.ProblemEntry("问题", "施工单位", 3)],
    )
    residents = actions.source_add(
        actor=world.li, project=project, kind="residents", funder="居民自筹"
    )
    return project, residents
