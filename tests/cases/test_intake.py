"""Given the ways a case comes in, then each opens one case with what it carries:
- a topic moved to "已转工单" opens its case with the decision, the party named (matched by name
  or alias among the registered parties) and the deadline; its residents follow it;
- a decided topic or an on-site meeting's decision turned into a case on purpose moves the
  topic to "已转工单" and links the decision;
- a 12345 export opens a case per work order, and importing it again opens none;
- a resident's report on the portal keeps who she is (or hides it when anonymous)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from laoyuan.cases import actions
from laoyuan.cases.models import Case, CaseSource, CaseState, EventKind
from laoyuan.core.models import Notification
from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import TopicState
from tests.cases.helpers import category, fresh
from tests.voices.import_files import CALLER_PHONE, hotline_xlsx, import_file
from tests.voices.import_files import case as order

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


def decided_topic(world, *, party="自来水公司", by_resident=True):
    voices = []
    if by_resident:
        voices.append(
            voice_actions.voice_submit(
                actor=world.liu, compound=world.wufuyuan, text="1栋水压太小，楼上没水用"
            )
        )
    voices += voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="evening_talk",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="1栋自来水水压低", speaker_name="王大爷")],
    )
    topic = voice_actions.topic_create(actor=world.li, voices=voices, title="1栋水压低")
    voice_actions.topic_edit(
        actor=world.li,
        topic=topic,
        title=topic.title,
        category="管网",
        subcategory="供水与二次供水",
    )
    return voice_actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.DECIDED,
        outcome=voice_actions.Outcome(
            decision="自来水公司检修1栋加压泵", responsible_party=party, deadline=NEXT_WEEK
        ),
    )


def test_a_topic_moved_to_case_opens_its_case_with_the_decision(world, parties):
    topic = decided_topic(world)
    # when the community worker moves the topic to "已转工单" on the topic page
    voice_actions.topic_transition(
        actor=world.li, topic=topic, to_state=TopicState.CASE, outcome=voice_actions.Outcome()
    )
    # then its case carries the decision, the party matched by alias, and the deadline
    case = Case.objects.get(topic=topic)
    assert case.source == CaseSource.TOPIC and case.state == CaseState.ASSIGNED
    assert case.party == parties.water and case.solution_asked == "自来水公司检修1栋加压泵"
    assert case.category == category("pipe.water") and case.deadline_fixed
    assert case.reporter_account == world.liu and case.reporter_name == "刘桂兰"
    # and the resident follows it: told when the party accepts
    before = Notification.objects.filter(user=world.liu).count()
    actions.case_accept(actor=parties.shui, case=case)
    assert Notification.objects.filter(user=world.liu).count() == before + 1


def test_a_topic_naming_an_unknown_party_waits_for_dispatch(world, parties):
    topic = decided_topic(world, party="某某维修公司")
    voice_actions.topic_transition(
        actor=world.li, topic=topic, to_state=TopicState.CASE, outcome=voice_actions.Outcome()
    )
    case = Case.objects.get(topic=topic)
    assert case.state == CaseState.DISPATCH and case.party is None
    assert "未在责任方名录中找到" in case.events.get(kind=EventKind.OPENED).note


def test_turning_a_decided_topic_into_a_case_moves_the_topic(world, parties):
    topic = decided_topic(world, party="")
    case = actions.case_open_from_topic(
        actor=world.li, topic=topic, party=parties.property, category=category("pipe.drain")
    )
    topic.refresh_from_db()
    assert topic.state == TopicState.CASE and Case.objects.filter(topic=topic).count() == 1
    assert case.party == parties.property and case.category.code == "pipe.drain"


def test_only_a_decided_topic_becomes_a_case(world, parties):
    voices = voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="phone",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="路灯坏了")],
    )
    topic = voice_actions.topic_create(actor=world.li, voices=voices)
    with pytest.raises(ValidationError, match="先作出决定"):
        actions.case_open_from_topic(actor=world.li, topic=topic)
    assert not Case.objects.exists()


def test_an_on_site_meeting_decision_becomes_a_linked_case(world, parties):
    voices = voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="onsite_meeting",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="消防通道被车堵死了")],
    )
    topic = voice_actions.topic_create(actor=world.li, voices=voices, title="消防通道被堵")
    meeting = meeting_actions.meeting_record(
        actor=world.wang,
        compound=world.wufuyuan,
        kind="onsite",
        title="五福苑现场办公会",
        held_on=dt.date.today(),
        place="院坝",
        attendees=[meeting_actions.AttendeeEntry(name="王街道")],
        topics=[topic],
    )
    decision = meeting_actions.meeting_decide(
        actor=world.wang,
        meeting=meeting,
        topic=topic,
        responsible_party="沙河街道城管办",
        solution="城管办清理占道车辆，设置禁停标志",
        deadline=NEXT_WEEK,
    )
    case = actions.case_open_from_decision(actor=world.wang, decision=decision)
    assert case.decision == decision and case.source == CaseSource.MEETING
    assert case.party == parties.chengguan and case.solution_asked.startswith("城管办清理")
    topic.refresh_from_db()
    assert topic.state == TopicState.CASE
    with pytest.raises(ValidationError, match="已经转为工单"):
        actions.case_open_from_decision(actor=world.wang, decision=decision)


def test_a_12345_export_opens_a_case_per_work_order_once(world, parties):
    data = hotline_xlsx([order("C1"), order("C2", 诉求内容="2栋屋顶漏雨，天花板滴水")])
    import_file(world.li, world.wufuyuan, data, kind="hotline", name="12345.xlsx")
    cases = Case.objects.filter(source=CaseSource.HOTLINE).order_by("external_ref")
    assert [c.external_ref for c in cases] == ["C1", "C2"]
    assert all(c.state == CaseState.DISPATCH and c.voice_id for c in cases)
    assert CALLER_PHONE not in cases[0].description and cases[0].reporter_phone_cipher == ""
    # when the same export, with one more order, is imported again
    data = hotline_xlsx([order("C1"), order("C2"), order("C3", 诉求内容="路灯不亮")])
    import_file(world.li, world.wufuyuan, data, kind="hotline", name="12345.xlsx")
    # then only the new order opens a case
    assert Case.objects.filter(source=CaseSource.HOTLINE).count() == 3


def test_a_resident_reports_on_the_portal(world, parties):
    case = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("env.light"),
        description="1栋楼下的路灯不亮",
        phone="13812345678",
    )
    assert case.source == CaseSource.PORTAL and case.reporter_resident == world.liu_guilan
    assert case.reporter_phone_masked == "138****5678" and "13812345678" not in str(
        Case.objects.filter(pk=case.pk).values().get()
    )
    hidden = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("env.light"),
        description="楼道灯不亮",
        phone="13812345678",
        anonymous=True,
    )
    hidden = fresh(hidden)
    assert hidden.anonymous and hidden.reporter_name == "" and hidden.reporter_resident is None
    assert hidden.reporter_phone_masked == "" and hidden.reporter_account == world.liu


def test_a_resident_reports_only_in_her_own_compound(world, parties):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.case_submit(
            actor=world.liu,
            compound=world.majiagou,
            category=category("env.light"),
            description="路灯不亮",
        )
    assert not Case.objects.exists()
