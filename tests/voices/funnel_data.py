"""A small hand-made history of 五福苑 (and one voice next door in 马家沟小区) whose funnel
figures are known exactly, for the funnel page and export tests.

Period P = the 50 days from TODAY-60 to TODAY-10. In 五福苑:

  T1  3 evening-talk voices in P + 1 older one (TODAY-100)   → decided → project library
  T2  1 phone voice in P, plus T3 (1 visit voice in P) merged into it; T2 stays open
  T4  1 hotline voice in P                                     → rejected with a reason
  T5  1 questionnaire voice after P (TODAY-5)                  → answered
  --  1 courtyard-meeting voice in P, in no topic (ungrouped)
In 马家沟小区: T6, 1 evening-talk voice in P.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Topic, TopicState, Voice

TODAY = dt.date.today()
SINCE = TODAY - dt.timedelta(days=60)
UNTIL = TODAY - dt.timedelta(days=10)


def record(
    world,
    texts: list[str],
    *,
    channel: str,
    days_ago: int,
    compound=None,
    who: str = "li",
    category: str = "",
) -> list[Voice]:
    voices = actions.voices_record(
        actor=world.users[who],
        compound=compound or world.wufuyuan,
        channel=channel,
        said_on=TODAY - dt.timedelta(days=days_ago),
        occasion="五福夜话 第3期" if channel == Channel.EVENING_TALK else "",
        entries=[actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )
    if category:
        for v in voices:
            actions.voice_set_category(actor=world.li, voice=v, category=category)
    return voices


def decide(world, topic: Topic, to_state: str, **outcome) -> Topic:
    return actions.topic_transition(
        actor=world.li, topic=topic, to_state=to_state, outcome=actions.Outcome(**outcome)
    )


@dataclass
class History:
    t1: Topic
    t2: Topic
    t3: Topic
    t4: Topic
    t5: Topic
    t6: Topic
    ungrouped: Voice


def make_history(world) -> History:
    ev = Channel.EVENING_TALK
    t1_voices = record(
        world,
        ["3栋楼顶漏雨", "3栋顶楼漏水严重", "三栋屋顶一下雨就漏"],
        channel=ev,
        days_ago=30,
        category="房屋本体",
    )
    older = record(world, ["3栋楼顶漏雨好几年了"], channel=ev, days_ago=100, category="房屋本体")
    t1 = actions.topic_create(actor=world.li, voices=[*t1_voices, *older], title="3栋屋面漏水")
    decide(world, t1, TopicState.DECIDED, decision="纳入屋面防水改造", responsible_party="社区")
    decide(world, t1, TopicState.PROJECT)

    t2 = actions.topic_create(
        actor=world.li,
        voices=record(
            world, ["晚上停车没地方"], channel=Channel.PHONE, days_ago=20, category="停车充电"
        ),
        title="停车难",
    )
    t3 = actions.topic_create(
        actor=world.li,
        voices=record(
            world, ["车位太少了"], channel=Channel.VISIT, days_ago=15, category="停车充电"
        ),
        title="车位少",
    )
    actions.topic_merge(actor=world.li, source=t3, target=t2)

    t4 = actions.topic_create(
        actor=world.li,
        voices=record(
            world,
            ["要求小区门口修个喷泉"],
            channel=Channel.HOTLINE,
            days_ago=12,
            category="公共服务",
        ),
    )
    decide(world, t4, TopicState.REJECTED, reason="场地不足，且无维护资金")

    t5 = actions.topic_create(
        actor=world.li,
        voices=record(
            world,
            ["楼道灯不亮"],
            channel=Channel.QUESTIONNAIRE,
            days_ago=5,
            category="房屋本体",
        ),
    )
    decide(world, t5, TopicState.ANSWERED, answer="物业已更换灯泡")

    (ungrouped,) = record(
        world, ["广场舞音响太吵"], channel=Channel.COURTYARD, days_ago=11, category="邻里关系"
    )
    t6 = actions.topic_create(
        actor=world.li,
        voices=record(world, ["马家沟路灯坏了"], channel=ev, days_ago=25, compound=world.majiagou),
    )
    return History(t1=t1, t2=t2, t3=t3, t4=t4, t5=t5, t6=t6, ungrouped=ungrouped)


def more_voices(world, n: int) -> None:
    """More of everything (for query counts): n voices in new topics across channels."""
    channels = [Channel.EVENING_TALK, Channel.PHONE, Channel.VISIT, Channel.CONTACT_DAY]
    for i in range(n):
        voices = record(
            world,
            [f"{i + 1}栋单元门坏了关不上", f"{i + 1}栋门禁坏了"],
            channel=channels[i % len(channels)],
            days_ago=20 + i % 30,
            compound=world.wufuyuan if i % 3 else world.majiagou,
        )
        topic = actions.topic_create(actor=world.li, voices=voices)
        if i % 2:
            decide(world, topic, TopicState.DECIDED, decision="更换门禁")
