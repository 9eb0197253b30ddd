"""A case nobody accepts passes its deadline and climbs to the community's overdue board.

The water company got a case on Tuesday 1 September 2026 at 09:00 (accept within 4 working
hours). The case is opened through the actions with the cases' clock set to that morning
(`clocks.frozen_at`, the seam the demo writes its history with) rather than by moving its
deadlines through the ORM: its deadlines are then the real ones of that day. The deadline sweep
runs as the worker runs it (the task, at the current time); 李社工, the community worker, finds
the case on her 督办看板 with how late it is, opens it, sees the escalation on its timeline and
issues a supervision notice."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from laoyuan.cases import clocks
from laoyuan.cases.models import Case, EventKind, SupervisionLevel, SupervisionNotice
from laoyuan.cases.tasks import sweep_deadlines
from tests.cases.helpers import Parties, at, open_case


@pytest.fixture
def parties(e2e_world):
    return Parties(e2e_world)


def test_a_late_case_escalates_onto_the_supervisors_board(page, e2e_world, parties, sign_in):
    world = e2e_world
    with clocks.frozen_at(at("2026-09-01 09:00")):
        case = open_case(world, code="pipe.water", party=parties.water, title="9栋二次供水水箱漏水")
    waiting = open_case(world, title="刚刚登记的工单")  # its deadlines lie ahead

    # the worker's periodic sweep runs
    result = sweep_deadlines.enqueue()
    assert result.return_value["escalated"] == 1
    case.refresh_from_db()
    assert case.level == SupervisionLevel.COMMUNITY

    # 李社工 opens her board
    sign_in(page, world.li)
    page.goto("/cases/board/")
    board = page.locator("table.case-table")
    expect(board).to_contain_text("9栋二次供水水箱漏水")
    expect(board).to_contain_text("社区")
    expect(board).to_contain_text("个工作日")  # how late, in working time
    expect(board).not_to_contain_text("刚刚登记的工单")
    page.get_by_role("link", name="9栋二次供水水箱漏水").click()
    timeline = page.locator(".case-timeline")
    expect(timeline).to_contain_text("逾期升级督办")
    expect(timeline).to_contain_text("超时")

    # and issues a supervision notice with its own deadline
    box = page.locator("#step-notice")
    box.locator("summary").click()
    box.get_by_label("督办要求").fill("立即签收，三个工作日内恢复正常供水并书面反馈")
    box.get_by_label("反馈期限").fill((dt.date.today() + dt.timedelta(days=3)).isoformat())
    box.get_by_role("button", name="签发督办单").click()
    expect(page.get_by_text("已签发督办单，可打印。")).to_be_visible()
    notice = SupervisionNotice.objects.get(case=case)
    expect(page.get_by_role("link", name="打印（PDF）")).to_be_visible()
    assert notice.number.startswith("沙河督")
    assert Case.objects.get(pk=waiting.pk).level == SupervisionLevel.GRID
    assert case.events.filter(kind=EventKind.ESCALATED).count() == 1
