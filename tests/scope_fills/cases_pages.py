"""Scope-walk fillers of the case-work pages (工单, laoyuan.cases).

Written on the open311 branch so that it passes the whole suite on its own while the cases
branch is still in progress; when the cases branch brings its own fillers, the walk merges both
(the same names map to equivalent objects) and this module may go.

Cases are compound-wide: li (沙河社区) sees those of 五福苑 and 马家沟小区, the grid worker zhang
those of 五福苑 only, so hers out of scope are in 马家沟小区; qian (another district) sees none.
Parties serve a street: zhang reaches every party of 沙河街道, so hers out of scope is 桂花新村's.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laoyuan.cases import actions
from laoyuan.cases.models import Case, Category, Party, PartyContact
from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import Channel, TopicState
from tests.cases.helpers import Parties, category, open_case


def _parties(world) -> Parties:
    found = getattr(world, "_walk_parties", None)
    if found is None:
        found = Parties(world)
        world.__dict__["_walk_parties"] = found
    return found


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def _case(compound_of):
    def make(world) -> Case:
        return open_case(world, compound=compound_of(world))

    return make


def _dispatched(compound_of):
    """A case with a party (the street's 城管办 serves every compound of 沙河街道)."""

    def make(world) -> Case:
        return open_case(
            world, compound=compound_of(world), party=_parties(world).chengguan, who=world.wang
        )

    return make


def _notice(compound_of):
    def make(world):
        case = _dispatched(compound_of)(world)
        return actions.notice_issue(
            actor=world.wang,
            case=case,
            demand="请三日内反馈办理情况",
            due_on=dt.date.today() + dt.timedelta(days=3),
        )

    return make


def _photo(compound_of):
    def make(world):
        case = actions.case_open(
            actor=world.wang,
            compound=compound_of(world),
            category=category("road.surface"),
            description="路面坑洼积水",
            photos=[_png()],
        )
        return case.photos.get()

    return make


def _portal_case(world) -> Case:
    return actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("env.light"),
        description="楼下路灯不亮",
    )


def _decided_topic(compound_of):
    def make(world):
        voices = voice_actions.voices_record(
            actor=world.wang,
            compound=compound_of(world),
            channel=Channel.EVENING_TALK,
            said_on=dt.date.today(),
            entries=[voice_actions.VoiceEntry(text="3号楼楼顶漏雨", speaker_name="王大爷")],
        )
        topic = voice_actions.topic_create(actor=world.wang, voices=voices)
        voice_actions.topic_transition(
            actor=world.wang,
            topic=topic,
            to_state=TopicState.DELIBERATION,
            outcome=voice_actions.Outcome(),
        )
        voice_actions.topic_transition(
            actor=world.wang,
            topic=topic,
            to_state=TopicState.DECIDED,
            outcome=voice_actions.Outcome(
                decision="修补屋面防水",
                responsible_party="物业",
                deadline=dt.date.today() + dt.timedelta(days=7),
            ),
        )
        return topic

    return make


def _decision(compound_of):
    def make(world):
        voices = voice_actions.voices_record(
            actor=world.wang,
            compound=compound_of(world),
            channel=Channel.EVENING_TALK,
            said_on=dt.date.today(),
            entries=[voice_actions.VoiceEntry(text="单元门坏了", speaker_name="李阿姨")],
        )
        topic = voice_actions.topic_create(actor=world.wang, voices=voices)
        meeting = meeting_actions.meeting_record(
            actor=world.wang,
            compound=compound_of(world),
            kind="onsite",
            title="现场办公会",
            held_on=dt.date.today(),
            place="活动室",
            attendees=[meeting_actions.AttendeeEntry(name="李社工")],
            topics=[topic],
        )
        return meeting_actions.meeting_decide(
            actor=world.wang,
            meeting=meeting,
            topic=topic,
            solution="更换单元门锁",
            responsible_party="物业",
            deadline=dt.date.today() + dt.timedelta(days=7),
        )

    return make


def _party(street_of):
    def make(world) -> Party:
        parties = _parties(world)
        return parties.chengguan if street_of(world) == world.shahe else parties.guihua

    return make


def _contact(street_of):
    def make(world) -> PartyContact:
        party = _party(street_of)(world)
        if street_of(world) != world.shahe:
            # No one of the cast manages 沧浪街道's parties: the row is written as a fixture.
            return PartyContact.objects.create(party=party, name="桂主任", post="主任")
        return actions.party_contact_add(
            actor=world.wang, party=party, name="张主任", post="主任", phone="13900002222"
        )

    return make


def _water(world) -> Category:
    return category("pipe.water")


WFY = _case(lambda w: w.wufuyuan)
MJG = _case(lambda w: w.majiagou)
SHAHE = _party(lambda w: w.shahe)
CANGLANG = _party(lambda w: w.canglang)
SHAHE_CONTACT = _contact(lambda w: w.shahe)
CANGLANG_CONTACT = _contact(lambda w: w.canglang)

FILL = {
    "cases:detail": (WFY, WFY, MJG),
    "cases:reveal": (WFY, WFY, MJG),
    "cases:receipt": (WFY, WFY, MJG),
    "cases:photo": (
        _photo(lambda w: w.wufuyuan),
        _photo(lambda w: w.wufuyuan),
        _photo(lambda w: w.majiagou),
    ),
    **{
        f"cases:case_{step}": (WFY, WFY, MJG)
        for step in (
            "accept",
            "cancel",
            "dispatch",
            "notice",
            "pause",
            "progress",
            "rate",
            "resume",
            "return",
            "review",
            "solve",
            "transfer",
        )
    },
    "cases:notice_pdf": (
        _notice(lambda w: w.wufuyuan),
        _notice(lambda w: w.wufuyuan),
        _notice(lambda w: w.majiagou),
    ),
    "cases:notice_answer": (
        _notice(lambda w: w.wufuyuan),
        _notice(lambda w: w.wufuyuan),
        _notice(lambda w: w.majiagou),
    ),
    "cases:from_topic": (
        _decided_topic(lambda w: w.wufuyuan),
        _decided_topic(lambda w: w.wufuyuan),
        _decided_topic(lambda w: w.majiagou),
    ),
    "cases:from_decision": (
        _decision(lambda w: w.wufuyuan),
        _decision(lambda w: w.wufuyuan),
        _decision(lambda w: w.majiagou),
    ),
    "cases:party": (SHAHE, SHAHE, CANGLANG),
    "cases:party_edit": (SHAHE, SHAHE, CANGLANG),
    "cases:contact_add": (SHAHE, SHAHE, CANGLANG),
    "cases:member_add": (SHAHE, SHAHE, CANGLANG),
    "cases:contact_reveal": (SHAHE_CONTACT, SHAHE_CONTACT, CANGLANG_CONTACT),
    "cases:contact_remove": (SHAHE_CONTACT, SHAHE_CONTACT, CANGLANG_CONTACT),
    "cases:level_edit": (_water, _water, _water),
    "cases:portal_case": (_portal_case, _portal_case, _portal_case),
}
# Street-wide parties are the street official's to manage; service levels too.
INSIDER = {
    "cases:portal_case": "liu",
    "cases:level_edit": "wang",
    "cases:party_edit": "wang",
    "cases:contact_add": "wang",
    "cases:member_add": "wang",
    "cases:contact_remove": "wang",
}
