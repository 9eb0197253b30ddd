"""A resolution of a held meeting may publish what was decided as a public notice (公示决定事项):
kind "decision", the meeting as its subject, the resolution's text as its body, for the
meeting's compound (or the buildings the meeting was for) or for the whole community. A
refused notice leaves no resolution behind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laoyuan.decisions import resolutions
from laoyuan.decisions.models import Resolution, ResolutionKind
from laoyuan.notices.models import Notice, NoticeKind, NoticeState, TargetLevel
from tests.scope_fills.meetings import meeting_in

TODAY = timezone.localdate()
TEXT = "同意在5栋与6栋之间增设电动自行车充电棚，由物业负责建设，一个月内完工。"


def _resolve(world, meeting, who="li", text=TEXT, **notice):
    return resolutions.resolution_record(
        actor=world.users[who],
        meeting=meeting,
        kind=ResolutionKind.NOTICE,
        text=text,
        notice=resolutions.ResolutionNotice(
            starts_on=notice.pop("starts_on", TODAY),
            period_days=notice.pop("period_days", 7),
            **notice,
        ),
    )


def test_a_resolution_publishes_its_decision_as_a_notice_of_the_compound(world):
    # given an on-site meeting of 五福苑, held today
    meeting = meeting_in(world)
    # when li records a resolution that publishes its decision
    made = _resolve(world, meeting)
    # then the decision is published for the compound, with the meeting as its subject
    notice = made.notice
    assert made.kind == ResolutionKind.NOTICE and made.number == 1
    assert notice.state == NoticeState.PUBLISHED and notice.kind == NoticeKind.DECISION
    assert notice.compound == world.wufuyuan and notice.target_level == TargetLevel.COMPOUND
    assert notice.subject == meeting
    assert notice.title == "现场办公会决议公示"
    assert TEXT in notice.body and "现场办公会（小区议事厅）作出第1项决议如下" in notice.body
    assert (notice.starts_on, notice.period_days, notice.working_days) == (TODAY, 7, True)


def test_a_meeting_of_some_buildings_publishes_to_those_buildings(world):
    meeting = meeting_in(world)
    meeting.buildings.set([world.b1])
    notice = _resolve(world, meeting, title="1栋楼道照明改造决定公示").notice
    assert notice.target_level == TargetLevel.BUILDINGS
    assert list(notice.buildings.all()) == [world.b1]
    assert notice.title == "1栋楼道照明改造决定公示"


def test_a_community_worker_may_publish_it_to_the_whole_community(world):
    meeting = meeting_in(world)
    notice = _resolve(world, meeting, community_wide=True, working_days=False).notice
    assert notice.target_level == TargetLevel.COMMUNITY and notice.compound is None
    assert notice.community == world.wufuyuan.community
    assert notice.ends_on == TODAY + dt.timedelta(days=6)


def test_the_owners_committee_may_not_publish_to_the_community(world):
    meeting = meeting_in(world)
    with pytest.raises(ValidationError) as refused:
        _resolve(world, meeting, who="zhao", community_wide=True)
    assert "community_wide" in refused.value.message_dict
    assert not Resolution.objects.filter(meeting=meeting).exists()
    # but to its own compound it may
    assert _resolve(world, meeting, who="zhao").notice.compound == world.wufuyuan


def test_a_refused_notice_leaves_no_resolution(world):
    meeting = meeting_in(world)
    with pytest.raises(ValidationError) as refused:
        _resolve(world, meeting, starts_on=TODAY - dt.timedelta(days=1))
    assert "starts_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _resolve(world, meeting, period_days=0)
    assert "period_days" in refused.value.message_dict
    assert not Resolution.objects.filter(meeting=meeting).exists()
    assert not Notice.objects.exists()


def test_a_notice_resolution_without_its_period_is_refused(world):
    meeting = meeting_in(world)
    with pytest.raises(ValidationError) as refused:
        resolutions.resolution_record(
            actor=world.li, meeting=meeting, kind=ResolutionKind.NOTICE, text=TEXT
        )
    assert "starts_on" in refused.value.message_dict
    assert not Resolution.objects.exists()


@pytest.mark.parametrize("who", ["zhang", "sun", "zhou", "qian"])
def test_those_who_may_not_publish_notices_may_not_record_one(world, who):
    meeting = meeting_in(world)
    with pytest.raises(PermissionDenied):
        _resolve(world, meeting, who=who)
    assert not Notice.objects.exists()
