"""Given a problem on the rectification list, when it is recorded, then its deadline counts
Chinese working days (National Day skipped, the 调休 Saturday counted); when it moves on, those
responsible report it done and only a supervisor or staff member closes it after a check on
site; sending it back or cancelling needs a reason; each change is an event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.models import RectificationEvent
from laoyuan.renewal.queries.rectification import is_overdue, item_list


def _item(world, found_on=dt.date(2026, 9, 30), work_days=3, **extra):
    return actions.rectification_create(
        actor=world.li,
        compound=world.wufuyuan,
        title="3栋门口井盖松动",
        responsible_party="五福苑物业",
        found_on=found_on,
        work_days=work_days,
        **extra,
    )


def test_the_deadline_skips_national_day_and_counts_the_tiaoxiu_saturday(world):
    # given a problem found on Wednesday 30 September 2026, three working days to fix it
    item = _item(world)
    # then 1–7 October are holidays, Thursday 8 and Friday 9 count, and Saturday 10 October
    # (调休上班) is the third working day
    assert item.deadline == dt.date(2026, 10, 10)
    event = RectificationEvent.objects.get(item=item)
    assert "3个工作日内（2026-10-10前）整改" in event.note


def test_it_is_reported_done_by_those_responsible_and_closed_by_a_supervisor(world):
    item = _item(world)
    item = actions.rectification_transition(actor=world.sun, item=item, to_state="rectifying")
    item = actions.rectification_transition(
        actor=world.sun, item=item, to_state="rectified", note="已更换井盖"
    )
    with pytest.raises(PermissionDenied):
        actions.rectification_transition(actor=world.sun, item=item, to_state="closed")
    with pytest.raises(ValidationError, match="请填写理由"):
        actions.rectification_transition(actor=world.zhao, item=item, to_state="rectifying")
    item = actions.rectification_transition(
        actor=world.zhao, item=item, to_state="rectifying", note="井盖仍有响动"
    )
    item = actions.rectification_transition(actor=world.sun, item=item, to_state="rectified")
    item = actions.rectification_transition(actor=world.zhao, item=item, to_state="closed")
    assert item.closed_on == dt.date.today()
    assert list(
        RectificationEvent.objects.filter(item=item)
        .order_by("id")
        .values_list("to_state", flat=True)
    ) == ["open", "rectifying", "rectified", "rectifying", "rectified", "closed"]
    with pytest.raises(ValidationError, match="不能改为"):
        actions.rectification_transition(actor=world.li, item=item, to_state="open")


def test_overdue_items_are_found_until_they_are_reported(world):
    item = _item(world)
    assert is_overdue(item)
    assert list(item_list(world.li, overdue=True)) == [item]
    actions.rectification_transition(actor=world.sun, item=item, to_state="rectified")
    assert list(item_list(world.li, overdue=True)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"work_days": 0}, "work_days"),
        ({"work_days": 251}, "work_days"),
        ({"found_on": dt.date.today() + dt.timedelta(days=1)}, "found_on"),
        ({"found_on": None}, "found_on"),
    ],
)
def test_bad_deadlines_are_refused_in_chinese(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        _item(world, **changes)
    assert field in refused.value.message_dict


def test_the_outsider_cannot_list_or_move_wufuyuans_items(world):
    item = _item(world)
    assert list(item_list(world.qian)) == []
    with pytest.raises(PermissionDenied):
        actions.rectification_transition(actor=world.qian, item=item, to_state="rectifying")
