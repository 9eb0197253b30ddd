"""Given a little data and then much more, when each list and detail endpoint of the voices and
meetings API is called, then it runs the same number of queries: no query per row, whatever
the size of the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Topic
from tests.voices.test_api_support import API, TODAY

CHANNELS = [Channel.VISIT, Channel.PHONE, Channel.COURTYARD, Channel.EVENING_TALK]
TEXTS = [
    "{}号楼楼顶漏雨",
    "{}栋路灯坏了晚上太黑",
    "停车位不够{}号门口乱停车",
    "垃圾桶满了{}天没人收",
]


def grow(world, n: int) -> None:
    """n more of everything in 五福苑: voices through several channels (some anonymous, on
    buildings), topics with merges and a timeline, the resident's own voices, meetings with
    attendees, topics and decisions."""
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=TODAY - dt.timedelta(days=n),
        occasion=f"第{n}期",
        entries=[
            actions.VoiceEntry(
                text=TEXTS[i % 4].format(i),
                speaker_name=f"居民{i}",
                anonymous=i % 5 == 0,
                building=world.b1 if i % 2 else world.b2,
                channel=CHANNELS[i % 4],
            )
            for i in range(4 * n)
        ],
    )
    topics = [
        actions.topic_create(actor=world.li, voices=voices[i : i + 3]) for i in range(0, 3 * n, 3)
    ]
    # Loose voices for the grouping proposals: one repeats a grouped voice, one is new.
    actions.voices_record(
        actor=world.zhou,
        compound=world.wufuyuan,
        channel=Channel.PHONE,
        said_on=TODAY,
        entries=[
            actions.VoiceEntry(text=voices[0].text_redacted),
            actions.VoiceEntry(text="井盖松了"),
        ],
    )
    for i in range(0, len(topics) - 1, 4):
        actions.topic_merge(actor=world.li, source=topics[i + 1], target=topics[i])
    live = [t for t in Topic.objects.filter(state="open").order_by("pk")]
    for i in range(n):
        actions.voice_submit(
            actor=world.liu,
            compound=world.wufuyuan,
            text=TEXTS[i % 4].format(i),
            anonymous=i % 2 == 0,
            topic=live[0],
        )
    for i in range(max(n // 3, 1)):
        decided = actions.topic_create(actor=world.li, voices=[voices[3 * n + i]])
        meeting = meeting_actions.meeting_record(
            actor=world.li,
            compound=world.wufuyuan,
            kind="onsite",
            title=f"现场办公会{n}-{i}",
            held_on=TODAY,
            place="活动室",
            attendees=[
                meeting_actions.AttendeeEntry(name=f"参会{j}", kind="department") for j in range(3)
            ],
            topics=[decided, live[0]],
        )
        meeting_actions.meeting_decide(
            actor=world.li,
            meeting=meeting,
            topic=decided,
            responsible_party="物业",
            solution="修好",
            deadline=TODAY + dt.timedelta(days=7),
        )


ENDPOINTS = [
    "/voices",
    "/voices?grouped=true&channel=phone",
    "/voices/{first_voice}",
    "/topics",
    "/topics?state=live",
    "/topics/{first_topic}",
    "/topics/similar?compound_id={wufuyuan}&text=楼顶漏雨",
    "/compounds/{wufuyuan}/grouping-proposals",
    "/funnel?place=compound:{wufuyuan}",
    "/funnel",
    "/meetings",
    "/meetings/{first_meeting}",
    "/portal/voices",
]


def _url(world, path: str) -> str:
    first_topic = Topic.objects.filter(state="open").order_by("pk").first()
    names = {
        "wufuyuan": world.wufuyuan.pk,
        "first_voice": first_topic.voices.order_by("pk").first().pk,
        "first_topic": first_topic.pk,
        "first_meeting": first_topic.compound.meetings.order_by("pk").first().pk,
    }
    for name, pk in names.items():
        path = path.replace(f"{{{name}}}", str(pk))
    return f"{API}{path}"


def count_queries(client, url: str) -> tuple[int, dict]:
    client.get(url)  # warm the in-process similar-index, as a running server would have it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries), response.json()


def _size(answer) -> int:
    if isinstance(answer, list):
        return len(answer)
    if "count" in answer:
        return answer["count"]
    if "voices" in answer and isinstance(answer["voices"], dict):
        return answer["voices"]["count"] + answer["events"]["count"]
    if "total" in answer:
        return answer["total"]["voices"]
    return len(answer.get("attendee_list", [])) + len(answer.get("topic_list", []))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_queries_do_not_grow_with_the_data(world, login, path):
    client = login(world.liu if path.startswith("/portal") else world.li)
    grow(world, 2)
    small, small_answer = count_queries(client, _url(world, path))
    grow(world, 12)
    large, large_answer = count_queries(client, _url(world, path))
    assert small == large, f"{path}: {small} queries with little data, {large} with more"
    if not path.startswith(("/voices/{", "/meetings/{", "/topics/similar")):
        assert _size(large_answer) > _size(small_answer), path
    assert small <= 12, path


def test_a_full_page_of_200_voices_costs_the_same_as_a_small_page(world, login):
    client = login(world.li)
    grow(world, 2)
    small, answer = count_queries(client, f"{API}/voices?limit=200")
    assert 0 < len(answer["items"]) < 20
    grow(world, 48)
    large, answer = count_queries(client, f"{API}/voices?limit=200")
    assert len(answer["items"]) == 200 < answer["count"]
    assert small == large
