"""Writes to the project library (改造项目库): put a project in it (by hand, from a decided
topic, or from a check-up), edit it, link the topics that asked for it and the meeting decision
that decided it, attach its documents, and move it through its lifecycle — each step only when
the checks of `renewal.requirements` hold, and each step an event on its timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.notify import notify
from laoyuan.decisions.models import Decision
from laoyuan.registry.models import Building, Compound
from laoyuan.renewal import catalog, requirements
from laoyuan.renewal.actions.common import (
    event,
    fail,
    money,
    plausible_date,
    quantity,
    require,
    require_compound,
    text,
)
from laoyuan.renewal.documents import check_document
from laoyuan.renewal.models import (
    DONE_STATES,
    LIFECYCLE,
    PROJECT_TRANSITIONS,
    AttachmentKind,
    ConditionRating,
    EventKind,
    OwnersMatter,
    Project,
    ProjectAttachment,
    ProjectQuantity,
    ProjectState,
)
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import Topic, TopicState

MAX_QUANTITIES = 50
MAX_TOPICS = 100


@dataclass
class QuantityEntry:
    """One line of scope: e.g. 更换地下管网 200 米 (building optional)."""

    item: str
    amount: Decimal | str | None
    unit: str
    building: Building | None = None


@dataclass
class ProjectFields:
    """What a person fills in about a project (create and edit share the checks)."""

    title: str
    item_type: str
    description: str = ""
    budget: Decimal | str | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    designer: str = ""
    contractor: str = ""
    vote_matter: str = ""
    fund_emergency: bool = False
    fund_emergency_reason: str = ""
    buildings: Sequence[Building] = ()
    quantities: Sequence[QuantityEntry] = field(default_factory=list)


def _checked(fields: ProjectFields, compound: Compound) -> dict:
    problems: dict[str, str] = {}
    clean = {
        "title": text(fields.title, "title", problems, label=_("项目名称"), most=120),
        "description": text(
            fields.description,
            "description",
            problems,
            label=_("改造内容"),
            most=5000,
            required=False,
            multiline=True,
        ),
        "designer": text(
            fields.designer, "designer", problems, label=_("设计单位"), most=120, required=False
        ),
        "contractor": text(
            fields.contractor, "contractor", problems, label=_("施工单位"), most=120, required=False
        ),
        "fund_emergency_reason": text(
            fields.fund_emergency_reason,
            "fund_emergency_reason",
            problems,
            label=_("应急理由"),
            most=2000,
            required=fields.fund_emergency,
            multiline=True,
        ),
        "fund_emergency": bool(fields.fund_emergency),
        "budget": money(fields.budget, "budget", problems, label=_("预算"), required=False),
    }
    kind = catalog.item_type(fields.item_type or "")
    if kind is None:
        problems["item_type"] = _("请选择改造项。")
    else:
        clean["item_type"], clean["renewal_class"] = kind.code, kind.renewal_class
    if fields.vote_matter and fields.vote_matter not in OwnersMatter.values:
        problems["vote_matter"] = _("请选择需业主共同决定的事项，或留空。")
    clean["vote_matter"] = fields.vote_matter or ""
    start = plausible_date(
        fields.planned_start, "planned_start", problems, label=_("计划开工"), required=False
    )
    end = plausible_date(
        fields.planned_end, "planned_end", problems, label=_("计划完工"), required=False
    )
    if start and end and end < start:
        problems["planned_end"] = _("计划完工不能早于计划开工。")
    clean["planned_start"], clean["planned_end"] = start, end
    buildings = list(dict.fromkeys(fields.buildings))
    if any(b.compound_id != compound.pk for b in buildings):
        problems["buildings"] = _("所选楼栋不在这个小区。")
    if len(fields.quantities) > MAX_QUANTITIES:
        problems["quantities"] = _("工程量最多{n}行。").format(n=MAX_QUANTITIES)
    rows = []
    for i, q in enumerate(fields.quantities, start=1):
        row: dict[str, str] = {}
        item = text(q.item, "item", row, label=_("内容"), most=120)
        unit = text(q.unit, "unit", row, label=_("单位"), most=10)
        amount = quantity(q.amount, "amount", row, label=_("数量"))
        if q.building is not None and q.building.compound_id != compound.pk:
            row["building"] = _("楼栋不在这个小区。")
        if row:
            problems["quantities"] = _("第{i}行工程量：{problems}").format(
                i=i, problems="；".join(row.values())
            )
            break
        rows.append(ProjectQuantity(item=item, amount=amount, unit=unit, building=q.building))
    fail(problems)
    clean["buildings"], clean["quantities"] = buildings, rows
    return clean


def _live_or_refuse(project: Project) -> None:
    if project.state == ProjectState.CANCELLED or project.state in DONE_STATES:
        raise ValidationError(
            _("项目当前为“{state}”，不能再修改；需要说明的情况请写进项目记录。").format(
                state=project.get_state_display()
            )
        )


@transaction.atomic
def project_create(
    *,
    actor: User,
    compound: Compound,
    fields: ProjectFields,
    topics: Sequence[Topic] = (),
    from_rating: ConditionRating | None = None,
) -> Project:
    """Put a project in the compound's library (state "proposed"). Decided topics given here
    move to "已入项目库" and are linked; their authors are told."""
    require_compound(actor, "renewal.manage", compound)
    clean = _checked(fields, compound)
    _check_topics(topics, compound)
    buildings, quantities = clean.pop("buildings"), clean.pop("quantities")
    project = Project.objects.create(
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        state_changed_at=timezone.now(),
        from_rating=from_rating,
        created_by=actor,
        **clean,
    )
    project.buildings.set(buildings)
    for q in quantities:
        q.project = project
    ProjectQuantity.objects.bulk_create(quantities)
    event(project, actor, EventKind.CREATED, to_state=ProjectState.PROPOSED)
    _link_topics(actor, project, topics)
    audit_log(
        actor=actor,
        action="renewal.project_create",
        obj=project,
        changes={**clean, "buildings": [b.pk for b in buildings], "topics": [t.pk for t in topics]},
    )
    return project


@transaction.atomic
def project_edit(*, actor: User, project: Project, fields: ProjectFields) -> Project:
    """Change what a project is (title, item, scope, budget, dates, units); not once it is
    accepted or cancelled. Every change is kept in the timeline and the audit log."""
    require(actor, "renewal.manage", project)
    project = Project.objects.select_for_update().select_related("compound").get(pk=project.pk)
    _live_or_refuse(project)
    clean = _checked(fields, project.compound)
    buildings, quantities = clean.pop("buildings"), clean.pop("quantities")
    before = {k: getattr(project, k) for k in clean}
    changes = {k: [str(before[k] or ""), str(v or "")] for k, v in clean.items() if before[k] != v}
    old_buildings = sorted(project.buildings.values_list("pk", flat=True))
    if sorted(b.pk for b in buildings) != old_buildings:
        changes["buildings"] = [old_buildings, sorted(b.pk for b in buildings)]
    old_quantities = [
        (q.item, str(q.amount), q.unit, q.building_id) for q in project.quantities.order_by("id")
    ]
    new_quantities = [(q.item, str(q.amount), q.unit, q.building_id) for q in quantities]
    if old_quantities != new_quantities:
        changes["quantities"] = [old_quantities, new_quantities]
    if not changes:
        return project
    for key, value in clean.items():
        setattr(project, key, value)
    project.save()
    project.buildings.set(buildings)
    if "quantities" in changes:
        project.quantities.all().delete()
        for q in quantities:
            q.project = project
        ProjectQuantity.objects.bulk_create(quantities)
    event(project, actor, EventKind.EDITED, data=changes)
    audit_log(actor=actor, action="renewal.project_edit", obj=project, changes=changes)
    return project


# --- topics and the meeting decision ----------------------------------------------------------


def _check_topics(topics: Sequence[Topic], compound: Compound) -> None:
    problems = []
    if len(topics) > MAX_TOPICS:
        problems.append(_("一次最多关联{n}个议题。").format(n=MAX_TOPICS))
    for t in topics:
        if t.compound_id != compound.pk:
            problems.append(_("议题“{title}”不在这个小区。").format(title=t.title))
        elif t.state not in (TopicState.DECIDED, TopicState.PROJECT):
            problems.append(
                _("议题“{title}”当前为“{state}”：须先作出决定，才能列入项目库。").format(
                    title=t.title, state=t.get_state_display()
                )
            )
    if problems:
        raise ValidationError({"topics": problems})


def _link_topics(actor: User, project: Project, topics: Sequence[Topic]) -> None:
    for topic in topics:
        if topic.state == TopicState.DECIDED:
            # The topic's own transition tells its authors and calls topic_into_library
            # below with this project, which links it.
            voice_actions.topic_transition(
                actor=actor,
                topic=topic,
                to_state=TopicState.PROJECT,
                outcome=voice_actions.Outcome(
                    note=_("列入改造项目“{title}”").format(title=project.title),
                    extra={"project": project.pk},
                ),
            )
        else:
            _attach_topic(actor, project, topic)


def _attach_topic(actor: User | None, project: Project, topic: Topic) -> None:
    if project.topics.filter(pk=topic.pk).exists():
        return
    project.topics.add(topic)
    event(
        project,
        actor,
        EventKind.TOPICS,
        note=topic.title,
        data={"topic": topic.pk},
    )


@transaction.atomic
def project_link_topics(*, actor: User, project: Project, topics: Sequence[Topic]) -> Project:
    """Link more topics that asked for this project (decided ones move to "已入项目库")."""
    require(actor, "renewal.manage", project)
    if not topics:
        raise ValidationError({"topics": _("请至少选择一个议题。")})
    _live_or_refuse(project)
    _check_topics(topics, project.compound)
    _link_topics(actor, project, topics)
    audit_log(
        actor=actor,
        action="renewal.project_topics",
        obj=project,
        changes={"topics": [t.pk for t in topics]},
    )
    return project


def topic_into_library(*, actor: User, topic: Topic, project_id: int | None = None) -> Project:
    """A topic moved to "已入项目库" (voices.actions.topic_transition calls this in the same
    transaction): it joins the project named, or a new project made from it — its title, the
    item type its category asks for, its decision as the first description."""
    require_compound(actor, "renewal.manage", topic.compound)
    if project_id:
        project = (
            Project.objects.select_for_update()
            .filter(pk=project_id, compound_id=topic.compound_id)
            .first()
        )
        if project is None:
            raise ValidationError({"project": _("未找到本小区的这个改造项目。")})
        _live_or_refuse(project)
        _attach_topic(actor, project, topic)
        return project
    kind = catalog.guess_item_type(topic.category, topic.subcategory)
    project = Project.objects.create(
        compound=topic.compound,
        community_id=topic.community_id,
        street_id=topic.street_id,
        title=topic.title[:120],
        description=topic.decision,
        item_type=kind.code,
        renewal_class=kind.renewal_class,
        state_changed_at=timezone.now(),
        created_by=actor,
    )
    event(
        project,
        actor,
        EventKind.CREATED,
        to_state=ProjectState.PROPOSED,
        note=_("由议题“{title}”列入").format(title=topic.title),
        data={"topic": topic.pk},
    )
    project.topics.add(topic)
    audit_log(
        actor=actor,
        action="renewal.project_from_topic",
        obj=project,
        changes={"topic": topic.pk, "item_type": kind.code},
    )
    return project


@transaction.atomic
def project_set_resolution(*, actor: User, project: Project, decision: Decision) -> Project:
    """Name the meeting decision (会议决议) the project was decided by: a decision of a meeting
    of the same compound."""
    require(actor, "renewal.manage", project)
    _live_or_refuse(project)
    if decision.meeting.compound_id != project.compound_id:
        raise ValidationError({"resolution": _("只能选择本小区会议的决定。")})
    before = project.resolution_id
    project.resolution = decision
    project.save(update_fields=["resolution", "updated_at"])
    event(
        project,
        actor,
        EventKind.RESOLUTION,
        note=_("“{meeting}”：{solution}").format(
            meeting=decision.meeting.title, solution=decision.solution[:200]
        ),
        data={"decision": decision.pk, "meeting": decision.meeting_id},
    )
    audit_log(
        actor=actor,
        action="renewal.project_resolution",
        obj=project,
        changes={"resolution": [before, decision.pk]},
    )
    return project


# --- attachments ------------------------------------------------------------------------------

MONEY_ATTACHMENTS = (AttachmentKind.FUNDING, AttachmentKind.VOUCHER)


def attachment_store(
    *, actor: User, project: Project, kind: str, title: str, upload: UploadedFile
) -> ProjectAttachment:
    """Check an upload by content and keep it, sealed (no permission check: callers check)."""
    problems: dict[str, str] = {}
    if kind not in AttachmentKind.values:
        problems["kind"] = _("请选择附件类型。")
    title = text(title, "title", problems, label=_("附件名称"), most=120)
    fail(problems)
    checked = check_document(upload, field="file")
    attachment = ProjectAttachment(
        project=project,
        kind=kind,
        title=title,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(checked.content.name, checked.content, save=False)
    attachment.save()
    event(
        project,
        actor,
        EventKind.ATTACHMENT,
        note=f"{attachment.get_kind_display()}：{title}",
        data={"attachment": attachment.pk},
    )
    return attachment


@transaction.atomic
def attachment_add(
    *, actor: User, project: Project, kind: str, title: str, upload: UploadedFile
) -> ProjectAttachment:
    """Attach a document (方案, 图纸, 预算书, 验收报告 …) to the project. Money documents
    (资金文件, 凭证) may be attached by those who keep the funding."""
    require(actor, "renewal.funds" if kind in MONEY_ATTACHMENTS else "renewal.manage", project)
    if project.state == ProjectState.CANCELLED:
        raise ValidationError(_("项目已撤销，不能再上传附件。"))
    attachment = attachment_store(
        actor=actor, project=project, kind=kind, title=title, upload=upload
    )
    audit_log(
        actor=actor,
        action="renewal.attachment_add",
        obj=attachment,
        changes={"kind": kind, "sha256": attachment.sha256, "size": attachment.size},
    )
    return attachment


# --- the lifecycle ----------------------------------------------------------------------------

_NOTICE = gettext_noop("您反映的“{topic}”所在的改造项目“{project}”：{state}")


def _state_label(value: str) -> str:
    return str(ProjectState(value).label) if value in ProjectState.values else value


@transaction.atomic
def project_transition(*, actor: User, project: Project, to_state: str, note: str = "") -> Project:
    """Move the project one step: forward only when every check of `requirements` for that
    step holds (the refusal lists, in Chinese, each one missing); back to design or cancelled
    only with the reason. The residents behind its topics are told."""
    require(actor, "renewal.manage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    allowed = PROJECT_TRANSITIONS.get(project.state, ())
    if to_state not in allowed:
        raise ValidationError(
            {
                "to_state": _("项目当前为“{now}”，不能改为“{to}”。").format(
                    now=project.get_state_display(), to=_state_label(to_state)
                )
            }
        )
    going_back = to_state == ProjectState.CANCELLED or (
        to_state in LIFECYCLE and LIFECYCLE.index(to_state) < LIFECYCLE.index(project.state)
    )
    problems: dict[str, str] = {}
    note = text(
        note,
        "note",
        problems,
        label=_("撤销或退回的理由") if going_back else _("说明"),
        most=2000,
        required=going_back,
        multiline=True,
    )
    fail(problems)
    facts = requirements.facts_of(project)
    checked = []
    if not going_back:
        missing = requirements.missing(facts, to_state)
        if missing:
            header = _("项目还不能改为“{to}”，缺少以下条件：").format(to=_state_label(to_state))
            raise ValidationError({"to_state": [header, *missing]})
        checked = [c.code for c in requirements.check(facts, to_state)]
    before = project.state
    project.state = to_state
    project.state_changed_at = timezone.now()
    today = timezone.localdate()
    if to_state == ProjectState.CONSTRUCTION and project.started_on is None:
        project.started_on = today
    if to_state == ProjectState.ACCEPTED:
        project.accepted_on = today
    if to_state == ProjectState.CANCELLED:
        project.cancel_reason = note
    project.save()
    event(
        project,
        actor,
        EventKind.STATE,
        from_state=before,
        to_state=to_state,
        note=note,
        data={"checked": checked},
    )
    audit_log(
        actor=actor,
        action="renewal.project_transition",
        obj=project,
        changes={"state": [before, to_state], "note": note, "checked": checked},
    )
    _tell_residents(project)
    return project


def _tell_residents(project: Project) -> None:
    """Each resident whose voice is in one of the project's topics hears where it stands."""
    for topic in project.topics.all().order_by("pk"):
        notify(
            voice_actions.authors_of(topic),
            title=_(_NOTICE).format(
                topic=topic.title, project=project.title, state=project.get_state_display()
            ),
            url=reverse("renewal:portal_project", kwargs={"pk": project.pk}),
        )
