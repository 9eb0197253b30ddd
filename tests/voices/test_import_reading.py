"""Reading questionnaire sheets and 12345 exports: .xlsx, .csv in UTF-8 and GB18030, merged
title rows, full-width text, header variants, several opinion columns; and every file we
cannot use gets a clear Chinese reason and stores nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from laoyuan.registry.roster.reading import RosterFileError
from laoyuan.voices.importing import actions
from laoyuan.voices.models import ImportStatus, Voice, VoiceImport
from tests.voices.import_files import (
    HOTLINE_HEADERS,
    answer,
    case,
    csv_bytes,
    hotline_xlsx,
    import_file,
    xlsx_bytes,
)


def _upload(world, data, *, name="问卷.xlsx", kind="questionnaire", **kwargs):
    return actions.voice_import_create(
        actor=world.li,
        compound=world.wufuyuan,
        kind=kind,
        file=io.BytesIO(data),
        name=name,
        opinion_headers=kwargs.pop("opinion_headers", []),
        **kwargs,
    )


def test_an_xlsx_questionnaire_under_a_merged_title_row_is_read(world):
    # given a questionnaire sheet with a merged title row above its header
    data = xlsx_bytes(
        [answer(), answer(姓名="李阿姨", 意见内容="希望增加晾衣架")], title="五福苑居民问卷"
    )
    # when li imports it
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    # then the header is found on row 2 and both answers are valid
    assert (batch.status, batch.header_row) == (ImportStatus.PREVIEWED, 2)
    assert (batch.rows_read, batch.rows_valid, batch.rows_rejected) == (2, 2, 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_or_gb18030_is_read(world, encoding):
    # given a questionnaire saved as CSV by Excel on Chinese Windows (GB18030) or as UTF-8
    data = csv_bytes([answer(), answer(姓名="赵师傅", 楼栋="2号楼")], encoding=encoding)
    # when li imports it
    batch = import_file(world.li, world.wufuyuan, data, name="问卷.csv")
    # then both voices are recorded with their names and buildings
    assert batch.done_create == 2
    voices = Voice.objects.filter(import_batch=batch).order_by("speaker_name")
    assert [(v.speaker_name, v.building.number) for v in voices] == [
        ("王大爷", "1"),
        ("赵师傅", "2"),
    ]


def test_header_variants_and_full_width_text_are_understood(world):
    # given headers as people write them (建议, 反映人, 楼号) and full-width digits in cells
    data = xlsx_bytes(
        cells=[
            ["反映人", "楼号", "建议", "日期"],
            ["孙大姐", "２栋", "小区门口的路灯不亮", "２０２４年５月３日"],
        ]
    )
    # when li imports it
    batch = import_file(world.li, world.wufuyuan, data)
    # then the voice has its building and date
    voice = Voice.objects.get(import_batch=batch)
    assert (voice.building.number, str(voice.said_on), voice.channel) == (
        "2",
        "2024-05-03",
        "questionnaire",
    )


def test_several_opinion_columns_make_one_voice_per_filled_cell(world):
    # given a questionnaire with three question columns; one respondent left one blank
    data = xlsx_bytes(
        cells=[
            ["序号", "姓名", "您对停车有什么建议？", "您对绿化有什么建议？", "其他意见"],
            [1, "王大爷", "晚上车停满了消防通道", "草坪缺人管理", ""],
            [2, "", "希望划车位", "", "楼道堆物太多"],
        ]
    )
    # when li uploads it naming the three opinion columns
    batch = import_file(
        world.li,
        world.wufuyuan,
        data,
        said_on=dt.date(2024, 5, 3),
        opinion_headers=["您对停车有什么建议？", "您对绿化有什么建议？", "其他意见"],
    )
    # then each filled cell became one voice, and the preview said so
    assert batch.done_create == 4
    notes = " ".join(actions.layout(batch)["notes"])
    assert "每个填了内容的格子成为一条意见" in notes
    assert "序号" in actions.layout(batch)["ignored"]


def test_an_unknown_questionnaire_waits_for_its_opinion_columns(world):
    # given a questionnaire whose opinion column is not named like one we know
    data = xlsx_bytes(
        cells=[["姓名", "您最希望改造什么？", "日期"], ["王大爷", "加装电梯", "2024-05-03"]]
    )
    # when li uploads it without choosing
    batch = _upload(world, data)
    # then it waits for the choice, and choosing starts the preview
    assert actions.needs_columns(batch)
    assert actions.voice_import_choose_columns(actor=world.li, batch=batch, columns=[1])
    batch = actions.voice_import_preview(batch_id=batch.pk)
    assert (batch.status, batch.rows_valid) == (ImportStatus.PREVIEWED, 1)


def test_a_recognised_column_other_than_opinion_cannot_be_chosen(world):
    # given a questionnaire waiting for its opinion columns
    data = xlsx_bytes(
        cells=[["姓名", "您最希望改造什么？", "日期"], ["王大爷", "加装电梯", "2024-05-03"]]
    )
    batch = _upload(world, data)
    # when li picks the name column as an opinion column
    with pytest.raises(ValidationError) as caught:
        actions.voice_import_choose_columns(actor=world.li, batch=batch, columns=[0])
    # then she is told why
    assert "“姓名”已识别为其他信息" in " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("意见.docx", b"PK\x03\x04 a word file", "只能导入 Excel（.xlsx、.xls）或 CSV（.csv）文件"),
        ("意见.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "内容不是 Excel 文件"),
        ("意见.xlsx", b"", "文件是空的"),
        ("意见.xls", b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    ],
)
def test_files_that_are_not_sheets_are_refused_and_nothing_is_stored(world, name, data, expected):
    # when li uploads a file that is not a sheet
    with pytest.raises(RosterFileError) as caught:
        _upload(world, data, name=name)
    # then the reason is clear and no batch is stored
    assert expected in str(caught.value)
    assert not VoiceImport.objects.exists()


def test_an_empty_sheet_is_refused(world):
    # given an .xlsx with nothing in it
    with pytest.raises(RosterFileError) as caught:
        _upload(world, xlsx_bytes(cells=[]))
    assert "文件中没有内容" in str(caught.value)
    assert not VoiceImport.objects.exists()


def test_a_hotline_export_without_its_required_columns_says_which_and_lists_the_headers(world):
    # given a 12345 export without 工单编号
    headers = tuple(h for h in HOTLINE_HEADERS if h != "工单编号")
    data = hotline_xlsx([case()], headers=headers)
    # when li uploads it
    with pytest.raises(RosterFileError) as caught:
        _upload(world, data, kind="hotline", name="12345.xlsx")
    # then the message names the missing column and the headers found
    message = str(caught.value)
    assert "缺少必需的列：“工单编号”" in message
    assert "“诉求内容”" in message and "“受理时间”" in message
    assert not VoiceImport.objects.exists()


def test_a_questionnaire_without_a_date_column_needs_a_default_date(world):
    # given a questionnaire without a date column
    data = xlsx_bytes(cells=[["姓名", "意见内容"], ["王大爷", "楼道灯坏了"]])
    # when li uploads it without a default date
    with pytest.raises(ValidationError) as caught:
        _upload(world, data)
    # then she is asked for one
    assert "请填写默认日期" in " ".join(caught.value.messages)
    assert not VoiceImport.objects.exists()


def test_a_questionnaire_without_any_header_says_so(world):
    # given a sheet of numbers only
    data = xlsx_bytes(cells=[[1, 2, 3], [4, 5, 6]])
    with pytest.raises(RosterFileError) as caught:
        _upload(world, data)
    assert "没有找到表头" in str(caught.value)


def test_an_old_xls_is_read_and_its_id_numbers_are_not_kept(world):
    # given the roster tests' BIFF8 .xls (merged title row, header on row 2, ID numbers)
    from pathlib import Path

    data = (Path(__file__).parent.parent / "registry/fixtures/roster_building2.xls").read_bytes()
    # when li uploads it as a questionnaire naming a column that holds no words
    batch = import_file(
        world.li,
        world.wufuyuan,
        data,
        name="旧问卷.xls",
        said_on=dt.date(2024, 5, 3),
        opinion_headers=["门牌号"],
        commit=False,
    )
    # then the sheet is read from its header on row 2, every row is refused for having no words,
    # and the ID numbers of the file are not kept with the refused rows
    assert (batch.header_row, batch.rows_read, batch.rows_rejected) == (2, 3, 3)
    kept = " ".join(" ".join(e.cells) for e in batch.row_errors.all())
    assert "[证件号]" in kept
    assert not any(
        len(c) == 18 and c[:17].isdigit() for e in batch.row_errors.all() for c in e.cells
    )
