"""Shared by the voices and meetings API tests (no tests here): calling the API, and the
given-steps that put voices and topics into the world through the actions."""

import datetime as dt
import json

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions.models import Attendee, Decision, Meeting
from laoyuan.voices import actions
from laoyuan.voices.models import (
    CategoryCorrection,
    Channel,
    Topic,
    TopicEvent,
    Voice,
)

API = "/api/v1"
TODAY = dt.date.today()


def send(client, method: str, path: str, body=None):
    """Call the API with a JSON body; (status, parsed answer)."""
    response = client.generic(
        method,
        f"{API}{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )
    return response.status_code, response.json()


def get(client, path: str, params=None):
    response = client.get(f"{API}{path}", params or {})
    return response.status_code, response.json()


def errors(answer) -> dict[str, str]:
    return {e["field"]: e["msg"] for e in answer["detail"]}


def record(world, texts, *, who="li", compound=None, channel=Channel.EVENING_TALK, **entry):
    """Voices heard at an evening talk, recorded by a worker (li unless said otherwise)."""
    return actions.voices_record(
        actor=world.users[who],
        compound=compound or world.wufuyuan,
        channel=channel,
        said_on=TODAY,
        occasion="五福夜话 第1期",
        entries=[actions.VoiceEntry(text=t, **({"speaker_name": "王大爷"} | entry)) for t in texts],
    )


def topic_of(world, texts, *, who="li", compound=None, title="") -> Topic:
    """A topic made of freshly recorded voices."""
    voices = record(world, texts, who=who, compound=compound)
    return actions.topic_create(actor=world.users[who], voices=voices, title=title)


def snapshot():
    """Everything the voices and meetings endpoints could write."""
    return (
        AuditEvent.objects.count(),
        Voice.objects.count(),
        Topic.objects.count(),
        TopicEvent.objects.count(),
        CategoryCorrection.objects.count(),
        Meeting.objects.count(),
        Attendee.objects.count(),
        Decision.objects.count(),
        Notification.objects.count(),
        sorted(Voice.objects.values_list("pk", "topic_id", "category", "category_source")),
        sorted(Topic.objects.values_list("pk", "state", "title", "category", "merged_into_id")),
    )
