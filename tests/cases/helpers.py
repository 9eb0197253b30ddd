"""Shared by the case-work tests (no tests here): the parties of the small world, a case in a
given state, and calling the API. Everything goes through the real actions."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from laoyuan.cases import actions, clocks
from laoyuan.cases.models import Case, Category, Party, PartyKind
from laoyuan.core.models import Role, User

API = "/api/v1"


def at(text: str) -> dt.datetime:
    """An aware local moment from "2026-09-30 10:00"."""
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def category(code: str = "pipe.water") -> Category:
    return Category.objects.get(code=code)


class Parties:
    """The parties of 沙河街道 in the small world, each with one account acting for it:
    五福苑物业 (sun, the property staff of 五福苑, acts for it), the water company (shui), the
    street's 城管办 (cheng); and 桂花物业 in 沧浪街道 (gui) for the outsider."""

    def __init__(self, world) -> None:
        self.world = world
        self.property = Party.objects.create(
            name="五福苑物业服务中心",
            kind=PartyKind.PROPERTY,
            street=world.shahe,
            community=world.shahe_community,
            compound=world.wufuyuan,
            aliases=["五福物业", "物业"],
        )
        self.water = Party.objects.create(
            name="锦江自来水沙河营业所",
            kind=PartyKind.WATER,
            street=world.shahe,
            aliases=["自来水公司"],
        )
        self.chengguan = Party.objects.create(
            name="沙河街道城管办", kind=PartyKind.DEPARTMENT, street=world.shahe
        )
        self.guihua = Party.objects.create(
            name="桂花新村物业", kind=PartyKind.PROPERTY, street=world.canglang
        )
        self.shui = _staff("shui", "水务调度员", self.water)
        self.cheng = _staff("cheng", "城管办干事", self.chengguan)
        self.gui = _staff("gui", "桂花物业", self.guihua)
        actions.party_member_add(actor=world.wang, party=self.property, user=world.sun)


def _staff(username: str, display: str, party: Party) -> User:
    from tests.cast import PASSWORD

    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display)
    user.assignments.create(role=Role.PARTY_STAFF, level="party", party=party)
    return user


def open_case(world, *, who=None, compound=None, code="pipe.water", party=None, **fields) -> Case:
    """A case opened by li (the community worker) in 五福苑, unless told otherwise."""
    return actions.case_open(
        actor=who or world.li,
        compound=compound or world.wufuyuan,
        category=category(code),
        description=fields.pop("description", "1栋2单元停水两天了，老人做不了饭"),
        party=party,
        **fields,
    )


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def send(client, method: str, path: str, body=None):
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


__all__ = [
    "API",
    "Parties",
    "at",
    "category",
    "clocks",
    "errors",
    "fresh",
    "get",
    "open_case",
    "send",
]


def snapshot():
    """Everything the case pages and endpoints could write."""
    from laoyuan.cases.models import CaseEvent, CasePause, CasePhoto, PartyContact, ServiceLevel
    from laoyuan.cases.models import SupervisionNotice as Notice
    from laoyuan.core.models import AuditEvent, Notification, RoleAssignment

    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        CaseEvent.objects.count(),
        CasePause.objects.count(),
        CasePhoto.objects.count(),
        Notice.objects.count(),
        PartyContact.objects.count(),
        ServiceLevel.objects.count(),
        RoleAssignment.objects.count(),
        Party.objects.count(),
        sorted(
            Case.objects.values_list(
                "pk", "state", "party_id", "level", "rating", "solve_due_at", "status_note"
            )
        ),
    )
