"""The core writes of voices and topics: record, submit, categorise, group, merge, split,
decide — each leaves a trail, keeps every voice, and refuses what is out of scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions, queries
from laoyuan.voices.models import (
    CategoryCorrection,
    CategorySource,
    Channel,
    Topic,
    TopicEvent,
    TopicState,
    Voice,
)

TODAY = dt.date.today()


def _record(world, texts, who="li", compound=None):
    return actions.voices_record(
        actor=world.users[who],
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=TODAY,
        occasion="五福夜话 第1期",
        entries=[actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )


def test_a_batch_is_recorded_classified_and_audited(world):
    voices = _record(world, ["3栋楼顶漏雨，下雨天家里天花板滴水", "小区路灯坏了晚上太黑"])
    assert [v.compound_id for v in voices] == [world.wufuyuan.pk] * 2
    assert voices[0].category == "房屋本体" and voices[0].category_source == CategorySource.MODEL
    assert voices[1].category_confidence is not None
    assert AuditEvent.objects.filter(action="voice.record_batch").count() == 1


def test_a_bad_row_saves_nothing_and_names_the_row(world):
    with pytest.raises(actions.BatchError) as err:
        _record(world, ["路灯坏了", "", "x" * 20000])
    assert set(err.value.rows) == {2, 3}
    assert "太长" in " ".join(err.value.rows[3])
    assert Voice.objects.count() == 0


def test_out_of_scope_recording_is_refused(world):
    with pytest.raises(PermissionDenied):
        _record(world, ["路灯坏了"], who="qian")
    with pytest.raises(PermissionDenied):
        _record(world, ["路灯坏了"], who="liu")


def test_text_is_stored_as_given_but_shown_redacted(world):
    (voice,) = _record(world, ["<script>alert(1)</script>漏水找我 13812345678"])
    assert "13812345678" not in voice.text_redacted
    assert "<script>" not in voice.text_redacted


def test_confirm_and_correct_keep_training_data(world):
    (voice,) = _record(world, ["小区路灯坏了晚上太黑"])
    actions.voice_set_category(actor=world.li, voice=voice, category=voice.category)
    voice.refresh_from_db()
    assert voice.category_source == CategorySource.CONFIRMED
    actions.voice_set_category(actor=world.li, voice=voice, category="安防消防")
    voice.refresh_from_db()
    assert voice.category_source == CategorySource.CORRECTED
    assert CategoryCorrection.objects.filter(voice=voice).count() == 2
    with pytest.raises(ValidationError):
        actions.voice_set_category(actor=world.li, voice=voice, category="不存在的分类")


def test_group_merge_split_lose_nothing(world):
    voices = _record(world, ["3栋漏雨", "3栋楼顶漏水", "路灯坏了", "路灯不亮"])
    a = actions.topic_create(actor=world.li, voices=voices[:2])
    b = actions.topic_create(actor=world.li, voices=voices[2:])
    actions.topic_merge(actor=world.li, source=b, target=a)
    b.refresh_from_db()
    assert b.state == TopicState.MERGED and b.merged_into == a
    assert Voice.objects.filter(topic=a).count() == 4
    c = actions.topic_split(actor=world.li, topic=a, voices=voices[2:], title="路灯")
    assert set(Voice.objects.filter(topic=c)) == set(voices[2:])
    assert Voice.objects.filter(topic=a).count() == 2
    assert TopicEvent.objects.filter(topic=a).count() >= 4
    with pytest.raises(ValidationError):
        actions.topic_split(actor=world.li, topic=a, voices=list(Voice.objects.filter(topic=a)))


def test_decision_notifies_the_authors(world):
    voice = actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text="我家楼下的路灯坏了好几天"
    )
    assert voice.channel == Channel.ONLINE and voice.author == world.liu
    topic = actions.topic_create(actor=world.li, voices=[voice])
    with pytest.raises(ValidationError):
        actions.topic_transition(
            actor=world.li, topic=topic, to_state=TopicState.DECIDED, outcome=actions.Outcome()
        )
    actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.DECIDED,
        outcome=actions.Outcome(decision="物业三日内更换灯具", responsible_party="物业"),
    )
    note = Notification.objects.get(user=world.liu)
    assert "已有决定" in note.title and "更换灯具" in note.body
    with pytest.raises(PermissionDenied):
        actions.topic_transition(
            actor=world.zhang,
            topic=topic,
            to_state=TopicState.ANSWERED,
            outcome=actions.Outcome(answer="好"),
        )


def test_a_resident_adds_her_voice_to_a_similar_topic(world):
    voices = _record(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    topic = actions.topic_create(actor=world.li, voices=voices)
    from laoyuan.voices import services

    similar = services.similar_topics(
        compound_id=world.wufuyuan.pk,
        community_id=world.wufuyuan.community_id,
        text="3号楼漏雨",
    )
    assert similar and similar[0].topic == topic and similar[0].voice_count == 2
    mine = actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text="3号楼漏雨我也遇到", topic=topic
    )
    assert mine.topic == topic


def test_grouping_proposals_and_accept(world):
    grouped = _record(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水"])
    topic = actions.topic_create(actor=world.li, voices=grouped)
    _record(world, ["3号楼楼顶漏雨严重啊", "停车位太少晚上没地方停车", "停车难，车位不够"])
    proposals, _voices, _topics = queries.grouping_proposals(world.li, world.wufuyuan)
    joins = [p for p in proposals if p.topic_id]
    news = [p for p in proposals if not p.topic_id]
    assert joins and joins[0].topic_id == topic.pk
    assert any(len(p.voice_ids) == 2 for p in news)
    n = actions.proposals_accept(actor=world.li, compound=world.wufuyuan, proposals=proposals)
    assert n == 3 and not Voice.objects.filter(topic__isnull=True).exists()


def test_meeting_decision_lands_on_the_topic(world):
    voices = _record(world, ["单元门坏了关不上"])
    topic = actions.topic_create(actor=world.li, voices=voices)
    meeting = meeting_actions.meeting_record(
        actor=world.li,
        compound=world.wufuyuan,
        kind="onsite",
        title="五福苑现场办公会",
        held_on=TODAY,
        place="五福苑党群服务站",
        attendees=[
            meeting_actions.AttendeeEntry(name="李社工"),
            meeting_actions.AttendeeEntry(name="物业经理", kind="property", organisation="某物业"),
        ],
        topics=[topic],
    )
    meeting_actions.meeting_decide(
        actor=world.li,
        meeting=meeting,
        topic=topic,
        responsible_party="物业公司",
        solution="更换单元门闭门器",
        deadline=TODAY + dt.timedelta(days=7),
    )
    topic.refresh_from_db()
    assert topic.state == TopicState.DECIDED and topic.responsible_party == "物业公司"
    assert topic.deadline == TODAY + dt.timedelta(days=7)
    funnel = queries.funnel(world.li, place=world.wufuyuan)
    assert funnel.total.voices == 1 and funnel.total.topics == 1 and funnel.total.decided == 1
    assert Topic.objects.count() == 1


def test_a_grid_worker_records_and_groups_for_her_whole_compound(world):
    # given zhang, grid worker of 一网格 in 五福苑 (the registry shows her only her grid)
    voices = _record(world, ["2栋门口路灯不亮", "2栋门口的路灯坏了"], who="zhang")
    assert voices[0].recorded_by == world.zhang
    proposals, _voices, _topics = queries.grouping_proposals(world.zhang, world.wufuyuan)
    assert actions.proposals_accept(actor=world.zhang, compound=world.wufuyuan, proposals=proposals)
    # but not in the compound next door
    with pytest.raises(PermissionDenied):
        _record(world, ["路灯坏了"], who="zhang", compound=world.majiagou)


def test_a_phone_in_the_text_is_sealed_not_stored_in_clear(world):
    (voice,) = _record(world, ["楼道灯坏了，联系我13812345678"])
    stored = Voice.objects.filter(pk=voice.pk).values().get()
    assert not any("13812345678" in str(value) for value in stored.values())
    from laoyuan.core import pii

    assert pii.decrypt(voice.text_sealed) == "楼道灯坏了，联系我13812345678"
    (plain,) = _record(world, ["楼道灯坏了"])
    assert plain.text_sealed == ""


def test_similar_topics_of_her_compound_are_found_among_a_busier_neighbour(world):
    from laoyuan.voices import services

    # given 马家沟 next door (same community) voiced the same concern a hundred times
    many = _record(world, ["电梯坏了老人下不了楼"] * 100, compound=world.majiagou)
    actions.topic_create(actor=world.li, voices=many)
    # and 五福苑 once
    (own,) = _record(world, ["电梯老是坏，老人家下不了楼"])
    topic = actions.topic_create(actor=world.li, voices=[own])
    # when a resident of 五福苑 types the same words
    hits = services.similar_topics(
        compound_id=world.wufuyuan.pk,
        community_id=world.wufuyuan.community_id,
        text="电梯坏了，老人下不了楼",
    )
    # then her own compound's topic is offered, and nothing of the compound next door
    assert [h.topic for h in hits] == [topic]
