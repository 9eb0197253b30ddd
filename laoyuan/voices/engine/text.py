"""Text of a resident's voice (社情民意): checking, redacting and normalising it.

Two forms of every text:

- `redact(text)`: what may be shown or written out again: HTML tags and URLs removed, phone
  numbers and ID numbers (身份证号) replaced by placeholders, whitespace collapsed. Outputs of
  the engine (classified rows, hot-issues tables) only ever contain this form.
- `features(text)`: what the models see: the redacted text, full-width → half-width (NFKC),
  lower case, traditional characters → simplified, dialect words (四川话, 苏州话) → Mandarin,
  placeholders and punctuation dropped. Phones and ID numbers are gone before any feature is
  built, so they can never become features of a model saved to disk.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# A resident's message is a few sentences; a meeting's minutes pasted into one cell may be long.
# Beyond this it is not one voice, and scoring it would be slow for nothing.
MAX_CHARS = 5000

PHONE_PLACEHOLDER = "[电话]"
ID_PLACEHOLDER = "[证件号]"

_TAG = re.compile(r"<[^>]{0,500}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000\u4e00-\u9fff]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# ID numbers: 18 characters, the last may be X; 15-digit old cards too. Checked before phones,
# since an ID number contains eleven digits that look like a mobile number.
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
# Mobile numbers (optionally +86 and spaced/dashed), landlines with area code, and 12345.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)|(?<!\d)\d{7,8}(?!\d)")
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


class VoiceTextError(ValueError):
    """A text the engine cannot work with. The message is Chinese and says what is wrong."""


@lru_cache(maxsize=1)
def _data() -> dict:
    with open(DATA_DIR / "normalise.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _normalise_tables() -> tuple[dict[int, str], list[tuple[str, str]]]:
    data = _data()
    traditional = {ord(k): v for k, v in data["traditional"].items() if len(k) == 1}
    # Longest first, so that 没得 wins over a shorter word inside it.
    dialect = sorted(data["dialect"].items(), key=lambda kv: -len(kv[0]))
    return traditional, dialect


def check(text: object, *, max_chars: int = MAX_CHARS) -> str:
    """The text, stripped, or a VoiceTextError saying in Chinese why it cannot be used."""
    if text is None:
        raise VoiceTextError(_("内容是空的：请写下您想反映的事情。"))
    if not isinstance(text, str):
        text = str(text)
    text = text.strip()
    if not text:
        raise VoiceTextError(_("内容是空的：请写下您想反映的事情。"))
    if len(text) > max_chars:
        raise VoiceTextError(
            _("内容太长：共{length}个字，一条意见最多{limit}个字。请分成几条提交。").format(
                length=len(text), limit=max_chars
            )
        )
    if not features(text):
        raise VoiceTextError(_("内容里没有文字（只有符号、链接或号码），无法归类。"))
    return text


def redact(text: str) -> str:
    """The text safe to show again: no markup, links, e-mail, phone or ID numbers."""
    text = html.unescape(_SCRIPT.sub(" ", text))
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    # Digits may be typed full-width (１３８…): fold them before looking for numbers.
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _ID_NUMBER.sub(ID_PLACEHOLDER, text)
    text = _MOBILE.sub(PHONE_PLACEHOLDER, text)
    text = _LANDLINE.sub(PHONE_PLACEHOLDER, text)
    return _SPACE.sub(" ", text).strip()


_FULLWIDTH_DIGITS = {ord("０") + i: str(i) for i in range(10)} | {ord("Ｘ"): "X", ord("ｘ"): "x"}


def features(text: str, *, keep_numbers: bool = False) -> str:
    """The normalised text the models read: no placeholders, no punctuation, no spaces.

    Numbers are dropped unless `keep_numbers`: to a category, building 3 or room 502 says
    nothing; to grouping, 3栋漏雨 and 5栋漏雨 are two problems. Phone and ID numbers are gone
    either way (redact runs first)."""
    traditional, dialect = _normalise_tables()
    text = redact(text).replace(PHONE_PLACEHOLDER, " ").replace(ID_PLACEHOLDER, " ")
    text = unicodedata.normalize("NFKC", text).lower().translate(traditional)
    for word, mandarin in dialect:
        if word in text:
            text = text.replace(word, mandarin)
    # Numbers (building 3, room 502, 20 years) say nothing about the concern; drop them too.
    if not keep_numbers:
        text = re.sub(r"\d+", " ", text)
    text = _NOT_WORD.sub(" ", text)
    return _SPACE.sub("", text)


@lru_cache(maxsize=1)
def _filler() -> re.Pattern[str]:
    words = sorted((features(w) for w in _data().get("filler", [])), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words if w) or "(?!)")


def topic_features(text: str) -> str:
    """The normalised text without filler words and particles (希望, 能不能, 了, 太 …), which
    make two unrelated complaints look alike; numbers kept (3栋 is not 5栋). What grouping and
    similar lookup compare."""
    return _filler().sub("", features(text, keep_numbers=True))
