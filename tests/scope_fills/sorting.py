"""Scope-walk fillers for the staff sorting pages of voices (意见分拣): for each URL, an object
li may see, one qian (another district) may not, and one zhang (grid 一网格 of 五福苑) may not.

Topics and voices are compound-wide, so zhang's outside object is in 马家沟小区."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile

from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Voice, VoicePhoto


def voice_in(world, compound) -> Voice:
    (voice,) = actions.voices_record(
        actor=world.li,
        compound=compound,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text="小区路灯坏了，晚上出门太黑", speaker_name="王大爷")],
    )
    return voice


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def photo_in(world, compound) -> VoicePhoto:
    # Photos come from residents' portal submissions; a staff-recorded voice stands in here.
    photo = VoicePhoto(voice=voice_in(world, compound), width=8, height=8)
    photo.image.save("photo.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.save()
    return photo


def _voice_fill():
    return (
        lambda w: voice_in(w, w.wufuyuan),
        lambda w: voice_in(w, w.wufuyuan),
        lambda w: voice_in(w, w.majiagou),
    )


FILL = {
    "voices:voice": _voice_fill(),
    "voices:voice_category": _voice_fill(),
    "voices:voice_group": _voice_fill(),
    "voices:voice_photo": (
        lambda w: photo_in(w, w.wufuyuan),
        lambda w: photo_in(w, w.wufuyuan),
        lambda w: photo_in(w, w.majiagou),
    ),
    "voices:voice_record": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "voices:grouping": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "voices:taxonomy": (lambda w: w.shahe, lambda w: w.shahe, lambda w: w.shahe),
    "voices:taxonomy_retrain": (lambda w: w.shahe, lambda w: w.shahe, lambda w: w.shahe),
}
# Only the street official edits the taxonomy and retrains.
INSIDER = {"voices:taxonomy": "wang", "voices:taxonomy_retrain": "wang"}
