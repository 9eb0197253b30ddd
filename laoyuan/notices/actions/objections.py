"""Objections (异议) to a notice and their answers (答复).

During the period a resident whose household lies inside the target files objections from her
portal; staff type in those received on paper (the name as written, a phone sealed and shown
masked). Staff answer each: adopted (采纳), explained (解释说明) or still being checked (正在核实);
a further answer may follow any answer and none is edited away. The objector is told of each
answer on her portal.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core import pii
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.notify import notify
from laoyuan.core.scopes import assignments_of, has_permission
from laoyuan.notices.actions.history import require
from laoyuan.notices.models import (
    ANSWER_LEADS_TO,
    ANSWER_MAX,
    OBJECTION_MAX,
    OBJECTION_TRANSITIONS,
    AnswerOutcome,
    Notice,
    Objection,
    ObjectionAnswer,
    ObjectionChannel,
    TargetLevel,
)
from laoyuan.notices.phases import objection_refusal
from laoyuan.notices.queries import resident_refusal
from laoyuan.notices.targets import PUBLISH, household_in_target, resident_households
from laoyuan.voices.engine.text import redact

# One resident may raise several points, each as an objection; beyond this she is asked to put
# them together (a limit against a stuck button or a script, not against a person).
MAX_OBJECTIONS_PER_PERSON = 10
NAME_MAX = 60


def _objection_text(text: object) -> tuple[str, str]:
    """(redacted text, sealed original or "") for an objection's text, or a ValidationError."""
    clean = str(text or "").replace("\r\n", "\n").strip()
    if not clean:
        raise ValidationError({"text": _("请写下您的异议：哪里不同意，为什么。")})
    if len(clean) > OBJECTION_MAX:
        raise ValidationError(
            {
                "text": _("异议太长：共{length}个字，最多{n}个字。").format(
                    length=len(clean), n=OBJECTION_MAX
                )
            }
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in clean):
        raise ValidationError({"text": _("不能包含控制字符。")})
    redacted = redact(clean)
    if not redacted:
        raise ValidationError({"text": _("请写下您的异议：哪里不同意，为什么。")})
    return redacted, "" if redacted == clean else pii.encrypt(clean)


def _staff_to_tell(notice: Notice) -> list[User]:
    ids = {notice.published_by_id, notice.created_by_id} - {None}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _tell_staff(notice: Notice, objection: Objection) -> None:
    notify(
        _staff_to_tell(notice),
        title=_("公示“{title}”收到一条异议").format(title=notice.title),
        body=objection.text_redacted[:500],
        url=reverse("notices:notice", args=[notice.pk]),
    )


@transaction.atomic
def objection_file(*, actor: User, notice: Notice, text: str) -> Objection:
    """A resident files an objection online during the period; her household must lie inside
    the notice's target (her community, her compound, or her building)."""
    if not has_permission(actor, "portal.object"):
        raise PermissionDenied("portal.object")
    notice = Notice.objects.select_related("compound", "community").get(pk=notice.pk)
    today = timezone.localdate()
    refusal = resident_refusal(actor, notice, today)
    if refusal:
        raise ValidationError({"text": refusal})
    redacted, sealed = _objection_text(text)
    if Objection.objects.filter(notice=notice, author=actor).count() >= MAX_OBJECTIONS_PER_PERSON:
        raise ValidationError(
            {
                "text": _(
                    "您对这条公示已经提出了{n}条异议，不能再提交；如有补充，请联系社区。"
                ).format(n=MAX_OBJECTIONS_PER_PERSON)
            }
        )
    building_ids = (
        set(notice.buildings.values_list("pk", flat=True))
        if notice.target_level == TargetLevel.BUILDINGS
        else set()
    )
    household_ids = {
        h.pk for h in resident_households(actor) if household_in_target(h, notice, building_ids)
    }
    resident = next(
        (
            a.resident
            for a in assignments_of(actor)
            if a.role == "resident" and a.household_id in household_ids and a.resident_id
        ),
        None,
    )
    objection = Objection.objects.create(
        notice=notice,
        channel=ObjectionChannel.ONLINE,
        text_redacted=redacted,
        text_sealed=sealed,
        objector_name=(resident.name if resident else str(actor))[:NAME_MAX],
        author=actor,
        resident=resident,
        received_on=today,
    )
    audit_log(
        actor=actor,
        action="objection.file",
        obj=objection,
        changes={"notice": notice.pk, "channel": objection.channel},
    )
    _tell_staff(notice, objection)
    return objection


@transaction.atomic
def objection_record_paper(
    *,
    actor: User,
    notice: Notice,
    objector_name: str,
    text: str,
    phone: str = "",
    received_on: dt.date | None = None,
) -> Objection:
    """Type in an objection received on paper during the period: the objector's name as
    written, a phone if given (sealed at rest, shown masked) and the date it came in."""
    require(actor, "notices.record_objection", notice)
    today = timezone.localdate()
    refusal = objection_refusal(notice, today)
    if refusal:
        raise ValidationError(refusal)
    problems: dict[str, str] = {}
    received_on = received_on or today
    if received_on > today:
        problems["received_on"] = _("收到日期不能晚于今天。")
    elif received_on < notice.starts_on:
        problems["received_on"] = _("收到日期早于公示开始日期（{start}）。").format(
            start=notice.starts_on.isoformat()
        )
    name = " ".join(str(objector_name or "").split())
    if not name:
        problems["objector_name"] = _("请填写异议人姓名（按书面材料上写的；未署名的写“未署名”）。")
    elif len(name) > NAME_MAX:
        problems["objector_name"] = _("姓名最多{n}个字。").format(n=NAME_MAX)
    sealed_phone = None
    if str(phone or "").strip():
        try:
            sealed_phone = pii.seal_phone(pii.check_phone(phone))
        except pii.InvalidPhone as exc:
            problems["phone"] = str(exc)
    try:
        redacted, sealed = _objection_text(text)
    except ValidationError as exc:
        problems["text"] = exc.message_dict["text"][0]
    if problems:
        raise ValidationError(problems)
    objection = Objection.objects.create(
        notice=notice,
        channel=ObjectionChannel.PAPER,
        text_redacted=redacted,
        text_sealed=sealed,
        objector_name=name,
        phone_cipher=sealed_phone.ciphertext if sealed_phone else "",
        phone_index=sealed_phone.index if sealed_phone else "",
        phone_masked=sealed_phone.masked if sealed_phone else "",
        received_on=received_on,
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="objection.record_paper",
        obj=objection,
        changes={
            "notice": notice.pk,
            "received_on": received_on,
            "phone": objection.phone_masked,
        },
    )
    _tell_staff(notice, objection)
    return objection


@transaction.atomic
def objection_answer(
    *, actor: User, objection: Objection, text: str, outcome: str
) -> ObjectionAnswer:
    """Answer an objection: adopted, explained, or still being checked (a later answer will
    follow). The objector who filed online is told."""
    objection = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
    notice = objection.notice
    require(actor, PUBLISH, notice)
    problems: dict[str, str] = {}
    clean = str(text or "").replace("\r\n", "\n").strip()
    if not clean:
        problems["text"] = _("请写下答复的内容。")
    elif len(clean) > ANSWER_MAX:
        problems["text"] = _("答复最多{n}个字。").format(n=ANSWER_MAX)
    elif any(ord(c) < 32 and c not in "\n\t" for c in clean):
        problems["text"] = _("不能包含控制字符。")
    if outcome not in AnswerOutcome.values:
        problems["outcome"] = _("请选择处理结果：采纳、解释说明或正在核实。")
    if problems:
        raise ValidationError(problems)
    to_state = ANSWER_LEADS_TO[outcome]
    if to_state not in OBJECTION_TRANSITIONS[objection.state]:
        raise ValidationError(_("这条异议当前的状态不能再这样答复。"))
    answer = ObjectionAnswer.objects.create(
        objection=objection,
        by=actor,
        text=clean,
        outcome=outcome,
        from_state=objection.state,
        to_state=to_state,
    )
    before = objection.state
    objection.state = to_state
    objection.answered_at = answer.at
    objection.save(update_fields=["state", "answered_at", "updated_at"])
    audit_log(
        actor=actor,
        action="objection.answer",
        obj=objection,
        changes={"state": [before, to_state], "outcome": outcome, "answer": answer.pk},
    )
    if objection.author_id:
        notify(
            User.objects.filter(pk=objection.author_id),
            title=_("您对“{title}”的异议有了答复").format(title=notice.title),
            body=clean[:1000],
            url=reverse("notices:portal_notice", args=[notice.pk]),
        )
    return answer


@transaction.atomic
def objection_reveal_phone(*, actor: User, objection: Objection) -> str:
    """The paper objector's full phone, for someone allowed to reveal (logged each time)."""
    require(actor, "pii.reveal", objection)
    value = pii.decrypt(objection.phone_cipher) if objection.phone_cipher else ""
    audit_log(actor=actor, action="pii.reveal.phone", obj=objection, changes={"field": "phone"})
    return value
