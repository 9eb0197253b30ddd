"""What every case action shares: permission checks, locking, checking texts, moving the state
along the transitions table with its timeline row and audit row, photos, and telling people.

Bad input raises ValidationError with Chinese messages keyed by field; a missing permission
raises PermissionDenied (pages and the API answer 404 when the object is out of scope anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from laoyuan.cases import clocks
from laoyuan.cases.models import (
    CASE_TRANSITIONS,
    NOTE_MAX,
    Case,
    CaseEvent,
    CasePhoto,
    CaseState,
    Party,
    SupervisionLevel,
)
from laoyuan.core.audit import audit_log
from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.core.notify import notify
from laoyuan.core.scopes import has_permission
from laoyuan.core.workdays import working_seconds_between
from laoyuan.voices.engine.text import redact

MAX_PHOTOS = 6


def require(actor: User | None, permission: str, obj) -> None:
    if actor is None or not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


def locked(case: Case) -> Case:
    """The case as it is now, locked for the rest of the transaction: the caller's copy may be
    out of date (another worker, another click)."""
    return (
        # Only the case's row: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
        # join to the party.
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "compound", "community", "street", "party")
        .get(pk=case.pk)
    )


def clean_text(value: object, field: str, *, required: bool, max_chars: int = NOTE_MAX) -> str:
    """A note or reason, stripped and redacted (no phone or ID numbers, markup or links)."""
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValidationError({field: _("请填写这一项。")})
        return ""
    if len(text) > max_chars:
        raise ValidationError(
            {
                field: _("内容太长：共{n}个字，最多{limit}个字。").format(
                    n=len(text), limit=max_chars
                )
            }
        )
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        raise ValidationError({field: _("不能包含控制字符。")})
    clean = redact(text)
    if not clean:
        raise ValidationError({field: _("内容里没有文字（只有符号、链接或号码）。")})
    return clean


def state_label(value: str) -> str:
    return str(CaseState(value).label) if value in CaseState.values else value


def refuse_state(case: Case, doing: str) -> ValidationError:
    return ValidationError(
        _("工单当前为“{state}”，不能{doing}。").format(state=case.get_state_display(), doing=doing)
    )


def event(
    case: Case,
    *,
    actor: User | None,
    kind: str,
    at: dt.datetime,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    other_party: Party | None = None,
    took_seconds: int | None = None,
    step: str = "",
    due_at: dt.datetime | None = None,
    on_time: bool | None = None,
    data: dict | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        party=case.party,
        other_party=other_party,
        note=note,
        took_seconds=took_seconds,
        step=step,
        due_at=due_at,
        on_time=on_time,
        data=data or {},
    )


def move(
    case: Case,
    to_state: str,
    *,
    actor: User | None,
    kind: str,
    at: dt.datetime,
    doing: str,
    note: str = "",
    audit: dict | None = None,
    **event_fields,
) -> CaseEvent:
    """Move the (locked) case to `to_state` if the table allows it: plan its clocks, save it,
    write the timeline row (with the working time spent in the state it leaves) and the audit
    row. `doing` names the step in a refusal ("签收受理")."""
    if to_state not in CASE_TRANSITIONS.get(case.state, ()):
        raise refuse_state(case, doing)
    before = case.state
    spent = working_seconds_between(case.state_changed_at, at) if case.state_changed_at else None
    case.state = to_state
    case.state_changed_at = at
    clocks.plan(case, at)
    case.save()
    event_fields.setdefault("took_seconds", spent)
    row = event(
        case,
        actor=actor,
        kind=kind,
        at=at,
        note=note,
        from_state=before,
        to_state=to_state,
        **event_fields,
    )
    audit_log(
        actor=actor,
        action=f"case.{kind}",
        obj=case,
        changes={"state": [before, to_state], **(audit or {})},
    )
    return row


# --- photos -----------------------------------------------------------------------------------


def attach_photos(
    case: Case, row: CaseEvent | None, photos: Sequence[UploadedFile], actor: User | None
) -> None:
    """Photos re-encoded as a voice's are (no EXIF, so no position; bounded size) and sealed."""
    from laoyuan.voices.actions import _clean_photo  # the same re-encoding as voice photos

    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传{n}张照片。").format(n=MAX_PHOTOS)})
    cleaned = [_clean_photo(p) for p in photos]
    for content, width, height in cleaned:
        photo = CasePhoto(case=case, event=row, width=width, height=height, uploaded_by=actor)
        photo.image.save(content.name, content, save=False)
        photo.save()


# --- who is told -------------------------------------------------------------------------------


def party_staff(party: Party | None) -> list[User]:
    if party is None:
        return []
    return list(
        User.objects.filter(
            assignments__role=Role.PARTY_STAFF, assignments__party=party, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def supervisors(case: Case, level: int) -> list[User]:
    """Who supervises the case at a level: the grid workers of its compound, the community's
    workers, or the street's officials."""
    if level == SupervisionLevel.GRID:
        q = RoleAssignment.objects.filter(
            Q(compound_id=case.compound_id)
            | Q(grid__compound_id=case.compound_id)
            | Q(building__compound_id=case.compound_id),
            role=Role.GRID_WORKER,
        )
    elif level == SupervisionLevel.COMMUNITY:
        q = RoleAssignment.objects.filter(
            role=Role.COMMUNITY_WORKER, community_id=case.community_id
        )
    else:
        q = RoleAssignment.objects.filter(role=Role.STREET_OFFICIAL, street_id=case.street_id)
    return list(User.objects.filter(pk__in=q.values("user_id"), is_active=True).order_by("pk"))


def dispatchers(case: Case) -> list[User]:
    """Who dispatches the case: the community's workers (the street's officials where the
    community has none)."""
    return supervisors(case, SupervisionLevel.COMMUNITY) or supervisors(
        case, SupervisionLevel.STREET
    )


def followers(case: Case) -> list[User]:
    """The residents who follow the case on the portal: who raised it, and for a case from a
    topic the authors of its voices."""
    people = [case.reporter_account] if case.reporter_account_id else []
    if case.topic_id:
        from laoyuan.voices.actions import authors_of

        people += authors_of(case.topic)
    return people


def tell_staff(users: Iterable[User], case: Case, title: str, body: str = "") -> None:
    notify(users, title=title, body=body, url=reverse("cases:detail", args=[case.pk]))


def tell_followers(case: Case, title: str, body: str = "") -> None:
    notify(
        followers(case), title=title, body=body, url=reverse("cases:portal_case", args=[case.pk])
    )
