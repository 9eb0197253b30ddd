"""Writing a notice (公示): drafts, their attachments, publishing and withdrawing.

A draft may change freely. Publishing freezes it: the start must be today or later, the period
is counted again with the calendar as it stands (a year entered since the draft was saved
counts), and the residents of the target place are told on their portal. A published notice is
never edited: to correct it, withdraw it (with the reason, kept) and publish a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log, field_changes
from laoyuan.core.models import Role, User
from laoyuan.core.notify import notify
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of
from laoyuan.notices import files, periods, subjects
from laoyuan.notices.actions.history import event, require
from laoyuan.notices.models import (
    BODY_MAX,
    CONTACT_MAX,
    ISSUER_MAX,
    NOTICE_TRANSITIONS,
    REASON_MAX,
    TITLE_MAX,
    Notice,
    NoticeAttachment,
    NoticeEventKind,
    NoticeKind,
    NoticeState,
    TargetLevel,
)
from laoyuan.notices.targets import PUBLISH, Target, may_publish_on, target_of
from laoyuan.registry.models import Building, Community, Compound, Household


def default_issuer(actor: User, target: Target) -> str:
    """Who signs the notice (落款), from the role the actor publishes with: the community
    committee for a community worker, the owners' committee for its member, and so on."""
    roles = {a.role for a in assignments_of(actor) if a.role in roles_with(PUBLISH)}
    compound, community = target.compound, target.community
    if Role.COMMUNITY_WORKER in roles:
        return f"{community.name}居民委员会"
    if Role.OWNERS_COMMITTEE in roles and compound is not None:
        return f"{compound.name}业主委员会"
    if Role.PARTY_SECRETARY in roles:
        return f"{compound.name}党支部" if compound is not None else f"{community.name}党委"
    if Role.STREET_OFFICIAL in roles:
        return f"{community.street.name}办事处"
    return community.name


def _text(value: object) -> str:
    # Browsers send line breaks as CR LF; counted once, stored once.
    return str(value or "").replace("\r\n", "\n").strip()


def _checked_fields(
    *, kind: str, title: str, body: str, issuer: str, objection_contact: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The notice's texts, cleaned, and the problems found ({field: message})."""
    problems: dict[str, str] = {}
    clean = {
        "kind": kind,
        "title": _text(title),
        "body": _text(body),
        "issuer": _text(issuer),
        "objection_contact": _text(objection_contact),
    }
    if kind not in NoticeKind.values:
        problems["kind"] = _("请选择公示类型。")
    if not clean["title"]:
        problems["title"] = _("请填写标题。")
    elif len(clean["title"]) > TITLE_MAX:
        problems["title"] = _("标题最多{n}个字。").format(n=TITLE_MAX)
    elif "\n" in clean["title"]:
        problems["title"] = _("标题只能写一行。")
    if not clean["body"]:
        problems["body"] = _("请填写正文：公示的内容是什么。")
    elif len(clean["body"]) > BODY_MAX:
        problems["body"] = _(
            "正文太长：共{length}个字，最多{n}个字；较长的材料请作为附件上传。"
        ).format(length=len(clean["body"]), n=BODY_MAX)
    if len(clean["issuer"]) > ISSUER_MAX:
        problems["issuer"] = _("发布单位最多{n}个字。").format(n=ISSUER_MAX)
    if len(clean["objection_contact"]) > CONTACT_MAX:
        problems["objection_contact"] = _("书面异议受理说明最多{n}个字。").format(n=CONTACT_MAX)
    for name in ("title", "body", "issuer", "objection_contact"):
        if any(ord(c) < 32 and c not in "\n\t" for c in clean[name]):
            problems[name] = _("不能包含控制字符。")
    return clean, problems


def _checked_period(
    *,
    starts_on: dt.date | None,
    period_days: int | None,
    ends_on: dt.date | None,
    working_days: bool,
    problems: dict[str, str],
) -> periods.Period | None:
    try:
        period = periods.period_of(
            starts_on, days=period_days, ends_on=ends_on, working=working_days
        )
        periods.check_start_for_publishing(period.starts_on, timezone.localdate())
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, messages[0])
        return None
    return period


def _checked_files(
    uploads: Sequence[File], *, already: int, problems: dict[str, str]
) -> list[files.CheckedFile]:
    uploads = [u for u in uploads if u]
    if already + len(uploads) > files.max_attachments():
        problems["attachments"] = _("附件最多{n}个：已有{already}个，又选了{count}个。").format(
            n=files.max_attachments(), already=already, count=len(uploads)
        )
        return []
    checked, refused = [], []
    for upload in uploads:
        try:
            checked.append(files.check_file(upload))
        except ValidationError as exc:
            refused.extend(m for ms in exc.message_dict.values() for m in ms)
    if refused:
        problems["attachments"] = " ".join(refused)
    return checked


def _store(
    notice: Notice, checked: Sequence[files.CheckedFile], actor: User | None
) -> list[NoticeAttachment]:
    start = (notice.attachments.aggregate(n=models.Max("position"))["n"] or 0) + 1
    stored = []
    for offset, c in enumerate(checked):
        attachment = NoticeAttachment(
            notice=notice,
            name=c.name,
            kind=c.kind,
            content_type=c.content_type,
            size=len(c.data),
            sha256=c.sha256,
            width=c.width,
            height=c.height,
            position=start + offset,
            added_by=actor,
        )
        attachment.file.save(c.name, ContentFile(c.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _locked(notice: Notice) -> Notice:
    # Only the notice's row is locked (its compound is an outer join, which cannot be).
    return (
        Notice.objects.select_for_update(of=("self",))
        .select_related("community__street", "compound")
        .get(pk=notice.pk)
    )


def _refuse_unless_draft(notice: Notice) -> None:
    if notice.state != NoticeState.DRAFT:
        raise ValidationError(
            _("公示“{title}”已经{state}，不能再修改；如需更正，请撤回后重新发布。").format(
                title=notice.title, state=notice.get_state_display()
            )
        )


@transaction.atomic
def notice_create_draft(
    *,
    actor: User,
    place: Community | Compound,
    kind: str,
    title: str,
    body: str,
    starts_on: dt.date | None,
    period_days: int | None = None,
    working_days: bool = True,
    ends_on: dt.date | None = None,
    buildings: Sequence[Building] = (),
    subject: models.Model | None = None,
    attachments: Sequence[File] = (),
    issuer: str = "",
    objection_contact: str = "",
) -> Notice:
    """Write a draft notice for a community, a compound, or some buildings of a compound.

    The period is `period_days` days (working days unless `working_days` is false) from
    `starts_on`, both ends included, or runs to `ends_on`; the end is computed here and again
    on publishing. Every problem is reported at once, keyed by field."""
    target = target_of(place, buildings)
    if not may_publish_on(actor, target):
        raise PermissionDenied(PUBLISH)
    clean, problems = _checked_fields(
        kind=kind, title=title, body=body, issuer=issuer, objection_contact=objection_contact
    )
    period = _checked_period(
        starts_on=starts_on,
        period_days=period_days,
        ends_on=ends_on,
        working_days=working_days,
        problems=problems,
    )
    if subject is not None:
        try:
            subjects.check_visible(actor, subject)
        except ValidationError as exc:
            problems["subject"] = exc.message_dict["subject"][0]
    checked = _checked_files(attachments, already=0, problems=problems)
    if problems:
        raise ValidationError(problems)
    assert period is not None
    notice = Notice.objects.create(
        kind=clean["kind"],
        title=clean["title"],
        body=clean["body"],
        issuer=clean["issuer"] or default_issuer(actor, target),
        objection_contact=clean["objection_contact"],
        street_id=target.community.street_id,
        community=target.community,
        compound=target.compound,
        target_level=target.level,
        target_label=target.label,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        subject_label=subjects.label_of(subject) if subject is not None else "",
        starts_on=period.starts_on,
        period_days=period.days,
        working_days=period.working,
        ends_on=period.ends_on,
        calendar_provisional=period.provisional,
        state=NoticeState.DRAFT,
        state_changed_at=timezone.now(),
        created_by=actor,
    )
    if target.buildings:
        notice.buildings.set(target.buildings)
    stored = _store(notice, checked, actor)
    event(notice, actor, NoticeEventKind.CREATED, to_state=NoticeState.DRAFT)
    audit_log(
        actor=actor,
        action="notice.create",
        obj=notice,
        changes={
            "kind": notice.kind,
            "target": notice.target_label,
            "starts_on": notice.starts_on,
            "ends_on": notice.ends_on,
            "period_days": notice.period_days,
            "working_days": notice.working_days,
            "subject": f"{subjects.key_of(subject)}:{subject.pk}" if subject is not None else "",
            "attachments": [a.name for a in stored],
        },
    )
    return notice


@transaction.atomic
def notice_update_draft(
    *,
    actor: User,
    notice: Notice,
    kind: str,
    title: str,
    body: str,
    starts_on: dt.date | None,
    period_days: int | None = None,
    working_days: bool = True,
    ends_on: dt.date | None = None,
    buildings: Sequence[Building] | None = None,
    issuer: str = "",
    objection_contact: str = "",
) -> Notice:
    """Change a draft: its texts, its period, and (for a compound's notice) which of the
    compound's buildings it is for. The place itself stays."""
    notice = _locked(notice)
    require(actor, PUBLISH, notice)
    _refuse_unless_draft(notice)
    clean, problems = _checked_fields(
        kind=kind, title=title, body=body, issuer=issuer, objection_contact=objection_contact
    )
    period = _checked_period(
        starts_on=starts_on,
        period_days=period_days,
        ends_on=ends_on,
        working_days=working_days,
        problems=problems,
    )
    target = None
    if buildings is not None and notice.compound is not None:
        try:
            target = target_of(notice.compound, buildings)
        except ValidationError as exc:
            problems.update({k: v[0] for k, v in exc.message_dict.items()})
    elif buildings:
        problems["buildings"] = _("全社区的公示不能再选楼栋。")
    if problems:
        raise ValidationError(problems)
    assert period is not None
    before = {
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "issuer": notice.issuer,
        "objection_contact": notice.objection_contact,
        "starts_on": notice.starts_on,
        "period_days": notice.period_days,
        "working_days": notice.working_days,
        "ends_on": notice.ends_on,
        "target": notice.target_label,
    }
    notice.kind = clean["kind"]
    notice.title = clean["title"]
    notice.body = clean["body"]
    notice.issuer = clean["issuer"] or notice.issuer
    notice.objection_contact = clean["objection_contact"]
    notice.starts_on = period.starts_on
    notice.period_days = period.days
    notice.working_days = period.working
    notice.ends_on = period.ends_on
    notice.calendar_provisional = period.provisional
    if target is not None:
        notice.target_level = target.level
        notice.target_label = target.label
        notice.buildings.set(target.buildings)
    notice.save()
    after = {**{k: getattr(notice, k) for k in before if k != "target"}}
    after["target"] = notice.target_label
    changes = field_changes(before, after)
    if "body" in changes:  # the whole body twice would swell the log; say that it changed
        changes["body"] = [len(before["body"]), len(notice.body)]
    if changes:
        event(notice, actor, NoticeEventKind.EDITED, data={"fields": sorted(changes)})
        audit_log(actor=actor, action="notice.edit", obj=notice, changes=changes)
    return notice


@transaction.atomic
def notice_attach(
    *, actor: User, notice: Notice, attachments: Sequence[File]
) -> list[NoticeAttachment]:
    """Add documents to a draft (PDF, pictures, .xlsx, .docx: checked by their content)."""
    notice = _locked(notice)
    require(actor, PUBLISH, notice)
    _refuse_unless_draft(notice)
    problems: dict[str, str] = {}
    if not [u for u in attachments if u]:
        raise ValidationError({"attachments": _("请选择要上传的附件。")})
    checked = _checked_files(attachments, already=notice.attachments.count(), problems=problems)
    if problems:
        raise ValidationError(problems)
    stored = _store(notice, checked, actor)
    event(notice, actor, NoticeEventKind.ATTACHED, data={"attachments": [a.pk for a in stored]})
    audit_log(
        actor=actor,
        action="notice.attach",
        obj=notice,
        changes={"attachments": [a.name for a in stored]},
    )
    return stored


@transaction.atomic
def notice_detach(*, actor: User, attachment: NoticeAttachment) -> Notice:
    """Remove a document from a draft (a published notice keeps what was posted)."""
    notice = _locked(attachment.notice)
    require(actor, PUBLISH, notice)
    _refuse_unless_draft(notice)
    name, stored_as = attachment.name, attachment.file.name
    attachment.delete()
    # The file goes only once the row is surely gone.
    storage = NoticeAttachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored_as))
    event(notice, actor, NoticeEventKind.DETACHED, data={"name": name})
    audit_log(actor=actor, action="notice.detach", obj=notice, changes={"attachment": name})
    return notice


def _transition(notice: Notice, to_state: str) -> str:
    if to_state not in NOTICE_TRANSITIONS[notice.state]:
        raise ValidationError(
            _("公示当前为“{now}”，不能改为“{to}”。").format(
                now=notice.get_state_display(), to=NoticeState(to_state).label
            )
        )
    before = notice.state
    notice.state = to_state
    notice.state_changed_at = timezone.now()
    return before


def _residents_reached(notice: Notice) -> models.QuerySet[User]:
    """The active resident accounts whose household lies inside the notice's target."""
    households = Household.objects.filter(is_active=True)
    if notice.target_level == TargetLevel.COMMUNITY:
        households = households.filter(compound__community_id=notice.community_id)
    elif notice.target_level == TargetLevel.COMPOUND:
        households = households.filter(compound_id=notice.compound_id)
    else:
        households = households.filter(building__in=notice.buildings.all())
    return (
        User.objects.filter(
            is_active=True,
            assignments__role=Role.RESIDENT,
            assignments__household__in=households,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def notice_publish_draft(*, actor: User, notice: Notice) -> Notice:
    """Publish a draft: it starts on its start date (today or later), its end is counted again
    with the calendar as it stands, and residents of the target place are told."""
    notice = _locked(notice)
    require(actor, PUBLISH, notice)
    today = timezone.localdate()
    if notice.state != NoticeState.DRAFT:
        _transition(notice, NoticeState.PUBLISHED)  # raises: says what state it is in
    periods.check_start_for_publishing(notice.starts_on, today)
    period = periods.period_of(
        notice.starts_on, days=notice.period_days, working=notice.working_days
    )
    before = _transition(notice, NoticeState.PUBLISHED)
    notice.ends_on = period.ends_on
    notice.calendar_provisional = period.provisional
    notice.published_at = notice.state_changed_at
    notice.published_by = actor
    notice.save()
    event(
        notice,
        actor,
        NoticeEventKind.PUBLISHED,
        from_state=before,
        to_state=notice.state,
        data={
            "starts_on": notice.starts_on.isoformat(),
            "ends_on": notice.ends_on.isoformat(),
            "provisional_years": list(period.provisional_years),
        },
    )
    audit_log(
        actor=actor,
        action="notice.publish",
        obj=notice,
        changes={
            "state": [before, notice.state],
            "starts_on": notice.starts_on,
            "ends_on": notice.ends_on,
            "calendar_provisional": notice.calendar_provisional,
        },
    )
    notify(
        _residents_reached(notice),
        title=_("新的公示：{title}").format(title=notice.title),
        body=_("公示期 {start} 至 {end}。如有异议，可在公示期内提出。").format(
            start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat()
        ),
        url=reverse("notices:portal_notice", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    place: Community | Compound,
    kind: str,
    title: str,
    body: str,
    starts_on: dt.date,
    period_days: int,
    working_days: bool = True,
    buildings: Sequence[Building] = (),
    subject: models.Model | None = None,
    attachments: Sequence[File] = (),
    issuer: str = "",
    objection_contact: str = "",
) -> Notice:
    """Publish a notice in one step (the call other apps make: a vote result, a project, an
    account statement): a draft written and published at once, in one transaction."""
    notice = notice_create_draft(
        actor=actor,
        place=place,
        kind=kind,
        title=title,
        body=body,
        starts_on=starts_on,
        period_days=period_days,
        working_days=working_days,
        buildings=buildings,
        subject=subject,
        attachments=attachments,
        issuer=issuer,
        objection_contact=objection_contact,
    )
    return notice_publish_draft(actor=actor, notice=notice)


@transaction.atomic
def notice_withdraw(*, actor: User, notice: Notice, reason: str) -> Notice:
    """Withdraw a published notice before its period ends, or discard a draft; the reason is
    kept. Objectors still waiting for an answer are told (they will still get one)."""
    notice = _locked(notice)
    require(actor, PUBLISH, notice)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("请写明撤回的理由。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("撤回理由最多{n}个字。").format(n=REASON_MAX)})
    before = _transition(notice, NoticeState.WITHDRAWN)
    notice.withdrawn_at = notice.state_changed_at
    notice.withdrawn_by = actor
    notice.withdraw_reason = reason
    notice.save()
    event(
        notice,
        actor,
        NoticeEventKind.WITHDRAWN,
        from_state=before,
        to_state=notice.state,
        note=reason,
    )
    audit_log(
        actor=actor,
        action="notice.withdraw",
        obj=notice,
        changes={"state": [before, notice.state], "reason": reason},
    )
    if before == NoticeState.PUBLISHED:
        objectors = User.objects.filter(objections__notice=notice, is_active=True).distinct()
        notify(
            objectors,
            title=_("公示“{title}”已撤回").format(title=notice.title),
            body=reason,
            url=reverse("notices:portal_notice", args=[notice.pk]),
        )
    return notice
