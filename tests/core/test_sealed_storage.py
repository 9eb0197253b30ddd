"""Uploaded files that hold personal data are sealed at rest and read back whole."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from laoyuan.core.storage import SealedFileStorage


def test_a_sealed_file_holds_no_clear_text_and_opens_whole(tmp_path):
    storage = SealedFileStorage(location=tmp_path)
    clear = "楼栋,房号,身份证号\n1,101,11010519491231002X\n".encode()
    name = storage.save("imports/roster.csv", ContentFile(clear))
    on_disk = (tmp_path / name).read_bytes()
    assert b"11010519491231002X" not in on_disk and len(on_disk) > len(clear)
    with storage.open(name, "rb") as fh:
        assert fh.read() == clear
    with pytest.raises(ValueError):
        storage.open(name, "r+b")


def test_import_originals_are_sealed(world):
    from laoyuan.registry.models import ImportBatch
    from tests.registry.roster_files import WANG_ID, csv_bytes, import_file, person

    batch = import_file(world.li, world.wufuyuan, csv_bytes([person()]), name="花名册.csv")
    stored = Path(settings.MEDIA_ROOT, batch.original.name).read_bytes()
    assert WANG_ID.encode() not in stored and "王建国".encode() not in stored
    assert batch.rows_read == 1 and batch.done_create == 1  # read back through the storage
    assert ImportBatch.objects.count() == 1
