"""The renewal API's work in the field (现场工作): volunteers and the supervision group (with its
draw checked again), inspections and their problems, milestones and work items, sign-offs, the
satisfaction survey and the maintenance schedule."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry.models import Household, Resident
from laoyuan.renewal import actions
from laoyuan.renewal import draw as draw_math
from laoyuan.renewal.api.common import TAGS, pk, router, user_of
from laoyuan.renewal.api.field_schemas import (
    DoneIn,
    GroupIn,
    InspectionIn,
    InspectionOut,
    MaintenanceIn,
    MaintenanceOut,
    MilestoneIn,
    MilestoneOut,
    PaperAnswerIn,
    ScheduleOut,
    SignoffIn,
    SupervisionOut,
    SurveyOpenIn,
    SurveyOut,
    VolunteerIn,
    VolunteerOut,
    WorkItemIn,
    WorkItemOut,
    WorkReportIn,
)
from laoyuan.renewal.models import (
    GroupMember,
    Inspection,
    MaintenanceTask,
    Milestone,
    Project,
    SupervisionGroup,
    Survey,
    Volunteer,
    WorkItem,
)
from laoyuan.renewal.progress import percent_down
from laoyuan.renewal.queries import projects as queries


def _project(request, project_id: int) -> Project:
    return queries.project_or_404(user_of(request), project_id)


def _volunteer_out(v: Volunteer) -> dict:
    return {
        "id": v.pk,
        "number": v.number,
        "name": v.resident.name,
        "via": v.via,
        "member": hasattr(v, "member"),
    }


def _supervision(project: Project) -> dict:
    group = SupervisionGroup.objects.filter(project=project).first()
    members = list(queries.group_members(project)) if group else []
    verified = None
    if group and group.draw:
        again = draw_math.run_draw(group.seed, [r["number"] for r in group.draw], group.seats)
        verified = [(t.number, t.key, t.chosen) for t in again] == [
            (r["number"], r["key"], r["chosen"]) for r in group.draw
        ]
    return {
        "project": {"id": project.pk, "name": project.title},
        "volunteers": [_volunteer_out(v) for v in queries.project_volunteers(project)],
        "method": group.method if group else None,
        "formed_on": group.formed_on if group else None,
        "seats": group.seats if group else None,
        "seed": group.seed if group else "",
        "witnesses": group.witnesses if group else "",
        "draw": [
            {"number": r["number"], "key": r["key"], "chosen": r["chosen"]}
            for r in (group.draw if group else [])
        ],
        "draw_verified": verified,
        "members": [
            {
                "id": m.pk,
                "volunteer_id": m.volunteer_id,
                "number": m.volunteer.number,
                "name": m.volunteer.resident.name,
                "role": m.role,
                "signed": hasattr(m, "signoff"),
                "agrees": m.signoff.agrees if hasattr(m, "signoff") else None,
            }
            for m in members
        ],
    }


@router.get(
    "/renewal/projects/{project_id}/supervision",
    response=SupervisionOut,
    tags=TAGS,
    summary="监督小组：志愿者、成员与公开抽签记录（系统复核）",
)
def supervision(request: HttpRequest, project_id: int = pk("项目编号")):
    return _supervision(_project(request, project_id))


@router.post(
    "/renewal/projects/{project_id}/volunteers",
    response={201: VolunteerOut},
    tags=TAGS,
    summary="登记监督志愿者（本小区在住居民）",
)
def volunteer_add(request: HttpRequest, payload: VolunteerIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = _project(request, project_id)
    resident = (
        visible(user, Resident, "registry.view")
        .filter(pk=payload.resident_id, compound_id=project.compound_id)
        .first()
    )
    if resident is None:
        raise ValidationError({"resident_id": _("未找到本小区的这位居民")})
    return Status(
        201, _volunteer_out(actions.volunteer_add(actor=user, project=project, resident=resident))
    )


@router.post(
    "/renewal/projects/{project_id}/group",
    response={201: SupervisionOut},
    tags=TAGS,
    summary="成立监督小组：公开抽签（drawn）或居民推选（elected）",
    description=(
        "抽签：每位候选人的号码 = SHA-256(“种子:报名序号”)，号码最小的当选；"
        "种子、见证人与全部号码都记录在案，任何人可复核。"
    ),
)
def group_create(request: HttpRequest, payload: GroupIn, project_id: int = pk("项目编号")):
    user = user_of(request)
    project = _project(request, project_id)
    if payload.method == "drawn":
        actions.group_draw(
            actor=user,
            project=project,
            seats=payload.seats,
            seed=payload.seed,
            witnesses=payload.witnesses,
            formed_on=payload.formed_on,
        )
    else:
        found = Volunteer.objects.filter(project=project).in_bulk(payload.volunteer_ids)
        missing = [i for i in payload.volunteer_ids if i not in found]
        if missing or (payload.leader_id and payload.leader_id not in found):
            raise ValidationError({"volunteer_ids": _("只能从本项目的志愿者中选")})
        actions.group_elect(
            actor=user,
            project=project,
            volunteers=[found[i] for i in dict.fromkeys(payload.volunteer_ids)],
            leader=found.get(payload.leader_id) if payload.leader_id else None,
            formed_on=payload.formed_on,
        )
    return Status(201, _supervision(project))


def _inspection_out(inspection: Inspection) -> dict:
    return {
        "id": inspection.pk,
        "project_id": inspection.project_id,
        "inspected_on": inspection.inspected_on,
        "inspectors": inspection.inspectors,
        "findings": inspection.findings,
        "photos": inspection.photos.count(),
        "problems": list(inspection.problems.select_related("compound", "case").order_by("id")),
    }


@router.post(
    "/renewal/projects/{project_id}/inspections",
    response={201: InspectionOut},
    tags=TAGS,
    summary="记录监督检查及发现的问题（每个问题有责任方和按工作日计的整改期限）",
    description="照片请在网页上传（上传时去除照片中的位置信息）。",
)
def inspection_record(
    request: HttpRequest, payload: InspectionIn, project_id: int = pk("项目编号")
):
    project = _project(request, project_id)
    inspection = actions.inspection_record(
        actor=user_of(request),
        project=project,
        inspected_on=payload.inspected_on,
        inspectors=payload.inspectors,
        findings=payload.findings,
        problems=[
            actions.ProblemEntry(
                p.title, p.responsible_party, p.work_days, p.location, p.description
            )
            for p in payload.problems
        ],
    )
    return Status(201, _inspection_out(inspection))


@router.get(
    "/renewal/inspections/{inspection_id}",
    response=InspectionOut,
    tags=TAGS,
    summary="监督检查详情",
)
def inspection_detail(request: HttpRequest, inspection_id: int = pk("检查编号")):
    inspection = get_visible_or_404(user_of(request), Inspection, "renewal.view", pk=inspection_id)
    return _inspection_out(inspection)


@router.get(
    "/renewal/projects/{project_id}/schedule",
    response=ScheduleOut,
    tags=TAGS,
    summary="进度：节点与工程子项，及按权重精确计算的总进度",
)
def schedule(request: HttpRequest, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    plan = queries.schedule(project)
    return {
        "project": {"id": project.pk, "name": project.title},
        "progress_percent": percent_down(plan.progress),
        "milestones": plan.milestones,
        "work_items": plan.work_items,
    }


@router.post(
    "/renewal/projects/{project_id}/milestones",
    response={201: MilestoneOut},
    tags=TAGS,
    summary="添加进度节点",
)
def milestone_add(request: HttpRequest, payload: MilestoneIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    return Status(
        201, actions.milestone_add(actor=user_of(request), project=project, **payload.dict())
    )


@router.post(
    "/renewal/milestones/{milestone_id}/done",
    response=MilestoneOut,
    tags=TAGS,
    summary="记录节点完成",
)
def milestone_done(request: HttpRequest, payload: DoneIn, milestone_id: int = pk("节点编号")):
    milestone = get_visible_or_404(user_of(request), Milestone, "renewal.view", pk=milestone_id)
    return actions.milestone_done(
        actor=user_of(request), milestone=milestone, done_on=payload.done_on
    )


@router.post(
    "/renewal/projects/{project_id}/work-items",
    response={201: WorkItemOut},
    tags=TAGS,
    summary="添加工程子项",
)
def work_item_add(request: HttpRequest, payload: WorkItemIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    return Status(
        201, actions.work_item_add(actor=user_of(request), project=project, **payload.dict())
    )


@router.post(
    "/renewal/work-items/{item_id}/progress",
    response=WorkItemOut,
    tags=TAGS,
    summary="填报工程子项的累计完成量（施工中）",
    description="比上次少时为更正，须写 note。",
)
def work_item_report(request: HttpRequest, payload: WorkReportIn, item_id: int = pk("子项编号")):
    item = get_visible_or_404(user_of(request), WorkItem, "renewal.view", pk=item_id)
    return actions.work_item_report(
        actor=user_of(request), item=item, done_quantity=payload.done_quantity, note=payload.note
    )


@router.post(
    "/renewal/projects/{project_id}/signoffs",
    response={201: SupervisionOut},
    tags=TAGS,
    summary="记录监督小组成员的验收签字（纸质签字表）",
)
def signoff_record(request: HttpRequest, payload: SignoffIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    member = (
        GroupMember.objects.filter(pk=payload.member_id, group__project=project)
        .select_related("group", "volunteer__resident")
        .first()
    )
    if member is None:
        raise ValidationError({"member_id": _("不是本项目监督小组的成员")})
    actions.signoff_record(
        actor=user_of(request),
        project=project,
        member=member,
        agrees=payload.agrees,
        remark=payload.remark,
    )
    return Status(201, _supervision(project))


def survey_out(project: Project) -> dict:
    results = queries.survey_results(project)
    s = results.survey
    return {
        "project": {"id": project.pk, "name": project.title},
        "open": bool(s and s.closed_at is None),
        "opened_at": s.opened_at if s else None,
        "closes_on": s.closes_on if s else None,
        "closed_at": s.closed_at if s else None,
        "eligible": results.eligible,
        "answered": results.answered,
        "satisfied": results.satisfied,
        "rate_percent": results.rate,
        "by_choice": [
            {"choice": c, "label": label, "households": n} for c, label, n in results.by_choice
        ],
    }


@router.get(
    "/renewal/projects/{project_id}/survey",
    response=SurveyOut,
    tags=TAGS,
    summary="居民满意度调查结果（每户一份，精确计数）",
)
def survey(request: HttpRequest, project_id: int = pk("项目编号")):
    return survey_out(_project(request, project_id))


@router.post(
    "/renewal/projects/{project_id}/survey",
    response={201: SurveyOut},
    tags=TAGS,
    summary="开始满意度调查（通知项目涉及的居民）",
)
def survey_open(request: HttpRequest, payload: SurveyOpenIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    actions.survey_open(actor=user_of(request), project=project, closes_on=payload.closes_on)
    return Status(201, survey_out(project))


@router.post(
    "/renewal/projects/{project_id}/survey/close",
    response=SurveyOut,
    tags=TAGS,
    summary="结束满意度调查",
)
def survey_close(request: HttpRequest, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    found = Survey.objects.filter(project=project).first()
    if found is None:
        raise Http404
    actions.survey_close(actor=user_of(request), survey=found)
    return survey_out(project)


@router.post(
    "/renewal/projects/{project_id}/survey/answers",
    response={201: SurveyOut},
    tags=TAGS,
    summary="录入纸质答卷（每户一份）",
)
def survey_paper(request: HttpRequest, payload: PaperAnswerIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    found = Survey.objects.filter(project=project).first()
    if found is None:
        raise Http404
    household = Household.objects.filter(
        pk=payload.household_id, compound_id=project.compound_id
    ).first()
    if household is None:
        raise ValidationError({"household_id": _("未找到本小区的这户")})
    actions.survey_answer(
        actor=user_of(request),
        survey=found,
        household=household,
        choice=payload.choice,
        comment=payload.comment,
        channel="paper",
    )
    return Status(201, survey_out(project))


@router.post(
    "/renewal/projects/{project_id}/maintenance",
    response={201: MaintenanceOut},
    tags=TAGS,
    summary="添加维护计划（验收后）",
)
def maintenance_add(request: HttpRequest, payload: MaintenanceIn, project_id: int = pk("项目编号")):
    project = _project(request, project_id)
    return Status(
        201, actions.maintenance_add(actor=user_of(request), project=project, **payload.dict())
    )


@router.post(
    "/renewal/maintenance/{task_id}/done",
    response=MaintenanceOut,
    tags=TAGS,
    summary="记录完成一次维护（下次维护顺延一个周期）",
)
def maintenance_done(request: HttpRequest, payload: DoneIn, task_id: int = pk("维护计划编号")):
    task = get_visible_or_404(user_of(request), MaintenanceTask, "renewal.view", pk=task_id)
    return actions.maintenance_done(
        actor=user_of(request), task=task, done_on=payload.done_on, note=payload.note
    )
