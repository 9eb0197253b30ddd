"""The funnel as an .xlsx (意见漏斗导出): four sheets headed by the place and the period, counts
as numbers, the topics of the period with their outcome, text redacted and never run as a
formula; a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from laoyuan.voices import actions
from laoyuan.voices.models import Channel, TopicState
from tests.voices.funnel_data import SINCE, TODAY, UNTIL, decide, make_history, more_voices

URL = "/funnel.xlsx"


def sheets(response) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def table(rows: list[tuple]) -> list[tuple]:
    """The rows under the header (row 4), without trailing empty cells."""
    return [tuple(c for c in r if c is not None) for r in rows[4:]]


@pytest.fixture
def history(world):
    return make_history(world)


def test_the_workbook_has_the_four_sheets_with_place_and_period(history, world, login):
    response = login(world.wang).get(
        URL, {"compound": world.wufuyuan.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    book = sheets(response)
    assert list(book) == ["漏斗", "按渠道", "按分类", "议题"]
    for rows in book.values():
        assert rows[0][0] == (
            f"沙河街道 · 沙河社区 · 五福苑 意见漏斗（{SINCE.isoformat()} 至 {UNTIL.isoformat()}）"
        )
        assert "地点：沙河街道 · 沙河社区 · 五福苑" in rows[1][0]


def test_the_steps_and_the_breakdowns_are_numbers(history, world, login):
    book = sheets(
        login(world.wang).get(
            URL,
            {"compound": world.wufuyuan.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()},
        )
    )
    steps = {r[0]: r[1] for r in book["漏斗"][4:]}
    assert steps == {
        "意见": 7,
        "议题": 3,
        "已决定": 1,
        "入项目库": 1,
        "转工单": 0,
        "答复办结": 0,
        "不予采纳": 1,
        "其中：未归入议题的意见": 1,
    }
    assert all(isinstance(v, int) for v in steps.values())
    assert book["漏斗"][4][2] == 1  # voices are 100% of voices
    channels = {r[0]: r[1:] for r in table(book["按渠道"])}
    assert channels["夜话"] == (3, 1, 1, 1, 0, 0, 0)
    assert channels["12345热线"] == (1, 1, 0, 0, 0, 0, 1)
    assert channels["合计"] == (7, 3, 1, 1, 0, 0, 1)
    categories = {r[0]: r[1:] for r in table(book["按分类"])}
    assert categories["停车充电"] == (2, 1, 0, 0, 0, 0, 0)
    assert sum(v[0] for k, v in categories.items() if k != "合计") == 7


def test_the_topics_sheet_lists_each_topic_of_the_period_once(history, world, login):
    book = sheets(
        login(world.wang).get(
            URL,
            {"compound": world.wufuyuan.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()},
        )
    )
    header = book["议题"][3]
    assert header[:7] == ("编号", "小区", "议题", "状态", "一级分类", "二级分类", "本期意见数")
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in book["议题"][4:]}
    # T3 was merged into T2 (its voice is counted there); T5 and T6 are outside
    assert set(rows) == {history.t1.pk, history.t2.pk, history.t4.pk}
    t1 = rows[history.t1.pk]
    assert (t1["议题"], t1["状态"], t1["本期意见数"]) == ("3栋屋面漏水", "已入项目库", 3)
    assert t1["决定内容"] == "纳入屋面防水改造" and t1["责任方"] == "社区"
    assert t1["首次反映"].date() == TODAY - dt.timedelta(days=100)
    assert rows[history.t2.pk]["本期意见数"] == 2
    assert rows[history.t4.pk]["不予采纳理由"] == "场地不足，且无维护资金"


def test_text_is_redacted_and_never_a_formula(world, login):
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.PHONE,
        said_on=TODAY,
        entries=[actions.VoiceEntry(text='=HYPERLINK("http://x") 楼道灯坏了')],
    )
    topic = actions.topic_create(actor=world.li, voices=voices, title="=1+1 楼道灯")
    decide(
        world,
        topic,
        TopicState.DECIDED,
        decision="请联系王师傅 13812345678 维修<script>alert(1)</script>",
        responsible_party="物业",
    )
    rows = sheets(login(world.li).get(URL, {"compound": world.wufuyuan.pk}))["议题"]
    header, (row,) = rows[3], rows[4:]
    data = dict(zip(header, row, strict=True))
    assert data["议题"].startswith("'=")
    assert "13812345678" not in data["决定内容"] and "<script>" not in data["决定内容"]
    assert "王师傅" in data["决定内容"]


def test_out_of_scope_places_answer_404(world, login):
    assert login(world.qian).get(URL, {"compound": world.wufuyuan.pk}).status_code == 404
    assert login(world.zhang).get(URL, {"compound": world.majiagou.pk}).status_code == 404
    assert login(world.liu).get(URL).status_code == 404


def test_the_export_runs_a_fixed_number_of_queries(world, login):
    client = login(world.wang)
    client.get(URL)
    make_history(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"period": "all"}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    more_voices(world, 15)
    assert count() == small
