"""Documents uploaded to a project (方案, 图纸, 凭证 …), checked by what they contain, not by
their name: a PDF must start like one, an image must decode (and is re-encoded without EXIF,
core.photos), an Office file must be a zip holding the parts Office writes. Anything else, an
empty file or one over the size limit is refused with a Chinese message."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from laoyuan.core.photos import clean_photo

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = "PDF、JPG、PNG、WEBP、XLSX、DOCX"

_OFFICE = {
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


@dataclass(frozen=True)
class CheckedDocument:
    content: ContentFile
    content_type: str
    size: int
    sha256: str


def _done(data: bytes, ext: str, content_type: str) -> CheckedDocument:
    return CheckedDocument(
        content=ContentFile(data, name=f"document.{ext}"),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_document(upload: UploadedFile, *, field: str = "file") -> CheckedDocument:
    """The upload, proven to be a document we accept, ready to store."""
    name = getattr(upload, "name", "") or "file"
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({field: _("文件“{name}”太大：不超过20MB。").format(name=name)})
    upload.seek(0)
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError({field: _("文件“{name}”太大：不超过20MB。").format(name=name)})
    if not data:
        raise ValidationError({field: _("文件“{name}”是空的。").format(name=name)})
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return _done(data, "pdf", "application/pdf")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "[Content_Types].xml" in names:
            for part, (ext, content_type) in _OFFICE.items():
                if part in names:
                    return _done(data, ext, content_type)
    try:
        photo, _w, _h = clean_photo(ContentFile(data, name=name), field=field)
    except ValidationError:
        raise ValidationError(
            {
                field: _("文件“{name}”不是可接受的文件类型（可上传 {types}）。").format(
                    name=name, types=ACCEPTED_TYPES
                )
            }
        ) from None
    return _done(photo.read(), "jpg", "image/jpeg")
