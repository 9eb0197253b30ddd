"""Publishing a vote's result as a public notice (表决结果公示).

Once a vote is closed and counted, its organiser posts the result for a stated period on the
bulletin board and online, so that owners can check it and object (异议). The notice is
written by `notices.actions.notice_publish`: kind "vote_result", the vote's compound (and its
buildings, when only some voted) as the target, the vote as its subject, the result A4 PDF
(`exports.result_pdf`, the same document the vote's page prints) as its attachment, and a body
that states the figures and the outcome in words, so that the notice's own print is complete
without the attachment.

A result is published once: a second notice is refused while the first is published or
closed; a withdrawn one (a mistake corrected) may be replaced. The vote's row lock makes two
organisers clicking at once publish one notice, not two.

The texts of the notice are written in Chinese whatever the organiser's page language: the
notice is a public document for the owners, and it is frozen once published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.decisions.votes import exports
from laoyuan.decisions.votes.models import Vote, VoteStatus
from laoyuan.decisions.votes.results import ResultSheet, result_of
from laoyuan.notices.actions import notice_publish
from laoyuan.notices.models import (
    BODY_MAX,
    PUBLIC_STATES,
    TITLE_MAX,
    Notice,
    NoticeKind,
)

DEFAULT_PERIOD_DAYS = 7
NOTE_MAX = 2000


def vote_notices(vote: Vote) -> QuerySet[Notice]:
    """Every notice that published this vote (withdrawn ones too), latest first. Filtered on
    the vote's compound first, so the compound's index narrows it to a few rows whatever the
    number of notices in the district; one query."""
    return Notice.objects.filter(
        compound_id=vote.compound_id,
        subject_type=ContentType.objects.get_for_model(Vote),
        subject_id=vote.pk,
    ).order_by("-created_at", "-id")


def result_notice(vote: Vote) -> Notice | None:
    """The notice that published the vote's result and still stands (published or closed),
    or None. One query."""
    return vote_notices(vote).filter(state__in=PUBLIC_STATES).first()


def refusal(vote: Vote) -> str:
    """Why the result of this vote cannot be published now (a Chinese sentence), or ""."""
    if vote.status == VoteStatus.CANCELLED:
        return _("这次表决已取消，没有结果可以公示。")
    if vote.status != VoteStatus.CLOSED:
        return _("表决还没计票：结束投票并计票后才能公示结果。")
    standing = result_notice(vote)
    if standing is not None:
        return _(
            "这次表决的结果已经公示（“{title}”，{state}）；如需更正，请先撤回那条公示，再重新公示。"
        ).format(title=standing.title, state=standing.get_state_display())
    return ""


def notice_title(vote: Vote) -> str:
    """The notice's title: 5栋加装电梯表决 → 5栋加装电梯表决结果公示, 屋面维修 → 屋面维修表决结果公示."""
    said = vote.title.endswith(("表决", "征询", "投票"))
    suffix = "结果公示" if said else "表决结果公示"
    return vote.title[: TITLE_MAX - len(suffix)] + suffix


def notice_body(sheet: ResultSheet, note: str = "") -> str:
    """The notice's text: who voted on what, when, the figures, the tests and the outcome."""
    vote = sheet.vote
    buildings = list(vote.buildings.all())
    where = vote.compound.name + (
        "（" + "、".join(str(b) for b in buildings) + "）" if buildings else "（全小区）"
    )
    lines = [
        f"{where}业主就“{vote.title}”进行了表决，现将计票结果公示如下：",
        "",
        f"一、表决内容：{vote.question}",
        f"二、表决事项：{vote.get_matter_display()}",
        f"三、投票时间：{exports.period_text(vote)}；计票时间：{exports.counted_on(vote)}",
        f"四、表决范围内全部业主：专有部分面积 {sheet.total_area} ㎡，{sheet.total_persons} 人。",
        f"五、参与表决：面积 {sheet.participating_area} ㎡（占 {sheet.participation_area_share}%），"
        f"{sheet.participating_persons} 人（占 {sheet.participation_persons_share}%）。",
        "六、表决情况（占参与表决的面积、人数）：",
    ]
    lines += [
        f"    {line.label}：面积 {line.area} ㎡（{line.area_share}%），"
        f"{line.persons} 人（{line.persons_share}%）"
        for line in sheet.options
    ]
    if sheet.tests:
        lines.append("七、法定要求（“≥”含本数，“>”不含本数）：")
        lines += [
            f"    {t.label}：{t.part} / {t.whole}，{t.share}%，要求 {t.required}，"
            f"{'达到' if t.met else '未达到'}"
            for t in sheet.tests
        ]
    lines += [
        f"结果：{sheet.outcome_label}",
        f"适用规则：{sheet.rule_name}。{sheet.citation}".rstrip(),
        f"记录链校验值：{vote.chain_head}",
        "",
        "计票结果详见附件《表决结果》。业主对计票结果有异议的，可在公示期内在线或书面提出。",
    ]
    if note:
        lines += ["", note]
    return "\n".join(lines)


def _clean_note(note: str) -> str:
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("补充说明最多{n}个字。").format(n=NOTE_MAX)})
    if any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise ValidationError({"note": _("不能包含控制字符。")})
    return note


@transaction.atomic
def vote_publish_result(
    *,
    actor: User,
    vote: Vote,
    starts_on: dt.date | None = None,
    period_days: int = DEFAULT_PERIOD_DAYS,
    working_days: bool = True,
    note: str = "",
) -> Notice:
    """Publish the result of a closed vote as a public notice (公示) of its compound or
    buildings, with the result PDF attached and the vote as its subject.

    Needs `votes.organise` on the vote and `notices.publish` on its compound. Refused, with
    nothing stored, for a vote not counted yet, a cancelled vote, or one whose result a notice
    already publishes (withdraw it first to correct it). The period starts on `starts_on`
    (today when not given) and runs `period_days` working days, or calendar days when
    `working_days` is false."""
    if not has_permission(actor, "votes.organise", vote):
        raise PermissionDenied("votes.organise")
    vote = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("compound__community")
        .get(pk=vote.pk)
    )
    why = refusal(vote)
    if why:
        raise ValidationError(why)
    note = _clean_note(note)
    with translation.override(settings.LANGUAGE_CODE):
        sheet = result_of(vote)
        assert sheet is not None  # closed, so counted
        document = exports.result_pdf(sheet)
        body = notice_body(sheet, note)
    if len(body) > BODY_MAX:
        raise ValidationError({"note": _("补充说明太长：公示正文最多{n}个字。").format(n=BODY_MAX)})
    try:
        notice = notice_publish(
            actor=actor,
            place=vote.compound,
            kind=NoticeKind.VOTE_RESULT,
            title=notice_title(vote),
            body=body,
            starts_on=starts_on or timezone.localdate(),
            period_days=period_days,
            working_days=working_days,
            buildings=list(vote.buildings.all()),
            subject=vote,
            attachments=[ContentFile(document, name=f"表决结果-{vote.pk}.pdf")],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "body" in exc.error_dict:
            raise ValidationError(
                {("note" if k == "body" else k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
    audit_log(
        actor=actor,
        action="vote.publish_result",
        obj=vote,
        changes={
            "notice": notice.pk,
            "starts_on": notice.starts_on,
            "ends_on": notice.ends_on,
            "outcome": sheet.outcome,
        },
    )
    return notice
