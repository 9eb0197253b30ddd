"""Shared by the Open311 tests (no tests here): calling the GeoReport v2 resources the way a
client does (form-encoded POST, format suffixes), API keys of the cast, and snapshots of what a
refused call must leave unchanged."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.test import Client

from laoyuan.cases.models import Case
from laoyuan.core.actions import api_token_create
from laoyuan.core.models import AuditEvent, Notification
from laoyuan.open311.models import Submission

BASE = "/open311/v2"


def key_of(user, name: str = "12345热线平台对接") -> str:
    """A fresh API key (the secret of an API token) of the user."""
    _, secret = api_token_create(actor=user, user=user, name=name)
    return secret


def get(path: str, params: dict | None = None, *, fmt: str = "json", client: Client | None = None):
    """GET {BASE}/{path}.{fmt}: (status, parsed body: JSON or an XML element)."""
    response = (client or Client()).get(f"{BASE}/{path}.{fmt}", params or {})
    return response.status_code, parse(response, fmt)


def post(fields: dict, *, fmt: str = "json", client: Client | None = None):
    """POST {BASE}/requests.{fmt}, form-encoded as the spec says."""
    response = (client or Client()).post(f"{BASE}/requests.{fmt}", fields)
    return response.status_code, parse(response, fmt)


def parse(response, fmt: str):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def descriptions(answer) -> list[str]:
    """The error descriptions of an answer in either format."""
    if isinstance(answer, list):
        return [e["description"] for e in answer]
    assert answer.tag == "errors"
    return [e.findtext("description") for e in answer.findall("error")]


def snapshot() -> tuple[int, int, int, int]:
    """What a refused call must not change: cases, submissions, audit rows, notifications."""
    return (
        Case.objects.count(),
        Submission.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def good_request(world, key: str, **overrides) -> dict:
    """A service request li's key may post: a water problem in 五福苑, building 1."""
    fields = {
        "api_key": key,
        "jurisdiction_id": world.shahe.code,
        "service_code": "pipe.water",
        "address_id": world.wufuyuan.code,
        "description": "1栋2单元停水两天了，老人做不了饭",
        "attribute[building]": "1",
        "attribute[scope]": "entrance",
        "first_name": "桂兰",
        "last_name": "刘",
        "phone": "13812345678",
        "email": "liu@example.com",
        "account_id": "12345-USER-88",
        "device_id": "dev-1",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def opened_at(world, moment, **fields):
    """A case opened by li at `moment` (the clock set back, as the demo does)."""
    from laoyuan.cases import clocks
    from tests.cases.helpers import open_case

    with clocks.frozen_at(moment):
        return open_case(world, **fields)
