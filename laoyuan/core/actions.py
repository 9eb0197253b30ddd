"""Writes in core: API tokens (API 令牌) for programs that call /api/v1/ on a user's behalf,
and the dates of the working-day calendar (工作日历).

A token is shown once when it is issued; only a SHA-256 hash of the secret is stored, so a lost
secret cannot be recovered, only revoked and replaced. Each issue and revocation is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core import workdays
from laoyuan.core.audit import audit_log, field_changes
from laoyuan.core.models import ApiToken, CalendarDay, User

TOKEN_PREFIX = "ly_"
# How much of the secret is kept in clear to tell tokens apart (e.g. "ly_AbC1234").
PREFIX_LENGTH = 10
TOKEN_NAME_MAX = 80
# A person needs a handful of tokens (one per script or device); more suggests leaked ones.
ACTIVE_TOKENS_MAX = 20


def hash_token_secret(secret: str) -> str:
    """The stored form of a secret. A plain SHA-256 suffices: secrets are 256 random bits."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _may_manage_tokens_of(actor: User | None, user: User) -> bool:
    # actor None is the console (management command), run by whoever operates the server.
    return actor is None or actor.pk == user.pk or actor.is_superuser


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; the plain secret is returned once and never stored.

    Users issue tokens for themselves; a superuser or the console may issue for anyone."""
    if not _may_manage_tokens_of(actor, user):
        raise PermissionDenied("api_token.create")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称，例如“数据同步脚本”")})
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError({"name": _("令牌名称最多%(n)s个字符") % {"n": TOKEN_NAME_MAX}})
    if any(ord(c) < 32 for c in name):
        raise ValidationError({"name": _("令牌名称不能包含控制字符")})
    # Lock the user's row so two simultaneous requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= ACTIVE_TOKENS_MAX:
        raise ValidationError(
            {
                "name": _("最多可同时持有%(n)s个有效令牌，请先撤销不再使用的令牌")
                % {"n": ACTIVE_TOKENS_MAX}
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_token_secret(secret),
    )
    audit_log(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"user": user.pk, "name": name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once; the API refuses it from the next request on.

    Revoking a token that is already revoked changes nothing and logs nothing."""
    if not _may_manage_tokens_of(actor, token.user):
        raise PermissionDenied("api_token.revoke")
    now = timezone.now()
    # One conditional UPDATE: of two simultaneous revocations only one records the event.
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    token.refresh_from_db(fields=["revoked_at", "updated_at"])
    if changed:
        audit_log(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            changes={"user": token.user_id, "prefix": token.prefix},
        )
    return token


# --- The working-day calendar (工作日历) ----------------------------------------------------


def _may_edit_calendar(actor: User | None) -> bool:
    # The calendar is national data: the console or a superuser (through the admin) enters it.
    return actor is None or actor.is_superuser


@transaction.atomic
def calendar_day_set(
    *, actor: User | None, day: dt.date, is_workday: bool, name: str = ""
) -> CalendarDay:
    """Enter (or change) one date of the working-day calendar: a holiday, or a 调休 working
    day. It takes effect in every process within `workdays.RELOAD_SECONDS`."""
    if not _may_edit_calendar(actor):
        raise PermissionDenied("calendar.edit")
    name = (name or "").strip()
    if len(name) > 40:
        raise ValidationError({"name": _("名称最多40个字")})
    row = CalendarDay.objects.filter(day=day).first()
    before = {"is_workday": row.is_workday, "name": row.name} if row else {}
    if row is None:
        row = CalendarDay(day=day)
    row.is_workday, row.name, row.entered_by = is_workday, name, actor
    row.save()
    audit_log(
        actor=actor,
        action="calendar.set",
        obj=row,
        changes=field_changes(before, {"is_workday": is_workday, "name": name}),
    )
    transaction.on_commit(workdays.forget)
    return row


@transaction.atomic
def calendar_day_remove(*, actor: User | None, day: dt.date) -> bool:
    """Remove an entered date: the package (or the provisional rule) decides it again."""
    if not _may_edit_calendar(actor):
        raise PermissionDenied("calendar.edit")
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        return False
    audit_log(
        actor=actor,
        action="calendar.remove",
        obj=row,
        changes={"is_workday": [row.is_workday, None], "name": [row.name, None]},
    )
    row.delete()
    transaction.on_commit(workdays.forget)
    return True
