"""Given the demo loaded, then Wufuyuan's two years of residents' voices tell the seed's story on
the funnel page — 288 voices → 192 topics → … → 13 in the project library — across every
channel, with real timelines, meetings, decisions and the demo resident's own voices; Canglang
street has a few voices too; and loading again (or resetting) changes nothing.

The demo is loaded once for this module inside a transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import Client

from laoyuan.core.models import AuditEvent, Notification, User
from laoyuan.decisions.models import Decision, Meeting, MeetingKind
from laoyuan.registry.demo import DEMO_PASSWORD, WUFUYUAN, load_demo
from laoyuan.registry.models import Compound, Street
from laoyuan.voices.demo import TOPICS, VOICES, build_plan
from laoyuan.voices.models import Channel, Topic, TopicEvent, TopicState, Voice

TODAY = dt.date.today()
DEMO_ACCOUNTS = {"jiedao", "shequ", "wangge", "shuji", "jumin", "canglang"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo(today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def wufuyuan(demo, db) -> Compound:
    return Compound.objects.get(code=WUFUYUAN.code)


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def numbers(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-step="(\w+)">(\d+)<', html)}


def test_the_funnel_of_wufuyuan_tells_the_story(wufuyuan):
    # when the street official opens the funnel of 五福苑, all time
    response = signed_in("jiedao").get("/funnel/", {"compound": wufuyuan.pk, "period": "all"})
    # then it shows 288 → 192 → 104 decided → 13 in the project library
    assert response.status_code == 200
    assert numbers(response.content.decode()) == {
        "voices": VOICES,
        "topics": TOPICS,
        "decided": 104,
        "project": 13,
        "case": 10,
        "answered": 69,
        "rejected": 14,
        "waiting": 12,
        "ungrouped": 6,
    }
    assert VOICES == 288 and TOPICS == 192


def test_every_channel_is_there_mostly_evening_talks(wufuyuan):
    by_channel = dict(
        Voice.objects.filter(compound=wufuyuan)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    assert by_channel == {
        Channel.EVENING_TALK: 170,
        Channel.COURTYARD: 24,
        Channel.VISIT: 28,
        Channel.CONTACT_DAY: 16,
        Channel.PHONE: 12,
        Channel.QUESTIONNAIRE: 20,
        Channel.ONLINE: 5,
        Channel.HOTLINE: 13,
    }
    occasions = set(
        Voice.objects.filter(compound=wufuyuan, channel=Channel.EVENING_TALK).values_list(
            "occasion", flat=True
        )
    )
    assert occasions == {f"五福夜话 第{n}期" for n in range(1, 25)}
    refs = Voice.objects.filter(compound=wufuyuan, channel=Channel.HOTLINE).values_list(
        "external_ref", flat=True
    )
    assert all(ref.startswith("12345-") for ref in refs) and len(set(refs)) == 13


def test_the_voices_span_two_years_in_varied_words(wufuyuan):
    voices = Voice.objects.filter(compound=wufuyuan)
    dates = voices.values_list("said_on", flat=True)
    assert min(dates) >= TODAY - dt.timedelta(days=731) and max(dates) < TODAY
    assert (max(dates) - min(dates)).days > 650
    texts = list(voices.values_list("text_redacted", flat=True))
    assert len(set(texts)) > 240
    assert any(re.search("莫得|咋个|啥子|娃娃", t) for t in texts)  # Sichuan words
    assert any(
        re.search("楼到|电悌|拉圾|亭车|维休|下水到|希往|解绝|务业|露雨", t) for t in texts
    )  # typos
    categories = set(voices.exclude(category="").values_list("category", flat=True))
    assert len(categories) == 12
    assert not voices.filter(text_redacted__regex=r"1[3-9]\d{9}").exists()  # no phone numbers


def test_topics_merged_split_nothing_lost(wufuyuan):
    topics = Topic.objects.filter(compound=wufuyuan)
    assert topics.count() == TOPICS + 3
    merged = topics.filter(state=TopicState.MERGED)
    assert merged.count() == 3
    assert all(t.merged_into_id and not t.voices.exists() for t in merged)
    projects = topics.filter(state=TopicState.PROJECT)
    assert {"加装电梯（有意愿的单元）", "雨污分流改造", "老年食堂（味福堂）"} <= set(
        projects.values_list("title", flat=True)
    )
    assert all(p.decision and p.responsible_party and p.deadline for p in projects)
    assert all(t.reason for t in topics.filter(state=TopicState.REJECTED))
    assert all(t.answer for t in topics.filter(state=TopicState.ANSWERED))


def test_timelines_are_real_and_dated_in_the_story(wufuyuan):
    events = TopicEvent.objects.filter(topic__compound=wufuyuan)
    actors = set(events.values_list("actor__username", flat=True))
    assert actors <= DEMO_ACCOUNTS and {"shequ", "wangge", "jiedao", "shuji"} <= actors
    assert events.filter(kind="state", to_state=TopicState.PROJECT).count() == 13
    # each step happened in the story's time, in order, not when the demo was loaded
    for topic in Topic.objects.filter(compound=wufuyuan, state=TopicState.PROJECT):
        steps = list(topic.events.filter(kind="state").values_list("at", "to_state"))
        assert [s for _at, s in steps] == ["deliberation", "decided", "project"]
        assert steps == sorted(steps)
        first_said = topic.voices.order_by("said_on").first().said_on
        assert first_said <= steps[0][0].date() < TODAY
    assert AuditEvent.objects.filter(action="topic.transition").count() >= 150


def test_meetings_with_attendees_and_decisions_with_deadlines(wufuyuan):
    # The meetings of the voices' story (the owners' vote adds its own: tests/votes).
    voices_kinds = [
        MeetingKind.EVENING_TALK,
        MeetingKind.COURTYARD,
        MeetingKind.CONTACT_DAY,
        MeetingKind.ONSITE,
    ]
    meetings = Meeting.objects.filter(compound=wufuyuan, kind__in=voices_kinds)
    kinds = dict(meetings.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    assert kinds == {
        MeetingKind.EVENING_TALK: 24,
        MeetingKind.COURTYARD: 4,
        MeetingKind.CONTACT_DAY: 4,
        # three on-site office meetings, and the residents' council that adopted the
        # renovation plans (laoyuan.renewal.demo)
        MeetingKind.ONSITE: 4,
    }
    onsite = meetings.filter(kind=MeetingKind.ONSITE).exclude(title__endswith="改造居民议事会")
    decisions = Decision.objects.filter(meeting__in=onsite)
    assert decisions.count() == 12
    assert all(d.deadline >= d.meeting.held_on and d.responsible_party for d in decisions)
    assert all(m.attendees.filter(kind="property").exists() for m in onsite)
    assert all(m.topics.exists() and m.attendees.count() >= 5 for m in meetings)


def test_the_demo_resident_has_voices_answers_and_notifications(wufuyuan):
    jumin = User.objects.get(username="jumin")
    mine = Voice.objects.filter(author=jumin)
    assert mine.count() == 5 and set(mine.values_list("channel", flat=True)) == {"online"}
    states = set(mine.values_list("topic__state", flat=True))
    assert {TopicState.PROJECT, TopicState.ANSWERED, TopicState.REJECTED, TopicState.OPEN} <= states
    # (her notifications about her voices; the notices demo adds some about public notices)
    notes = Notification.objects.filter(user=jumin, url__startswith="/portal/topics/")
    titles = " ".join(notes.values_list("title", flat=True))
    assert "已列入改造项目库" in titles and "已答复办结" in titles and "未被采纳" in titles
    assert notes.filter(read_at__isnull=True).count() == 2
    assert all(n.created_at.date() < TODAY for n in notes)


def test_canglang_street_has_a_few_voices(demo, db):
    canglang = Street.objects.get(code="320508-CL")
    html = signed_in("canglang").get("/funnel/").content.decode()
    assert "沧浪街道 · 桂花社区" in html
    assert numbers(html)["voices"] == 8 and numbers(html)["topics"] == 3
    assert Voice.objects.filter(street=canglang).count() == 8
    # and the other street's official sees none of it
    assert signed_in("jiedao").get("/funnel/", {"street": canglang.pk}).status_code == 404


def test_loading_again_changes_nothing(demo, wufuyuan):
    before = {m.__name__: m.objects.count() for m in (Voice, Topic, TopicEvent, Meeting)}
    report = load_demo(today=TODAY)
    assert {m.__name__: m.objects.count() for m in (Voice, Topic, TopicEvent, Meeting)} == before
    assert any("288 条意见 → 192 个议题" in line for line in report.lines())


def test_reset_loads_the_same_history_again(demo, db):
    texts = sorted(Voice.objects.values_list("text_redacted", flat=True))
    load_demo(reset=True, today=TODAY)
    assert sorted(Voice.objects.values_list("text_redacted", flat=True)) == texts
    wufuyuan = Compound.objects.get(code=WUFUYUAN.code)
    assert Voice.objects.filter(compound=wufuyuan).aggregate(t=Count("topic", distinct=True)) == {
        "t": TOPICS
    }


def test_the_plan_is_the_same_every_time():
    first, _u = build_plan(TODAY)
    again, _u = build_plan(TODAY)
    assert [v.text for t in first for v in t.voices] == [v.text for t in again for v in t.voices]
