"""Writes of resolutions (决议): what a held meeting resolved.

A resolution is numbered within its meeting and is one of:
- deciding topics (决定议题): the same responsible party, solution and deadline for each topic
  chosen, each a `Decision` that moves its topic to "decided" (actions.meeting_decide);
- putting a matter to an owners' vote (提交业主表决): a draft vote is prepared from it
  (votes.actions.vote_create) for the organiser to check and open;
- publishing what was decided (公示决定事项): a public notice (公示) of kind "decision" is
  published at once (notices.actions.notice_publish) with the resolution's text, the meeting
  as its subject, for the meeting's compound (or its buildings), or for the whole community;
- any other resolution, recorded as adopted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.decisions import actions
from laoyuan.decisions.models import Meeting, MeetingStatus, Resolution, ResolutionKind
from laoyuan.decisions.votes import actions as vote_actions
from laoyuan.notices.actions import notice_publish
from laoyuan.notices.models import TITLE_MAX, NoticeKind
from laoyuan.voices.models import Topic, TopicEvent, TopicEventKind

# What each kind of resolution needs the actor to hold on the meeting.
KIND_PERMISSION = {
    ResolutionKind.TOPICS: "topics.decide",
    ResolutionKind.VOTE: "votes.organise",
    ResolutionKind.NOTICE: "notices.publish",
    ResolutionKind.RECORD: "meetings.plan",
}


@dataclass
class ResolutionNotice:
    """The public notice a resolution opens: its title (empty: "<meeting>决议公示"), its
    period, and whether it is for the whole community rather than the meeting's compound
    (or buildings)."""

    starts_on: dt.date | None
    period_days: int | None
    working_days: bool = True
    title: str = ""
    community_wide: bool = False


def notice_title(meeting: Meeting, title: str = "") -> str:
    title = (title or "").strip()
    if title:
        return title
    suffix = "决议公示"
    return meeting.title[: TITLE_MAX - len(suffix)] + suffix


def notice_body(meeting: Meeting, number: int, text: str) -> str:
    """The notice's text: which meeting resolved what (in Chinese: a public document)."""
    day = f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日"
    return (
        f"{day}召开的{meeting.title}（{meeting.place}）作出第{number}项决议如下：\n\n{text}\n\n"
        "居民对决议事项有异议的，可在公示期内在线或书面提出。"
    )


def may_resolve(user: User, meeting: Meeting) -> list[str]:
    """The kinds of resolution the user may record at this meeting."""
    return [k for k, perm in KIND_PERMISSION.items() if has_permission(user, perm, meeting)]


@transaction.atomic
def resolution_record(
    *,
    actor: User,
    meeting: Meeting,
    kind: str,
    text: str,
    topics: Sequence[Topic] = (),
    responsible_party: str = "",
    deadline: dt.date | None = None,
    vote: vote_actions.VoteDraft | None = None,
    notice: ResolutionNotice | None = None,
) -> Resolution:
    """Record a resolution of a held meeting and carry it out: decide its topics, prepare the
    owners' vote it calls for, or publish it as a public notice (all or nothing: a refused
    notice leaves no resolution behind)."""
    if kind not in KIND_PERMISSION:
        raise ValidationError({"kind": _("请选择决议类型。")})
    if not has_permission(actor, KIND_PERMISSION[kind], meeting):
        raise PermissionDenied(KIND_PERMISSION[kind])
    meeting = Meeting.objects.select_for_update().select_related("compound").get(pk=meeting.pk)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("会议召开后才能记录决议。"))
    problems: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        problems["text"] = _("请写明决议内容。")
    elif len(text) > 5000:
        problems["text"] = _("决议内容最多5000个字。")
    chosen = list(dict.fromkeys(topics))
    if kind == ResolutionKind.TOPICS and not chosen:
        problems["topics"] = _("请选择这项决议决定的议题。")
    if kind == ResolutionKind.VOTE and vote is None:
        problems["matter"] = _("请填写提交表决的事项。")
    if kind == ResolutionKind.NOTICE:
        if notice is None:
            problems["starts_on"] = _("请填写公示开始日期和天数。")
        elif notice.community_wide and not has_permission(
            actor, "notices.publish", meeting.community
        ):
            problems["community_wide"] = _(
                "您不能发布全社区的公示：请选择只对会议的小区公示，或请社区工作人员发布。"
            )
    if problems:
        raise ValidationError(problems)
    number = Resolution.objects.filter(meeting=meeting).count() + 1
    resolution = Resolution.objects.create(
        meeting=meeting, number=number, kind=kind, text=text, created_by=actor
    )
    if kind == ResolutionKind.TOPICS:
        for topic in chosen:
            try:
                actions.meeting_decide(
                    actor=actor,
                    meeting=meeting,
                    topic=topic,
                    responsible_party=responsible_party,
                    solution=text,
                    deadline=deadline,
                    resolution=resolution,
                )
            except ValidationError as exc:
                if len(chosen) > 1 and hasattr(exc, "error_dict") and "topic" in exc.error_dict:
                    raise ValidationError({"topics": exc.message_dict["topic"]}) from exc
                if hasattr(exc, "error_dict") and "solution" in exc.error_dict:
                    raise ValidationError({"text": exc.message_dict["solution"]}) from exc
                if hasattr(exc, "error_dict") and "topic" in exc.error_dict:
                    raise ValidationError({"topics": exc.message_dict["topic"]}) from exc
                raise
    elif kind == ResolutionKind.VOTE:
        made = vote_actions.vote_create(
            actor=actor, compound=meeting.compound, draft=vote, resolution=resolution
        )
        if chosen:
            TopicEvent.objects.bulk_create(
                TopicEvent(
                    topic=t,
                    actor=actor,
                    kind=TopicEventKind.MEETING,
                    note=_("“{meeting}”决议提交业主表决：{title}").format(
                        meeting=meeting, title=made.title
                    ),
                    data={"meeting": meeting.pk, "vote": made.pk},
                )
                for t in chosen
                if t.compound_id == meeting.compound_id
            )
    elif kind == ResolutionKind.NOTICE:
        assert notice is not None
        try:
            resolution.notice = notice_publish(
                actor=actor,
                place=meeting.community if notice.community_wide else meeting.compound,
                kind=NoticeKind.DECISION,
                title=notice_title(meeting, notice.title),
                body=notice_body(meeting, number, text),
                starts_on=notice.starts_on,
                period_days=notice.period_days,
                working_days=notice.working_days,
                buildings=() if notice.community_wide else list(meeting.buildings.all()),
                subject=meeting,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "body" in exc.error_dict:
                raise ValidationError(
                    {("text" if k == "body" else k): v for k, v in exc.message_dict.items()}
                ) from exc
            raise
        resolution.save(update_fields=["notice", "updated_at"])
    audit_log(
        actor=actor,
        action="meeting.resolution",
        obj=meeting,
        changes={
            "number": number,
            "kind": kind,
            "topics": [t.pk for t in chosen],
            "notice": resolution.notice_id,
        },
    )
    return resolution
