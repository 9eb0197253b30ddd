"""Given a project under construction with weighted work items, when quantities done are
reported, then the project's progress is the weighted share done, exactly, shown rounded down
to 0.1% (so 100% only when everything is done); a smaller total is a correction that needs a
note, and nothing beyond the plan is accepted."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from laoyuan.renewal import actions, requirements
from laoyuan.renewal.models import ProgressReport
from laoyuan.renewal.progress import percent_down, progress
from tests.renewal import given


def test_progress_is_weighted_and_exact():
    # pipes (weight 3) half done, façade (weight 1) all done: (3×½ + 1×1) / 4 = 5/8
    assert progress(
        [(3, Decimal("200"), Decimal("100")), (1, Decimal("25000"), Decimal("25000"))]
    ) == Fraction(5, 8)
    assert percent_down(Fraction(5, 8)) == "62.5"
    # 1999/2000 is 99.95%: shown 99.9, never rounded up to 100
    assert percent_down(Fraction(1999, 2000)) == "99.9"
    assert progress([]) is None


def test_reports_roll_up_and_corrections_need_a_note(world):
    project = given.advance(world, given.project(world), "construction")
    item = project.work_items.get()
    actions.work_item_add(
        actor=world.li,
        project=project,
        name="外立面",
        weight=1,
        planned_quantity="25000",
        unit="平方米",
    )
    actions.work_item_report(actor=world.li, item=item, done_quantity="150")
    assert requirements.facts_of(project).progress == Fraction(3 * Fraction(150, 200), 4)
    with pytest.raises(ValidationError, match="请填写更正说明"):
        actions.work_item_report(actor=world.li, item=item, done_quantity="100")
    with pytest.raises(ValidationError, match=r"不能超过计划的200\.00米"):
        actions.work_item_report(actor=world.li, item=item, done_quantity="200.01")
    actions.work_item_report(actor=world.li, item=item, done_quantity="100", note="重新丈量")
    assert list(
        ProgressReport.objects.filter(work_item=item).values_list("done_quantity", "note")
    ) == [
        (Decimal("150.00"), ""),
        (Decimal("100.00"), "重新丈量"),
    ]


def test_progress_is_reported_only_during_construction(world):
    project = given.project(world)
    item = actions.work_item_add(
        actor=world.li, project=project, name="管网", weight=1, planned_quantity="10", unit="米"
    )
    with pytest.raises(ValidationError, match="只有施工中的项目才能填报进度"):
        actions.work_item_report(actor=world.li, item=item, done_quantity="1")
