"""Photos uploaded by people (照片): proven to be images by decoding them, re-encoded as JPEG so
no EXIF travels on (a phone's photo carries the GPS position of the home it was taken in),
turned upright and bounded in size. Store the result in sealed storage (core.storage).
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
LONGEST_SIDE = 2048


def clean_photo(upload: UploadedFile, *, field: str = "photos") -> tuple[ContentFile, int, int]:
    """(the re-encoded JPEG, its width, its height); a ValidationError keyed by `field` with a
    Chinese message for anything that is not a photo, too big or too many pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "") or "photo"
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({field: _("照片“{name}”太大：每张不超过10MB。").format(name=name)})
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise UnidentifiedImageError(image.format)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError({field: _("照片“{name}”像素过大。").format(name=name)})
        image = ImageOps.exif_transpose(image)
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or disguised files
        raise ValidationError(
            {field: _("文件“{name}”不是可识别的照片（支持 JPG、PNG、WEBP）。").format(name=name)}
        ) from exc
    return ContentFile(out.getvalue(), name="photo.jpg"), image.width, image.height
