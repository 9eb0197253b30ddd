"""File storage for uploads that hold personal data: sealed with the data key at rest.

Files are encrypted whole (AES-256-GCM) on save and decrypted on open. `path()` still names
the sealed file on disk (the storage writes through it), so code that wants the content must
read it through `open()`, never from the path."""

from __future__ import annotations

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from laoyuan.core import pii


class SealedFileStorage(FileSystemStorage):
    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        return super()._save(name, ContentFile(pii.encrypt_bytes(content.read())))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "b" not in mode or any(flag in mode for flag in "wa+"):
            raise ValueError("sealed files open for binary reading only")
        with super()._open(name, "rb") as fh:
            return ContentFile(pii.decrypt_bytes(fh.read()), name=name)


def sealed_storage() -> SealedFileStorage:
    """The storage of files that hold personal data (a callable keeps it out of migrations)."""
    return SealedFileStorage()
