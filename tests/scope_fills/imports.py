"""Scope-walk fillers for the voice import pages (意见导入): li uploads for 五福苑; qian (another
district) and zhang (a grid worker, who may not import at all) must get 404."""

from __future__ import annotations

import io


def _batch(world, compound):
    """A hotline batch of a compound, uploaded by li (not previewed: no task needed)."""
    from laoyuan.voices.importing import actions
    from tests.voices.import_files import case, hotline_xlsx

    return actions.voice_import_create(
        actor=world.li,
        compound=compound,
        kind="hotline",
        file=io.BytesIO(hotline_xlsx([case()])),
        name="12345.xlsx",
    )


def _fills():
    batch = (
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.majiagou),
    )
    return {
        "voices:voice_import_upload": (
            lambda w: w.wufuyuan,
            lambda w: w.wufuyuan,
            lambda w: w.majiagou,
        ),
        "voices:voice_import": batch,
        "voices:voice_import_columns": batch,
        "voices:voice_import_commit": batch,
        "voices:voice_import_rejected": batch,
    }


FILL = _fills()
