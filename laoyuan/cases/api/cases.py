"""The case endpoints of the API (工单): list and open cases, a case with its clocks and
timeline, every step of the work, supervision notices, the overdue board and the statistics.

The case a call acts on answers 404 "未找到" outside the caller's scope, exactly as if it did
not exist; a step the caller may not take on a case she sees answers 403; a secondary reference
in the body that cannot be found (a party, a building, a category) is a 422 naming the field.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from laoyuan.cases import actions, clocks, queries, rules, stats
from laoyuan.cases.api.base import CASES, _pk, _user, renamed, router
from laoyuan.cases.api.schemas import (
    BoardQuery,
    CaseDetailOut,
    CaseDetailQuery,
    CaseFilters,
    CaseOpenIn,
    CaseOut,
    CaseReasonIn,
    CaseRevealOut,
    NoteIn,
    PartyIdIn,
    PauseIn,
    RateIn,
    RequiredNoteIn,
    ReviewIn,
    StatsOut,
    StatsQuery,
    SupervisionNoticeAnswerIn,
    SupervisionNoticeFilters,
    SupervisionNoticeIn,
    SupervisionNoticeOut,
    TransferIn,
)
from laoyuan.cases.models import Case, EventKind, Step
from laoyuan.cases.views.detail import case_clocks
from laoyuan.core.models import User
from laoyuan.core.scopes import visible
from laoyuan.decisions.models import Decision, Meeting
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building
from laoyuan.voices.places import voice_compound_or_404

_NAMES = {
    "party": "party_id",
    "category": "category_code",
    "building": "building_id",
    "compound": "compound_id",
    "topic": "topic_id",
    "decision": "decision_id",
}


def _case(user: User, case_id: int) -> Case:
    return queries.case_or_404(user, case_id)


def _party(user: User, case: Case, party_id: int | None, field: str = "party_id"):
    if party_id is None:
        return None
    party = queries.parties_serving(case.compound).filter(pk=party_id).first()
    if party is None:
        raise ValidationError({field: _("未找到该责任方，或它不负责这个小区")})
    return party


def _category(code: str | None):
    found = queries.categories().filter(code=code).first() if code else None
    if found is None:
        raise ValidationError(
            {"category_code": _("分类编码不对：{code}").format(code=code or "")}
            if code
            else {"category_code": _("缺少必填项")}
        )
    return found


def _detail(request: HttpRequest, user: User, case: Case, page: CaseDetailQuery) -> Case:
    """The detail answer: the case, its reporter as the caller may see it, clocks, the steps
    the caller may take, notices and a page of the timeline (a fixed number of queries)."""
    case = queries.case_or_404(user, case.pk)
    party_view = rules.as_party(user)
    now = clocks.now()
    events = queries.case_events(case)
    items = list(events[page.events_offset : page.events_offset + page.events_limit])
    labels = dict(EventKind.choices)
    extra = dict(
        reporter={
            "anonymous": case.anonymous,
            "name": case.who,
            "phone_masked": case.reporter_phone_masked,
            "resident_id": None if party_view or case.anonymous else case.reporter_resident_id,
            "online": bool(case.reporter_account_id),
        },
        clocks=[
            {
                "step": step,
                "label": c.label,
                "due_at": c.due,
                "done_at": c.done_at,
                "on_time": c.on_time,
                "left_seconds": c.left,
            }
            for step, c in zip(
                [Step.ACCEPT, Step.RESPOND, Step.SOLVE, Step.REVIEW],
                case_clocks(case, now),
                strict=False,
            )
        ],
        actions=sorted(rules.abilities(user, case)),
        supervision_notices=list(queries.case_notices(case)),
        timeline={
            "count": events.count(),
            "items": [
                {
                    "id": e.pk,
                    "at": e.at,
                    "kind": e.kind,
                    "kind_label": str(labels.get(e.kind, e.kind)),
                    "actor": None
                    if not e.actor_id
                    else _("居民")
                    if e.actor_id == case.reporter_account_id
                    else str(e.actor),
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "party": e.party,
                    "other_party": e.other_party,
                    "note": e.note,
                    "took_seconds": e.took_seconds,
                    "step": e.step,
                    "due_at": e.due_at,
                    "on_time": e.on_time,
                    "photo_ids": [p.pk for p in e.photos.all()],
                }
                for e in items
            ],
        },
        public_url=request.build_absolute_uri(
            reverse("cases:public_progress", args=[case.public_token])
        ),
    )
    for name, value in extra.items():
        setattr(case, name, value)
    return case


@router.get(
    "/cases",
    response=list[CaseOut],
    tags=CASES,
    summary="工单列表",
    description="最新受理的在前。责任单位的账号只看到派给本单位的工单。",
)
@paginate(Page)
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    user = _user(request)
    category_id = None
    if filters.category:
        found = queries.categories().filter(code=filters.category).first()
        category_id = found.pk if found else -1
    return queries.case_list(
        user,
        compound_id=filters.compound,
        community_id=filters.community,
        party_id=filters.party,
        category_id=category_id,
        state=filters.state or "",
        source=filters.source or "",
        text=filters.q,
        overdue=filters.overdue,
        since=filters.since,
        until=filters.until,
    )


@router.post(
    "/cases",
    response={201: CaseDetailOut},
    tags=CASES,
    summary="登记工单",
    description=(
        "直接登记（需 compound_id、category_code、description），或由已决定的议题（topic_id）、"
        "会议决定（decision_id）转为工单。带 party_id 即同时派单（需派单权限）。"
        "期限按该分类在本街道的时限标准，以工作时间计算。"
    ),
)
def case_open(request: HttpRequest, payload: CaseOpenIn):
    user = _user(request)
    try:
        if payload.topic_id or payload.decision_id:
            case = _open_from_origin(user, payload)
        else:
            case = _open_direct(user, payload)
    except ValidationError as exc:
        raise renamed(exc, _NAMES) from exc
    return Status(201, _detail(request, user, case, CaseDetailQuery()))


def _open_direct(user: User, payload: CaseOpenIn) -> Case:
    if payload.compound_id is None:
        raise ValidationError({"compound_id": _("缺少必填项")})
    compound = voice_compound_or_404(user, payload.compound_id, "cases.open")
    category = _category(payload.category_code)
    if payload.description is None:
        raise ValidationError({"description": _("缺少必填项")})
    building = None
    if payload.building_id:
        building = Building.objects.filter(pk=payload.building_id, compound=compound).first()
        if building is None:
            raise ValidationError({"building_id": _("未找到该楼栋，或它不在这个小区")})
    party = None
    if payload.party_id:
        party = queries.parties_serving(compound).filter(pk=payload.party_id).first()
        if party is None:
            raise ValidationError({"party_id": _("未找到该责任方，或它不负责这个小区")})
    return actions.case_open(
        actor=user,
        compound=compound,
        category=category,
        description=payload.description,
        title=payload.title,
        solution_asked=payload.solution_asked,
        building=building,
        spot=payload.spot,
        address=payload.address,
        lat=payload.lat,
        lon=payload.lon,
        attributes=payload.attributes,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        anonymous=payload.anonymous,
        party=party,
        deadline=payload.deadline,
        source="api",
        external_ref=payload.external_ref,
    )


def _open_from_origin(user: User, payload: CaseOpenIn) -> Case:
    from laoyuan.voices import queries as voice_queries

    if payload.topic_id and payload.decision_id:
        raise ValidationError({"topic_id": _("topic_id 和 decision_id 只能给一个")})
    category = _category(payload.category_code) if payload.category_code else None
    if payload.topic_id:
        topic = voice_queries.topic_or_404(user, payload.topic_id, "topics.decide")
        party = None
        if payload.party_id:
            party = queries.parties_serving(topic.compound).filter(pk=payload.party_id).first()
            if party is None:
                raise ValidationError({"party_id": _("未找到该责任方，或它不负责这个小区")})
        return actions.case_open_from_topic(actor=user, topic=topic, party=party, category=category)
    meetings = visible(user, Meeting, "topics.decide").values("pk")
    decision = (
        Decision.objects.filter(pk=payload.decision_id, meeting__in=meetings)
        .select_related("meeting", "topic__compound__community")
        .first()
    )
    if decision is None:
        from django.http import Http404

        raise Http404
    party = None
    if payload.party_id:
        party = queries.parties_serving(decision.topic.compound).filter(pk=payload.party_id).first()
        if party is None:
            raise ValidationError({"party_id": _("未找到该责任方，或它不负责这个小区")})
    return actions.case_open_from_decision(
        actor=user, decision=decision, party=party, category=category
    )


@router.get(
    "/cases/board",
    response=list[CaseOut],
    tags=CASES,
    summary="督办看板",
    description="逾期或已升级督办、仍在办理的工单，最逾期的在前；默认只列升级到本人督办层级及以上的。",
)
@paginate(Page)
def case_board(request: HttpRequest, params: Query[BoardQuery]):
    user = _user(request)
    from laoyuan.core.scopes import has_permission

    if not has_permission(user, "cases.supervise"):
        return Case.objects.none()
    qs = queries.board(
        user, level=queries.supervising_level(user), everything=params.all, now=clocks.now()
    )
    if params.compound:
        qs = qs.filter(compound_id=params.compound)
    if params.community:
        qs = qs.filter(community_id=params.community)
    return qs


@router.get(
    "/cases/statistics",
    response=StatsOut,
    tags=CASES,
    summary="工单统计",
    description=(
        "某时段受理的工单（不含撤销的），按责任方、分类、社区或街道分组：响应率、按期办结率、"
        "满意率、重办率、平均和90%办结用时（工作时间，秒）。比率为字符串百分数，如“87.5”。"
    ),
)
def case_statistics(request: HttpRequest, params: Query[StatsQuery]):
    import datetime as dt

    from django.utils import timezone

    user = _user(request)
    now = clocks.now()
    today = timezone.localdate(now)
    until = params.until or today
    since = params.since or until - dt.timedelta(days=89)
    return stats.statistics(
        user,
        group=params.group,
        since=since,
        until=until,
        now=now,
        street_id=params.street,
        community_id=params.community,
        compound_id=params.compound,
    )


@router.get(
    "/cases/{case_id}",
    response=CaseDetailOut,
    tags=CASES,
    summary="工单详情：期限、可办理的环节、督办单和办理记录",
    description="timeline 为办理记录（按时间），分页：events_limit/events_offset，每页最多200条。",
)
def case_detail(request: HttpRequest, page: Query[CaseDetailQuery], case_id: int = _pk("工单编号")):
    user = _user(request)
    return _detail(request, user, _case(user, case_id), page)


def _step(request: HttpRequest, case_id: int, call):
    """Take a step; answer the case as the caller now sees it, or 204 when she no longer sees
    it (a party that returned or transferred it)."""
    user = _user(request)
    case = _case(user, case_id)
    try:
        call(user, case)
    except ValidationError as exc:
        raise renamed(exc, _NAMES) from exc
    if not queries.cases_for(user).filter(pk=case.pk).exists():
        return Status(204, None)
    return _detail(request, user, case, CaseDetailQuery())


def _post_step(path: str, summary: str, schema, call, description: str = ""):
    def endpoint(request: HttpRequest, payload, case_id: int = _pk("工单编号")):
        return _step(request, case_id, lambda u, c: call(u, c, payload))

    endpoint.__annotations__["payload"] = schema
    endpoint.__name__ = "case_" + path.strip("/").replace("-", "_")
    router.post(
        f"/cases/{{case_id}}/{path}",
        response={200: CaseDetailOut, 204: None},
        tags=CASES,
        summary=summary,
        description=(description + " " if description else "")
        + "之后调用者不再能看到这张工单时（责任方退回、转派后）返回 204。",
        operation_id=f"laoyuan_cases_api_{endpoint.__name__}",
    )(endpoint)


_post_step(
    "dispatch",
    "派单",
    PartyIdIn,
    lambda u, c, p: actions.case_dispatch(
        actor=u, case=c, party=_party(u, c, p.party_id), note=p.note
    ),
    "把待派单的工单派给负责该小区的责任方，其受理时限从此起算。",
)
_post_step(
    "accept", "签收受理", NoteIn, lambda u, c, p: actions.case_accept(actor=u, case=c, note=p.note)
)
_post_step(
    "return",
    "退回派单人",
    CaseReasonIn,
    lambda u, c, p: actions.case_return(actor=u, case=c, reason=p.reason),
)
_post_step(
    "transfer",
    "转派给其他责任方",
    TransferIn,
    lambda u, c, p: actions.case_transfer(
        actor=u, case=c, party=_party(u, c, p.party_id), reason=p.reason
    ),
)
_post_step(
    "progress",
    "发布进展",
    RequiredNoteIn,
    lambda u, c, p: actions.case_progress(actor=u, case=c, note=p.note),
    "第一次发布进展即为首次响应。带照片请用 /cases/{case_id}/photos。",
)
_post_step(
    "pause",
    "暂停计时",
    PauseIn,
    lambda u, c, p: actions.case_pause(actor=u, case=c, reason=p.reason, note=p.note),
    "等待居民（resident）或第三方（third_party）时暂停；原因为 other 时 note 必填。",
)
_post_step(
    "resume",
    "恢复计时",
    NoteIn,
    lambda u, c, p: actions.case_resume(actor=u, case=c, note=p.note),
    "各期限按暂停的工作时间顺延。",
)
_post_step(
    "solve",
    "办结",
    RequiredNoteIn,
    lambda u, c, p: actions.case_solve(actor=u, case=c, note=p.note),
    "写明办理结果；反映人会被请求确认和评价。",
)
_post_step(
    "rate",
    "回访评价",
    RateIn,
    lambda u, c, p: actions.case_rate(actor=u, case=c, rating=p.rating, comment=p.comment),
    "工作人员回访后代居民评价。不满意第一次重新办理，第二次升级复核；不满意须写明意见。",
)
_post_step(
    "review",
    "复核",
    ReviewIn,
    lambda u, c, p: actions.case_review(
        actor=u,
        case=c,
        decision=p.decision,
        note=p.note,
        party=_party(u, c, p.party_id) if p.party_id else None,
    ),
    "两次不满意的工单：reopen 原责任方重新办理，reassign 改派（需 party_id），close 结案。",
)
_post_step(
    "reopen",
    "复核后重新办理",
    RequiredNoteIn,
    lambda u, c, p: actions.case_review(actor=u, case=c, decision="reopen", note=p.note),
    "等同于 review 的 reopen。",
)
_post_step(
    "cancel",
    "撤销",
    CaseReasonIn,
    lambda u, c, p: actions.case_cancel(actor=u, case=c, reason=p.reason),
)


@router.post(
    "/cases/{case_id}/photos",
    response={200: CaseDetailOut, 204: None},
    tags=CASES,
    summary="发布带照片的进展",
    description="multipart/form-data：note（必填）和 photos（最多6张 JPG/PNG/WEBP，每张不超过10MB）。",
)
def case_photos(
    request: HttpRequest,
    note: Form[str],
    photos: File[list[UploadedFile]],
    case_id: int = _pk("工单编号"),
):
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_progress(actor=u, case=c, note=note[:10_000], photos=photos),
    )


@router.post(
    "/cases/{case_id}/reveal",
    response=CaseRevealOut,
    tags=CASES,
    summary="查看反映人的完整电话（留痕）",
)
def case_reveal(request: HttpRequest, case_id: int = _pk("工单编号")):
    user = _user(request)
    case = _case(user, case_id)
    return {"value": actions.case_reporter_reveal(actor=user, case=case)}


@router.post(
    "/cases/{case_id}/notices",
    response={201: SupervisionNoticeOut},
    tags=CASES,
    summary="签发督办单",
    description="社区或街道向责任方签发督办单，写明要求和书面反馈期限（最多90天）。",
)
def notice_issue(
    request: HttpRequest, payload: SupervisionNoticeIn, case_id: int = _pk("工单编号")
):
    user = _user(request)
    case = _case(user, case_id)
    notice = actions.notice_issue(
        actor=user, case=case, demand=payload.demand, due_on=payload.due_on
    )
    return Status(201, queries.notice_or_404(user, notice.pk))


@router.get(
    "/supervision-notices",
    response=list[SupervisionNoticeOut],
    tags=CASES,
    summary="督办单列表",
    description="最新的在前。",
)
@paginate(Page)
def notice_list(request: HttpRequest, filters: Query[SupervisionNoticeFilters]):
    qs = queries.notices_for(_user(request)).select_related("issued_by")
    if filters.compound:
        qs = qs.filter(case__compound_id=filters.compound)
    if filters.answered is True:
        qs = qs.filter(answered_at__isnull=False)
    elif filters.answered is False:
        qs = qs.filter(answered_at__isnull=True)
    return qs.order_by("-issued_at", "-id")


@router.post(
    "/supervision-notices/{notice_id}/answer",
    response=SupervisionNoticeOut,
    tags=CASES,
    summary="书面反馈督办单",
)
def notice_answer(
    request: HttpRequest, payload: SupervisionNoticeAnswerIn, notice_id: int = _pk("督办单编号")
):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    actions.notice_answer(actor=user, notice=notice, answer=payload.answer)
    return queries.notice_or_404(user, notice_id)
