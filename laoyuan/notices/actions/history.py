"""What every notice action shares: the permission check on the notice's place and the rows of
its own history (NoticeEvent)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.notices.models import Notice, NoticeEvent


def require(actor: User, permission: str, obj: models.Model) -> None:
    if not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


def event(
    notice: Notice,
    actor: User | None,
    kind: str,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> NoticeEvent:
    return NoticeEvent.objects.create(
        notice=notice,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
