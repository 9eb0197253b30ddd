"""Shared by the notice API tests (no tests here): calling the API and a snapshot of
everything the notice endpoints could write."""

from __future__ import annotations

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeClosing,
    NoticeEvent,
    Objection,
    ObjectionAnswer,
)
from tests.voices.test_api_support import API, errors, get, send

__all__ = ["API", "errors", "get", "send", "snapshot"]


def snapshot():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        NoticeEvent.objects.count(),
        NoticeAttachment.objects.count(),
        Objection.objects.count(),
        ObjectionAnswer.objects.count(),
        NoticeClosing.objects.count(),
        sorted(Notice.objects.values_list("pk", "state", "title", "ends_on")),
        sorted(Objection.objects.values_list("pk", "state")),
    )
