"""The public-notice JSON API (公示接口) under /api/v1/, tag 公示.

Staff write drafts, attach documents, publish, withdraw, type in paper objections and answer
objections; residents read the notices of their place and file objections; anyone reads a
published notice, its objections (redacted, never who) and a compound's notices without an
account. Reads go through `notices.queries`, writes through `notices.actions` only (the same
permission checks, validation and audit as the pages). The object a call acts on answers 404
"未找到" when the caller may not see it, exactly as if it did not exist; one she sees but may not
change answers 403. Lists are paginated with `limit` (at most 200) and `offset` and run a fixed
number of queries whatever the data size.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from laoyuan.core import pdf
from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404
from laoyuan.notices import actions, periods, printing, queries, subjects
from laoyuan.notices.models import PUBLIC_STATES, Notice, NoticeState
from laoyuan.notices.phases import phase_label, phase_of
from laoyuan.notices.schemas import (
    AnswerIn,
    MyObjectionOut,
    NoticeAttachmentOut,
    NoticeDetailOut,
    NoticeFilters,
    NoticeIn,
    NoticeOut,
    NoticePatchIn,
    ObjectionOut,
    PaperObjectionIn,
    PeriodOut,
    PeriodQuery,
    PhoneOut,
    PortalNoticeOut,
    PortalObjectionIn,
    PublicNoticeListOut,
    PublicNoticeOut,
    PublicObjectionOut,
    WithdrawIn,
)
from laoyuan.notices.views.staff import attachment_response
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building, Community
from laoyuan.registry.schemas import MAX_ID
from laoyuan.voices.engine.text import redact
from laoyuan.voices.places import voice_compound_or_404

router = Router()
TAGS = ["公示"]


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _user(request: HttpRequest) -> User:
    return request.auth


def _today():
    return timezone.localdate()


def _period_out(period: periods.Period) -> dict:
    years = "、".join(str(y) for y in period.provisional_years)
    return {
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "days": period.days,
        "working_days": period.working,
        "provisional_years": list(period.provisional_years),
        "summary": _("公示期：{start} 至 {end}（{days}）").format(
            start=period.starts_on.isoformat(),
            end=period.ends_on.isoformat(),
            days=periods.describe(period.days, period.working),
        ),
        "warning": _(
            "注意：{years}年的节假日和调休安排尚未公布，工作日暂按周一至周五（除元旦、劳动节、"
            "国庆节）计算，结束日期可能需要调整。"
        ).format(years=years)
        if period.provisional
        else "",
    }


def _subject_out(notice: Notice, user: User) -> dict | None:
    found = subjects.link(notice, user)
    if found is None:
        return None
    content_type = ContentType.objects.get_for_id(notice.subject_type_id)
    return {
        "type": f"{content_type.app_label}.{content_type.model}",
        "id": notice.subject_id,
        "kind_label": found.kind_label,
        "label": found.label,
        "url": found.url,
    }


def _closing_out(notice: Notice) -> dict | None:
    closing = getattr(notice, "closing", None) if notice.state == NoticeState.CLOSED else None
    if closing is None:
        return None
    return {
        "closed_at": closing.closed_at,
        "objections": closing.objections,
        "answered": closing.answered,
        "unresolved": closing.unresolved,
        "all_resolved": closing.all_resolved,
    }


class NoticePage(Page):
    """The API's pages of notices, each row with its objection counts (one grouped query for
    the page, not a count joined into the whole list)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = queries.with_objection_counts(result["items"])
        return result


def _detail(user: User, pk: int) -> Notice:
    """The notice as the caller sees it, with what the detail shape shows."""
    notice = get_visible_or_404(
        user,
        queries.notices_for(user)
        .select_related("community__street", "compound", "closing")
        .prefetch_related("buildings"),
        "notices.view",
        pk=pk,
    )
    (notice,) = queries.with_objection_counts([notice])
    return _dressed(user, notice)


def _dressed(user: User, notice: Notice) -> dict:
    out = {name: getattr(notice, name, None) for name in NoticeOut.model_fields}
    out.update(
        kind_label=str(notice.get_kind_display()),
        state_label=str(notice.get_state_display()),
        phase=phase_of(notice, _today()),
        phase_label=phase_label(notice, _today()),
        community={"id": notice.community_id, "name": notice.community.name},
        compound={"id": notice.compound_id, "name": notice.compound.name}
        if notice.compound_id
        else None,
        body=notice.body,
        issuer=notice.issuer,
        objection_contact=notice.objection_contact,
        buildings=[{"id": b.pk, "label": str(b)} for b in notice.buildings.all()],
        subject=_subject_out(notice, user),
        attachments=list(queries.notice_attachments(notice)),
        events=list(queries.notice_events(notice)),
        objections=queries.objection_counts(notice),
        closing=_closing_out(notice),
        provisional_years=list(periods.provisional_years(notice.starts_on, notice.ends_on)),
        withdrawn_at=notice.withdrawn_at,
        withdraw_reason=notice.withdraw_reason,
        public_url=printing.public_url(notice),
        pdf_url=reverse("api:notice_pdf", kwargs={"notice_id": notice.pk}),
        print_url=reverse("notices:print", args=[notice.pk]),
    )
    return out


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    # The actions name model fields ("buildings"); the caller sent "building_ids".
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


_NAMES = {"buildings": "building_ids", "attachments": "files"}


def _buildings(compound, ids: list[int]) -> list[Building]:
    if not ids:
        return []
    if compound is None:
        raise ValidationError({"building_ids": _("全社区的公示不能再选楼栋：请改用 compound_id。")})
    found = Building.objects.filter(compound=compound).in_bulk(list(dict.fromkeys(ids)))
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise ValidationError(
            {
                "building_ids": _("未找到这些楼栋，或它们不在这个小区：{ids}").format(
                    ids="、".join(str(i) for i in missing[:20])
                )
            }
        )
    return [found[i] for i in dict.fromkeys(ids)]


# --- staff ------------------------------------------------------------------------------------


@router.get(
    "/notices/period",
    response=PeriodOut,
    tags=TAGS,
    summary="计算公示期",
    description=(
        "从开始日期起按工作日（节假日不计、调休上班日计入）或自然日数天，两端都算；或给出结束日期，"
        "反算天数。所跨年份的节假日安排尚未公布时，provisional_years 列出这些年份并给出提醒。"
    ),
)
def notice_period(request: HttpRequest, params: Query[PeriodQuery]):
    period = periods.period_of(
        params.starts_on, days=params.days, ends_on=params.ends_on, working=params.working
    )
    return _period_out(period)


@router.get(
    "/notices",
    response=list[NoticeOut],
    tags=TAGS,
    summary="公示列表",
    description="开始日期最近的在前；含异议条数和未办结条数。phase 可按今天筛选公示中、即将开始等。",
)
@paginate(NoticePage)
def notice_list(request: HttpRequest, filters: Query[NoticeFilters]):
    return queries.notice_list(
        _user(request),
        today=_today(),
        compound_id=filters.compound,
        community_id=filters.community,
        kind=filters.kind or "",
        phase=filters.phase or "",
        since=filters.since,
        until=filters.until,
        text=filters.q,
    )


@router.post(
    "/notices",
    response={201: NoticeDetailOut},
    tags=TAGS,
    summary="起草公示",
    description=(
        "保存为草稿（居民看不到）；附件另行上传，核对后调用 publish 发布。"
        "全社区公示给 community_id，小区公示给 compound_id（可用 building_ids 只对部分楼栋）。"
    ),
)
def notice_create(request: HttpRequest, payload: NoticeIn):
    user = _user(request)
    if payload.compound_id is not None:
        place = voice_compound_or_404(user, payload.compound_id, "notices.view")
        compound = place
    else:
        place = get_visible_or_404(user, Community, "notices.view", pk=payload.community_id)
        compound = None
    buildings = _buildings(compound, payload.building_ids)
    subject = None
    if payload.subject is not None:
        subject = subjects.resolve(user, payload.subject.type, payload.subject.id)
    try:
        notice = actions.notice_create_draft(
            actor=user,
            place=place,
            buildings=buildings,
            kind=payload.kind,
            title=payload.title,
            body=payload.body,
            starts_on=payload.starts_on,
            period_days=payload.period_days,
            working_days=payload.working_days,
            ends_on=payload.ends_on,
            issuer=payload.issuer,
            objection_contact=payload.objection_contact,
            subject=subject,
        )
    except ValidationError as exc:
        raise _renamed(exc, _NAMES) from exc
    return Status(201, _detail(user, notice.pk))


@router.get("/notices/{notice_id}", response=NoticeDetailOut, tags=TAGS, summary="公示详情")
def notice_detail(request: HttpRequest, notice_id: int = _pk("公示编号")):
    return _detail(_user(request), notice_id)


@router.patch(
    "/notices/{notice_id}",
    response=NoticeDetailOut,
    tags=TAGS,
    summary="修改草稿",
    description="只能修改草稿；已发布的公示不能修改，如需更正请撤回后重新发布。",
)
def notice_patch(request: HttpRequest, payload: NoticePatchIn, notice_id: int = _pk("公示编号")):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    given = payload.model_dump(exclude_unset=True)
    period_days = given.get("period_days", notice.period_days)
    if "ends_on" in given and "period_days" not in given:
        period_days = None
    buildings = None
    if "building_ids" in given:
        buildings = _buildings(notice.compound, given["building_ids"] or [])
    try:
        actions.notice_update_draft(
            actor=user,
            notice=notice,
            kind=given.get("kind") or notice.kind,
            title=given["title"] if given.get("title") is not None else notice.title,
            body=given["body"] if given.get("body") is not None else notice.body,
            starts_on=given.get("starts_on") or notice.starts_on,
            period_days=period_days,
            working_days=notice.working_days
            if given.get("working_days") is None
            else given["working_days"],
            ends_on=given.get("ends_on"),
            buildings=buildings,
            issuer=given["issuer"] if given.get("issuer") is not None else notice.issuer,
            objection_contact=given["objection_contact"]
            if given.get("objection_contact") is not None
            else notice.objection_contact,
        )
    except ValidationError as exc:
        raise _renamed(exc, _NAMES) from exc
    return _detail(user, notice.pk)


@router.post(
    "/notices/{notice_id}/attachments",
    response={201: list[NoticeAttachmentOut]},
    tags=TAGS,
    summary="上传附件（草稿）",
    description=(
        "multipart/form-data，字段 files（可多个）。只接受 PDF、图片（JPG、PNG、WEBP、GIF）、"
        ".xlsx 和 .docx，按文件内容判断类型，文件名须与内容一致；图片会重新编码并去掉拍摄信息。"
    ),
)
def notice_attach(
    request: HttpRequest, files: File[list[UploadedFile]], notice_id: int = _pk("公示编号")
):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    try:
        stored = actions.notice_attach(actor=user, notice=notice, attachments=files)
    except ValidationError as exc:
        raise _renamed(exc, _NAMES) from exc
    return Status(201, stored)


@router.get(
    "/notice-attachments/{attachment_id}",
    tags=TAGS,
    summary="下载附件",
    url_name="notice_attachment_download",
    response={200: None},
)
def notice_attachment_download(request: HttpRequest, attachment_id: int = _pk("附件编号")):
    attachment = queries.attachment_or_404(_user(request), attachment_id)
    return attachment_response(attachment, public=False)


@router.delete(
    "/notice-attachments/{attachment_id}",
    response={204: None},
    tags=TAGS,
    summary="删除附件（草稿）",
)
def notice_attachment_delete(request: HttpRequest, attachment_id: int = _pk("附件编号")):
    user = _user(request)
    attachment = queries.attachment_or_404(user, attachment_id)
    actions.notice_detach(actor=user, attachment=attachment)
    return Status(204, None)


@router.post(
    "/notices/{notice_id}/publish",
    response=NoticeDetailOut,
    tags=TAGS,
    summary="发布公示",
    description=(
        "草稿发布后即冻结：开始日期须不早于今天，结束日期按当时的工作日历重新计算；"
        "公示范围内有账号的居民会收到通知。"
    ),
)
def notice_publish(request: HttpRequest, notice_id: int = _pk("公示编号")):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    actions.notice_publish_draft(actor=user, notice=notice)
    return _detail(user, notice_id)


@router.post(
    "/notices/{notice_id}/withdraw",
    response=NoticeDetailOut,
    tags=TAGS,
    summary="撤回公示（或作废草稿）",
    description="必须写明理由；撤回后不再受理异议，公开页面只显示“已撤回”和理由。",
)
def notice_withdraw(request: HttpRequest, payload: WithdrawIn, notice_id: int = _pk("公示编号")):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    actions.notice_withdraw(actor=user, notice=notice, reason=payload.reason)
    return _detail(user, notice_id)


@router.get(
    "/notices/{notice_id}/pdf",
    tags=TAGS,
    summary="打印版 PDF（A4，含指向公开页面的二维码）",
    url_name="notice_pdf",
    response={200: None},
)
def notice_pdf(request: HttpRequest, notice_id: int = _pk("公示编号")) -> HttpResponse:
    notice = queries.notice_or_404(_user(request), notice_id)
    return pdf.pdf_response(printing.notice_pdf(notice), printing.pdf_filename(notice))


@router.get(
    "/notices/{notice_id}/objections",
    response=list[ObjectionOut],
    tags=TAGS,
    summary="公示的异议及答复",
    description="按提出时间排列；异议人姓名按提交时所写，书面异议人的电话只显示部分。",
)
@paginate(Page)
def notice_objections(request: HttpRequest, notice_id: int = _pk("公示编号")):
    notice = queries.notice_or_404(_user(request), notice_id)
    return queries.notice_objections(notice)


@router.post(
    "/notices/{notice_id}/objections",
    response={201: ObjectionOut},
    tags=TAGS,
    summary="录入书面异议",
    description="公示期内收到的书面异议，由工作人员录入；电话加密保存，只返回脱敏号码。",
)
def notice_paper_objection(
    request: HttpRequest, payload: PaperObjectionIn, notice_id: int = _pk("公示编号")
):
    user = _user(request)
    notice = queries.notice_or_404(user, notice_id)
    objection = actions.objection_record_paper(
        actor=user,
        notice=notice,
        objector_name=payload.objector_name,
        phone=payload.phone,
        received_on=payload.received_on,
        text=payload.text,
    )
    return Status(201, queries.notice_objections(notice).get(pk=objection.pk))


@router.post(
    "/objections/{objection_id}/answers",
    response={201: ObjectionOut},
    tags=TAGS,
    summary="答复异议",
    description="答复只追加、不修改：一条异议可以多次答复；线上提出的居民会收到通知。",
)
def objection_answer(request: HttpRequest, payload: AnswerIn, objection_id: int = _pk("异议编号")):
    user = _user(request)
    objection = queries.objection_or_404(user, objection_id)
    actions.objection_answer(
        actor=user, objection=objection, text=payload.text, outcome=payload.outcome
    )
    return Status(201, queries.notice_objections(objection.notice).get(pk=objection.pk))


@router.post(
    "/objections/{objection_id}/reveal",
    response=PhoneOut,
    tags=TAGS,
    summary="查看书面异议人的完整电话（留痕）",
)
def objection_reveal(request: HttpRequest, objection_id: int = _pk("异议编号")):
    user = _user(request)
    objection = queries.objection_or_404(user, objection_id)
    return {"phone": actions.objection_reveal_phone(actor=user, objection=objection)}


# --- residents --------------------------------------------------------------------------------


def _public_out(notice: Notice) -> dict:
    withdrawn = notice.state == NoticeState.WITHDRAWN
    public = notice.state in PUBLIC_STATES
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "title": notice.title,
        "state": notice.state,
        "phase": phase_of(notice, _today()),
        "phase_label": phase_label(notice, _today()),
        "target_label": notice.target_label,
        "issuer": notice.issuer,
        "objection_contact": notice.objection_contact,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "period_days": notice.period_days,
        "working_days": notice.working_days,
        "body": notice.body if public else "",
        "withdrawn": withdrawn,
        "withdraw_reason": redact(notice.withdraw_reason) if withdrawn else "",
        "attachments": list(queries.notice_attachments(notice)) if public else [],
        "objections": queries.objection_counts(notice) if public else None,
        "closing": _closing_out(notice),
        "public_url": printing.public_url(notice),
    }


@router.get(
    "/portal/notices",
    response=list[PublicNoticeListOut],
    tags=TAGS,
    summary="居民：正在公示的事项",
    description="本人住户所在社区、小区、楼栋正在公示（可提出异议）的事项。",
)
@paginate(Page)
def portal_notice_list(request: HttpRequest):
    return queries.portal_open_notices(_user(request), _today())


@router.get(
    "/portal/notices/{notice_id}",
    response=PortalNoticeOut,
    tags=TAGS,
    summary="居民：公示详情、能否提出异议、我的异议",
)
def portal_notice_detail(request: HttpRequest, notice_id: int = _pk("公示编号")):
    user = _user(request)
    notice = queries.portal_notice_or_404(user, notice_id)
    refusal = queries.resident_refusal(user, notice, _today())
    return {
        **_public_out(notice),
        "may_object": not refusal,
        "refusal": refusal,
        "mine": list(queries.my_objections(user, notice)),
    }


@router.post(
    "/portal/notices/{notice_id}/objections",
    response={201: MyObjectionOut},
    tags=TAGS,
    summary="居民：提出异议",
    description="公示期内，住户在公示范围内的居民可以提出异议；姓名和电话不会公开。",
)
def portal_objection_file(
    request: HttpRequest, payload: PortalObjectionIn, notice_id: int = _pk("公示编号")
):
    user = _user(request)
    notice = queries.portal_notice_or_404(user, notice_id)
    objection = actions.objection_file(actor=user, notice=notice, text=payload.text)
    return Status(201, queries.my_objections(user).get(pk=objection.pk))


@router.get(
    "/portal/objections",
    response=list[MyObjectionOut],
    tags=TAGS,
    summary="居民：我提出的异议及答复",
)
@paginate(Page)
def portal_my_objections(request: HttpRequest):
    return queries.my_objections(_user(request))


# --- anyone -----------------------------------------------------------------------------------


@router.get(
    "/public/notices/{notice_id}",
    response=PublicNoticeOut,
    auth=None,
    tags=TAGS,
    summary="公开：公示内容（无需登录）",
    description="已发布和已结束的公示；已撤回的只说明撤回及理由；草稿为 404。",
)
def public_notice(request: HttpRequest, notice_id: int = _pk("公示编号")):
    return _public_out(queries.public_notice_or_404(notice_id))


@router.get(
    "/public/notices/{notice_id}/objections",
    response=list[PublicObjectionOut],
    auth=None,
    tags=TAGS,
    summary="公开：异议及答复（无需登录，不含异议人信息）",
)
@paginate(Page)
def public_notice_objections(request: HttpRequest, notice_id: int = _pk("公示编号")):
    notice = queries.public_notice_or_404(notice_id)
    if notice.state not in PUBLIC_STATES:
        return queries.public_objections(notice).none()
    return queries.public_objections(notice)


@router.get(
    "/public/compounds/{compound_id}/notices",
    response=list[PublicNoticeListOut],
    auth=None,
    tags=TAGS,
    summary="公开：小区的公示（无需登录）",
    description="本小区（及其部分楼栋）和所在社区的全社区公示，开始日期最近的在前。",
)
@paginate(Page)
def public_compound_notices(request: HttpRequest, compound_id: int = _pk("小区编号")):
    return queries.public_notices_of(queries.public_compound_or_404(compound_id))
