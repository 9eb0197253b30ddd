"""Writes to planned meetings (计划中的会议): plan one, change its date or place, record its
notice (会议通知), add to its agenda (议程), type in the paper sign-in sheet, let a resident sign
in on her phone, mark it held with its minutes (纪要), correct the minutes, or cancel it.

The notice rule: an owners' assembly (业主大会) is noticed to every owner at least 15 days
before it meets (物业管理条例 art. 14; a district's rule set may say otherwise). "15日以前"
counts calendar days and includes the boundary: noticed on 1 March, the assembly may meet on
16 March, not on the 15th. The system refuses an earlier date and says which date is the
earliest. Other kinds of meeting have no minimum notice.

Every action is atomic, takes the acting user, checks her permission on the place and writes
the audit log and the meeting's own history (`MeetingEvent`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log, field_changes
from laoyuan.core.models import Role, User
from laoyuan.core.scopes import assignments_of, has_permission
from laoyuan.decisions.actions import AttendeeEntry
from laoyuan.decisions.models import (
    MEETING_TRANSITIONS,
    NOTICE_REQUIRED_KINDS,
    AgendaItem,
    Attendee,
    AttendeeKind,
    Meeting,
    MeetingEvent,
    MeetingEventKind,
    MeetingKind,
    MeetingNotice,
    MeetingStatus,
    NoticeChannel,
    SignIn,
)
from laoyuan.decisions.votes.rulesets import assembly_notice_days
from laoyuan.registry.models import Building, Compound, Household, Resident
from laoyuan.voices import places
from laoyuan.voices.models import LIVE_STATES, Topic, TopicEvent, TopicEventKind

MAX_AGENDA = 50
MAX_ATTENDEES = 500
# Planning further ahead than this is almost always a mistyped year.
MAX_DAYS_AHEAD = 366


@dataclass
class NoticeEntry:
    """How a meeting was announced: the day it went out, how, where it was posted."""

    noticed_on: dt.date
    channels: Sequence[str]
    posted_where: str = ""
    text: str = ""


@dataclass
class AgendaEntry:
    title: str
    topic: Topic | None = None
    note: str = ""


def notice_days(kind: str, compound: Compound) -> int:
    """The least number of days between the notice and the meeting (0: no rule)."""
    if kind not in NOTICE_REQUIRED_KINDS:
        return 0
    return assembly_notice_days(compound)


def earliest_meeting(noticed_on: dt.date, days: int) -> dt.date:
    return noticed_on + dt.timedelta(days=days)


def _too_early(kind: str, days: int, noticed_on: dt.date, held_on: dt.date) -> str:
    return _(
        "{kind}应当于会议召开{days}日以前通知全体业主（《物业管理条例》第十四条）。"
        "通知于{noticed}发出，会议最早可在{earliest}召开，不能定在{held}。"
    ).format(
        kind=MeetingKind(kind).label,
        days=days,
        noticed=f"{noticed_on:%Y-%m-%d}",
        earliest=f"{earliest_meeting(noticed_on, days):%Y-%m-%d}",
        held=f"{held_on:%Y-%m-%d}",
    )


def notice_problem(meeting: Meeting, *, on: dt.date | None = None) -> str:
    """Why the meeting may not be held on `on` (its date) for want of notice, or "".

    Needs a notice of that very date, sent at least the required number of days before it."""
    on = on or meeting.held_on
    days = notice_days(meeting.kind, meeting.compound)
    if not days:
        return ""
    notices = [n for n in meeting.notices.all() if n.for_date == on]
    if not notices:
        return _(
            "{kind}须先发出会议通知（至少提前{days}日）：还没有登记通知{date}召开的通知。"
        ).format(kind=meeting.get_kind_display(), days=days, date=f"{on:%Y-%m-%d}")
    first = min(n.noticed_on for n in notices)
    if on < earliest_meeting(first, days):
        return _too_early(meeting.kind, days, first, on)
    return ""


def _event(meeting: Meeting, actor: User | None, kind: str, **kwargs) -> MeetingEvent:
    return MeetingEvent.objects.create(meeting=meeting, actor=actor, kind=kind, **kwargs)


def _require_compound(actor: User, permission: str, compound: Compound) -> None:
    if not places.may_on_compound(actor, permission, compound):
        raise PermissionDenied(permission)


def _require(actor: User, permission: str, meeting: Meeting) -> None:
    if not has_permission(actor, permission, meeting):
        raise PermissionDenied(permission)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("compound").get(pk=meeting.pk)


def _text(problems: dict, name: str, value: str, most: int, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        problems[name] = required
    elif len(value) > most:
        problems[name] = _("最多{n}个字。").format(n=most)
    return value


def _check_notice(
    problems: dict, notice: NoticeEntry, *, kind: str, compound: Compound, held_on: dt.date
) -> tuple[list[str], str, str]:
    today = timezone.localdate()
    channels = list(dict.fromkeys(notice.channels))
    if not channels:
        problems["channels"] = _("请选择至少一种通知方式。")
    elif any(c not in NoticeChannel.values for c in channels):
        problems["channels"] = _("通知方式不对。")
    if notice.noticed_on is None:
        problems["noticed_on"] = _("请填写通知日期。")
    elif notice.noticed_on > today:
        problems["noticed_on"] = _("通知日期不能晚于今天：通知发出后再登记。")
    elif held_on and notice.noticed_on > held_on:
        problems["noticed_on"] = _("通知日期不能晚于会议日期。")
    else:
        days = notice_days(kind, compound)
        if days and held_on and held_on < earliest_meeting(notice.noticed_on, days):
            problems["held_on"] = _too_early(kind, days, notice.noticed_on, held_on)
    where = _text(problems, "posted_where", notice.posted_where, 200)
    text = _text(problems, "notice_text", notice.text, 5000)
    return channels, where, text


def _check_agenda(problems: dict, compound: Compound, agenda: Sequence[AgendaEntry]) -> list:
    rows = []
    for i, item in enumerate(agenda, start=1):
        title = (item.title or "").strip()
        if not title and item.topic is not None:
            title = item.topic.title
        if not title:
            continue
        if len(title) > 200 or len(item.note or "") > 2000:
            problems["agenda"] = _("第{i}项议程太长。").format(i=i)
        if item.topic is not None and (
            item.topic.compound_id != compound.pk or item.topic.state not in LIVE_STATES
        ):
            problems["agenda"] = _("第{i}项议程的议题不是本小区进行中的议题。").format(i=i)
        rows.append((title, item.topic, (item.note or "").strip()))
    if len(rows) > MAX_AGENDA:
        problems["agenda"] = _("议程最多{n}项。").format(n=MAX_AGENDA)
    return rows


def _add_agenda(meeting: Meeting, rows: list, start: int) -> list[AgendaItem]:
    return AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=start + i, title=t, topic=topic, note=note)
        for i, (t, topic, note) in enumerate(rows)
    )


def _save_notice(
    meeting: Meeting, actor: User, notice: NoticeEntry, channels: list, where: str, text: str
) -> MeetingNotice:
    row = MeetingNotice.objects.create(
        meeting=meeting,
        noticed_on=notice.noticed_on,
        for_date=meeting.held_on,
        for_time=meeting.starts_at,
        channels=channels,
        posted_where=where,
        text=text,
        recorded_by=actor,
    )
    _event(
        meeting,
        actor,
        MeetingEventKind.NOTICED,
        note=_("{date}发出通知：{how}").format(
            date=f"{notice.noticed_on:%Y-%m-%d}", how="、".join(row.channel_labels())
        ),
        data={"notice": row.pk, "for_date": f"{meeting.held_on:%Y-%m-%d}"},
    )
    return row


def _buildings_of(problems: dict, compound: Compound, buildings: Sequence[Building]) -> list:
    chosen = list(dict.fromkeys(buildings))
    if any(b.compound_id != compound.pk for b in chosen):
        problems["buildings"] = _("只能选择本小区的楼栋。")
    return chosen


def _check_date(problems: dict, held_on: dt.date | None) -> None:
    today = timezone.localdate()
    if held_on is None:
        problems["held_on"] = _("请填写会议日期。")
    elif held_on < today:
        problems["held_on"] = _("计划的会议日期不能早于今天；已经开过的会请用“记录会议”。")
    elif held_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        problems["held_on"] = _("会议日期太远了，请检查年份。")


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    compound: Compound,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str,
    starts_at: dt.time | None = None,
    buildings: Sequence[Building] = (),
    agenda: Sequence[AgendaEntry] = (),
    notice: NoticeEntry | None = None,
) -> Meeting:
    """Plan a meeting of a compound (or of some of its buildings): kind, title, date and time,
    place, agenda and, if it already went out, the notice. An owners' assembly planned without
    a notice must leave the full notice period from today."""
    _require_compound(actor, "meetings.plan", compound)
    problems: dict[str, str] = {}
    if kind not in MeetingKind.values:
        problems["kind"] = _("请选择会议类型。")
    title = _text(problems, "title", title, 120, required=_("请填写会议名称。"))
    place = _text(problems, "place", place, 120, required=_("请填写地点。"))
    _check_date(problems, held_on)
    chosen = _buildings_of(problems, compound, buildings)
    rows = _check_agenda(problems, compound, agenda)
    notice_fields = None
    if notice is not None and kind in MeetingKind.values and "held_on" not in problems:
        notice_fields = _check_notice(
            problems, notice, kind=kind, compound=compound, held_on=held_on
        )
    elif kind in MeetingKind.values and "held_on" not in problems:
        days = notice_days(kind, compound)
        today = timezone.localdate()
        if days and held_on < earliest_meeting(today, days):
            problems["held_on"] = _(
                "{kind}应当于会议召开{days}日以前通知全体业主（《物业管理条例》第十四条）。"
                "今天发出通知，会议最早可在{earliest}召开；如果通知已经在此前发出，请填写通知日期。"
            ).format(
                kind=MeetingKind(kind).label,
                days=days,
                earliest=f"{earliest_meeting(today, days):%Y-%m-%d}",
            )
    if problems:
        raise ValidationError(problems)
    meeting = Meeting.objects.create(
        kind=kind,
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        title=title,
        held_on=held_on,
        starts_at=starts_at,
        place=place,
        status=MeetingStatus.PLANNED,
        created_by=actor,
    )
    if chosen:
        meeting.buildings.set(chosen)
    _add_agenda(meeting, rows, 1)
    _event(
        meeting,
        actor,
        MeetingEventKind.PLANNED,
        to_status=MeetingStatus.PLANNED,
        data={"held_on": f"{held_on:%Y-%m-%d}", "agenda": len(rows)},
    )
    if notice_fields is not None:
        _save_notice(meeting, actor, notice, *notice_fields)
    audit_log(
        actor=actor,
        action="meeting.plan",
        obj=meeting,
        changes={
            "kind": kind,
            "held_on": held_on,
            "buildings": [b.pk for b in chosen],
            "agenda": len(rows),
            "noticed": notice_fields is not None,
        },
    )
    return meeting


@transaction.atomic
def meeting_change(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    held_on: dt.date,
    starts_at: dt.time | None,
    place: str,
) -> Meeting:
    """Change a planned meeting's title, date, time or place. A new date needs a new notice
    (the meeting page says so); the old notices stay as they were."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("会议当前为“{state}”，不能再修改。").format(state=meeting.get_status_display())
        )
    problems: dict[str, str] = {}
    title = _text(problems, "title", title, 120, required=_("请填写会议名称。"))
    place = _text(problems, "place", place, 120, required=_("请填写地点。"))
    _check_date(problems, held_on)
    if problems:
        raise ValidationError(problems)

    def clock(value: dt.time | None) -> str:
        return f"{value:%H:%M}" if value else ""

    before = {
        "title": meeting.title,
        "held_on": meeting.held_on,
        "starts_at": clock(meeting.starts_at),
        "place": meeting.place,
    }
    after = {"title": title, "held_on": held_on, "starts_at": clock(starts_at), "place": place}
    changes = field_changes(before, after)
    if not changes:
        return meeting
    meeting.title, meeting.held_on, meeting.starts_at, meeting.place = (
        title,
        held_on,
        starts_at,
        place,
    )
    meeting.save()
    _event(meeting, actor, MeetingEventKind.CHANGED, data=changes)
    audit_log(actor=actor, action="meeting.change", obj=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_notice(*, actor: User, meeting: Meeting, notice: NoticeEntry) -> MeetingNotice:
    """Record that the notice of a planned meeting went out: when, how, where it was posted.
    For an owners' assembly the notice must leave the full notice period before its date."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("会议当前为“{state}”，不能再登记通知。").format(state=meeting.get_status_display())
        )
    problems: dict[str, str] = {}
    fields = _check_notice(
        problems, notice, kind=meeting.kind, compound=meeting.compound, held_on=meeting.held_on
    )
    if "held_on" in problems:
        problems["noticed_on"] = problems.pop("held_on")
    if problems:
        raise ValidationError(problems)
    row = _save_notice(meeting, actor, notice, *fields)
    audit_log(
        actor=actor,
        action="meeting.notice",
        obj=meeting,
        changes={"noticed_on": notice.noticed_on, "channels": fields[0]},
    )
    return row


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, entries: Sequence[AgendaEntry]) -> list:
    """Add items to a planned meeting's agenda, after the ones it has."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("会议已召开或已取消，议程不能再改。"))
    problems: dict[str, str] = {}
    rows = _check_agenda(problems, meeting.compound, entries)
    if not rows and not problems:
        problems["agenda"] = _("请填写议程。")
    have = AgendaItem.objects.filter(meeting=meeting).count()
    if have + len(rows) > MAX_AGENDA:
        problems["agenda"] = _("议程最多{n}项。").format(n=MAX_AGENDA)
    if problems:
        raise ValidationError(problems)
    items = _add_agenda(meeting, rows, have + 1)
    audit_log(actor=actor, action="meeting.agenda", obj=meeting, changes={"added": len(items)})
    return items


def _sign_in_open(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.HELD or (
        meeting.status == MeetingStatus.PLANNED and meeting.held_on <= timezone.localdate()
    )


@transaction.atomic
def attendance_record(
    *, actor: User, meeting: Meeting, attendees: Sequence[AttendeeEntry]
) -> list[Attendee]:
    """Type in the paper sign-in sheet (签到表) of a meeting on or after its day."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED or not _sign_in_open(meeting):
        raise ValidationError(_("会议当天或开会以后才能录入签到。"))
    problems: dict[str, str] = {}
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
    if Attendee.objects.filter(meeting=meeting).count() + len(rows) > MAX_ATTENDEES:
        problems["attendees"] = _("一次会议最多登记{n}位参会人。").format(n=MAX_ATTENDEES)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    made = Attendee.objects.bulk_create(
        Attendee(
            meeting=meeting, name=n, kind=k, organisation=o, signed_in=SignIn.PAPER, signed_at=now
        )
        for n, k, o in rows
    )
    audit_log(actor=actor, action="meeting.attendance", obj=meeting, changes={"paper": len(rows)})
    return made


def residents_of(user: User) -> list[int]:
    """The resident records a resident's account speaks for."""
    return [
        a.resident_id for a in assignments_of(user) if a.role == Role.RESIDENT and a.resident_id
    ]


def may_attend(user: User, meeting: Meeting) -> bool:
    """Whether a resident belongs at the meeting: her compound's, and her building's when the
    meeting is of some buildings only."""
    ids = residents_of(user)
    if not ids:
        return False
    buildings = {b.pk for b in meeting.buildings.all()}
    homes = Household.objects.filter(residents__pk__in=ids, compound_id=meeting.compound_id)
    if buildings:
        homes = homes.filter(building_id__in=buildings)
    return homes.exists()


@transaction.atomic
def meeting_sign_in(*, actor: User, meeting: Meeting) -> Attendee:
    """A resident signs in on her phone on the meeting's day (once; signing again changes
    nothing)."""
    if not has_permission(actor, "portal.meetings", meeting) or not may_attend(actor, meeting):
        raise PermissionDenied("portal.meetings")
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("这次会议已取消。"))
    if meeting.held_on != timezone.localdate():
        raise ValidationError(
            _("只能在开会当天签到（{date}）。").format(date=f"{meeting.held_on:%Y-%m-%d}")
        )
    resident = (
        Resident.objects.filter(pk__in=residents_of(actor), compound_id=meeting.compound_id)
        .order_by("pk")
        .first()
    )
    if resident is None:
        raise PermissionDenied("portal.meetings")
    existing = Attendee.objects.filter(meeting=meeting, resident=resident).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                meeting=meeting,
                kind=AttendeeKind.RESIDENT,
                name=resident.name,
                user=actor,
                resident=resident,
                signed_in=SignIn.PHONE,
                signed_at=timezone.now(),
            )
    except IntegrityError:  # signed in twice at the same moment: the first one stands
        return Attendee.objects.get(meeting=meeting, resident=resident)
    audit_log(actor=actor, action="meeting.sign_in", obj=meeting, changes={"resident": resident})
    return attendee


def _transition(meeting: Meeting, to_status: str) -> None:
    if to_status not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        raise ValidationError(
            _("会议当前为“{now}”，不能改为“{to}”。").format(
                now=meeting.get_status_display(), to=MeetingStatus(to_status).label
            )
        )


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, held_on: dt.date, minutes: str = "") -> Meeting:
    """Mark a planned meeting held, on the day it met, with its minutes. Its agenda's topics
    become topics discussed at it (each topic's timeline says so). An owners' assembly must
    have been noticed in time for that day."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    _transition(meeting, MeetingStatus.HELD)
    problems: dict[str, str] = {}
    today = timezone.localdate()
    if held_on is None:
        problems["held_on"] = _("请填写开会日期。")
    elif held_on > today:
        problems["held_on"] = _("会还没开：开会日期不能晚于今天。")
    else:
        why = notice_problem(meeting, on=held_on)
        if why:
            problems["held_on"] = why
    minutes = _text(problems, "minutes", minutes, 20000)
    if problems:
        raise ValidationError(problems)
    before = meeting.held_on
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.minutes = minutes
    meeting.save()
    topics = [
        i.topic
        for i in AgendaItem.objects.filter(meeting=meeting, topic__isnull=False).select_related(
            "topic"
        )
    ]
    new = [t for t in dict.fromkeys(topics) if not meeting.topics.filter(pk=t.pk).exists()]
    if new:
        meeting.topics.add(*new)
        TopicEvent.objects.bulk_create(
            TopicEvent(
                topic=t,
                actor=actor,
                kind=TopicEventKind.MEETING,
                note=_("在“{meeting}”上讨论").format(meeting=meeting),
                data={"meeting": meeting.pk},
            )
            for t in new
        )
    _event(
        meeting,
        actor,
        MeetingEventKind.HELD,
        from_status=MeetingStatus.PLANNED,
        to_status=MeetingStatus.HELD,
        data={"held_on": f"{held_on:%Y-%m-%d}", "planned_for": f"{before:%Y-%m-%d}"},
    )
    audit_log(
        actor=actor,
        action="meeting.hold",
        obj=meeting,
        changes={"status": [MeetingStatus.PLANNED, MeetingStatus.HELD], "held_on": held_on},
    )
    return meeting


@transaction.atomic
def meeting_minutes(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    """Correct or complete the minutes of a held meeting (the change is in its history)."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("会议召开后才能记录纪要。"))
    problems: dict[str, str] = {}
    minutes = _text(problems, "minutes", minutes, 20000)
    if problems:
        raise ValidationError(problems)
    if minutes == meeting.minutes:
        return meeting
    before = meeting.minutes
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes", "updated_at"])
    _event(meeting, actor, MeetingEventKind.MINUTES, data={"before": before, "after": minutes})
    audit_log(
        actor=actor,
        action="meeting.minutes",
        obj=meeting,
        changes={"minutes": [len(before), len(minutes)]},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Call off a planned meeting, with the reason."""
    _require(actor, "meetings.plan", meeting)
    meeting = _locked(meeting)
    _transition(meeting, MeetingStatus.CANCELLED)
    problems: dict[str, str] = {}
    reason = _text(problems, "reason", reason, 2000, required=_("请写明取消的原因。"))
    if problems:
        raise ValidationError(problems)
    if meeting.votes.exclude(status__in=["closed", "cancelled"]).exists():
        raise ValidationError(
            {"reason": _("这次业主大会还有未结束的表决：请先取消或结束表决，再取消会议。")}
        )
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    _event(
        meeting,
        actor,
        MeetingEventKind.CANCELLED,
        from_status=MeetingStatus.PLANNED,
        to_status=MeetingStatus.CANCELLED,
        note=reason,
    )
    audit_log(
        actor=actor,
        action="meeting.cancel",
        obj=meeting,
        changes={"status": [MeetingStatus.PLANNED, MeetingStatus.CANCELLED], "reason": reason},
    )
    return meeting
