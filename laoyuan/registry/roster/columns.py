"""The columns of a resident roster (花名册) and how to find them in a user's file.

Community workers keep rosters in Excel sheets they made themselves, so the same column is
called 楼号 in one file and 楼栋号 in the next, often with a unit such as (㎡) or a required-mark
`*`, sometimes under a merged title row. We normalise each header text and look it up among
known names; the header row is the first of the top rows that names the most known columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

HEADER_SCAN_ROWS = 30  # the header must be within the first 30 rows of the sheet


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the canonical Chinese header, as in our template
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""  # one line for the template's notes sheet


COLUMNS: tuple[Column, ...] = (
    Column(
        "building",
        "楼栋",
        ("楼栋", "楼号", "栋号", "楼栋号", "幢号", "楼幢", "楼幢号", "栋", "幢", "楼栋名称"),
        required=True,
        help="必填。楼栋号，如 1、2；“1栋”“1号楼”也可以。",
    ),
    Column(
        "entrance",
        "单元",
        ("单元", "单元号"),
        help="选填。单元号，如 1；“1单元”也可以。没有单元的楼留空。",
    ),
    Column(
        "room",
        "房号",
        ("房号", "门牌号", "房间号", "室号", "房屋号", "门牌"),
        required=True,
        help="必填。房号，如 101；“101室”也可以。",
    ),
    Column(
        "area",
        "建筑面积（㎡）",
        ("建筑面积", "面积", "房屋面积", "产权面积", "登记面积"),
        help="选填。房屋登记的建筑面积，单位平方米，如 65.40；可带“㎡”或“平方米”。"
        "与系统中不同的面积会被更新并记录。",
    ),
    Column(
        "area_source",
        "面积来源",
        ("面积来源",),
        help="选填。不动产登记、测绘或购房合同；留空按不动产登记。",
    ),
    Column(
        "name",
        "姓名",
        ("姓名", "居民姓名", "人员姓名", "名字"),
        required=True,
        help="必填。",
    ),
    Column("sex", "性别", ("性别",), help="选填。男或女；留空时按身份证号确定。"),
    Column(
        "birth_date",
        "出生日期",
        ("出生日期", "出生年月日", "出生年月", "生日"),
        help="选填。如 1948-03-12、1948/3/12、1948年3月12日或19480312；留空时按身份证号确定。",
    ),
    Column(
        "id_number",
        "身份证号",
        (
            "身份证号",
            "身份证号码",
            "证件号码",
            "证件号",
            "公民身份号码",
            "公民身份证号码",
            "身份证件号码",
            "身份证",
        ),
        required=True,
        help="必填，18位。请把这一列设为“文本”格式，否则 Excel 会把后几位变成0。"
        "同一房屋内按身份证号识别同一个人：再次导入会更新而不会重复。",
    ),
    Column(
        "phone",
        "联系电话",
        ("联系电话", "手机号", "手机号码", "电话", "联系方式", "手机", "电话号码", "联系号码"),
        help="选填。手机号11位，或带区号的座机号。",
    ),
    Column(
        "relation",
        "与户主关系",
        ("与户主关系", "与户主的关系", "关系", "家庭关系"),
        help="选填。户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹或其他。",
    ),
    Column(
        "tenure",
        "居住类型",
        ("居住类型", "人员类型", "住户类型", "居住性质", "住户性质", "人员属性"),
        help="选填。业主、业主家属、租户或其他。填“业主”的人同时登记为该房屋的业主"
        "（同一房屋可有多位共有人）。",
    ),
    Column(
        "lives_alone",
        "独居",
        ("独居", "独居老人"),
        help="选填。填“是”或留空（留空视为否）。",
    ),
    Column("disabled", "残疾", ("残疾", "残疾人"), help="选填。填“是”或留空（留空视为否）。"),
    Column(
        "low_income",
        "低保",
        ("低保", "低保户", "低收入", "低保低收入"),
        help="选填。填“是”或留空（留空视为否）。",
    ),
    Column(
        "party_member",
        "党员",
        ("党员", "政治面貌"),
        help="选填。填“是”或留空；也可以用“政治面貌”列（中共党员、预备党员、群众等）。",
    ),
    Column(
        "grid",
        "网格",
        ("网格", "微网格", "所属网格", "网格名称", "所属微网格"),
        help="选填。微网格名称，如“一网格”；系统中没有的网格会自动建立。",
    ),
    Column("note", "备注", ("备注", "说明"), help="选填，最多200字。"),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED_FIELDS = tuple(c.field for c in COLUMNS if c.required)
FIELD_LABELS = {c.field: c.label for c in COLUMNS}

_ALIAS_TO_FIELD: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.label, *_column.aliases):
        _ALIAS_TO_FIELD.setdefault(_alias, _column.field)

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_UNIT_SUFFIX = re.compile(r"(㎡|平方米|平米|m2|m²)$")
_SPACES = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """'建筑面积（平方米）' → '建筑面积'; '* 身份证号码：' → '身份证号码'; '是否独居' → '是否独居'."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))  # full-width brackets and letters too
    value = _SPACES.sub("", value).strip("*:：#")
    value = _BRACKETS.sub("", value).strip("*:：")
    return _UNIT_SUFFIX.sub("", value.lower())


def field_for_header(text: object) -> str | None:
    key = normalize_header(text)
    if not key:
        return None
    field = _ALIAS_TO_FIELD.get(key)
    if field is None and key.startswith("是否"):  # 是否独居, 是否党员
        field = _ALIAS_TO_FIELD.get(key[2:])
    return field


@dataclass(frozen=True)
class HeaderMapping:
    """Where each known field sits in the row, and which columns were not understood."""

    headers: tuple[str, ...]  # header texts as in the file
    index: dict[str, int]  # field → column index
    ignored: tuple[str, ...]  # headers that are unknown or repeat an already mapped field

    @property
    def missing_required(self) -> list[str]:
        return [f for f in REQUIRED_FIELDS if f not in self.index]

    def as_json(self) -> list[dict]:
        field_at = {i: f for f, i in self.index.items()}
        return [
            {"index": i, "header": h, "field": field_at.get(i)} for i, h in enumerate(self.headers)
        ]


def map_headers(cells: Sequence[object]) -> HeaderMapping:
    headers = tuple("" if c is None else str(c).strip() for c in cells)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, header in enumerate(headers):
        if not header:
            continue
        field = field_for_header(header)
        if field is None or field in index:
            ignored.append(header)
        else:
            index[field] = i
    return HeaderMapping(headers=headers, index=index, ignored=tuple(ignored))


class HeaderNotFound(ValueError):
    """The file has no row we recognise as the roster's header; the message is Chinese."""


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, HeaderMapping]:
    """The index (0-based, within `rows`) and mapping of the header among the top rows.

    The header is the row naming the most known columns (the first such row on a tie), so a
    merged title row such as "五福苑居民花名册" above it is passed over."""
    best: tuple[int, HeaderMapping] | None = None
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = map_headers(cells)
        if best is None or len(mapping.index) > len(best[1].index):
            best = (i, mapping)
    if best is None or len(best[1].index) < 2:
        raise HeaderNotFound(
            _(
                "没有找到表头：前{n}行中没有一行包含“姓名”“身份证号”“楼栋”“房号”等列名。"
                "请确认花名册在第一个工作表中，列名写在数据上方的一行。"
            ).format(n=HEADER_SCAN_ROWS)
        )
    missing = best[1].missing_required
    if missing:
        raise HeaderNotFound(
            _("表头缺少必需的列：{missing}。请在第{row}行加上这些列（可下载模板对照）。").format(
                missing="、".join(FIELD_LABELS[f] for f in missing), row=best[0] + 1
            )
        )
    return best
