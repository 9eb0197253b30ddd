"""One row of a questionnaire or hotline sheet into voices, or its problems in Chinese.

A row is checked whole: if any cell is wrong the row is rejected and none of its voices are
imported, so a corrected file can be uploaded again without half a row already in. Every
problem names its column and says what is wrong; the values quoted back are redacted (no
phone or ID numbers) and short.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from laoyuan.core import pii
from laoyuan.registry.roster.reading import cell_text
from laoyuan.voices.engine.text import VoiceTextError, check, redact
from laoyuan.voices.importing.columns import VoiceHeader, field_labels
from laoyuan.voices.models import VOICE_MAX_CHARS, Channel, ImportKind

SPEAKER_MAX = 60
SPOT_MAX = 100
REF_MAX = 64
QUOTE_MAX = 60  # characters of a bad value quoted back in a problem
CELL_MAX = 500  # characters of a cell kept for the rejected-rows download

# Markup in a cell: a tag, a comment or a doctype. Plain "<" as in "温度<5度" is not markup.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_YES = {"是", "y", "yes", "true", "1", "匿名", "√", "✓"}
_NO = {"", "否", "n", "no", "false", "0", "不匿名", "实名"}
# Channel names as people write them; any channel's own label is accepted too.
_CHANNEL_WORDS = {
    "问卷": Channel.QUESTIONNAIRE,
    "问卷调查": Channel.QUESTIONNAIRE,
    "调查问卷": Channel.QUESTIONNAIRE,
    "走访": Channel.VISIT,
    "入户": Channel.VISIT,
    "入户走访": Channel.VISIT,
    "坝坝会": Channel.COURTYARD,
    "院坝会": Channel.COURTYARD,
    "夜话": Channel.EVENING_TALK,
    "五福夜话": Channel.EVENING_TALK,
    "电话": Channel.PHONE,
    "来电": Channel.PHONE,
    "联系日": Channel.CONTACT_DAY,
    "社情民意联系日": Channel.CONTACT_DAY,
    "现场办公会": Channel.ONSITE_MEETING,
    "12345": Channel.HOTLINE,
    "12345热线": Channel.HOTLINE,
}
for _choice in Channel:
    if _choice != Channel.ONLINE:  # online voices come from an account, never from a sheet
        _CHANNEL_WORDS.setdefault(str(_choice.label), _choice)

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_BUILDING_IN_ADDRESS = re.compile(r"(?<![\d\-])(\d{1,3})\s*(?:号楼|栋|幢|号院楼)")
_BUILDING_SUFFIXES = ("号楼", "栋", "幢", "号", "楼")


class _Bad(ValueError):
    """One cell's problem (the message, Chinese)."""


@dataclass
class RowVoice:
    """One voice a row will become."""

    text: str
    column: str  # the header of the cell it came from
    external_ref: str


@dataclass
class ParsedRow:
    row_number: int
    cells: list
    voices: list[RowVoice] = field(default_factory=list)
    speaker_name: str = ""
    anonymous: bool = False
    building_id: int | None = None
    building_label: str = ""
    spot: str = ""
    said_on: dt.date | None = None
    channel: str = ""
    problems: list[dict] = field(default_factory=list)

    def problem(self, column: str, reason: str, value: object = "") -> None:
        self.problems.append({"column": column, "reason": reason, "value": quote(value)})


def quote(value: object) -> str:
    """A cell's value as it may be shown back: redacted and short."""
    text = redact(cell_text(value)) if value not in (None, "") else ""
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


def safe_cells(cells: list, phone_columns: set[int]) -> list[str]:
    """The row's cells as kept for the rejected-rows download: phones masked, other numbers
    that look like phones or ID numbers redacted, long cells cut."""
    out = []
    for i, value in enumerate(cells):
        text = cell_text(value)
        if i in phone_columns and text:
            digits = re.sub(r"\D", "", pii.normalize_text(text))
            text = pii.mask_phone(digits) if digits else "***"
        else:
            text = redact(text) if text else ""
        if len(text) > CELL_MAX:
            text = _("{start}…（共{n}字，已截断）").format(start=text[:CELL_MAX], n=len(text))
        out.append(text)
    return out


def _plain(value: object) -> str:
    return pii.normalize_text(cell_text(value)) if value is not None else ""


def _has_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


def parse_date(value: object, *, today: dt.date) -> dt.date:
    """A date or date-time cell: Excel dates, '2024-05-03', '2024/5/3 14:20', '2024年5月3日',
    '20240503'. Raises _Bad."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 29991231:
            return parse_date(str(int(number)), today=today)
        if 20_000 <= number < 80_000:  # an Excel date serial without a date format
            day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
        else:
            raise _Bad(_("日期无法识别（请写成2024-05-03）"))
    else:
        text = pii.normalize_text(value)
        match = _DATE.match(text) or _DATE_DIGITS.fullmatch(text.split(" ")[0])
        if not match:
            raise _Bad(_("日期无法识别（请写成2024-05-03）"))
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise _Bad(_("日期不存在")) from exc
    if day > today:
        raise _Bad(_("日期晚于今天"))
    if day < dt.date(2000, 1, 1):
        raise _Bad(_("日期太早（2000年以前）"))
    return day


def building_key(value: object) -> str:
    """'3', '3栋', '3号楼', '第3栋', '03', 3.0 → '3' (as Building.number is kept)."""
    text = _plain(value).replace(" ", "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.startswith("第") and len(text) > 1:
        text = text[1:]
    for suffix in _BUILDING_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return str(int(text)) if text.isdigit() else text


def channel_of(value: object) -> str | None:
    text = _plain(value).replace(" ", "")
    if not text:
        return None
    return _CHANNEL_WORDS.get(text) or _CHANNEL_WORDS.get(text.removesuffix("渠道"))


def channel_names() -> str:
    return "、".join(str(c.label) for c in Channel if c not in (Channel.ONLINE, Channel.HOTLINE))


def fingerprint(*parts: object) -> str:
    """A questionnaire row's key: the same cell of the same file gives the same key, so a file
    uploaded twice creates nothing new; two people writing the same words on the same day in
    two rows stay two voices."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:REF_MAX]


@dataclass
class RowContext:
    """What every row of one batch is checked against."""

    kind: str
    mapping: VoiceHeader
    buildings: dict[str, int]  # normalised number → Building id, of the compound
    building_names: str  # "1、2栋", for messages
    default_date: dt.date | None
    sheet_name: str
    today: dt.date

    @property
    def labels(self) -> dict[str, str]:
        return field_labels(self.kind)

    def header(self, field_name: str) -> str:
        return self.mapping.headers[self.mapping.index[field_name]]

    def cell(self, cells: list, field_name: str) -> object:
        i = self.mapping.index.get(field_name)
        return cells[i] if i is not None and i < len(cells) else None


def _text_cell(row: ParsedRow, header: str, value: object) -> str | None:
    """An opinion cell's text, or None (blank), recording its problems on the row."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = cell_text(value)
    if _has_markup(text):
        row.problem(
            header,
            _("含有网页代码（HTML 标签，如 <script>），为安全起见不导入；请删去尖括号中的代码"),
            text,
        )
        return None
    try:
        return check(text, max_chars=VOICE_MAX_CHARS)
    except VoiceTextError as exc:
        row.problem(header, str(exc), text[:QUOTE_MAX])
        return None


def _short_cell(row: ParsedRow, header: str, value: object, limit: int, what: str) -> str:
    text = _plain(value)
    if _has_markup(text):
        row.problem(header, _("含有网页代码（HTML 标签），请删去"), text)
        return ""
    if len(text) > limit:
        row.problem(header, _("{what}最多{n}个字").format(what=what, n=limit), text)
        return ""
    return text


def parse_row(ctx: RowContext, row_number: int, cells: list) -> ParsedRow:
    """One row of the sheet: its voices (with their keys) or its problems."""
    row = ParsedRow(row_number=row_number, cells=cells)
    index = ctx.mapping.index
    # Date: the row's own, else the batch's default.
    if "date" in index and ctx.cell(cells, "date") not in (None, ""):
        try:
            row.said_on = parse_date(ctx.cell(cells, "date"), today=ctx.today)
        except _Bad as exc:
            row.problem(ctx.header("date"), str(exc), ctx.cell(cells, "date"))
    else:
        row.said_on = ctx.default_date
        if row.said_on is None:
            column = ctx.header("date") if "date" in index else ctx.labels["date"]
            row.problem(column, _("没有日期：请在这一列填写日期，或上传时填写默认日期"))
    if "speaker" in index:
        row.speaker_name = _short_cell(
            row, ctx.header("speaker"), ctx.cell(cells, "speaker"), SPEAKER_MAX, _("姓名")
        )
    if ctx.kind == ImportKind.QUESTIONNAIRE:
        _questionnaire_fields(ctx, row, cells)
    else:
        _hotline_fields(ctx, row, cells)
    return row


def _questionnaire_fields(ctx: RowContext, row: ParsedRow, cells: list) -> None:
    index = ctx.mapping.index
    if "anonymous" in index:
        flag = _plain(ctx.cell(cells, "anonymous")).replace(" ", "").lower()
        if flag in _YES:
            row.anonymous = True
        elif flag not in _NO:
            row.problem(ctx.header("anonymous"), _("应填“是”或“否”"), flag)
    if "building" in index and _plain(ctx.cell(cells, "building")):
        key = building_key(ctx.cell(cells, "building"))
        if key in ctx.buildings:
            row.building_id, row.building_label = ctx.buildings[key], key
        else:
            row.problem(
                ctx.header("building"),
                _("不是本小区的楼栋（本小区有：{names}）").format(names=ctx.building_names),
                ctx.cell(cells, "building"),
            )
    if "spot" in index:
        row.spot = _short_cell(
            row, ctx.header("spot"), ctx.cell(cells, "spot"), SPOT_MAX, _("具体位置")
        )
    row.channel = Channel.QUESTIONNAIRE
    if "channel" in index and _plain(ctx.cell(cells, "channel")):
        channel = channel_of(ctx.cell(cells, "channel"))
        if channel is None:
            row.problem(
                ctx.header("channel"),
                _("渠道无法识别，应为：{names}").format(names=channel_names()),
                ctx.cell(cells, "channel"),
            )
        else:
            row.channel = channel
    texts = [
        (ctx.mapping.headers[i], cells[i] if i < len(cells) else None) for i in ctx.mapping.texts
    ]
    found = []
    for header, value in texts:
        text = _text_cell(row, header, value)
        if text is not None:
            found.append((header, text))
    if not found and not row.problems:
        if len(texts) == 1:
            row.problem(texts[0][0], _("没有填写意见（这一格是空的）"))
        else:
            names = "、".join(f"“{h}”" for h, _v in texts)
            row.problem("", _("没有填写意见（{names}都是空的）").format(names=names))
    speaker = "" if row.anonymous else row.speaker_name
    for header, text in found:
        ref = fingerprint(
            "问卷", _normal(text), speaker, row.said_on, ctx.sheet_name, row.row_number, header
        )
        row.voices.append(RowVoice(text=text, column=header, external_ref=ref))


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _hotline_fields(ctx: RowContext, row: ParsedRow, cells: list) -> None:
    row.channel = Channel.HOTLINE
    ref = _plain(ctx.cell(cells, "ref")).replace(" ", "")
    if ref.endswith(".0") and ref[:-2].isdigit():
        ref = ref[:-2]
    if not ref:
        row.problem(ctx.header("ref"), _("工单编号是空的"))
    elif len(ref) > REF_MAX or _has_markup(ref):
        row.problem(ctx.header("ref"), _("工单编号不对（最多{n}个字符）").format(n=REF_MAX), ref)
    # The caller's phone: never stored, and taken out of the text and address if repeated there.
    phone_digits = ""
    if "phone" in ctx.mapping.index:
        phone_digits = re.sub(r"\D", "", _plain(ctx.cell(cells, "phone")))
    if "address" in ctx.mapping.index:
        address = _without(phone_digits, _plain(ctx.cell(cells, "address")))
        if _has_markup(address):
            row.problem(ctx.header("address"), _("含有网页代码（HTML 标签），请删去"), address)
        else:
            address = redact(address)
            match = _BUILDING_IN_ADDRESS.search(address)
            if match and str(int(match.group(1))) in ctx.buildings:
                row.building_label = str(int(match.group(1)))
                row.building_id = ctx.buildings[row.building_label]
            row.spot = address if len(address) <= SPOT_MAX else address[: SPOT_MAX - 1] + "…"
    position = ctx.mapping.texts[0]
    header = ctx.mapping.headers[position]
    value = cells[position] if position < len(cells) else None
    text = _text_cell(row, header, value)
    if text is None and not any(p["column"] == header for p in row.problems):
        row.problem(header, _("诉求内容是空的"))
    if text is not None:
        # The export is the city's record, not the caller's own words to us: numbers in it
        # (the caller's phone above all) are not kept.
        text = redact(_without(phone_digits, text))
        if not text:
            row.problem(header, _("诉求内容里没有文字"))
        elif ref and not row.problems:
            row.voices.append(RowVoice(text=text, column=header, external_ref=ref))
    if row.speaker_name:
        row.speaker_name = redact(_without(phone_digits, row.speaker_name))


def _without(digits: str, text: str) -> str:
    """The text with the given phone number taken out, however it was spaced."""
    if len(digits) < 7 or not text:
        return text
    pattern = r"[\s\-]?".join(re.escape(d) for d in digits)
    return re.sub(pattern, "[电话]", text)
