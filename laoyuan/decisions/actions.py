"""Writes to meetings: record a meeting with its attendees and topics, and record its decisions.

A decision names the responsible party (责任方), the solution and a deadline; it also moves its
topic to "decided" (via voices.actions.topic_transition, so the topic's authors are told) and
keeps party, solution and deadline on the topic until cases exist to carry them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.decisions.models import (
    NOTICE_REQUIRED_KINDS,
    Attendee,
    AttendeeKind,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)
from laoyuan.registry.models import Compound
from laoyuan.voices import actions as voice_actions
from laoyuan.voices import places
from laoyuan.voices.engine.text import redact
from laoyuan.voices.models import LIVE_STATES, Topic, TopicEvent, TopicEventKind, TopicState


@dataclass
class AttendeeEntry:
    name: str
    kind: str = AttendeeKind.STAFF
    organisation: str = ""


def _require(actor: User, permission: str, obj) -> None:
    if not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    compound: Compound,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str,
    attendees: Sequence[AttendeeEntry] = (),
    topics: Sequence[Topic] = (),
    minutes: str = "",
) -> Meeting:
    """Record a meeting held (on-site office meeting, contact day, evening talk, courtyard
    meeting): when, where, who came and which topics were raised."""
    if not places.may_on_compound(actor, "topics.decide", compound):
        raise PermissionDenied("topics.decide")
    problems: dict[str, str] = {}
    title, place, minutes = title.strip(), place.strip(), minutes.strip()
    if kind not in MeetingKind.values:
        problems["kind"] = _("请选择会议类型。")
    elif kind in NOTICE_REQUIRED_KINDS:
        problems["kind"] = _(
            "{kind}须先计划并提前发出通知，不能在会后补记：请用“计划会议”，登记通知后再记为已召开。"
        ).format(kind=MeetingKind(kind).label)
    if not title:
        problems["title"] = _("请填写会议名称。")
    elif len(title) > 120:
        problems["title"] = _("会议名称最多120个字。")
    if not place:
        problems["place"] = _("请填写地点。")
    elif len(place) > 120:
        problems["place"] = _("地点最多120个字。")
    if held_on > timezone.localdate():
        problems["held_on"] = _("只能记录已经开过的会：日期不能晚于今天。")
    if len(minutes) > 20000:
        problems["minutes"] = _("纪要最多20000个字。")
    rows = []
    for i, a in enumerate(attendees, start=1):
        name = (a.name or "").strip()
        if not name:
            continue
        if a.kind not in AttendeeKind.values:
            problems["attendees"] = _("第{i}位参会人的身份不对。").format(i=i)
        elif len(name) > 60 or len(a.organisation or "") > 120:
            problems["attendees"] = _("第{i}位参会人的姓名或单位太长。").format(i=i)
        rows.append((name, a.kind, (a.organisation or "").strip()))
    if not rows:
        problems.setdefault("attendees", _("请至少填写一位参会人。"))
    if any(t.compound_id != compound.pk for t in topics):
        problems["topics"] = _("只能选择本小区的议题。")
    if problems:
        raise ValidationError(problems)
    meeting = Meeting.objects.create(
        kind=kind,
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        title=title,
        held_on=held_on,
        place=place,
        minutes=minutes,
        created_by=actor,
    )
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, name=n, kind=k, organisation=o) for n, k, o in rows
    )
    if topics:
        meeting.topics.set(topics)
        TopicEvent.objects.bulk_create(
            TopicEvent(
                topic=t,
                actor=actor,
                kind=TopicEventKind.MEETING,
                note=_("在“{meeting}”上讨论").format(meeting=meeting),
                data={"meeting": meeting.pk},
            )
            for t in topics
        )
    audit_log(
        actor=actor,
        action="meeting.record",
        obj=meeting,
        changes={"attendees": len(rows), "topics": [t.pk for t in topics]},
    )
    return meeting


@transaction.atomic
def meeting_decide(
    *,
    actor: User,
    meeting: Meeting,
    topic: Topic,
    responsible_party: str,
    solution: str,
    deadline: dt.date | None,
    resolution: Resolution | None = None,
) -> Decision:
    """Record one decision of the meeting on one of its topics, and mark the topic decided
    (as part of a resolution, when `resolution` is given: resolutions.resolution_record)."""
    _require(actor, "topics.decide", meeting)
    problems: dict[str, str] = {}
    party, solution = responsible_party.strip(), solution.strip()
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("会议召开后才能记录决定。"))
    if topic.compound_id != meeting.compound_id:
        problems["topic"] = _("只能对本小区的议题作出决定。")
    elif topic.state not in LIVE_STATES or topic.state == TopicState.DECIDED:
        problems["topic"] = _("议题“{title}”当前为“{state}”，不能再作决定。").format(
            title=topic.title, state=topic.get_state_display()
        )
    if not party:
        problems["responsible_party"] = _("请写明责任方。")
    elif len(party) > 120:
        problems["responsible_party"] = _("责任方最多120个字。")
    if not solution:
        problems["solution"] = _("请写明解决办法。")
    elif len(solution) > 5000:
        problems["solution"] = _("解决办法最多5000个字。")
    if deadline is None:
        problems["deadline"] = _("请填写完成时限。")
    elif deadline < meeting.held_on:
        problems["deadline"] = _("完成时限不能早于开会日期。")
    if problems:
        raise ValidationError(problems)
    decision = Decision.objects.create(
        meeting=meeting,
        topic=topic,
        responsible_party=redact(party),
        solution=solution,
        deadline=deadline,
        decided_by=actor,
        resolution=resolution,
    )
    meeting.topics.add(topic)
    voice_actions.topic_transition(
        actor=actor,
        topic=topic,
        to_state=TopicState.DECIDED,
        outcome=voice_actions.Outcome(
            decision=solution,
            responsible_party=party,
            deadline=deadline,
            note=_("“{meeting}”决定").format(meeting=meeting),
            extra={"meeting": meeting.pk, "decision": decision.pk},
            allow_past_deadline=True,
        ),
    )
    audit_log(
        actor=actor,
        action="meeting.decide",
        obj=decision,
        changes={"topic": topic.pk, "party": party, "deadline": deadline},
    )
    return decision
