"""Every reason a roster row is rejected, in Chinese, naming the column as the file names it;
several reasons on one row are all listed; ID numbers and phones are shown only masked."""

import datetime as dt

import pytest

from laoyuan.registry.roster.analysis import analyse
from tests.cast import make_id_number
from tests.registry.roster_files import (
    HEADERS,
    TENANT_ID,
    WANG_ID,
    WANG_WIFE_ID,
    person,
    xlsx_bytes,
)

BAD_CHECK_DIGIT = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")


def problems_of(row: dict, *, headers=HEADERS) -> list[tuple[str, str, str]]:
    result = analyse(xlsx_bytes([row], headers=headers), name="x.xlsx")
    assert result.rows == [], "the row should have been rejected"
    (rejected,) = result.rejected
    assert rejected.row_number == 2
    return [(p.column, p.reason, p.value) for p in rejected.problems]


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"楼栋": ""}, "楼栋", "缺少楼栋"),
        ({"房号": ""}, "房号", "缺少房号"),
        ({"姓名": ""}, "姓名", "缺少姓名"),
        ({"身份证号": ""}, "身份证号", "缺少身份证号"),
        ({"楼栋": "1" * 21}, "楼栋", "楼栋过长（最多20个字符）"),
        ({"房号": "1" * 21}, "房号", "房号过长（最多20个字符）"),
        ({"姓名": "王" * 61}, "姓名", "姓名过长（最多60个字）"),
        ({"建筑面积": "七十"}, "建筑面积", "建筑面积不是有效数字"),
        ({"建筑面积": "0"}, "建筑面积", "建筑面积应大于0"),
        ({"建筑面积": "-5"}, "建筑面积", "建筑面积应大于0"),
        ({"建筑面积": "123456789"}, "建筑面积", "建筑面积过大"),
        ({"身份证号": "51010419520101"}, "身份证号", "身份证号应为18位，实际为14位"),
        ({"身份证号": "51010419520101311Y"}, "身份证号", "身份证号只能包含数字，最后一位可以是X"),
        ({"身份证号": BAD_CHECK_DIGIT}, "身份证号", "身份证号校验位不正确"),
        ({"性别": "未知"}, "性别", "性别应填“男”或“女”"),
        ({"性别": "女"}, "性别", "性别与身份证号不符（身份证号显示为男）"),
        ({"出生日期": "去年"}, "出生日期", "出生日期无法识别（请写成1948-03-12）"),
        ({"出生日期": "1952-02-30"}, "出生日期", "出生日期不存在"),
        ({"出生日期": "2999-01-01"}, "出生日期", "出生日期不合理"),
        ({"出生日期": "1953-01-01"}, "出生日期", "出生日期与身份证号中的出生日期不一致"),
        ({"联系电话": "139-abcd-2222"}, "联系电话", "电话号码只能包含数字"),
        ({"联系电话": "23911112222"}, "联系电话", "电话号码格式不正确（手机号应为11位，以1开头）"),
        (
            {"与户主关系": "邻居"},
            "与户主关系",
            "与户主关系无法识别（可填：户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、其他）",
        ),
        ({"居住类型": "保安"}, "居住类型", "居住类型应为业主、业主家属、租户或其他"),
        ({"独居": "偶尔"}, "独居", "独居应填“是”或“否”"),
        ({"残疾": "不清楚"}, "残疾", "残疾应填“是”或“否”"),
        ({"低保": "申请中"}, "低保", "低保应填“是”或“否”"),
        ({"党员": "待定"}, "党员", "党员应填“是”或“否”"),
        ({"网格": "网" * 61}, "网格", "网格名称过长（最多60个字）"),
        ({"备注": "备" * 201}, "备注", "备注过长（最多200字）"),
    ],
)
def test_each_rejection_reason(changes, column, reason):
    problems = problems_of(person(**changes))
    assert [(c, r) for c, r, _ in problems] == [(column, reason)]


def test_the_area_source_column_accepts_only_known_sources():
    headers = (*HEADERS, "面积来源")
    problems = problems_of(person(面积来源="估算"), headers=headers)
    assert [(c, r) for c, r, _ in problems] == [
        ("面积来源", "面积来源应为不动产登记、测绘或购房合同")
    ]


def test_an_id_number_with_an_impossible_birth_date_is_rejected():
    first17 = "51010419520230311"  # 30 February
    from laoyuan.core import pii

    number = first17 + pii.id_check_digit(first17)
    problems = problems_of(person(身份证号=number, 出生日期=""))
    assert [r for _, r, _ in problems] == ["身份证号中的出生日期不存在"]


def test_a_row_with_several_problems_lists_them_all_with_the_columns_as_in_the_file():
    headers = ("楼号", "门牌号", "姓名", "公民身份号码", "手机号码", "面积（平方米）")
    row = {"楼号": "1", "门牌号": "", "姓名": "", "公民身份号码": BAD_CHECK_DIGIT}
    row |= {"手机号码": "12345", "面积（平方米）": "abc"}
    problems = problems_of(row, headers=headers)
    assert [(c, r) for c, r, _ in problems] == [
        ("门牌号", "缺少房号"),
        ("面积（平方米）", "建筑面积不是有效数字"),
        ("姓名", "缺少姓名"),
        ("公民身份号码", "身份证号校验位不正确"),
        ("手机号码", "电话号码格式不正确（手机号应为11位，以1开头）"),
    ]


def test_id_numbers_and_phones_in_problems_and_in_the_kept_cells_are_masked():
    result = analyse(
        xlsx_bytes([person(身份证号=BAD_CHECK_DIGIT, 联系电话="13911112222x")]), name="x.xlsx"
    )
    (rejected,) = result.rejected
    values = {p.column: p.value for p in rejected.problems}
    assert values["身份证号"] == BAD_CHECK_DIGIT[:4] + "*" * 10 + BAD_CHECK_DIGIT[-4:]
    assert values["联系电话"] == "139*****222x"
    assert BAD_CHECK_DIGIT not in str(rejected.cells)
    assert "13911112222" not in str(rejected.cells)
    assert rejected.cells[HEADERS.index("姓名")] == "王建国"  # other cells as typed


def test_other_columns_that_look_like_phones_or_id_numbers_are_masked_too():
    headers = (*HEADERS, "紧急联系人电话")
    row = person(姓名="", 紧急联系人电话="13722223333")
    (rejected,) = analyse(xlsx_bytes([row], headers=headers), name="x.xlsx").rejected
    assert rejected.cells[-1] == "137****3333"


def test_the_same_person_twice_in_one_unit_is_a_duplicate_naming_the_first_row():
    rows = [person(), person(备注="又写了一遍"), person(房号="302")]
    result = analyse(xlsx_bytes(rows), name="x.xlsx")
    assert [r.row_number for r in result.rows] == [2, 4]  # other unit: not a duplicate
    (duplicate,) = result.rejected
    assert duplicate.row_number == 3 and duplicate.is_duplicate
    assert [(p.column, p.reason) for p in duplicate.problems] == [
        ("身份证号", "该身份证号在第2行已出现")
    ]
    assert (result.rows_read, result.rows_valid, result.rows_rejected, result.rows_duplicate) == (
        3,
        2,
        0,
        1,
    )


def test_a_duplicate_that_has_other_problems_counts_as_rejected_with_all_reasons():
    rows = [person(), person(联系电话="123")]
    (rejected,) = analyse(xlsx_bytes(rows), name="x.xlsx").rejected
    assert not rejected.is_duplicate
    assert [p.reason for p in rejected.problems] == [
        "电话号码格式不正确（手机号应为11位，以1开头）",
        "该身份证号在第2行已出现",
    ]


def test_rows_of_one_unit_must_agree_on_area_and_grid():
    rows = [
        person(),
        person(姓名="李淑芬", 性别="女", 出生日期="", 身份证号=WANG_WIFE_ID, 建筑面积="75"),
        person(姓名="周小雨", 性别="", 出生日期="", 身份证号=TENANT_ID, 网格="二网格"),
    ]
    result = analyse(xlsx_bytes(rows), name="x.xlsx")
    assert [r.row_number for r in result.rows] == [2]
    reasons = {r.row_number: [(p.column, p.reason) for p in r.problems] for r in result.rejected}
    assert reasons == {
        3: [("建筑面积", "同一房屋（1栋1单元301）的建筑面积与第2行（70.00）不一致")],
        4: [("网格", "同一房屋（1栋1单元301）的网格与第2行（一网格）不一致")],
    }


def test_birth_date_and_sex_come_from_the_id_number_when_missing():
    headers = ("楼栋", "房号", "姓名", "身份证号")
    number = make_id_number("19350707", seq="99", male=False)
    result = analyse(
        xlsx_bytes(
            [{"楼栋": 3, "房号": 101, "姓名": "老太太", "身份证号": number}], headers=headers
        ),
        name="x.xlsx",
    )
    (row,) = result.rows
    assert (row.sex, row.birth_date) == ("F", dt.date(1935, 7, 7))
    # columns absent from the file stay "not given", so an import leaves them alone
    assert (row.phone, row.relation, row.tenure, row.lives_alone, row.grid) == (
        None,
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("独居", "是", True),
        ("独居", "√", True),
        ("独居", "Y", True),
        ("独居", "独居老人", True),
        ("独居", "否", False),
        ("独居", "", False),
        ("残疾", "肢体残疾二级", True),
        ("低保", "低保户", True),
        ("党员", "中共党员", True),
        ("党员", "中共预备党员", True),
        ("党员", "群众", False),
        ("党员", "共青团员", False),
    ],
)
def test_care_flags_read_the_usual_ways_of_writing_yes_and_no(column, value, expected):
    field = {
        "独居": "lives_alone",
        "残疾": "disabled",
        "低保": "low_income",
        "党员": "party_member",
    }
    (row,) = analyse(xlsx_bytes([person(**{column: value})]), name="x.xlsx").rows
    assert getattr(row, field[column]) is expected


@pytest.mark.parametrize(
    ("relation", "tenure", "expected"),
    [
        ("户主", "业主", ("head", "owner")),
        ("妻子", "业主家属", ("spouse", "owner_family")),
        ("儿子", "家属", ("child", "owner_family")),
        ("母亲", "租客", ("parent", "tenant")),
        ("外孙女", "借住", ("grandchild", "other")),
    ],
)
def test_relations_and_tenures_in_everyday_words(relation, tenure, expected):
    (row,) = analyse(xlsx_bytes([person(与户主关系=relation, 居住类型=tenure)]), name="x.xlsx").rows
    assert (row.relation, row.tenure) == expected
