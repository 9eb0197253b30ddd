"""Scope-walk fillers of the resident portal's voice pages (居民端) and of notifications.

The portal is the resident's: liu is the insider; qian and zhang are staff, for whom every
portal page is 404 whatever the object. A notification is its user's alone: li's is out of
scope for everybody else."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laoyuan.core.models import Notification
from laoyuan.core.notify import notify
from laoyuan.voices import actions
from laoyuan.voices.models import Channel


def _topic(world):
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text="3号楼楼顶漏雨", speaker_name="王大爷")],
    )
    return actions.topic_create(actor=world.li, voices=voices)


def _photo(world):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    voice = actions.voice_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        text="路面坑洼积水",
        photos=[SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")],
    )
    return voice.photos.get()


def _note_of_li(world):
    notify([world.li], title="议题已有决定")
    return Notification.objects.filter(user=world.li).latest("id")


FILL = {
    "voices:portal_topic": (_topic, _topic, _topic),
    "voices:portal_photo": (_photo, _photo, _photo),
    "core:notification_read": (_note_of_li, _note_of_li, _note_of_li),
}
INSIDER = {"voices:portal_topic": "liu", "voices:portal_photo": "liu"}
