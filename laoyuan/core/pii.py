"""Personal information (个人信息) under the PIPL: encryption at rest, blind index, masking,
and validation of resident ID numbers (居民身份证号, GB 11643-1999).

Sensitive values are stored three ways, each for one purpose:
- ciphertext (AES-256-GCM, key derived from LAOYUAN_DATA_KEY) to reveal on an explicit, logged
  action;
- a keyed hash (HMAC-SHA256) to find a person by exact value without decrypting;
- the masked form, which is all any list, page or export shows.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

_KEY_VERSION = "v1"


@lru_cache(maxsize=4)
def _keys(master_b64: str) -> tuple[AESGCM, bytes]:
    try:
        master = base64.urlsafe_b64decode(master_b64.encode() + b"=" * (-len(master_b64) % 4))
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("LAOYUAN_DATA_KEY must be urlsafe base64.") from exc
    if len(master) < 32:
        raise ImproperlyConfigured("LAOYUAN_DATA_KEY must hold at least 32 bytes.")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"laoyuan-pii-encrypt")), derive(b"laoyuan-pii-index")


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(value: str) -> str:
    aead, _ = _keys(settings.LAOYUAN_DATA_KEY)
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value.encode(), _KEY_VERSION.encode())
    return f"{_KEY_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    aead, _ = _keys(settings.LAOYUAN_DATA_KEY)
    version, _, payload = token.partition(":")
    raw = base64.b64decode(payload)
    return aead.decrypt(raw[:12], raw[12:], version.encode()).decode()


_FILE_MAGIC = b"LYS1"


def encrypt_bytes(data: bytes) -> bytes:
    """Seal a whole file (an uploaded roster holds ID numbers and phones in clear)."""
    aead, _ = _keys(settings.LAOYUAN_DATA_KEY)
    nonce = os.urandom(12)
    return _FILE_MAGIC + nonce + aead.encrypt(nonce, data, _FILE_MAGIC)


def decrypt_bytes(sealed: bytes) -> bytes:
    if not sealed.startswith(_FILE_MAGIC):
        raise ValueError("not a sealed Laoyuan file")
    aead, _ = _keys(settings.LAOYUAN_DATA_KEY)
    body = sealed[len(_FILE_MAGIC) :]
    return aead.decrypt(body[:12], body[12:], _FILE_MAGIC)


def blind_index(kind: str, value: str) -> str:
    """Keyed hash for exact-match search; `kind` keeps ID and phone indexes apart."""
    _, key = _keys(settings.LAOYUAN_DATA_KEY)
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """5101**********123X: region prefix and the last four stay, the birth date goes."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; landlines keep the first three and last four."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@dataclass(frozen=True)
class Sealed:
    ciphertext: str
    index: str
    masked: str


def seal_id_number(value: str) -> Sealed:
    return Sealed(encrypt(value), blind_index("id", value), mask_id_number(value))


def seal_phone(value: str) -> Sealed:
    return Sealed(encrypt(value), blind_index("phone", value), mask_phone(value))


# --- normalisation and validation -------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000]+")


def normalize_text(value: object) -> str:
    """Full-width digits and letters to half-width (NFKC), stray spaces removed at the ends."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """Carries a message in Chinese for the person who typed the number."""


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def normalize_id_number(raw: object) -> str:
    text = normalize_text(raw).replace(" ", "").replace("-", "").upper()
    if text.endswith(".0") and text[:-2].isdigit():  # a spreadsheet that stored it as a number
        text = text[:-2]
    return text


def check_id_number(raw: object, *, today: dt.date | None = None) -> IdNumberFacts:
    """Validate an 18-digit ID number (GB 11643) and read birth date and sex from it."""
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise InvalidIdNumber(_("身份证号应为18位，实际为%(n)d位") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdNumber(_("身份证号只能包含数字，最后一位可以是X"))
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        raise InvalidIdNumber(_("身份证号校验位不正确"))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber(_("身份证号中的出生日期不存在")) from exc
    today = today or dt.date.today()
    if birth < dt.date(1900, 1, 1) or birth > today:
        raise InvalidIdNumber(_("身份证号中的出生日期不合理"))
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(number=number, birth_date=birth, sex=sex)


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$|^\d{7,8}$")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: object) -> str:
    text = normalize_text(raw)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def check_phone(raw: object) -> str:
    phone = normalize_phone(raw)
    if not phone.isdigit():
        raise InvalidPhone(_("电话号码只能包含数字"))
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise InvalidPhone(_("电话号码格式不正确（手机号应为11位，以1开头）"))
    return phone
