"""Scope-walk fillers of the case pages (工单): a case of 五福苑 for li and the outsider qian, one of
马家沟小区 for the grid worker zhang (she follows all of 五福苑's cases, not the compound next
door); parties of 沙河街道 for li and qian, one of 沧浪街道 for zhang (the parties of her own street
are hers to look up); the resident's own case for liu; a category for the street official wang
(service levels are hers alone)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laoyuan.cases import actions
from laoyuan.cases.models import Category, PartyContact
from laoyuan.core import pii
from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions as voice_actions
from tests.cases.helpers import Parties


def _parties(world) -> Parties:
    if "parties" not in world.__dict__:
        world.__dict__["parties"] = Parties(world)
    return world.__dict__["parties"]


def _case(world, compound=None):
    parties = _parties(world)
    return actions.case_open(
        actor=world.li,
        compound=compound or world.wufuyuan,
        category=Category.objects.get(code="house.roof"),
        description="楼顶漏雨",
        reporter_phone="13812345678",
        party=parties.property if compound is None else None,
    )


def _other(world):
    return _case(world, world.majiagou)


def _photo(world, compound=None):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    case = _case(world, compound)
    actions.case_progress(
        actor=world.li,
        case=case,
        note="现场照片",
        photos=[SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")],
    )
    return case.photos.get()


def _notice(world, compound=None):
    parties = _parties(world)
    case = _case(world, compound)
    if case.party is None:
        actions.case_dispatch(actor=world.li, case=case, party=parties.chengguan)
        case.refresh_from_db()
    return actions.notice_issue(
        actor=world.li, case=case, demand="限期办结", due_on=dt.date.today() + dt.timedelta(days=3)
    )


def _topic(world):
    voices = voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="phone",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="路灯坏了")],
    )
    return voice_actions.topic_create(actor=world.li, voices=voices, title="路灯坏了")


def _decision(world):
    topic = _topic(world)
    meeting = meeting_actions.meeting_record(
        actor=world.li,
        compound=world.wufuyuan,
        kind="onsite",
        title="现场办公会",
        held_on=dt.date.today(),
        place="院坝",
        attendees=[meeting_actions.AttendeeEntry(name="李社工")],
        topics=[topic],
    )
    return meeting_actions.meeting_decide(
        actor=world.li,
        meeting=meeting,
        topic=topic,
        responsible_party="物业",
        solution="换灯",
        deadline=dt.date.today() + dt.timedelta(days=7),
    )


def _contact(world, party=None):
    party = party or _parties(world).property
    sealed = pii.seal_phone("13800000000")
    return PartyContact.objects.create(
        party=party,
        name="联系人",
        phone_cipher=sealed.ciphertext,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
    )


def _own_case(world):
    return actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=Category.objects.get(code="env.light"),
        description="楼下路灯不亮",
    )


_CASE = (lambda w: _case(w), lambda w: _case(w), _other)
_PARTY = (
    lambda w: _parties(w).property,
    lambda w: _parties(w).property,
    lambda w: _parties(w).guihua,
)
FILL = {
    "cases:detail": _CASE,
    "cases:reveal": _CASE,
    "cases:receipt": _CASE,
    **{
        f"cases:case_{step}": _CASE
        for step in (
            "dispatch",
            "accept",
            "return",
            "transfer",
            "progress",
            "pause",
            "resume",
            "solve",
            "rate",
            "review",
            "cancel",
            "notice",
        )
    },
    "cases:photo": (lambda w: _photo(w), lambda w: _photo(w), lambda w: _photo(w, w.majiagou)),
    "cases:notice_pdf": (
        lambda w: _notice(w),
        lambda w: _notice(w),
        lambda w: _notice(w, w.majiagou),
    ),
    "cases:notice_answer": (
        lambda w: _notice(w),
        lambda w: _notice(w),
        lambda w: _notice(w, w.majiagou),
    ),
    "cases:from_topic": (_topic, _topic, _topic),
    "cases:from_decision": (_decision, _decision, _decision),
    "cases:party": _PARTY,
    "cases:party_edit": _PARTY,
    "cases:contact_add": _PARTY,
    "cases:member_add": _PARTY,
    "cases:contact_reveal": (
        lambda w: _contact(w),
        lambda w: _contact(w),
        lambda w: _contact(w, _parties(w).guihua),
    ),
    "cases:contact_remove": (
        lambda w: _contact(w),
        lambda w: _contact(w),
        lambda w: _contact(w, _parties(w).guihua),
    ),
    "cases:level_edit": (
        lambda w: Category.objects.get(code="pipe.water"),
        lambda w: Category.objects.get(code="pipe.water"),
        lambda w: Category.objects.get(code="pipe.water"),
    ),
    "cases:portal_case": (_own_case, _own_case, _own_case),
}
INSIDER = {"cases:level_edit": "wang", "cases:portal_case": "liu"}
