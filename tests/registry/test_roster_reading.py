"""Reading roster files as community workers really keep them: header names in many variants,
title rows, blank lines, full-width characters, CSV in UTF-8 or GB18030, old .xls, Excel dates
and ID numbers typed as numbers."""

import codecs
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from laoyuan.registry.roster.analysis import analyse
from laoyuan.registry.roster.columns import field_for_header
from laoyuan.registry.roster.reading import RosterFileError
from tests.cast import make_id_number
from tests.registry.roster_files import (
    WANG_ID,
    WANG_WIFE_ID,
    csv_bytes,
    person,
    xlsx_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("楼栋", "building"),
        ("楼号", "building"),
        ("栋号", "building"),
        ("楼栋号", "building"),
        ("单元", "entrance"),
        ("单元号", "entrance"),
        ("房号", "room"),
        ("门牌号", "room"),
        ("房间号", "room"),
        ("建筑面积", "area"),
        ("面积", "area"),
        ("面积(㎡)", "area"),
        ("面积（㎡）", "area"),
        ("建筑面积（平方米）", "area"),
        ("面积㎡", "area"),
        ("姓名", "name"),
        ("性别", "sex"),
        ("出生日期", "birth_date"),
        ("身份证号", "id_number"),
        ("证件号码", "id_number"),
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("*身份证号码（18位）", "id_number"),
        ("联系电话", "phone"),
        ("手机号", "phone"),
        ("手机号码", "phone"),
        ("电话", "phone"),
        ("联系方式", "phone"),
        ("与户主关系", "relation"),
        ("关系", "relation"),
        ("居住类型", "tenure"),
        ("人员类型", "tenure"),
        ("住户类型", "tenure"),
        ("独居", "lives_alone"),
        ("是否独居", "lives_alone"),
        ("残疾", "disabled"),
        ("低保", "low_income"),
        ("党员", "party_member"),
        ("政治面貌", "party_member"),
        ("网格", "grid"),
        ("微网格", "grid"),
        ("备注", "note"),
        (" 姓 名 ", "name"),
        ("ＩＤ", None),
        ("序号", None),
    ],
)
def test_header_variants_are_recognised(header, field):
    assert field_for_header(header) == field


def test_a_file_with_variant_headers_in_any_order_is_read():
    # given a roster whose columns carry other common names, in another order
    headers = ("姓名", "公民身份号码", "门牌号", "楼号", "单元号", "面积（㎡）", "手机号码")
    data = xlsx_bytes(
        [
            {
                "姓名": "王建国",
                "公民身份号码": WANG_ID,
                "门牌号": "301",
                "楼号": "1号楼",
                "单元号": "1单元",
                "面积（㎡）": "70",
                "手机号码": "13911112222",
            }
        ],
        headers=headers,
    )
    # when it is analysed
    result = analyse(data, name="花名册.xlsx")
    # then every column is mapped and the row is clean
    assert result.rejected == []
    (row,) = result.rows
    assert (row.building, row.entrance, row.room, row.area) == ("1", "1", "301", Decimal("70.00"))
    assert (row.name, row.phone, row.sex, row.birth_date) == (
        "王建国",
        "13911112222",
        "M",
        dt.date(1952, 1, 1),
    )


def test_full_width_characters_stray_spaces_and_area_suffixes_are_tolerated():
    full_width_id = WANG_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    data = xlsx_bytes(
        [
            person(
                楼栋=" １栋 ",
                单元="1.0",
                房号="３０１室",
                建筑面积="７０．５０㎡",
                姓名=" 王 建国 ",
                身份证号=f" {full_width_id} ",
                联系电话="139 1111 2222",
            ),
            person(
                房号="302",
                姓名="李淑芬",
                性别="女",
                出生日期="1955年6月6日",
                身份证号=WANG_WIFE_ID,
                建筑面积="66.5 平方米",
                联系电话="",
            ),
        ]
    )
    result = analyse(data, name="x.xlsx")
    assert result.rejected == []
    first, second = result.rows
    assert (first.building, first.entrance, first.room, first.area, first.name) == (
        "1",
        "1",
        "301",
        Decimal("70.50"),
        "王建国",
    )
    assert first.id_number == WANG_ID and first.phone == "13911112222"
    assert second.area == Decimal("66.50") and second.phone is None


def test_merged_title_rows_above_the_header_and_blank_lines_are_skipped_and_rows_keep_excel_numbers():
    # given a title row (merged across the columns), the header in row 2, a blank line in row 4
    data = xlsx_bytes(
        cells=[
            ["五福苑居民花名册（2024年）"],
            ["楼栋", "单元", "房号", "姓名", "身份证号"],
            ["1", "1", "301", "王建国", WANG_ID],
            [],
            ["1", "1", "302", "", WANG_WIFE_ID],
        ],
    )
    result = analyse(data, name="x.xlsx")
    assert result.header_row == 2
    assert result.rows_read == 2
    assert [r.row_number for r in result.rows] == [3]
    assert [r.row_number for r in result.rejected] == [5]  # as Excel shows it


def test_the_header_is_found_below_several_title_rows():
    cells = [["成都市锦江区"], ["沙河街道五福苑"], [], ["制表：李社工", "", "日期：2024-03-01"]]
    cells += [["序号", "楼栋", "房号", "姓名", "身份证号"], [1, 1, 301, "王建国", WANG_ID]]
    result = analyse(xlsx_bytes(cells=cells), name="x.xlsx")
    assert result.header_row == 5
    assert result.mapping.ignored == ("序号",)
    assert [r.name for r in result.rows] == ["王建国"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(encoding):
    wife = person(姓名="李淑芬", 性别="女", 出生日期="1955-06-06", 身份证号=WANG_WIFE_ID)
    data = csv_bytes([person(), wife], encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
    result = analyse(data, name="花名册.csv")
    assert result.kind == "csv"
    assert [r.name for r in result.rows] == ["王建国", "李淑芬"]
    assert result.rows[0].building == "1"


def test_tab_separated_csv_is_read():
    rows = [["楼栋", "房号", "姓名", "身份证号"], ["1", "301", "王建国", WANG_ID]]
    data = "\n".join("\t".join(r) for r in rows).encode("utf-16")
    result = analyse(data, name="花名册.csv")
    assert [r.name for r in result.rows] == ["王建国"]


def test_old_xls_files_are_read():
    # given a BIFF8 .xls as old Excel saves it (made by fixtures/make_roster_xls.py): a merged
    # title, variant headers, numbers as numbers, a date cell, a blank line
    result = analyse((FIXTURES / "roster_building2.xls").read_bytes(), name="二号楼.xls")
    assert (result.kind, result.header_row) == ("xls", 2)
    assert [(r.row_number, r.room, r.name) for r in result.rows] == [
        (3, "201", "钱文华"),
        (4, "201", "吴秀珍"),
        (6, "202", "郑小军"),
    ]
    first = result.rows[0]
    assert first.area == Decimal("72.10") and first.birth_date == dt.date(1960, 3, 15)
    assert first.phone == "13600001111"  # a phone typed as a number


def test_excel_dates_and_date_strings_in_every_usual_form():
    born = dt.date(1948, 3, 12)
    number = make_id_number("19480312", seq="55")
    forms = [born, dt.datetime(1948, 3, 12), "1948-03-12", "1948/3/12", "1948年3月12日"]
    forms += ["19480312", 19480312, 17604, "1948.3.12", "1948-03-12 00:00:00"]
    rows = [person(房号=str(300 + i), 出生日期=f, 身份证号=number) for i, f in enumerate(forms)]
    result = analyse(xlsx_bytes(rows), name="x.xlsx")
    assert result.rejected == []
    assert {r.birth_date for r in result.rows} == {born}


def test_id_numbers_stored_as_numbers_or_with_a_trailing_point_zero():
    # An 18-digit number survives Excel's floating point only when it is a multiple of 64;
    # this synthetic ID number is one, so Excel stores it exactly.
    exact = next(
        n
        for n in (make_id_number("19520101", seq=f"{s:02d}") for s in range(100))
        if n[-1] != "X" and int(n) % 64 == 0
    )
    rows = [
        person(房号="301", 身份证号=int(exact)),
        person(房号="302", 身份证号=f"{WANG_WIFE_ID}.0", 性别="女", 出生日期="1955-06-06"),
    ]
    result = analyse(xlsx_bytes(rows), name="x.xlsx")
    assert result.rejected == []
    assert [r.id_number for r in result.rows] == [exact, WANG_WIFE_ID]


def test_an_id_number_whose_last_digits_excel_lost_gets_a_hint():
    # Excel keeps 15 significant digits: 5101041952010131X1 typed as a number becomes …000
    rows = [person(身份证号=float(WANG_ID[:15] + "000"))]
    (rejected,) = analyse(xlsx_bytes(rows), name="x.xlsx").rejected
    (problem,) = rejected.problems
    assert problem.column == "身份证号"
    assert "校验位不正确" in problem.reason and "文本" in problem.reason


def test_the_first_sheet_with_a_roster_header_is_used():
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由社区填写"])
    data_sheet = wb.create_sheet("居民")
    data_sheet.append(["楼栋", "房号", "姓名", "身份证号"])
    data_sheet.append(["1", "301", "王建国", WANG_ID])
    out = io.BytesIO()
    wb.save(out)
    result = analyse(out.getvalue(), name="x.xlsx")
    assert result.sheet_name == "居民" and [r.name for r in result.rows] == ["王建国"]


def test_a_repeated_header_row_in_the_middle_is_skipped():
    cells = [["楼栋", "房号", "姓名", "身份证号"], ["1", "301", "王建国", WANG_ID]]
    cells += [["楼栋", "房号", "姓名", "身份证号"], ["1", "302", "李淑芬", WANG_WIFE_ID]]
    result = analyse(xlsx_bytes(cells=cells), name="x.xlsx")
    assert [r.name for r in result.rows] == ["王建国", "李淑芬"]
    assert result.rejected == [] and result.rows_read == 2


def test_the_template_example_row_is_skipped_with_a_note():
    from laoyuan.registry.roster.spreadsheets import template_workbook

    result = analyse(template_workbook(), name="模板.xlsx")
    assert result.rows_read == 0 and result.rows == [] and result.rejected == []
    assert any("示例行" in note for note in result.notes)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("花名册.pdf", b"%PDF-1.4", "只能导入 Excel（.xlsx、.xls）或 CSV（.csv）文件"),
        ("花名册", b"abc", "没有扩展名"),
        ("花名册.xlsx", b"", "文件是空的"),
        ("花名册.csv", b"", "文件是空的"),
        ("花名册.xlsx", b"not a zip at all", "内容不是 Excel 文件"),
        ("花名册.xls", b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
        ("花名册.csv", "序号,备注\n1,无\n".encode(), "没有找到表头"),
        ("花名册.csv", b"\n\n\n", "都是空的"),
        ("花名册.csv", "姓名,身份证号\n王建国,1\n".encode(), "表头缺少必需的列：楼栋、房号"),
        ("花名册.csv", b"\x80abc\xff" * 10, "编码"),
    ],
)
def test_unusable_files_are_refused_with_a_chinese_reason(name, data, message):
    with pytest.raises(RosterFileError) as err:
        analyse(data, name=name)
    assert message in str(err.value)


def test_an_xlsx_that_is_really_csv_named_wrongly_is_refused_but_excel_content_wins_over_extension():
    # an .xlsx saved under a .xls name is still read (the content decides)
    data = xlsx_bytes([person()])
    result = analyse(data, name="花名册.xls")
    assert result.kind == "xlsx" and len(result.rows) == 1


def test_the_upload_check_finds_the_header_or_says_what_is_missing():
    from laoyuan.registry.roster.reading import check_roster

    sheet = check_roster(xlsx_bytes([person()], title="五福苑居民花名册"), name="x.xlsx")
    assert (sheet.kind, sheet.sheet_name, sheet.header_row) == ("xlsx", "居民花名册", 2)
    assert sheet.mapping.index["id_number"] == 7
    with pytest.raises(RosterFileError, match="没有找到表头"):
        check_roster(xlsx_bytes(cells=[["序号", "备注"], [1, "无"]]), name="x.xlsx")
    with pytest.raises(RosterFileError, match="表头缺少必需的列：房号"):
        check_roster(xlsx_bytes(cells=[["楼栋", "姓名", "身份证号"]]), name="x.xlsx")
