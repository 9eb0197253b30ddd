"""The planned-meetings API (会议计划接口) under /api/v1/: plan a meeting — residents'
deliberation meeting (居民议事会), owners' assembly (业主大会), owners' committee meeting
(业委会会议), joint meeting (三方联席会) … — with its agenda and notice; change it; record its
notice, agenda and paper sign-in; mark it held with its minutes; cancel it; record its
resolutions (决议); and a resident's sign-in on her phone (手机签到).

Same rules as the meetings API (decisions.api, whose detail answer these return): reads
scoped, writes through plan_actions and resolutions; a meeting the caller may not see is 404,
one she may not plan is 403, a refusal is a 422 naming the field in Chinese.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from laoyuan.core.models import User
from laoyuan.core.scopes import visible
from laoyuan.decisions import actions, plan_actions, queries, resolutions
from laoyuan.decisions.api import MEETINGS, _detail, _pk, _user
from laoyuan.decisions.models import Attendee, Meeting, MeetingStatus, ResolutionKind
from laoyuan.decisions.schemas import (
    AgendaAddIn,
    AgendaIn,
    AgendaOut,
    AttendanceIn,
    AttendeeOut,
    CancelIn,
    HoldIn,
    MeetingChangeIn,
    MeetingDetailOut,
    MeetingNoticeIn,
    MeetingNoticeOut,
    MeetingPlanIn,
    MinutesIn,
    PortalMeetingOut,
    ResolutionIn,
    ResolutionNoticeIn,
    ResolutionOut,
)
from laoyuan.decisions.votes.actions import VoteDraft
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building
from laoyuan.voices import queries as voice_queries
from laoyuan.voices.api import compound_for_voices_or_404

router = Router()


# --- planned meetings -------------------------------------------------------------------------


def _planning(user: User, meeting_id: int) -> Meeting:
    return queries.meeting_or_404(user, meeting_id)


def _agenda(user: User, compound, items: list[AgendaIn]) -> list[plan_actions.AgendaEntry]:
    wanted = [i.topic_id for i in items if i.topic_id]
    topics = voice_queries.topics_for(user).filter(compound=compound).in_bulk(wanted)
    missing = [i for i in wanted if i not in topics]
    if missing:
        raise ValidationError(
            {
                "agenda": _("未找到这些议题，或它们不在这个小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    return [plan_actions.AgendaEntry(title=i.title, topic=topics.get(i.topic_id)) for i in items]


def _notice(payload) -> plan_actions.NoticeEntry:
    return plan_actions.NoticeEntry(
        noticed_on=payload.noticed_on,
        channels=list(payload.channels),
        posted_where=payload.posted_where,
        text=payload.text,
    )


@router.post(
    "/meeting-plans",
    response={201: MeetingDetailOut},
    tags=MEETINGS,
    summary="计划一次会议",
    description=(
        "居民议事会、业主大会、业委会会议、三方联席会等：日期、时间、地点、涉及的楼栋、议程，"
        "以及已经发出的通知。业主大会须至少提前15日通知全体业主（《物业管理条例》第十四条），"
        "日期太早时回答422并给出最早可定的日期。"
    ),
)
def meeting_plan(request: HttpRequest, payload: MeetingPlanIn):
    user = _user(request)
    compound = compound_for_voices_or_404(user, payload.compound_id)
    wanted = list(dict.fromkeys(payload.building_ids))
    buildings = Building.objects.filter(compound=compound).in_bulk(wanted)
    missing = [i for i in wanted if i not in buildings]
    if missing:
        raise ValidationError(
            {
                "building_ids": _("未找到这些楼栋，或它们不在这个小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    meeting = plan_actions.meeting_plan(
        actor=user,
        compound=compound,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        starts_at=payload.starts_at,
        place=payload.place,
        buildings=[buildings[i] for i in wanted],
        agenda=_agenda(user, compound, payload.agenda),
        notice=_notice(payload.notice) if payload.notice else None,
    )
    return Status(201, _detail(user, meeting.pk))


@router.patch(
    "/meetings/{meeting_id}/plan",
    response=MeetingDetailOut,
    tags=MEETINGS,
    summary="修改计划中的会议",
    description="名称、日期、时间、地点；日期改了的要重新登记通知。",
)
def meeting_change(
    request: HttpRequest, payload: MeetingChangeIn, meeting_id: int = _pk("会议编号")
):
    user = _user(request)
    plan_actions.meeting_change(
        actor=user, meeting=_planning(user, meeting_id), **payload.model_dump()
    )
    return _detail(user, meeting_id)


@router.post(
    "/meetings/{meeting_id}/notices",
    response={201: MeetingNoticeOut},
    tags=MEETINGS,
    summary="登记会议通知",
    description="通知何时、以什么方式发出，张贴在哪里。业主大会的通知须在会议日期15日以前。",
)
def meeting_notice(
    request: HttpRequest, payload: MeetingNoticeIn, meeting_id: int = _pk("会议编号")
):
    user = _user(request)
    notice = plan_actions.meeting_notice(
        actor=user, meeting=_planning(user, meeting_id), notice=_notice(payload)
    )
    return Status(201, notice)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: list[AgendaOut]},
    tags=MEETINGS,
    summary="添加议程",
)
def meeting_agenda(request: HttpRequest, payload: AgendaAddIn, meeting_id: int = _pk("会议编号")):
    user = _user(request)
    meeting = _planning(user, meeting_id)
    items = plan_actions.agenda_add(
        actor=user, meeting=meeting, entries=_agenda(user, meeting.compound, payload.items)
    )
    return Status(201, items)


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={201: list[AttendeeOut]},
    tags=MEETINGS,
    summary="录入纸质签到",
    description="开会当天或之后，照签到表录入参会人。",
)
def meeting_attendance(
    request: HttpRequest, payload: AttendanceIn, meeting_id: int = _pk("会议编号")
):
    user = _user(request)
    made = plan_actions.attendance_record(
        actor=user,
        meeting=_planning(user, meeting_id),
        attendees=[
            actions.AttendeeEntry(name=a.name, kind=a.kind, organisation=a.organisation)
            for a in payload.attendees
        ],
    )
    return Status(201, made)


@router.post(
    "/meetings/{meeting_id}/held",
    response=MeetingDetailOut,
    tags=MEETINGS,
    summary="记为已召开",
    description="实际开会日期和纪要；业主大会须已按时通知。议程里的议题记为会上讨论的议题。",
)
def meeting_hold(request: HttpRequest, payload: HoldIn, meeting_id: int = _pk("会议编号")):
    user = _user(request)
    plan_actions.meeting_hold(
        actor=user,
        meeting=_planning(user, meeting_id),
        held_on=payload.held_on,
        minutes=payload.minutes,
    )
    return _detail(user, meeting_id)


@router.put(
    "/meetings/{meeting_id}/minutes",
    response=MeetingDetailOut,
    tags=MEETINGS,
    summary="修改会议纪要",
)
def meeting_minutes(request: HttpRequest, payload: MinutesIn, meeting_id: int = _pk("会议编号")):
    user = _user(request)
    plan_actions.meeting_minutes(
        actor=user, meeting=_planning(user, meeting_id), minutes=payload.minutes
    )
    return _detail(user, meeting_id)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response=MeetingDetailOut,
    tags=MEETINGS,
    summary="取消计划中的会议",
)
def meeting_cancel(request: HttpRequest, payload: CancelIn, meeting_id: int = _pk("会议编号")):
    user = _user(request)
    plan_actions.meeting_cancel(
        actor=user, meeting=_planning(user, meeting_id), reason=payload.reason
    )
    return _detail(user, meeting_id)


# The action's field names, as the API names them.
_RESOLUTION_FIELDS = {
    "topics": "topic_ids",
    "title": "notice.title",
    "starts_on": "notice.starts_on",
    "period_days": "notice.period_days",
    "ends_on": "notice.period_days",
    "working_days": "notice.working_days",
    "community_wide": "notice.community_wide",
}


def _resolution_notice(payload: ResolutionIn) -> resolutions.ResolutionNotice | None:
    if payload.kind != ResolutionKind.NOTICE:
        return None
    wanted = payload.notice or ResolutionNoticeIn()
    return resolutions.ResolutionNotice(
        title=wanted.title,
        starts_on=wanted.starts_on or timezone.localdate(),
        period_days=wanted.period_days,
        working_days=wanted.working_days,
        community_wide=wanted.community_wide,
    )


@router.post(
    "/meetings/{meeting_id}/resolutions",
    response={201: ResolutionOut},
    tags=MEETINGS,
    summary="记录决议",
    description=(
        "已召开的会议的决议：决定议题（topic_ids、responsible_party、deadline，议题改为已决定）、"
        "提交业主表决（matter：生成表决草稿，vote_id 指向它）、公示决定事项（kind=notice："
        "以决议内容为正文立即发布公示，notice 给出开始日期、天数和范围，默认今天起7个工作日、"
        "会议的小区）或其他决议。"
    ),
)
def resolution_create(
    request: HttpRequest, payload: ResolutionIn, meeting_id: int = _pk("会议编号")
):
    user = _user(request)
    meeting = queries.meeting_or_404(user, meeting_id)
    wanted = list(dict.fromkeys(payload.topic_ids))
    topics = voice_queries.topics_for(user).filter(compound_id=meeting.compound_id).in_bulk(wanted)
    missing = [i for i in wanted if i not in topics]
    if missing:
        raise ValidationError(
            {
                "topic_ids": _("未找到这些议题，或它们不在这个会议的小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    draft = None
    if payload.kind == ResolutionKind.VOTE and payload.matter:
        now = timezone.localtime().replace(second=0, microsecond=0)
        text = payload.text.strip()
        draft = VoteDraft(
            title=text if len(text) <= 60 else text[:59] + "…",
            question=text,
            matter=payload.matter,
            opens_at=now,
            closes_at=(now + dt.timedelta(days=15)).replace(hour=18, minute=0),
            buildings=list(meeting.buildings.all()),
            options=[_("同意"), _("不同意")] if payload.matter == "advisory" else [],
        )
    try:
        made = resolutions.resolution_record(
            actor=user,
            meeting=meeting,
            kind=payload.kind,
            text=payload.text,
            topics=[topics[i] for i in wanted],
            responsible_party=payload.responsible_party,
            deadline=payload.deadline,
            vote=draft,
            notice=_resolution_notice(payload),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {_RESOLUTION_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
    return Status(201, queries.meeting_resolutions(meeting).get(pk=made.pk))


# --- the resident's side ----------------------------------------------------------------------


@router.get(
    "/portal/meetings",
    response=list[PortalMeetingOut],
    tags=MEETINGS,
    summary="我小区的会议（居民）",
    description="一个月前起的会议，最近的在前；开会当天可以签到。",
)
@paginate(Page)
def my_meetings(request: HttpRequest):
    user = _user(request)
    since = timezone.localdate() - dt.timedelta(days=30)
    signed = Attendee.objects.filter(
        meeting=OuterRef("pk"), resident_id__in=plan_actions.residents_of(user)
    )
    return (
        visible(user, Meeting, "portal.meetings")
        .filter(held_on__gte=since)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(mine_signed=Exists(signed))
        .order_by("-held_on", "-id")
    )


@router.post(
    "/portal/meetings/{meeting_id}/sign-in",
    response={201: AttendeeOut},
    tags=MEETINGS,
    summary="手机签到（居民）",
    description="开会当天签到；再次签到不改变什么。",
)
def my_sign_in(request: HttpRequest, meeting_id: int = _pk("会议编号")):
    user = _user(request)
    meeting = visible(user, Meeting, "portal.meetings").filter(pk=meeting_id).first()
    if meeting is None or not plan_actions.may_attend(user, meeting):
        raise Http404
    return Status(201, plan_actions.meeting_sign_in(actor=user, meeting=meeting))
