"""Attachments of a public notice (公示附件): what a file really is, read from its content.

Accepted: PDF, pictures (JPEG, PNG, WEBP, GIF), Excel workbooks (.xlsx) and Word documents
(.docx). The kind is read from the bytes — a PDF header, an image Pillow can decode, an Office
Open XML package with its workbook or document part — and the file's name must agree with it:
a picture named ".pdf" or a macro workbook named ".xlsx" is refused with a message saying what
it really is. Pictures are re-encoded (EXIF and its GPS position dropped, at most 4096 pixels a
side; PNG and GIF stay lossless PNG, photos become JPEG). Office files are checked as zip
archives: bounded number of entries and unpacked size (no zip bombs), no macros.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.notices.models import AttachmentKind
from laoyuan.voices.engine.text import redact

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
IMAGE_MAX_SIDE = 4096
IMAGE_MAX_PIXELS = 80_000_000
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNPACKED = 300 * 1024 * 1024
NAME_MAX = 120

EXTENSIONS = {
    AttachmentKind.PDF: ("pdf",),
    AttachmentKind.IMAGE: ("jpg", "jpeg", "png", "webp", "gif"),
    AttachmentKind.XLSX: ("xlsx",),
    AttachmentKind.DOCX: ("docx",),
}
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    AttachmentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# For the file box of the pages: what the browser should offer to pick.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.gif,.xlsx,.docx"


def max_attachments() -> int:
    return settings.LAOYUAN_NOTICE_MAX_ATTACHMENTS


def max_bytes() -> int:
    return settings.LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES


@dataclass(frozen=True)
class CheckedFile:
    """A file proven to be what it says, ready to store."""

    name: str
    kind: str
    content_type: str
    data: bytes
    sha256: str
    width: int | None = None
    height: int | None = None


class AttachmentError(ValidationError):
    """One file refused; the message names it and says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__({"attachments": message})


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_name(name: str) -> str:
    """The file's own name (no folders), redacted (no phone or ID numbers), bounded."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(c for c in base if ord(c) >= 32 and c not in '<>:"|?*')
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = redact(stem).replace("/", "_") or _("附件")
    ext = ext[:8].lower()
    room = NAME_MAX - (len(ext) + 1 if ext else 0)
    return f"{stem[:room]}.{ext}" if ext else stem[:NAME_MAX]


def _read(upload: File, name: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise AttachmentError(
            _("附件“{name}”太大（{size}）：每个不超过{limit}。").format(
                name=name, size=filesizeformat(size), limit=filesizeformat(max_bytes())
            )
        )
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise AttachmentError(
            _("附件“{name}”太大：每个不超过{limit}。").format(
                name=name, limit=filesizeformat(max_bytes())
            )
        )
    if not data:
        raise AttachmentError(_("附件“{name}”是空文件。").format(name=name))
    return data


def _is_pdf(data: bytes) -> bool:
    # The header may follow a few bytes of junk (the PDF standard allows 1024); the end marker
    # shows the file was not cut off in the middle.
    return b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]


def _office_kind(data: bytes, name: str) -> str | None:
    """xlsx / docx for a sound Office Open XML package, None for something else. A damaged
    or dangerous archive is refused outright."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or (
                sum(e.file_size for e in entries) > ZIP_MAX_UNPACKED
            ):
                raise AttachmentError(_("附件“{name}”解压后过大，不能作为附件。").format(name=name))
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except zipfile.BadZipFile as exc:
        raise AttachmentError(_("附件“{name}”已损坏，无法打开。").format(name=name)) from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
        raise AttachmentError(
            _("附件“{name}”含有宏，不能上传：请另存为不含宏的 .xlsx 或 .docx。").format(name=name)
        )
    if "xl/workbook.xml" in names and "spreadsheetml.sheet.main+xml" in types:
        return AttachmentKind.XLSX
    if "word/document.xml" in names and "wordprocessingml.document.main+xml" in types:
        return AttachmentKind.DOCX
    return None


def _image(data: bytes, name: str) -> CheckedFile | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format
    except Image.DecompressionBombError as exc:
        raise AttachmentError(_("图片“{name}”像素过大。").format(name=name)) from exc
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    if image_format not in IMAGE_FORMATS:
        return None
    if image.width * image.height > IMAGE_MAX_PIXELS:
        raise AttachmentError(_("图片“{name}”像素过大。").format(name=name))
    try:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        out = io.BytesIO()
        # Plans and diagrams (PNG, GIF) stay lossless; photos become JPEG. Nothing of the
        # original's metadata is written again.
        if image_format in ("PNG", "GIF"):
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            image.save(out, format="PNG", optimize=True)
            ext, content_type = "png", "image/png"
        else:
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=90)
            ext, content_type = "jpg", "image/jpeg"
    except (OSError, ValueError) as exc:  # a truncated or broken picture
        raise AttachmentError(_("图片“{name}”已损坏，无法打开。").format(name=name)) from exc
    stem = name.rsplit(".", 1)[0] if "." in name else name
    clean = clean_name(f"{stem}.{ext}")
    encoded = out.getvalue()
    return CheckedFile(
        name=clean,
        kind=AttachmentKind.IMAGE,
        content_type=content_type,
        data=encoded,
        sha256=hashlib.sha256(encoded).hexdigest(),
        width=image.width,
        height=image.height,
    )


_WHAT = {
    AttachmentKind.PDF: gettext_lazy("PDF 文件"),
    AttachmentKind.IMAGE: gettext_lazy("图片"),
    AttachmentKind.XLSX: gettext_lazy("Excel 表格（.xlsx）"),
    AttachmentKind.DOCX: gettext_lazy("Word 文档（.docx）"),
}


def check_file(upload: File) -> CheckedFile:
    """The upload, proven by its content to be a PDF, a picture, an .xlsx or a .docx whose
    name says the same; anything else raises AttachmentError saying what is wrong."""
    name = clean_name(getattr(upload, "name", "") or "")
    ext = _extension(name)
    data = _read(upload, name)
    kind: str | None = None
    if _is_pdf(data):
        kind = AttachmentKind.PDF
    else:
        kind = _office_kind(data, name)
    if kind is None:
        image = _image(data, name)
        if image is not None:
            if ext not in EXTENSIONS[AttachmentKind.IMAGE]:
                raise AttachmentError(
                    _(
                        "附件“{name}”的文件名像{claimed}，内容却是图片：请改正文件名后再上传。"
                    ).format(name=name, claimed=_claimed(ext))
                )
            return image
        raise AttachmentError(
            _(
                "附件“{name}”不是可接受的文件：只能上传 PDF、图片（JPG、PNG、WEBP、GIF）、"
                "Excel 表格（.xlsx）或 Word 文档（.docx）。"
            ).format(name=name)
        )
    if ext not in EXTENSIONS[kind]:
        raise AttachmentError(
            _("附件“{name}”的文件名像{claimed}，内容却是{actual}：请改正文件名后再上传。").format(
                name=name, claimed=_claimed(ext), actual=_WHAT[kind]
            )
        )
    return CheckedFile(
        name=name,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _claimed(ext: str) -> str:
    for kind, extensions in EXTENSIONS.items():
        if ext in extensions:
            return str(_WHAT[kind])
    return _("没有扩展名的文件") if not ext else _("“.{ext}”文件").format(ext=ext)
