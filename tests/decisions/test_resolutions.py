"""Resolutions (决议) of a held meeting: deciding topics (each a decision, the topic decided),
putting a matter to an owners' vote (a draft vote), or another resolution; numbered in order;
refused before the meeting is held."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laoyuan.decisions import plan_actions, resolutions
from laoyuan.decisions.models import Decision, MeetingKind, ResolutionKind
from laoyuan.decisions.votes.actions import VoteDraft
from laoyuan.decisions.votes.models import Matter, VoteStatus
from laoyuan.voices.models import TopicEvent, TopicState
from tests.decisions.pages import topic
from tests.scope_fills.meetings import meeting_in

TODAY = timezone.localdate()


def test_a_resolution_decides_several_topics(world):
    meeting = meeting_in(world)
    lights, roof = meeting.topics.get(), topic(world, ["楼顶漏雨"], "楼顶漏雨")
    meeting.topics.add(roof)
    made = resolutions.resolution_record(
        actor=world.li,
        meeting=meeting,
        kind=ResolutionKind.TOPICS,
        text="物业两周内修复，社区督办",
        topics=[lights, roof],
        responsible_party="五福物业",
        deadline=TODAY + dt.timedelta(days=14),
    )
    assert made.number == 1
    decisions = Decision.objects.filter(resolution=made)
    assert decisions.count() == 2
    assert {d.topic.state for d in decisions} == {TopicState.DECIDED}
    assert {d.solution for d in decisions} == {"物业两周内修复，社区督办"}


def test_a_resolution_puts_a_matter_to_the_owners_as_a_draft_vote(world):
    meeting = meeting_in(world)
    lift = meeting.topics.get()
    now = timezone.now()
    made = resolutions.resolution_record(
        actor=world.zhao,
        meeting=meeting,
        kind=ResolutionKind.VOTE,
        text="加装电梯方案提交业主大会表决",
        topics=[lift],
        vote=VoteDraft(
            title="加装电梯",
            question="是否同意加装电梯？",
            matter=Matter.REBUILD,
            opens_at=now,
            closes_at=now + dt.timedelta(days=15),
        ),
    )
    vote = made.vote
    assert (vote.status, vote.matter, vote.resolution_id) == (VoteStatus.DRAFT, "rebuild", made.pk)
    assert TopicEvent.objects.filter(topic=lift, data__vote=vote.pk).exists()


def test_resolutions_are_numbered_and_need_a_held_meeting(world):
    meeting = meeting_in(world)
    for n in (1, 2):
        made = resolutions.resolution_record(
            actor=world.li, meeting=meeting, kind=ResolutionKind.RECORD, text=f"第{n}项"
        )
        assert made.number == n
    planned = plan_actions.meeting_plan(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.JOINT,
        title="三方联席会",
        held_on=TODAY + dt.timedelta(days=3),
        place="物业办公室",
    )
    with pytest.raises(ValidationError, match="会议召开后才能记录决议"):
        resolutions.resolution_record(
            actor=world.li, meeting=planned, kind=ResolutionKind.RECORD, text="x"
        )


def test_deciding_topics_needs_topics_decide(world):
    meeting = meeting_in(world)
    # the owners' committee records resolutions and calls votes, but does not decide topics
    with pytest.raises(PermissionDenied):
        resolutions.resolution_record(
            actor=world.zhao,
            meeting=meeting,
            kind=ResolutionKind.TOPICS,
            text="修路灯",
            topics=list(meeting.topics.all()),
            responsible_party="物业",
            deadline=TODAY,
        )
    assert resolutions.may_resolve(world.zhao, meeting) == ["vote", "notice", "record"]


def test_a_topics_resolution_without_topics_or_party_is_refused(world):
    meeting = meeting_in(world)
    with pytest.raises(ValidationError) as refused:
        resolutions.resolution_record(
            actor=world.li, meeting=meeting, kind=ResolutionKind.TOPICS, text=""
        )
    assert set(refused.value.message_dict) == {"text", "topics"}
