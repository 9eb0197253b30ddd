"""Turning the cells of one roster row into clean values, with every problem in Chinese.

Plain Python and no database: a 100,000-row roster is checked in a few seconds. A row is either
a `RosterRow` (all values clean) or a list of `Problem`s naming the column as the user's file
names it. ID numbers and phones appear in problems only masked.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from laoyuan.core import pii
from laoyuan.registry.models import AreaSource, Relation, Sex, Tenure
from laoyuan.registry.roster.columns import FIELD_LABELS, HeaderMapping, normalize_header
from laoyuan.registry.roster.reading import cell_text

# The example row of our own template (a synthetic person): skipped if left in the file.
TEMPLATE_EXAMPLE_ID = "51010419480312004" + pii.id_check_digit("51010419480312004")

MAX_AREA = Decimal("9999999.99")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Problem:
    column: str  # the header text as in the user's file; "" for the whole row
    reason: str
    value: str = ""  # what was typed; ID numbers and phones masked

    def as_json(self) -> dict:
        return {"column": self.column, "reason": self.reason, "value": self.value}


class RosterRow:
    """One valid row. `None` means "not given": the import leaves the stored value alone."""

    __slots__ = (
        "area",
        "area_source",
        "birth_date",
        "building",
        "disabled",
        "entrance",
        "grid",
        "id_index",
        "id_number",
        "lives_alone",
        "low_income",
        "name",
        "note",
        "party_member",
        "phone",
        "phone_index",
        "relation",
        "room",
        "row_number",
        "sex",
        "tenure",
    )

    def __init__(self, **values):
        for key in self.__slots__:
            setattr(self, key, values.get(key))

    @property
    def unit_key(self) -> tuple[str, str, str]:
        return (self.building, self.entrance or "", self.room)

    @property
    def unit_label(self) -> str:
        entrance = f"{self.entrance}单元" if self.entrance else ""
        return f"{self.building}栋{entrance}{self.room}"


# --- value parsers: each returns the clean value or raises _Bad(reason) -------------------------


class _Bad(ValueError):
    pass


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: object) -> str:
    """What pii.normalize_text does (NFKC, spaces collapsed), faster for the common cases."""
    if isinstance(value, str):
        if not value.isascii() and not unicodedata.is_normalized("NFKC", value):
            value = unicodedata.normalize("NFKC", value)
        return " ".join(value.split())
    if _is_number(value):
        return cell_text(value)
    return pii.normalize_text(value)


@lru_cache(maxsize=4096)  # the same building, entrance and room numbers recur on every row
def _code(value: object, suffixes: tuple[str, ...], label: str) -> str:
    """Building, entrance and room numbers: '1号楼' → '1', '101室' → '101', 101.0 → '101'."""
    text = _text(value).replace(" ", "")
    if text.endswith(".0") and text[:-2].isdigit():  # 101.0 from a CSV written by a program
        text = text[:-2]
    if text.startswith("第") and len(text) > 1:
        text = text[1:]
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if label != "房号" and text.isdigit():
        text = str(int(text))  # building "01" is building "1"; room "0101" stays as typed
    if len(text) > 20:
        raise _Bad(_("{label}过长（最多20个字符）").format(label=label))
    return text


_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


def _name(value: object) -> str:
    text = _text(value)
    if _HAS_CJK.search(text):
        text = text.replace(" ", "")  # "刘 桂兰" → "刘桂兰"; Latin names keep their spaces
    if len(text) > 60:
        raise _Bad(_("姓名过长（最多60个字）"))
    return text


_AREA_SUFFIX = re.compile(r"(m2|平方米|平方|平米|平)$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _area(value: object) -> Decimal:
    if _is_number(value):
        text = repr(float(value)) if isinstance(value, float) else str(value)
    else:
        # NFKC turns ㎡ into "m2" and full-width digits into ASCII.
        text = unicodedata.normalize("NFKC", str(value)).replace(" ", "").replace(",", "")
        text = _AREA_SUFFIX.sub("", text.strip())
    try:
        area = Decimal(text)
    except InvalidOperation as exc:
        raise _Bad(_("建筑面积不是有效数字")) from exc
    if not area.is_finite():
        raise _Bad(_("建筑面积不是有效数字"))
    if area <= 0:
        raise _Bad(_("建筑面积应大于0"))
    area = area.quantize(_CENT, rounding=ROUND_HALF_UP)
    if area > MAX_AREA:
        raise _Bad(_("建筑面积过大"))
    return area


_AREA_SOURCES = {
    "不动产登记": AreaSource.REGISTER,
    "登记": AreaSource.REGISTER,
    "产权证": AreaSource.REGISTER,
    "房产证": AreaSource.REGISTER,
    "测绘": AreaSource.SURVEY,
    "实测": AreaSource.SURVEY,
    "购房合同": AreaSource.CONTRACT,
    "合同": AreaSource.CONTRACT,
}


def _choice(value: object, table: dict[str, str], message: str) -> str:
    """`message` is marked with gettext_noop and translated only when the value is not in `table`."""
    text = _text(value).replace(" ", "").lower()
    try:
        return table[text]
    except KeyError:
        raise _Bad(_(message)) from None


_SEXES = {"男": Sex.MALE, "女": Sex.FEMALE, "男性": Sex.MALE, "女性": Sex.FEMALE}
_SEXES.update({"m": Sex.MALE, "f": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE})

_RELATIONS = {
    Relation.HEAD: ("户主", "本人", "户主本人"),
    Relation.SPOUSE: ("配偶", "妻子", "丈夫", "妻", "夫", "老伴", "爱人"),
    Relation.CHILD: (
        "子女", "子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女", "三女",
        "养子", "养女", "继子", "继女", "独生子", "独生女",
    ),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母"),
    Relation.GRANDCHILD: ("孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女", "孙辈"),
    Relation.GRANDPARENT: ("祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
    Relation.SIBLING: ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.OTHER: ("其他", "其它", "儿媳", "女婿", "公公", "婆婆", "岳父", "岳母", "保姆", "亲属"),
}  # fmt: skip
_RELATION_BY_TEXT = {text: code for code, texts in _RELATIONS.items() for text in texts}
_RELATION_BY_TEXT.update({code.value: code for code in Relation})

_TENURES = {
    Tenure.OWNER: ("业主", "房主", "产权人", "业主本人", "自有", "自住"),
    Tenure.OWNER_FAMILY: ("业主家属", "家属", "业主亲属", "业主家庭成员"),
    Tenure.TENANT: ("租户", "租客", "租住", "承租人", "承租户", "租房"),
    Tenure.OTHER: ("其他", "其它", "借住", "暂住", "寄住"),
}
_TENURE_BY_TEXT = {text: code for code, texts in _TENURES.items() for text in texts}
_TENURE_BY_TEXT.update({code.value: code for code in Tenure})

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "v"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "✘", "无", "不是", "非", "-", "—", "/"}
# A cell holding the column's own word means yes: 独居老人, 肢体残疾二级, 低保户, 中共党员.
_FLAG_WORDS = {
    "lives_alone": ("独居",),
    "disabled": ("残疾", "残障"),
    "low_income": ("低保", "低收入", "特困"),
    "party_member": ("党员",),
}
_NOT_PARTY = ("群众", "团员", "民主", "无党派", "盟员", "非党员")


@lru_cache(maxsize=1024)
def _flag(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).replace(" ", "").lower()
    if text == "" or text in _NO:
        return False
    if text in _YES:
        return True
    if field == "party_member" and any(word in text for word in _NOT_PARTY):
        return False
    if any(word in text for word in _FLAG_WORDS[field]):
        return True
    raise _Bad(_("{label}应填“是”或“否”").format(label=FIELD_LABELS[field]))


_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _is_number(value):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 29991231:
            text = str(int(number))  # 19480312 typed as a number
        elif 1 <= number < 2_958_466:  # an Excel date serial without a date format
            return _EXCEL_EPOCH + dt.timedelta(days=int(number))
        else:
            raise _Bad(_("出生日期无法识别（请写成1948-03-12）"))
    else:
        text = pii.normalize_text(value).split(" ")[0]  # drop a "00:00:00" time part
    match = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if not match:
        raise _Bad(_("出生日期无法识别（请写成1948-03-12）"))
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise _Bad(_("出生日期不存在")) from exc


_EXCEL_DIGITS_LOST = (
    "（这一格被存成了数字，Excel 只保留15位有效数字，后几位已丢失；"
    "请把身份证号这一列设为“文本”格式后重新填写）"
)

# Headers that may hold an ID number or a phone although we do not import them
# (a second phone column, 紧急联系人电话 …): their cells are masked in every download too.
_SENSITIVE_WORDS = ("身份证", "证件", "电话", "手机", "号码", "联系方式")


def mask_any(text: str) -> str:
    """Mask a value that may be an ID number or a phone, without knowing which."""
    compact = pii.normalize_id_number(text)
    if not compact:
        return ""
    if len(compact) >= 15:
        return pii.mask_id_number(compact)
    return pii.mask_phone(pii.normalize_phone(text))


class RowChecker:
    """Checks the rows of one file against its header mapping."""

    def __init__(self, mapping: HeaderMapping, *, today: dt.date | None = None):
        self.mapping = mapping
        self.index = mapping.index
        self.headers = mapping.headers
        self.today = today or dt.date.today()
        self.width = len(mapping.headers)
        self._header_key = tuple(normalize_header(h) for h in mapping.headers)
        self._first_header = next((i for i, key in enumerate(self._header_key) if key), None)
        sensitive = set()
        for i, header in enumerate(mapping.headers):
            key = normalize_header(header)
            if i in (mapping.index.get("id_number"), mapping.index.get("phone")) or any(
                word in key for word in _SENSITIVE_WORDS
            ):
                sensitive.add(i)
        self.sensitive_columns = frozenset(sensitive)

    def column(self, field: str) -> str:
        return self.headers[self.index[field]]

    def masked_cells(self, cells: list) -> list[str]:
        """The row's cells as text, sensitive ones masked: what downloads and pages may show."""
        out = []
        for i in range(max(self.width, len(cells))):
            text = cell_text(cells[i]) if i < len(cells) else ""
            out.append(mask_any(text) if i in self.sensitive_columns and text else text)
        return out

    def is_repeated_header(self, cells: list) -> bool:
        first = self._first_header
        if first is None or first >= len(cells) or not isinstance(cells[first], str):
            return False
        if normalize_header(cells[first]) != self._header_key[first]:
            return False  # the cheap test settles nearly every row
        return tuple(normalize_header(c) for c in cells[: self.width]) == self._header_key

    def check(self, row_number: int, cells: list) -> tuple[RosterRow, list[Problem]]:
        """The row's clean values and its problems. With problems the row is partial (the
        fields that could not be read are None) and must not be imported."""
        problems: list[Problem] = []
        values: dict[str, object] = {"row_number": row_number}

        width = len(cells)
        given = {}  # field → the cell, for cells that are not blank
        for field, i in self.index.items():
            if i < width:
                value = cells[i]
                if (
                    value is not None
                    and value != ""
                    and not (isinstance(value, str) and value.isspace())
                ):
                    given[field] = value
        raw = given.get

        def bad(field: str, reason: str, value: object = "") -> None:
            shown = cell_text(value)
            problems.append(Problem(self.column(field), reason, shown))

        # Where: building, entrance, room, area.
        for field, suffixes, label in (
            ("building", ("号楼", "栋", "幢", "号", "楼"), "楼栋"),
            ("entrance", ("单元", "号"), "单元"),
            ("room", ("室", "号", "房"), "房号"),
        ):
            value = raw(field)
            if value is None:
                if field != "entrance":
                    problems.append(
                        Problem(self.column(field), _("缺少{label}").format(label=label))
                    )
                continue
            try:
                code = _code(value, suffixes, label)
            except _Bad as exc:
                bad(field, str(exc), value)
                continue
            if code:
                values[field] = code
            elif field != "entrance":
                problems.append(Problem(self.column(field), _("缺少{label}").format(label=label)))
        if (value := raw("area")) is not None:
            try:
                values["area"] = _area(value)
            except _Bad as exc:
                bad("area", str(exc), value)
        if (value := raw("area_source")) is not None:
            try:
                values["area_source"] = _choice(
                    value, _AREA_SOURCES, gettext_noop("面积来源应为不动产登记、测绘或购房合同")
                )
            except _Bad as exc:
                bad("area_source", str(exc), value)

        # Who: name and ID number (the key), then what the ID number says.
        value = raw("name")
        if value is None:
            problems.append(Problem(self.column("name"), _("缺少姓名")))
        else:
            try:
                values["name"] = _name(value)
            except _Bad as exc:
                bad("name", str(exc), value)
        facts = self._id_number(raw("id_number"), problems)
        if facts is not None:
            values["id_number"] = facts.number
            values["id_index"] = pii.blind_index("id", facts.number)
        sex = None
        if (value := raw("sex")) is not None:
            try:
                sex = _choice(value, _SEXES, gettext_noop("性别应填“男”或“女”"))
            except _Bad as exc:
                bad("sex", str(exc), value)
            else:
                if facts is not None and sex != facts.sex:
                    bad(
                        "sex",
                        _("性别与身份证号不符（身份证号显示为{sex}）").format(
                            sex=Sex(facts.sex).label
                        ),
                        value,
                    )
        birth = None
        if (value := raw("birth_date")) is not None:
            try:
                birth = _date(value)
            except _Bad as exc:
                bad("birth_date", str(exc), value)
            else:
                if birth > self.today or birth < dt.date(1900, 1, 1):
                    bad("birth_date", _("出生日期不合理"), value)
                elif facts is not None and birth != facts.birth_date:
                    bad("birth_date", _("出生日期与身份证号中的出生日期不一致"), value)
        if facts is not None:
            values["sex"] = sex or facts.sex
            values["birth_date"] = birth or facts.birth_date

        if (value := raw("phone")) is not None:
            text = cell_text(value)
            try:
                phone = pii.check_phone(text)
            except pii.InvalidPhone as exc:
                problems.append(Problem(self.column("phone"), str(exc), mask_any(text)))
            else:
                values["phone"] = phone
                values["phone_index"] = pii.blind_index("phone", phone)

        # How they live here.
        if (value := raw("relation")) is not None:
            try:
                values["relation"] = _choice(
                    value,
                    _RELATION_BY_TEXT,
                    gettext_noop(
                        "与户主关系无法识别（可填：户主、配偶、子女、父母、孙子女、祖父母、"
                        "兄弟姐妹、其他）"
                    ),
                )
            except _Bad as exc:
                bad("relation", str(exc), value)
        if (value := raw("tenure")) is not None:
            try:
                values["tenure"] = _choice(
                    value, _TENURE_BY_TEXT, gettext_noop("居住类型应为业主、业主家属、租户或其他")
                )
            except _Bad as exc:
                bad("tenure", str(exc), value)
        for field in ("lives_alone", "disabled", "low_income", "party_member"):
            if field not in self.index:
                continue  # no such column: leave the stored flag alone
            value = raw(field)
            try:
                values[field] = _flag(value, field)
            except _Bad as exc:
                bad(field, str(exc), value)
        if (value := raw("grid")) is not None:
            grid = _text(value)
            if len(grid) > 60:
                bad("grid", _("网格名称过长（最多60个字）"), value)
            else:
                values["grid"] = grid
        if (value := raw("note")) is not None:
            note = _text(value)
            if len(note) > 200:
                bad("note", _("备注过长（最多200字）"), note[:20] + "…")
            else:
                values["note"] = note

        return RosterRow(**values), problems

    def _id_number(self, value: object, problems: list[Problem]) -> pii.IdNumberFacts | None:
        column = self.column("id_number")
        if value is None:
            problems.append(Problem(column, _("缺少身份证号")))
            return None
        text = cell_text(value)
        try:
            return pii.check_id_number(text, today=self.today)
        except pii.InvalidIdNumber as exc:
            reason = str(exc)
            if _is_number(value) and len(pii.normalize_id_number(text)) >= 16:
                reason += _EXCEL_DIGITS_LOST
            problems.append(Problem(column, reason, mask_any(text)))
            return None
