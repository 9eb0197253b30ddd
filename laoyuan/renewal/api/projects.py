"""The renewal API's project library (改造项目库): list, put in the library, read with the
checklist of each next step, change, move on, link topics and the meeting decision, attach a
document, read the timeline; and the catalogue of item and asset types."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from laoyuan.decisions.models import Decision
from laoyuan.decisions.votes.queries import votes_for
from laoyuan.registry.api import Page
from laoyuan.registry.models import Building
from laoyuan.renewal import actions, catalog, requirements
from laoyuan.renewal.api.common import TAGS, pk, router, user_of
from laoyuan.renewal.api.schemas import (
    AttachmentKindIn,
    CatalogOut,
    ProjectAttachmentOut,
    ProjectCreateIn,
    ProjectDetailOut,
    ProjectEventOut,
    ProjectFilters,
    ProjectNoticeIn,
    ProjectOut,
    ProjectPatchIn,
    ProjectResolutionIn,
    ProjectVoteIn,
    TopicsIn,
    TransitionIn,
    money_out,
)
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import funding as funding_queries
from laoyuan.renewal.queries import links as link_queries
from laoyuan.renewal.queries import projects as queries
from laoyuan.voices.api import compound_for_voices_or_404
from laoyuan.voices.queries import topics_for


def _buildings(project_or_compound_id: int, ids: list[int]) -> list[Building]:
    found = Building.objects.filter(compound_id=project_or_compound_id).in_bulk(ids)
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise ValidationError(
            {
                "building_ids": _("未找到这些楼栋，或它们不在这个小区：{ids}").format(
                    ids=missing[:20]
                )
            }
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _topics(user, compound_id: int, ids: list[int]):
    found = topics_for(user).filter(compound_id=compound_id).in_bulk(ids)
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise ValidationError(
            {"topic_ids": _("未找到这些议题，或它们不在这个小区：{ids}").format(ids=missing[:20])}
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _quantities(rows) -> list[actions.QuantityEntry]:
    return [actions.QuantityEntry(q.item, q.amount, q.unit) for q in rows]


def detail(request: HttpRequest, project_id: int) -> dict:
    """A project as the detail endpoint answers it (a fixed number of queries)."""
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    facts = requirements.facts_of(project)
    steps = queries.next_steps(project, facts)
    statement = funding_queries.accounts_statement(project)
    topics = list(queries.project_topics(project))
    r = project.resolution
    listed = queries.project_list(user).filter(pk=project.pk).first()
    return {
        **{f: getattr(project, f) for f in ProjectDetailOut.model_fields if hasattr(project, f)},
        "compound": {"id": project.compound_id, "name": project.compound.name},
        "renewal_class_label": str(project.get_renewal_class_display()),
        "item_type_label": project.item_type_name,
        "state_label": str(project.get_state_display()),
        "budget": None if project.budget is None else f"{project.budget:.2f}",
        "behind_schedule": bool(listed and listed.is_behind),
        "buildings": [{"id": b.pk, "name": str(b)} for b in project.buildings.order_by("number")],
        "quantities": list(project.quantities.order_by("id")),
        "topics": [
            {"id": t.pk, "title": t.title, "state": t.state, "voices": t.voice_count}
            for t in topics
        ],
        "voices": queries.project_voice_count(project),
        "resolution": None
        if r is None
        else {
            "decision_id": r.pk,
            "meeting": {"id": r.meeting_id, "name": r.meeting.title},
            "held_on": r.meeting.held_on,
            "solution": r.solution,
        },
        "progress_percent": percent_down(facts.progress),
        "money": money_out(statement.total),
        "open_problems": facts.open_problems,
        "group_members": facts.members,
        "next_steps": [
            {
                "state": s.state,
                "label": s.label,
                "forward": s.forward,
                "ready": s.ready,
                "checks": [c.__dict__ for c in s.checks],
            }
            for s in steps
        ],
        "accounts_public_url": request.build_absolute_uri(
            reverse("renewal:public_accounts", args=[project.accounts_key])
        )
        if project.accounts_published_at
        else "",
        "vote": None
        if facts.vote is None
        else {
            "id": facts.vote.pk,
            "title": facts.vote.title,
            "matter": facts.vote.matter,
            "status": facts.vote.status,
            "status_label": str(facts.vote.get_status_display()),
            "passed": facts.vote_passed,
        },
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "kind_label": str(n.get_kind_display()),
                "title": n.title,
                "state": n.state,
                "phase": n.phase,
                "starts_on": n.starts_on,
                "ends_on": n.ends_on,
                "objections": n.objection_count,
                "unresolved": n.unresolved_count,
            }
            for n in link_queries.project_notices(project)
        ],
    }


@router.get("/renewal/item-types", response=CatalogOut, tags=TAGS, summary="改造项与设施类型目录")
def item_types(request: HttpRequest):
    return {
        "item_types": [
            {"code": t.code, "name": t.name, "renewal_class": t.renewal_class, "unit": t.unit}
            for t in catalog.item_types()
        ],
        "asset_types": [
            {"code": a.code, "name": a.name, "unit": a.unit, "proposes": a.proposes}
            for a in catalog.asset_types()
        ],
    }


@router.get(
    "/renewal/projects",
    response=list[ProjectOut],
    tags=TAGS,
    summary="改造项目列表",
    description="最新的在前。state 可为状态、live（未验收）或 done（已验收及维护中）。",
)
@paginate(Page)
def project_list(request: HttpRequest, filters: Query[ProjectFilters]):
    return queries.project_list(
        user_of(request),
        compound_id=filters.compound,
        community_id=filters.community,
        street_id=filters.street,
        state=filters.state,
        renewal_class=filters.renewal_class,
        behind=filters.behind,
        text=filters.q,
    )


@router.post(
    "/renewal/projects",
    response={201: ProjectDetailOut},
    tags=TAGS,
    summary="把项目列入小区的改造项目库",
    description="状态为“已提出”；同时列出的已决定议题改为“已入项目库”，反映人会收到通知。",
)
def project_create(request: HttpRequest, payload: ProjectCreateIn):
    user = user_of(request)
    compound = compound_for_voices_or_404(user, payload.compound_id, "renewal.view")
    fields = actions.ProjectFields(
        title=payload.title,
        item_type=payload.item_type,
        description=payload.description,
        budget=payload.budget,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        designer=payload.designer,
        contractor=payload.contractor,
        vote_matter=payload.vote_matter,
        fund_emergency=payload.fund_emergency,
        fund_emergency_reason=payload.fund_emergency_reason,
        buildings=_buildings(compound.pk, payload.building_ids),
        quantities=_quantities(payload.quantities),
    )
    project = actions.project_create(
        actor=user,
        compound=compound,
        fields=fields,
        topics=_topics(user, compound.pk, payload.topic_ids),
    )
    return Status(201, detail(request, project.pk))


@router.get(
    "/renewal/projects/{project_id}",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="改造项目详情：范围、资金、进度，以及每个下一步的前置条件",
    description=(
        "next_steps 列出可以改成的状态及其前置条件（checks：是否满足、缺什么），"
        "包括业主表决（vote）和方案公示（notices）；rectification 等见各自接口。"
    ),
)
def project_detail(request: HttpRequest, project_id: int = pk("项目编号")):
    return detail(request, project_id)


@router.patch(
    "/renewal/projects/{project_id}",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="修改改造项目",
    description="只修改请求中出现的字段；building_ids、quantities 出现时整体替换。已验收或已撤销的项目不能再修改。",
)
def project_edit(request: HttpRequest, payload: ProjectPatchIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    sent = payload.dict(exclude_unset=True)
    current = {
        "title": project.title,
        "item_type": project.item_type,
        "description": project.description,
        "budget": project.budget,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "designer": project.designer,
        "contractor": project.contractor,
        "vote_matter": project.vote_matter,
        "fund_emergency": project.fund_emergency,
        "fund_emergency_reason": project.fund_emergency_reason,
    }
    values = {k: (sent[k] if k in sent and sent[k] is not None else v) for k, v in current.items()}
    for nullable in ("budget", "planned_start", "planned_end"):
        if nullable in sent:
            values[nullable] = sent[nullable]
    buildings = (
        _buildings(project.compound_id, payload.building_ids)
        if payload.building_ids is not None
        else list(project.buildings.all())
    )
    quantities = (
        _quantities(payload.quantities)
        if payload.quantities is not None
        else [
            actions.QuantityEntry(q.item, q.amount, q.unit, q.building)
            for q in project.quantities.order_by("id")
        ]
    )
    actions.project_edit(
        actor=user,
        project=project,
        fields=actions.ProjectFields(**values, buildings=buildings, quantities=quantities),
    )
    return detail(request, project.pk)


@router.post(
    "/renewal/projects/{project_id}/transition",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="推进项目（改变状态）",
    description=(
        "向前推进须满足该步的全部前置条件，否则回答422，逐条列出缺少的条件（中文）；"
        "退回设计或撤销须写 note 说明理由。"
    ),
)
def project_transition(
    request: HttpRequest, payload: TransitionIn, project_id: int = pk("项目编号")
):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    actions.project_transition(
        actor=user, project=project, to_state=payload.to_state, note=payload.note
    )
    return detail(request, project.pk)


@router.post(
    "/renewal/projects/{project_id}/topics",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="关联议题（提出这个项目的居民意见）",
    description="本小区已决定的议题改为“已入项目库”，已入项目库的议题直接关联。",
)
def project_topics(request: HttpRequest, payload: TopicsIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    topics = _topics(user, project.compound_id, payload.topic_ids)
    actions.project_link_topics(actor=user, project=project, topics=topics)
    return detail(request, project.pk)


@router.post(
    "/renewal/projects/{project_id}/resolution",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="关联会议决议",
    description="作出决定的会议决定（本小区会议的决定）。",
)
def project_resolution(
    request: HttpRequest, payload: ProjectResolutionIn, project_id: int = pk("项目编号")
):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    decision = (
        Decision.objects.filter(pk=payload.decision_id, meeting__compound_id=project.compound_id)
        .select_related("meeting")
        .first()
    )
    if decision is None:
        raise ValidationError({"decision_id": _("未找到本小区会议的这个决定")})
    actions.project_set_resolution(actor=user, project=project, decision=decision)
    return detail(request, project.pk)


@router.post(
    "/renewal/projects/{project_id}/vote",
    response=ProjectDetailOut,
    tags=TAGS,
    summary="关联业主表决（决定本项目表决事项的表决）",
    description=(
        "只能选择本小区、与项目“需业主共同决定的事项”同一事项类型、未取消的表决；"
        "表决只由部分楼栋业主参加时，须包括项目涉及的全部楼栋。vote_id 为 null 取消关联。"
        "项目资金落实后不能再更换。表决须结束计票并获通过，项目才能改为“已决策”。"
    ),
)
def project_vote(request: HttpRequest, payload: ProjectVoteIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    vote = None
    if payload.vote_id is not None:
        vote = votes_for(user).filter(pk=payload.vote_id, compound_id=project.compound_id).first()
        if vote is None:
            raise ValidationError({"vote_id": _("未找到本小区的这个业主表决")})
    actions.project_set_vote(actor=user, project=project, vote=vote)
    return detail(request, project.pk)


def _notice_call(request, payload: ProjectNoticeIn, project_id: int, publish) -> dict:
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    publish(
        actor=user,
        project=project,
        starts_on=payload.starts_on,
        period_days=payload.period_days,
        working_days=payload.working_days,
        title=payload.title,
        body=payload.body,
    )
    return Status(201, detail(request, project.pk))


@router.post(
    "/renewal/projects/{project_id}/notices/plan",
    response={201: ProjectDetailOut},
    tags=TAGS,
    summary="发布方案公示（以本项目为对象，附方案、图纸、预算书）",
    description=(
        "项目“方案已设计”或“已决策”时，公示给本小区（或项目涉及的楼栋）的居民。"
        "公示期满结束、每条异议都已答复办结后，项目才能改为“已公示”。"
        "须有 renewal.manage 和该小区的 notices.publish 权限。"
    ),
)
def project_notice_plan(
    request: HttpRequest, payload: ProjectNoticeIn, project_id: int = pk("项目编号")
):
    return _notice_call(request, payload, project_id, actions.project_publish_plan)


@router.post(
    "/renewal/projects/{project_id}/notices/accounts",
    response={201: ProjectDetailOut},
    tags=TAGS,
    summary="发布账目公示（附 A4 账目表 PDF）",
    description=(
        "公开项目账目（公开地址不变），并以本项目为对象发布收支账目公示，附带账目表 PDF。"
        "须有 renewal.funds 和该小区的 notices.publish 权限。"
    ),
)
def project_notice_accounts(
    request: HttpRequest, payload: ProjectNoticeIn, project_id: int = pk("项目编号")
):
    return _notice_call(request, payload, project_id, actions.project_publish_accounts)


@router.get(
    "/renewal/projects/{project_id}/events",
    response=list[ProjectEventOut],
    tags=TAGS,
    summary="项目记录（时间线）",
)
@paginate(Page)
def project_events(request: HttpRequest, project_id: int = pk("项目编号")):
    project = queries.project_or_404(user_of(request), project_id)
    return queries.project_events(project)


@router.post(
    "/renewal/projects/{project_id}/attachments",
    response={201: ProjectAttachmentOut},
    tags=TAGS,
    summary="上传附件（方案、图纸、凭证、验收报告……）",
    description="multipart/form-data：kind、title、file。按内容检查（PDF、图片、XLSX、DOCX，≤20MB），加密保存。",
)
def project_attach(
    request: HttpRequest,
    kind: Form[AttachmentKindIn],
    title: Form[str],
    file: File[UploadedFile],
    project_id: int = pk("项目编号"),
):
    user = user_of(request)
    project = queries.project_or_404(user, project_id)
    attachment = actions.attachment_add(
        actor=user, project=project, kind=kind, title=title, upload=file
    )
    return Status(201, attachment)
