"""Shared by the vote API tests (no tests here): calling the API with JSON or multipart, and
what the vote endpoints could write (to prove a refused call wrote nothing)."""

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions.models import AgendaItem, Attendee, Meeting, MeetingNotice, Resolution
from laoyuan.decisions.votes.models import (
    Ballot,
    Proxy,
    RollOwner,
    Vote,
    VoteEvent,
    VotingPerson,
)
from laoyuan.notices.models import Notice, NoticeAttachment
from tests.voices.test_api_support import API, get, send  # noqa: F401


def upload(client, path: str, data: dict):
    """POST multipart/form-data (with a file) to the API; (status, parsed answer)."""
    response = client.post(f"{API}{path}", data)
    return response.status_code, response.json()


def snapshot():
    """Everything the vote and meeting-planning endpoints could write."""
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        Vote.objects.count(),
        VoteEvent.objects.count(),
        VotingPerson.objects.count(),
        RollOwner.objects.count(),
        Ballot.objects.count(),
        Proxy.objects.count(),
        Meeting.objects.count(),
        MeetingNotice.objects.count(),
        AgendaItem.objects.count(),
        Attendee.objects.count(),
        Resolution.objects.count(),
        Notice.objects.count(),
        NoticeAttachment.objects.count(),
        sorted(Vote.objects.values_list("pk", "status", "title")),
        sorted(Meeting.objects.values_list("pk", "status", "title", "held_on", "minutes")),
        sorted(VotingPerson.objects.values_list("pk", "counted_choice")),
    )
