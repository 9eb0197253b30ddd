"""The meetings JSON API (会议接口) under /api/v1/: meetings where topics are discussed and
decided (现场办公会, 社情民意联系日, 夜话, 坝坝会, 居民议事会, 业主大会, 业委会会议, 三方联席会):
recorded after they were held, and their decisions; the detail answer also shows a planned
meeting's agenda, notices and resolutions (planning itself: decisions.plan_api).

Same rules as the rest of the API: reads through `decisions.queries` (scoped), writes through
`decisions.actions`. A meeting or compound the caller may not see answers 404 "未找到"; seeing
but not deciding (topics.decide) answers 403. Topics named in a body that cannot be found in the
meeting's compound are a 422 naming the field.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from laoyuan.core.models import User
from laoyuan.decisions import actions, plan_actions, queries
from laoyuan.decisions.models import Meeting, MeetingStatus
from laoyuan.decisions.schemas import (
    DecisionCreateIn,
    DecisionOut,
    MeetingCreateIn,
    MeetingDetailOut,
    MeetingFilters,
    MeetingOut,
)
from laoyuan.registry.api import Page
from laoyuan.registry.schemas import MAX_ID
from laoyuan.voices import queries as voice_queries
from laoyuan.voices.api import compound_for_voices_or_404

router = Router()

MEETINGS = ["会议"]


def _user(request: HttpRequest) -> User:
    return request.auth


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _detail(user: User, meeting_id: int) -> Meeting:
    """The meeting with its counts, buildings, agenda, notices, attendees, topics, decisions
    and resolutions (a fixed number of queries), or 404."""
    meeting = (
        queries.meeting_list(user)
        .select_related("created_by")
        .prefetch_related("buildings")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.attendee_list = list(queries.meeting_attendees(meeting))
    meeting.topic_list = list(queries.meeting_topics(meeting))
    meeting.decision_list = list(queries.meeting_decisions(meeting))
    meeting.agenda_list = list(queries.meeting_agenda(meeting))
    meeting.notice_list = list(queries.meeting_notices(meeting))
    meeting.resolution_list = list(queries.meeting_resolutions(meeting))
    meeting.notice_problem = (
        plan_actions.notice_problem(meeting) if meeting.status == MeetingStatus.PLANNED else ""
    )
    return meeting


@router.get(
    "/meetings",
    response=list[MeetingOut],
    tags=MEETINGS,
    summary="会议列表",
    description="开会日期从新到旧，含参会人数、讨论的议题数和决定数。",
)
@paginate(Page)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    return queries.meeting_list(
        _user(request),
        compound_id=filters.compound,
        kind=filters.kind or "",
        status=filters.status or "",
        since=filters.since,
        until=filters.until,
    )


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingDetailOut,
    tags=MEETINGS,
    summary="会议详情：参会人、议题与决定",
)
def meeting_detail(request: HttpRequest, meeting_id: int = _pk("会议编号")):
    return _detail(_user(request), meeting_id)


@router.post(
    "/meetings",
    response={201: MeetingDetailOut},
    tags=MEETINGS,
    summary="记录一次会议",
    description=(
        "记录已经开过的会：类型、名称、日期、地点、纪要、参会人（工作人员、职能部门、"
        "物业公司、居民代表等）和会上讨论的本小区议题；每个议题的记录中会写下这次会议。"
    ),
)
def meeting_create(request: HttpRequest, payload: MeetingCreateIn):
    user = _user(request)
    compound = compound_for_voices_or_404(user, payload.compound_id)
    wanted = list(dict.fromkeys(payload.topic_ids))
    topics = voice_queries.topics_for(user).filter(compound=compound).in_bulk(wanted)
    missing = [i for i in wanted if i not in topics]
    if missing:
        raise ValidationError(
            {
                "topic_ids": _("未找到这些议题，或它们不在这个小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    meeting = actions.meeting_record(
        actor=user,
        compound=compound,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        place=payload.place,
        minutes=payload.minutes,
        attendees=[
            actions.AttendeeEntry(name=a.name, kind=a.kind, organisation=a.organisation)
            for a in payload.attendees
        ],
        topics=[topics[i] for i in wanted],
    )
    return Status(201, _detail(user, meeting.pk))


@router.post(
    "/meetings/{meeting_id}/decisions",
    response={201: DecisionOut},
    tags=MEETINGS,
    summary="记录会议对一个议题的决定",
    description=(
        "写明责任方、解决办法和完成时限；议题随之改为“已决定”，其意见的提交人会收到通知。"
    ),
)
def decision_create(
    request: HttpRequest, payload: DecisionCreateIn, meeting_id: int = _pk("会议编号")
):
    user = _user(request)
    meeting: Meeting = queries.meeting_or_404(user, meeting_id)
    topic = (
        voice_queries.topics_for(user)
        .filter(pk=payload.topic_id, compound_id=meeting.compound_id)
        .first()
    )
    if topic is None:
        raise ValidationError({"topic_id": _("未找到该议题，或它不在这个会议的小区")})
    try:
        decision = actions.meeting_decide(
            actor=user,
            meeting=meeting,
            topic=topic,
            responsible_party=payload.responsible_party,
            solution=payload.solution,
            deadline=payload.deadline,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "topic" in exc.error_dict:
            raise ValidationError(
                {("topic_id" if k == "topic" else k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
    return Status(
        201,
        queries.meeting_decisions(meeting).select_related("topic").get(pk=decision.pk),
    )
