"""Forms of the staff pages of residents' voices (社情民意): the voice list's filters, batch entry
(批量录入) of voices heard at a meeting, and the street's taxonomy editor (分类目录).

Forms only parse what was typed. Whether a voice can be saved (text, place, permission) is
decided by `voices.actions`, whose Chinese messages the views put back next to the row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.voices.models import Channel

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]

# Channels a worker writes down by hand: online voices come from the portal, hotline cases
# from the 12345 export.
RECORDED_CHANNELS = [
    (value, label)
    for value, label in Channel.choices
    if value not in (Channel.ONLINE, Channel.HOTLINE)
]
GROUPED_CHOICES = [
    ("", gettext_lazy("不限")),
    ("no", gettext_lazy("未归入议题")),
    ("yes", gettext_lazy("已归入议题")),
]
UNCATEGORISED = "-"


class VoiceFilterForm(forms.Form):
    """The voice list's filters, read from the query string; a bad value is ignored."""

    compound = forms.IntegerField(label=gettext_lazy("小区"), required=False, min_value=1)
    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"),
        required=False,
        choices=[("", gettext_lazy("全部渠道")), *Channel.choices],
    )
    category = forms.CharField(label=gettext_lazy("分类"), required=False, max_length=40)
    grouped = forms.ChoiceField(
        label=gettext_lazy("是否归入议题"), required=False, choices=GROUPED_CHOICES
    )
    q = forms.CharField(
        label=gettext_lazy("内容包含"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    since = forms.DateField(
        label=gettext_lazy("从"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=gettext_lazy("到"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def filters(self) -> dict:
        """Keyword arguments for queries.voice_list; fields with bad values count as unset."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        grouped = {"yes": True, "no": False}.get(data.get("grouped") or "")
        return {
            "compound_id": data.get("compound"),
            "channel": data.get("channel") or "",
            "category": (data.get("category") or "").strip(),
            "grouped": grouped,
            "text": (data.get("q") or "").strip(),
            "since": data.get("since"),
            "until": data.get("until"),
        }


class BatchForm(forms.Form):
    """What all voices of one batch share: how they reached us, when, on which occasion."""

    channel = forms.ChoiceField(label=gettext_lazy("渠道"), choices=RECORDED_CHANNELS)
    said_on = forms.DateField(
        label=gettext_lazy("日期"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("请填写日期。"),
            "invalid": gettext_lazy("日期格式不对，请写成 2024-06-11。"),
        },
    )
    occasion = forms.CharField(
        label=gettext_lazy("场次"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("例如：五福夜话 第12期"),
        error_messages={"max_length": gettext_lazy("场次最多100个字。")},
    )

    def clean_said_on(self) -> dt.date:
        said_on = self.cleaned_data["said_on"]
        if said_on > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        return said_on


@dataclass
class BatchRow:
    """One row of the batch entry as typed, kept whole so that nothing is lost on an error."""

    number: int  # 1-based, as shown on the page
    text: str = ""
    speaker_name: str = ""
    anonymous: bool = False
    building: str = ""  # the building's id as typed (checked against the compound's)
    spot: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing typed: the row is skipped. A row with only a name or a place is not empty:
        the worker meant to write something and is told the text is missing."""
        return not (self.text.strip() or self.speaker_name.strip() or self.spot.strip())


ROWS_START = 5
ROWS_MORE = 5
ROWS_MAX = 200


def batch_rows(data, *, minimum: int = ROWS_START) -> list[BatchRow]:
    """The rows posted as rows-<i>-text, rows-<i>-speaker, … (i from 1 to `rows`)."""
    try:
        count = int(data.get("rows", minimum))
    except (TypeError, ValueError):
        count = minimum
    count = max(1, min(count, ROWS_MAX))
    rows = []
    for i in range(1, count + 1):
        prefix = f"rows-{i}-"
        rows.append(
            BatchRow(
                number=i,
                text=data.get(prefix + "text", ""),
                speaker_name=data.get(prefix + "speaker", ""),
                anonymous=bool(data.get(prefix + "anonymous")),
                building=data.get(prefix + "building", ""),
                spot=data.get(prefix + "spot", ""),
            )
        )
    return rows


def blank_rows(start: int, count: int) -> list[BatchRow]:
    return [BatchRow(number=n) for n in range(start, start + count)]


# --- the taxonomy editor ----------------------------------------------------------------------

RENOVATION_CLASSES = ["基础类", "完善类", "提升类"]
_WORDS = re.compile(r"[,，、;；\s]+")
NEW_BLOCKS = 2


def split_words(value: str) -> list[str]:
    """Keywords typed as "漏雨, 渗水、天花板" (commas, 、, semicolons or spaces)."""
    return list(dict.fromkeys(w for w in _WORDS.split(value or "") if w))


def children_text(children: list[dict]) -> str:
    """Second-level categories as the editor shows them: one per line, "name: kw, kw"."""
    return "\n".join(
        f"{c.get('name', '')}: {', '.join(c.get('keywords', []))}".rstrip(": ") for c in children
    )


def parse_children(value: str, category: str) -> tuple[list[dict], list[str]]:
    """Lines "name: keyword, keyword" (a full-width colon too) into second-level categories."""
    children, problems = [], []
    for number, line in enumerate((value or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _colon, words = re.sub("：", ":", line).partition(":")
        name = name.strip()
        if not name:
            problems.append(
                _("“{category}”的二级分类第{n}行没有名称（格式：名称: 关键词, 关键词）。").format(
                    category=category, n=number
                )
            )
            continue
        children.append({"name": name, "keywords": split_words(words)})
    return children, problems


@dataclass
class CategoryBlock:
    """One first-level category in the editor, as typed."""

    index: int
    name: str = ""
    renovation_class: str = ""
    keywords: str = ""
    children: str = ""
    delete: bool = False

    @property
    def is_blank(self) -> bool:
        return not (self.name.strip() or self.keywords.strip() or self.children.strip())


def blocks_from_data(data: dict) -> list[CategoryBlock]:
    blocks = [
        CategoryBlock(
            index=i,
            name=c.get("name", ""),
            renovation_class=c.get("renovation_class") or "",
            keywords=", ".join(c.get("keywords", [])),
            children=children_text(c.get("children", [])),
        )
        for i, c in enumerate(data.get("categories", []), start=1)
    ]
    return blocks + [CategoryBlock(index=len(blocks) + n) for n in range(1, NEW_BLOCKS + 1)]


def blocks_from_post(post) -> list[CategoryBlock]:
    try:
        count = min(int(post.get("blocks", 0)), 200)
    except (TypeError, ValueError):
        count = 0
    return [
        CategoryBlock(
            index=i,
            name=post.get(f"cat-{i}-name", ""),
            renovation_class=post.get(f"cat-{i}-class", ""),
            keywords=post.get(f"cat-{i}-keywords", ""),
            children=post.get(f"cat-{i}-children", ""),
            delete=bool(post.get(f"cat-{i}-delete")),
        )
        for i in range(1, count + 1)
    ]


def taxonomy_from_blocks(blocks: list[CategoryBlock], base: dict) -> tuple[dict, list[str]]:
    """The taxonomy data the blocks describe (blank and deleted blocks left out), keeping the
    base's other keys (version, renovation classes), and the problems found in what was typed.
    Names, duplicates and lengths are judged by actions.taxonomy_save."""
    categories, problems = [], []
    for block in blocks:
        if block.delete or block.is_blank:
            continue
        name = block.name.strip()
        label = name or _("第{i}个分类").format(i=block.index)
        if block.renovation_class and block.renovation_class not in RENOVATION_CLASSES:
            problems.append(
                _("“{name}”的改造类别只能是{classes}之一。").format(
                    name=label, classes="、".join(RENOVATION_CLASSES)
                )
            )
        children, child_problems = parse_children(block.children, label)
        problems.extend(child_problems)
        categories.append(
            {
                "name": name,
                "renovation_class": block.renovation_class or None,
                "keywords": split_words(block.keywords),
                "children": children,
            }
        )
    data = {k: v for k, v in base.items() if k != "categories"}
    data["categories"] = categories
    return data, problems
