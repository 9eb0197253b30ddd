"""Shared by the topic and meeting page tests (tests/voices/test_pages_topics*.py, tests/decisions): voices and topics made through the actions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Topic, Voice

TODAY = dt.date.today()


def record(world, texts, *, compound=None, who="li", speaker="王大爷", channel=None) -> list[Voice]:
    return actions.voices_record(
        actor=world.users[who],
        compound=compound or world.wufuyuan,
        channel=channel or Channel.EVENING_TALK,
        said_on=TODAY,
        occasion="五福夜话 第3期",
        entries=[actions.VoiceEntry(text=t, speaker_name=speaker) for t in texts],
    )


def topic(world, texts, title, *, compound=None, who="li", **kwargs) -> Topic:
    voices = record(world, texts, compound=compound, who=who, **kwargs)
    return actions.topic_create(actor=world.users[who], voices=voices, title=title)


def url(name: str, obj) -> str:
    return reverse(name, args=[obj.pk])


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()
