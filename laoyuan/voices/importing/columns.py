"""The columns of the two sheets we import voices from, and finding them in a user's file.

- A questionnaire (问卷) sheet: one row per respondent, the opinion in 意见内容 (or 建议, 您的意见…),
  optionally who (姓名), anonymity (是否匿名), building (楼栋), spot (具体位置), date (日期) and
  channel (渠道). A questionnaire with several question columns has the user choose which hold
  opinions: each non-empty chosen cell becomes one voice.
- A 12345 hotline export (12345工单): the city hotline's work orders, one per row: 工单编号,
  来电时间, 诉求内容, 诉求地址, 来电人, 联系电话 (never stored), 诉求类型 and 办理状态 (shown in the
  preview, not used: our own classifier proposes the category).

Header texts are normalised as the roster's (full-width, brackets, `*` marks); the header row is
the top row naming the most known columns, so merged title rows above it are passed over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from laoyuan.registry.roster.columns import HEADER_SCAN_ROWS, HeaderNotFound, normalize_header
from laoyuan.voices.models import ImportKind

# The field every kind needs: the text of the voice.
TEXT = "text"


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the canonical Chinese header, as in our template
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""  # one line for the template's notes sheet and the upload page
    # Shown in the preview but never used (the hotline's own category and status) or never
    # stored (the caller's phone).
    unused: bool = False


QUESTIONNAIRE_COLUMNS: tuple[Column, ...] = (
    Column(
        TEXT,
        "意见内容",
        (
            "意见内容",
            "意见",
            "意见建议",
            "意见和建议",
            "建议",
            "您的意见",
            "您的建议",
            "您的意见建议",
            "您的意见和建议",
            "反映内容",
            "问题",
            "诉求",
        ),
        required=True,
        help="必填。一位居民的意见或建议。有几列问题的问卷，上传后可以选择哪几列是意见，"
        "每个填了内容的格子成为一条意见。",
    ),
    Column(
        "speaker",
        "姓名",
        ("姓名", "反映人", "填写人", "居民姓名", "受访人", "受访者"),
        help="选填。匿名的问卷留空或在“是否匿名”填“是”。",
    ),
    Column(
        "anonymous",
        "是否匿名",
        ("是否匿名", "匿名"),
        help="选填。填“是”则不显示姓名；留空视为否。",
    ),
    Column(
        "building",
        "楼栋",
        ("楼栋", "楼号", "栋号", "楼栋号", "幢号", "楼幢", "所在楼栋", "住址楼栋"),
        help="选填。本小区的楼栋，如 3、3栋、3号楼。",
    ),
    Column(
        "spot",
        "具体位置",
        ("具体位置", "位置", "地点", "问题位置", "发生地点"),
        help="选填。如“3栋2单元门口”，最多100字。",
    ),
    Column(
        "date",
        "日期",
        ("日期", "填写日期", "填表日期", "反映日期", "调查日期", "提交时间", "填写时间"),
        help="选填。如 2024-05-03；留空则用上传时填写的日期。",
    ),
    Column(
        "channel",
        "渠道",
        ("渠道", "来源", "收集渠道", "反映渠道"),
        help="选填。问卷、入户走访、坝坝会、夜话、电话、社情民意联系日或现场办公会；留空为问卷。",
    ),
)

HOTLINE_COLUMNS: tuple[Column, ...] = (
    Column(
        "ref",
        "工单编号",
        ("工单编号", "工单号", "受理编号", "工单编码", "编号", "案件编号"),
        required=True,
        help="必填。同一工单再次导入不会重复。",
    ),
    Column(
        "date",
        "来电时间",
        ("来电时间", "受理时间", "来电日期", "受理日期", "登记时间", "派单时间"),
        help="选填。日期或日期时间，如 2024-05-03 14:20；留空则用上传时填写的日期。",
    ),
    Column(
        TEXT,
        "诉求内容",
        ("诉求内容", "来电内容", "工单内容", "反映内容", "问题描述", "诉求描述"),
        required=True,
        help="必填。",
    ),
    Column(
        "address",
        "诉求地址",
        ("诉求地址", "事发地址", "事发地点", "地址", "问题地址"),
        help="选填。记为具体位置；写明本小区楼栋（如“3栋”）的，同时记下楼栋。",
    ),
    Column(
        "speaker",
        "来电人",
        ("来电人", "联系人", "来电人姓名", "诉求人", "反映人"),
        help="选填。",
    ),
    Column(
        "phone",
        "联系电话",
        ("联系电话", "来电号码", "电话", "手机号", "手机号码", "联系方式"),
        help="不导入：电话号码不会保存到系统中。",
        unused=True,
    ),
    Column(
        "hotline_category",
        "诉求类型",
        ("诉求类型", "问题分类", "诉求分类", "问题类型", "事项分类"),
        help="不导入：分类由系统重新建议，工作人员确认。",
        unused=True,
    ),
    Column(
        "hotline_status",
        "办理状态",
        ("办理状态", "工单状态", "处理状态"),
        help="不导入。",
        unused=True,
    ),
)

COLUMNS_OF: dict[str, tuple[Column, ...]] = {
    ImportKind.QUESTIONNAIRE: QUESTIONNAIRE_COLUMNS,
    ImportKind.HOTLINE: HOTLINE_COLUMNS,
}


def field_labels(kind: str) -> dict[str, str]:
    return {c.field: c.label for c in COLUMNS_OF[kind]}


def _aliases(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS_OF[kind]:
        for alias in (column.label, *column.aliases):
            table.setdefault(normalize_header(alias), column.field)
    return table


def field_for_header(kind: str, text: object) -> str | None:
    key = normalize_header(text)
    if not key:
        return None
    table = _aliases(kind)
    field = table.get(key)
    if field is None and key.startswith("是否"):
        field = table.get(key[2:])
    return field


@dataclass(frozen=True)
class VoiceHeader:
    """Where each known field sits in the row, and which columns were not understood.

    `texts` are the columns holding opinions: the recognised one, or those the user chose."""

    kind: str
    headers: tuple[str, ...]
    index: dict[str, int]  # field → column index (not the opinion columns)
    texts: tuple[int, ...]
    ignored: tuple[str, ...]

    def as_json(self) -> list[dict]:
        field_at = {i: f for f, i in self.index.items()}
        for i in self.texts:
            field_at[i] = TEXT
        return [
            {"index": i, "header": h, "field": field_at.get(i)} for i, h in enumerate(self.headers)
        ]

    @property
    def unused(self) -> list[str]:
        """Headers recognised but deliberately not imported (shown in the preview)."""
        unused = {c.field for c in COLUMNS_OF[self.kind] if c.unused}
        return [self.headers[i] for f, i in self.index.items() if f in unused]


def map_headers(kind: str, cells: Sequence[object], texts: Sequence[int] = ()) -> VoiceHeader:
    """The mapping of a header row; `texts` overrides which columns hold opinions."""
    headers = tuple("" if c is None else str(c).strip() for c in cells)
    index: dict[str, int] = {}
    found_texts: list[int] = []
    ignored: list[str] = []
    chosen = set(texts)
    for i, header in enumerate(headers):
        if not header:
            continue
        if chosen:
            if i in chosen:
                found_texts.append(i)
                continue
        field = field_for_header(kind, header)
        if field == TEXT and not chosen and not found_texts:
            found_texts.append(i)
        elif field is None or field == TEXT or field in index:
            ignored.append(header)
        else:
            index[field] = i
    return VoiceHeader(kind, headers, index, tuple(found_texts), tuple(ignored))


def _looks_like_header(cells: Sequence[object]) -> bool:
    """A row of column names: at least two texts, no numbers (a questionnaire whose question
    columns we do not know by name still has its header found)."""
    filled = [
        c for c in cells if c not in (None, "") and not (isinstance(c, str) and not c.strip())
    ]
    return len(filled) >= 2 and all(isinstance(c, str) for c in filled)


def header_finder(kind: str, texts: Sequence[int] = ()):
    """A finder for `laoyuan.registry.roster.reading.open_roster`: the header row of a sheet
    of this kind. Missing required columns are reported by `missing_columns`, not here, so that
    a questionnaire whose opinion columns are still to be chosen can be uploaded."""

    def find(rows: Sequence[Sequence[object]]) -> tuple[int, VoiceHeader]:
        best: tuple[int, VoiceHeader] | None = None
        for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
            mapping = map_headers(kind, cells, texts)
            known = len(mapping.index) + (1 if mapping.texts else 0)
            best_known = (len(best[1].index) + (1 if best[1].texts else 0)) if best else -1
            if known > best_known:
                best = (i, mapping)
        if best is not None and (len(best[1].index) + (1 if best[1].texts else 0)) >= 1:
            return best
        if kind == ImportKind.QUESTIONNAIRE:
            for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
                if _looks_like_header(cells):
                    return i, map_headers(kind, cells, texts)
        labels = "”“".join(c.label for c in COLUMNS_OF[kind] if c.required)
        raise HeaderNotFound(
            _(
                "没有找到表头：前{n}行中没有一行包含“{labels}”等列名。"
                "请确认列名写在数据上方的一行（可下载模板对照）。"
            ).format(n=HEADER_SCAN_ROWS, labels=labels)
        )

    return find


def missing_columns(mapping: VoiceHeader) -> list[str]:
    """The labels of required columns the file does not have."""
    missing = []
    for column in COLUMNS_OF[mapping.kind]:
        if not column.required:
            continue
        present = bool(mapping.texts) if column.field == TEXT else column.field in mapping.index
        if not present:
            missing.append(column.label)
    return missing


def missing_message(mapping: VoiceHeader, header_row: int) -> str:
    """Which required columns are missing, and which headers the file has."""
    found = "、".join(f"“{h}”" for h in mapping.headers if h) or _("（没有列名）")
    return _("表头缺少必需的列：{missing}。第{row}行的列名是：{found}。").format(
        missing="、".join(f"“{m}”" for m in missing_columns(mapping)), row=header_row, found=found
    )
