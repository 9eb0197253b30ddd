"""The similar-topic lookup (相似议题) behind the submit page: while she types, the live topics of
her own compound that say the same thing; nobody else may ask it anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.voices import actions, services
from laoyuan.voices.models import Channel, TopicState


@pytest.fixture(autouse=True)
def _fresh_index():
    # The similar-index is cached per community by the newest voice id; ids are reused after
    # each test's rollback, so each test starts from an empty cache.
    services.forget_caches()
    yield
    services.forget_caches()


URL = reverse("voices:portal_similar")
TEXT = "我家3号楼顶楼漏雨，天花板都湿了"


def _topic(world, texts, *, compound=None, title="3号楼楼顶漏雨"):
    voices = actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )
    return actions.topic_create(actor=world.li, voices=voices, title=title)


def _ask(client, compound, text=TEXT):
    return client.get(URL, {"compound": compound.pk, "text": text})


def test_she_is_shown_the_topic_that_says_the_same(world, login):
    # given a topic with two voices about the leaking roof, and one about parking
    roof = _topic(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    _topic(world, ["晚上停车没地方停", "车位太少停车难"], title="停车难")
    # when 刘桂兰 types about her leaking roof
    response = _ask(login(world.liu), world.wufuyuan)
    # then the roof topic comes first, with what the page needs and nothing personal
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    topics = response.json()["topics"]
    assert topics[0] == {
        "id": roof.pk,
        "title": "3号楼楼顶漏雨",
        "state": "open",
        "state_label": "待议",
        "voice_count": 2,
        "example": topics[0]["example"],
        "score": topics[0]["score"],
        "url": reverse("voices:portal_topic", args=[roof.pk]),
    }
    assert topics[0]["example"] in ("3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉")
    assert 0 < topics[0]["score"] <= 1 and topics[0]["score"] == round(topics[0]["score"], 2)
    assert len(topics) <= 5
    assert "王大爷" not in response.content.decode()


def test_short_text_asks_nothing(world, login):
    _topic(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水"])
    assert _ask(login(world.liu), world.wufuyuan, text="漏雨").json() == {"topics": []}


def test_closed_and_merged_topics_are_not_offered(world, login):
    roof = _topic(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    actions.topic_transition(
        actor=world.li,
        topic=roof,
        to_state=TopicState.REJECTED,
        outcome=actions.Outcome(reason="私人房屋"),
    )
    assert _ask(login(world.liu), world.wufuyuan).json() == {"topics": []}


def test_another_compound_is_404_even_for_its_topics(world, login):
    _topic(world, ["马家沟3号楼楼顶漏雨", "马家沟楼顶漏水"], compound=world.majiagou)
    liu = login(world.liu)
    assert _ask(liu, world.majiagou).status_code == 404
    # and her own compound does not leak the other compound's topic
    assert _ask(liu, world.wufuyuan).json() == {"topics": []}


def test_staff_and_outsiders_get_404(world, login):
    _topic(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水"])
    for who in ("li", "zhang", "qian", "nobody"):
        assert _ask(login(world.users[who]), world.wufuyuan).status_code == 404, who


def test_a_bad_compound_is_404(world, login):
    liu = login(world.liu)
    assert liu.get(URL, {"compound": "abc", "text": TEXT}).status_code == 404
    assert liu.get(URL, {"text": TEXT}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = _ask(client, world.wufuyuan)
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_the_lookup_runs_a_fixed_number_of_queries(world, login):
    liu = login(world.liu)
    _topic(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    _ask(liu, world.wufuyuan)  # builds the community's index once
    with CaptureQueriesContext(connection) as few:
        _ask(liu, world.wufuyuan)
    for n in range(6):
        _topic(world, [f"{n}号楼楼顶漏雨", f"{n}号楼顶层漏水"], title=f"{n}号楼漏雨")
    _ask(liu, world.wufuyuan)
    with CaptureQueriesContext(connection) as many:
        answer = _ask(liu, world.wufuyuan)
    assert len(answer.json()["topics"]) == 5
    assert len(few) == len(many)
