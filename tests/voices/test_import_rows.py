"""Row checks of the voice import: each bad cell names its column and says in Chinese what is
wrong; 20,000-character cells and HTML are refused without storing anything broken."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laoyuan.voices.importing.actions import layout
from laoyuan.voices.models import VoiceImportRowError
from tests.voices.import_files import answer, case, hotline_xlsx, import_file, xlsx_bytes


def _problems(batch) -> dict[int, list[dict]]:
    return {e.row_number: e.problems for e in VoiceImportRowError.objects.filter(batch=batch)}


def _reasons(batch, row: int) -> str:
    return "；".join(f"{p['column']}：{p['reason']}" for p in _problems(batch)[row])


def test_each_bad_questionnaire_cell_is_named_with_its_reason(world):
    # given a questionnaire with one good row and five bad ones
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = xlsx_bytes(
        [
            answer(),
            answer(楼栋="9栋"),
            answer(是否匿名="也许"),
            answer(填写日期=tomorrow),
            answer(渠道="微信群"),
            answer(意见内容=""),
        ]
    )
    # when li previews it
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    # then one row is valid and each bad row names its column and reason
    assert (batch.rows_read, batch.rows_valid, batch.rows_rejected) == (6, 1, 5)
    assert _reasons(batch, 3) == "楼栋：不是本小区的楼栋（本小区有：1栋、2栋）"
    assert _reasons(batch, 4) == "是否匿名：应填“是”或“否”"
    assert _reasons(batch, 5) == "填写日期：日期晚于今天"
    assert _reasons(batch, 6).startswith("渠道：渠道无法识别，应为：入户走访")
    assert _reasons(batch, 7) == "意见内容：没有填写意见（这一格是空的）"


def test_a_20000_character_cell_is_refused_and_not_stored_whole(world):
    # given an opinion of 20,000 characters
    data = xlsx_bytes([answer(意见内容="漏" * 20_000)])
    # when li previews it
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    # then the row is refused as too long, and the kept copy of the row is cut short
    problem = _problems(batch)[2][0]
    assert problem["column"] == "意见内容"
    assert "内容太长：共20000个字，一条意见最多5000个字" in problem["reason"]
    kept = VoiceImportRowError.objects.get(batch=batch).cells
    assert max(len(c) for c in kept) < 600


def test_html_in_a_cell_is_refused_and_shown_escaped(world, login):
    # given an opinion carrying a script
    data = xlsx_bytes([answer(意见内容='<script>alert("x")</script>楼道灯坏了')])
    # when li previews it
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    # then the row is refused with a clear reason
    problem = _problems(batch)[2][0]
    assert (problem["column"], batch.rows_valid) == ("意见内容", 0)
    assert "含有网页代码" in problem["reason"]
    # and the batch page never renders markup from the file
    html = login(world.li).get(f"/voice-imports/{batch.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "含有网页代码" in html


def test_hotline_rows_check_their_case_numbers(world):
    # given a 12345 export with a blank case number and one case twice
    data = hotline_xlsx([case("A1"), case(""), case("A1")])
    # when li previews it
    batch = import_file(
        world.li, world.wufuyuan, data, kind="hotline", name="12345.xlsx", commit=False
    )
    # then the blank and the repeated case are refused with their rows
    assert (batch.rows_valid, batch.rows_rejected) == (1, 2)
    assert _reasons(batch, 3) == "工单编号：工单编号是空的"
    assert _reasons(batch, 4) == "工单编号：工单编号与第2行重复"


def test_a_hotline_address_naming_a_building_of_the_compound_sets_it(world):
    # given cases at 2栋 and at an address naming no building of the compound
    data = hotline_xlsx(
        [case("B1", 诉求地址="五福苑2栋3单元"), case("B2", 诉求地址="五福苑9栋旁边的小路")]
    )
    # when li imports them
    batch = import_file(world.li, world.wufuyuan, data, kind="hotline", name="12345.xlsx")
    # then the first voice has building 2, the second none, and both keep the address as spot
    voices = {v.external_ref: v for v in batch.voices.all()}
    assert voices["B1"].building == world.b2 and voices["B1"].spot == "五福苑2栋3单元"
    assert voices["B2"].building is None and voices["B2"].spot == "五福苑9栋旁边的小路"
    assert {v.channel for v in voices.values()} == {"hotline"}


def test_the_preview_lists_the_hotline_columns_shown_but_not_imported(world):
    # when li previews a 12345 export
    batch = import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case()]),
        kind="hotline",
        name="a.xlsx",
        commit=False,
    )
    # then the phone, category and status columns are listed as not imported
    assert layout(batch)["unused"] == ["联系电话", "诉求类型", "办理状态"]
    sample = layout(batch)["sample"][0]
    assert sample["category"] and sample["channel"] == "12345热线"
