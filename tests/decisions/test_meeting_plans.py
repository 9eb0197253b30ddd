"""Planned meetings (计划会议): an owners' assembly (业主大会) is noticed at least 15 days ahead
— exactly 15 is enough, 14 is refused with the earliest date it could meet — and is never
recorded after the fact without its notice; the agenda's topics become the topics discussed
when it is held; residents sign in on their phone once, on the day; minutes are corrected with
their history; a planned meeting is cancelled with a reason."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laoyuan.core.models import AuditEvent
from laoyuan.decisions import actions, plan_actions
from laoyuan.decisions.models import (
    Attendee,
    MeetingEvent,
    MeetingKind,
    MeetingStatus,
    NoticeChannel,
    SignIn,
)
from laoyuan.voices.models import TopicEvent
from tests.decisions.pages import topic

TODAY = timezone.localdate()


def _notice(days_ago: int) -> plan_actions.NoticeEntry:
    return plan_actions.NoticeEntry(
        noticed_on=TODAY - dt.timedelta(days=days_ago),
        channels=[NoticeChannel.BOARD, NoticeChannel.WECHAT],
        posted_where="各单元公告栏",
    )


def _plan(world, *, kind=MeetingKind.OWNERS_ASSEMBLY, held_on=TODAY, notice=None, **kw):
    return plan_actions.meeting_plan(
        actor=kw.pop("actor", world.zhao),
        compound=world.wufuyuan,
        kind=kind,
        title="五福苑业主大会",
        held_on=held_on,
        place="院坝",
        notice=notice,
        **kw,
    )


def test_an_assembly_noticed_exactly_15_days_ahead_may_meet(world):
    meeting = _plan(world, notice=_notice(15))
    assert meeting.status == MeetingStatus.PLANNED
    assert plan_actions.notice_problem(meeting) == ""
    assert meeting.notices.get().for_date == TODAY


def test_an_assembly_noticed_14_days_ahead_is_refused_with_the_earliest_date(world):
    with pytest.raises(ValidationError) as refused:
        _plan(world, notice=_notice(14))
    message = refused.value.message_dict["held_on"][0]
    assert "应当于会议召开15日以前通知全体业主（《物业管理条例》第十四条）" in message
    assert f"会议最早可在{TODAY + dt.timedelta(days=1):%Y-%m-%d}召开" in message


def test_an_assembly_planned_without_a_notice_leaves_15_days_from_today(world):
    with pytest.raises(ValidationError) as refused:
        _plan(world, held_on=TODAY + dt.timedelta(days=14))
    assert (
        f"今天发出通知，会议最早可在{TODAY + dt.timedelta(days=15):%Y-%m-%d}召开"
        in (refused.value.message_dict["held_on"][0])
    )
    meeting = _plan(world, held_on=TODAY + dt.timedelta(days=15))
    # when it is moved ten days earlier, a notice sent today no longer gives 15 days
    plan_actions.meeting_change(
        actor=world.zhao,
        meeting=meeting,
        title=meeting.title,
        held_on=TODAY + dt.timedelta(days=10),
        starts_at=None,
        place=meeting.place,
    )
    with pytest.raises(ValidationError) as refused:
        plan_actions.meeting_notice(actor=world.zhao, meeting=meeting, notice=_notice(0))
    assert "最早可在" in refused.value.message_dict["noticed_on"][0]
    assert not meeting.notices.exists()
    assert "还没有登记通知" in plan_actions.notice_problem(meeting)


def test_the_notice_period_counts_calendar_days_holidays_included():
    # Noticed on the 调休 Sunday 20 September 2026, an assembly may meet in the National Day
    # holiday on 5 October: the regulation counts days, not working days.
    assert plan_actions.earliest_meeting(dt.date(2026, 9, 20), 15) == dt.date(2026, 10, 5)


def test_an_assembly_is_never_recorded_after_the_fact(world):
    with pytest.raises(ValidationError) as refused:
        actions.meeting_record(
            actor=world.li,
            compound=world.wufuyuan,
            kind=MeetingKind.OWNERS_ASSEMBLY,
            title="业主大会",
            held_on=TODAY,
            place="院坝",
            attendees=[actions.AttendeeEntry(name="李社工")],
        )
    assert "须先计划并提前发出通知" in refused.value.message_dict["kind"][0]


def test_an_assembly_moved_to_another_day_needs_a_notice_of_that_day(world):
    meeting = _plan(world, held_on=TODAY + dt.timedelta(days=20), notice=_notice(0))
    meeting = plan_actions.meeting_change(
        actor=world.zhao,
        meeting=meeting,
        title=meeting.title,
        held_on=TODAY + dt.timedelta(days=25),
        starts_at=dt.time(19, 0),
        place="知福堂",
    )
    assert "还没有登记通知" in plan_actions.notice_problem(meeting)
    assert MeetingEvent.objects.filter(meeting=meeting, kind="changed").count() == 1


def test_the_agenda_topics_are_discussed_once_the_meeting_is_held(world):
    lift = topic(world, ["想装电梯"], "5栋加装电梯")
    meeting = _plan(
        world,
        kind=MeetingKind.DELIBERATION,
        agenda=[
            plan_actions.AgendaEntry(title="", topic=lift),
            plan_actions.AgendaEntry(title="下一步的工作安排"),
        ],
    )
    assert list(meeting.agenda.values_list("position", "title")) == [
        (1, "5栋加装电梯"),
        (2, "下一步的工作安排"),
    ]
    plan_actions.meeting_hold(actor=world.zhao, meeting=meeting, held_on=TODAY, minutes="同意。")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes == "同意。"
    assert list(meeting.topics.all()) == [lift]
    assert TopicEvent.objects.filter(topic=lift, kind="meeting").count() == 1
    with pytest.raises(ValidationError):
        plan_actions.meeting_hold(actor=world.zhao, meeting=meeting, held_on=TODAY)


def test_a_meeting_is_not_held_before_its_day(world):
    meeting = _plan(world, kind=MeetingKind.JOINT, held_on=TODAY + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="会还没开"):
        plan_actions.meeting_hold(
            actor=world.zhao, meeting=meeting, held_on=TODAY + dt.timedelta(days=2)
        )


def test_a_resident_signs_in_on_her_phone_once_on_the_day(world):
    meeting = _plan(world, kind=MeetingKind.DELIBERATION)
    first = plan_actions.meeting_sign_in(actor=world.liu, meeting=meeting)
    again = plan_actions.meeting_sign_in(actor=world.liu, meeting=meeting)
    assert first.pk == again.pk
    assert (first.name, first.signed_in, first.resident) == (
        "刘桂兰",
        SignIn.PHONE,
        world.liu_guilan,
    )
    assert Attendee.objects.filter(meeting=meeting).count() == 1
    # not on another day, and not staff
    later = _plan(world, kind=MeetingKind.DELIBERATION, held_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="只能在开会当天签到"):
        plan_actions.meeting_sign_in(actor=world.liu, meeting=later)
    with pytest.raises(PermissionDenied):
        plan_actions.meeting_sign_in(actor=world.li, meeting=meeting)


def test_a_meeting_of_one_building_is_for_its_residents(world):
    meeting = _plan(world, kind=MeetingKind.DELIBERATION, buildings=[world.b2])
    with pytest.raises(PermissionDenied):  # 刘桂兰 lives in building 1
        plan_actions.meeting_sign_in(actor=world.liu, meeting=meeting)


def test_the_paper_sign_in_sheet_is_typed_in_on_the_day(world):
    early = _plan(world, kind=MeetingKind.COMMITTEE, held_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="会议当天或开会以后"):
        plan_actions.attendance_record(
            actor=world.zhao, meeting=early, attendees=[actions.AttendeeEntry(name="赵委员")]
        )
    meeting = _plan(world, kind=MeetingKind.COMMITTEE)
    made = plan_actions.attendance_record(
        actor=world.zhao,
        meeting=meeting,
        attendees=[
            actions.AttendeeEntry(name="赵委员"),
            actions.AttendeeEntry(name=""),
            actions.AttendeeEntry(name="王业主", kind="resident"),
        ],
    )
    assert [(a.name, a.signed_in) for a in made] == [("赵委员", "paper"), ("王业主", "paper")]


def test_minutes_are_corrected_with_their_history(world):
    meeting = _plan(world, kind=MeetingKind.COMMITTEE)
    plan_actions.meeting_hold(actor=world.zhao, meeting=meeting, held_on=TODAY, minutes="初稿")
    plan_actions.meeting_minutes(actor=world.zhao, meeting=meeting, minutes="定稿")
    event = MeetingEvent.objects.get(meeting=meeting, kind="minutes")
    assert event.data == {"before": "初稿", "after": "定稿"}
    assert AuditEvent.objects.filter(action="meeting.minutes").count() == 1


def test_a_planned_meeting_is_cancelled_with_its_reason(world):
    meeting = _plan(world, kind=MeetingKind.JOINT)
    with pytest.raises(ValidationError):
        plan_actions.meeting_cancel(actor=world.zhao, meeting=meeting, reason="  ")
    plan_actions.meeting_cancel(actor=world.zhao, meeting=meeting, reason="物业公司改期")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "物业公司改期")
    with pytest.raises(ValidationError):
        plan_actions.meeting_hold(actor=world.zhao, meeting=meeting, held_on=TODAY)


@pytest.mark.parametrize("name", ["zhao", "chen", "li", "wang"])
def test_the_committee_the_secretary_and_the_community_plan_meetings(world, name):
    assert _plan(world, kind=MeetingKind.JOINT, actor=world.users[name]).pk


@pytest.mark.parametrize("name", ["sun", "zhang", "zhou", "liu", "qian", "nobody"])
def test_others_do_not_plan_meetings(world, name):
    with pytest.raises(PermissionDenied):
        _plan(world, kind=MeetingKind.JOINT, actor=world.users[name])


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(world):
    from laoyuan.decisions.models import Meeting

    with pytest.raises(ValidationError) as refused:
        plan_actions.meeting_plan(
            actor=world.zhao,
            compound=world.wufuyuan,
            kind="party",
            title=" ",
            held_on=TODAY - dt.timedelta(days=1),
            place="x" * 121,
            buildings=[world.guihuaxincun.buildings.first() or world.b1],
        )
    problems = refused.value.message_dict
    assert problems["kind"] == ["请选择会议类型。"]
    assert problems["title"] == ["请填写会议名称。"]
    assert "不能早于今天" in problems["held_on"][0]
    assert problems["place"] == ["最多120个字。"]
    assert not Meeting.objects.exists()
