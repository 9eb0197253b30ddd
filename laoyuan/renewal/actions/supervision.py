"""Writes of resident supervision and acceptance (居民监督与验收): volunteers sign up (or are
recorded by staff), the supervision group is drawn in public or elected, inspections are
recorded with photos and the problems they find, members sign the acceptance, and the
residents' satisfaction survey is opened, answered (one answer per household) and closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.photos import clean_photo
from laoyuan.core.scopes import assignments_of
from laoyuan.registry.models import Household, Resident
from laoyuan.renewal import draw as draw_math
from laoyuan.renewal.actions.common import event, fail, plausible_date, require, text
from laoyuan.renewal.actions.rectification import rectification_new
from laoyuan.renewal.models import (
    AnswerChannel,
    EventKind,
    GroupMember,
    GroupMethod,
    Inspection,
    InspectionPhoto,
    MemberRole,
    Origin,
    Project,
    ProjectState,
    Satisfaction,
    SignOff,
    SupervisionGroup,
    Survey,
    SurveyAnswer,
    Volunteer,
    VolunteerVia,
)
from laoyuan.voices.engine.text import redact

MAX_PHOTOS = 9
MAX_PROBLEMS = 30
MAX_SEATS = 15
# Supervision happens while a project is planned and built; after acceptance it is over.
SUPERVISED_STATES = (
    ProjectState.DECIDED,
    ProjectState.PUBLISHED,
    ProjectState.FUNDED,
    ProjectState.TENDERING,
    ProjectState.CONSTRUCTION,
)


def _not_over(project: Project) -> None:
    if project.state in (ProjectState.CANCELLED, ProjectState.ACCEPTED, ProjectState.MAINTENANCE):
        raise ValidationError(
            _("项目当前为“{state}”，不能再报名或调整监督小组。").format(
                state=project.get_state_display()
            )
        )


def _add_volunteer(project: Project, resident: Resident, via: str, actor: User) -> Volunteer:
    if resident.compound_id != project.compound_id or not resident.is_active:
        raise ValidationError({"resident": _("只有本小区在住的居民才能报名监督。")})
    if Volunteer.objects.filter(project=project, resident=resident).exists():
        raise ValidationError({"resident": _("{name}已经报名了。").format(name=resident.name)})
    # Numbers are given under the project's row lock, so two sign-ups never share one.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    last = Volunteer.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
    return Volunteer.objects.create(
        project=project, resident=resident, number=last + 1, via=via, recorded_by=actor
    )


@transaction.atomic
def volunteer_add(*, actor: User, project: Project, resident: Resident) -> Volunteer:
    """Staff record a resident who offered to supervise (e.g. at a courtyard meeting)."""
    require(actor, "renewal.manage", project)
    _not_over(project)
    volunteer = _add_volunteer(project, resident, VolunteerVia.STAFF, actor)
    event(
        project,
        actor,
        EventKind.SUPERVISION,
        note=_("登记监督志愿者（{n}号）").format(n=volunteer.number),
        data={"volunteer": volunteer.pk},
    )
    audit_log(actor=actor, action="renewal.volunteer_add", obj=volunteer)
    return volunteer


def own_residents(user: User) -> list[Resident]:
    """The residents a portal account speaks for."""
    ids = [a.resident_id for a in assignments_of(user) if a.role == "resident" and a.resident_id]
    return list(Resident.objects.filter(pk__in=ids).order_by("pk"))


def own_households(user: User) -> list[Household]:
    ids = [a.household_id for a in assignments_of(user) if a.role == "resident"]
    return list(Household.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def volunteer_signup(*, actor: User, project: Project) -> Volunteer:
    """A resident signs herself up on the portal to supervise a project of her compound."""
    require(actor, "portal.renewal", project)
    _not_over(project)
    mine = [r for r in own_residents(actor) if r.compound_id == project.compound_id]
    if not mine:
        raise PermissionDenied("portal.renewal")
    volunteer = _add_volunteer(project, mine[0], VolunteerVia.PORTAL, actor)
    event(
        project,
        actor,
        EventKind.SUPERVISION,
        note=_("居民线上报名监督（{n}号）").format(n=volunteer.number),
        data={"volunteer": volunteer.pk},
    )
    audit_log(actor=actor, action="renewal.volunteer_signup", obj=volunteer)
    return volunteer


def _group_fields(
    project: Project, formed_on: dt.date | None, problems: dict[str, str]
) -> dt.date | None:
    if SupervisionGroup.objects.filter(project=project).exists():
        problems["group"] = _("这个项目的监督小组已经成立。")
    day = plausible_date(formed_on, "formed_on", problems, label=_("成立日期"))
    if day and day > timezone.localdate():
        problems["formed_on"] = _("成立日期不能晚于今天。")
    return day


@transaction.atomic
def group_draw(
    *,
    actor: User,
    project: Project,
    seats: int | None,
    seed: str,
    witnesses: str,
    formed_on: dt.date | None,
) -> SupervisionGroup:
    """Form the supervision group by a public draw (公开抽签) among the volunteers: the seed and
    the witnesses are recorded with every candidate's key (renewal.draw), so the draw can be
    run again by anyone."""
    require(actor, "renewal.manage", project)
    _not_over(project)
    problems: dict[str, str] = {}
    day = _group_fields(project, formed_on, problems)
    seed = text(seed, "seed", problems, label=_("抽签种子"), most=draw_math.MAX_SEED_CHARS)
    witnesses = text(witnesses, "witnesses", problems, label=_("见证人"), most=300)
    candidates = list(Volunteer.objects.filter(project=project).order_by("number"))
    if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= MAX_SEATS:
        problems["seats"] = _("名额应为1到{n}人。").format(n=MAX_SEATS)
    elif len(candidates) <= seats:
        problems["seats"] = _("报名的志愿者（{n}人）不多于名额，无须抽签，请直接推选。").format(
            n=len(candidates)
        )
    fail(problems)
    tickets = draw_math.run_draw(seed, [v.number for v in candidates], seats)
    by_number = {v.number: v for v in candidates}
    group = SupervisionGroup.objects.create(
        project=project,
        method=GroupMethod.DRAWN,
        formed_on=day,
        seats=seats,
        seed=seed,
        witnesses=witnesses,
        draw=[
            {
                "number": t.number,
                "volunteer": by_number[t.number].pk,
                "key": t.key,
                "chosen": t.chosen,
            }
            for t in tickets
        ],
        created_by=actor,
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=group, volunteer=by_number[t.number]) for t in tickets if t.chosen
    )
    event(
        project,
        actor,
        EventKind.SUPERVISION,
        note=_("公开抽签成立监督小组：{n}名志愿者中抽出{seats}名，见证人{witnesses}").format(
            n=len(candidates), seats=seats, witnesses=witnesses
        ),
        data={"group": group.pk, "seed": seed},
    )
    audit_log(
        actor=actor,
        action="renewal.group_draw",
        obj=group,
        changes={"seed": seed, "seats": seats, "candidates": len(candidates)},
    )
    return group


@transaction.atomic
def group_elect(
    *,
    actor: User,
    project: Project,
    volunteers: Sequence[Volunteer],
    leader: Volunteer | None,
    formed_on: dt.date | None,
) -> SupervisionGroup:
    """Form the supervision group from volunteers the residents elected (居民推选)."""
    require(actor, "renewal.manage", project)
    _not_over(project)
    problems: dict[str, str] = {}
    day = _group_fields(project, formed_on, problems)
    chosen = list(dict.fromkeys(volunteers))
    if not chosen:
        problems["volunteers"] = _("请选择监督小组成员。")
    elif len(chosen) > MAX_SEATS:
        problems["volunteers"] = _("监督小组最多{n}人。").format(n=MAX_SEATS)
    if any(v.project_id != project.pk for v in chosen):
        problems["volunteers"] = _("只能从本项目的志愿者中选。")
    if leader is not None and leader not in chosen:
        problems["leader"] = _("组长须是所选成员之一。")
    fail(problems)
    group = SupervisionGroup.objects.create(
        project=project,
        method=GroupMethod.ELECTED,
        formed_on=day,
        seats=len(chosen),
        created_by=actor,
    )
    GroupMember.objects.bulk_create(
        GroupMember(
            group=group,
            volunteer=v,
            role=MemberRole.LEADER if v == leader else MemberRole.MEMBER,
        )
        for v in chosen
    )
    event(
        project,
        actor,
        EventKind.SUPERVISION,
        note=_("居民推选成立监督小组，{n}名成员").format(n=len(chosen)),
        data={"group": group.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.group_elect",
        obj=group,
        changes={"members": [v.pk for v in chosen]},
    )
    return group


@transaction.atomic
def group_set_leader(*, actor: User, member: GroupMember) -> GroupMember:
    """Name the group's leader (组长), e.g. chosen by the members after a draw."""
    require(actor, "renewal.manage", member)
    project = member.group.project
    _not_over(project)
    GroupMember.objects.filter(group=member.group).update(role=MemberRole.MEMBER)
    GroupMember.objects.filter(pk=member.pk).update(role=MemberRole.LEADER)
    member.role = MemberRole.LEADER
    event(
        project,
        actor,
        EventKind.SUPERVISION,
        note=_("监督小组组长：{name}").format(name=member.volunteer.resident.name),
        data={"member": member.pk},
    )
    audit_log(actor=actor, action="renewal.group_leader", obj=member)
    return member


# --- inspections ------------------------------------------------------------------------------


@dataclass
class ProblemEntry:
    """A problem an inspection found: what, where, who fixes it, within how many working days."""

    title: str
    responsible_party: str
    work_days: int | None
    location: str = ""
    description: str = ""


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    project: Project,
    inspected_on: dt.date | None,
    inspectors: str,
    findings: str,
    photos: Sequence[UploadedFile] = (),
    problems: Sequence[ProblemEntry] = (),
) -> Inspection:
    """Record a supervision inspection (监督检查): findings, photos (re-encoded without EXIF,
    sealed) and each problem found as a rectification item with its deadline."""
    require(actor, "renewal.inspect", project)
    if project.state not in SUPERVISED_STATES:
        raise ValidationError(
            _("项目当前为“{state}”，不在监督检查的阶段。").format(state=project.get_state_display())
        )
    errors: dict[str, str] = {}
    day = plausible_date(inspected_on, "inspected_on", errors, label=_("检查日期"))
    if day and day > timezone.localdate():
        errors["inspected_on"] = _("检查日期不能晚于今天。")
    inspectors = text(inspectors, "inspectors", errors, label=_("检查人"), most=200)
    findings = text(findings, "findings", errors, label=_("检查情况"), most=5000, multiline=True)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("最多上传{n}张照片。").format(n=MAX_PHOTOS)
    if len(problems) > MAX_PROBLEMS:
        errors["problems"] = _("一次最多记录{n}个问题。").format(n=MAX_PROBLEMS)
    fail(errors)
    cleaned = [clean_photo(p) for p in photos]
    inspection = Inspection.objects.create(
        project=project,
        inspected_on=day,
        inspectors=inspectors,
        findings=findings,
        recorded_by=actor,
    )
    for content, width, height in cleaned:
        photo = InspectionPhoto(inspection=inspection, width=width, height=height)
        photo.image.save(content.name, content, save=False)
        photo.save()
    for i, p in enumerate(problems, start=1):
        try:
            rectification_new(
                actor=actor,
                compound=project.compound,
                origin=Origin.INSPECTION,
                title=p.title,
                description=p.description,
                location=p.location,
                responsible_party=p.responsible_party,
                found_on=day,
                work_days=p.work_days,
                project=project,
                inspection=inspection,
            )
        except ValidationError as exc:
            messages = [m for msgs in exc.message_dict.values() for m in msgs]
            raise ValidationError(
                {"problems": _("第{i}个问题：{m}").format(i=i, m="；".join(messages))}
            ) from exc
    event(
        project,
        actor,
        EventKind.INSPECTION,
        note=_("监督检查（{date}）：发现{n}个问题").format(date=day, n=len(problems)),
        data={"inspection": inspection.pk, "photos": len(cleaned)},
    )
    audit_log(
        actor=actor,
        action="renewal.inspection_record",
        obj=inspection,
        changes={"problems": len(problems), "photos": len(cleaned)},
    )
    return inspection


# --- acceptance -------------------------------------------------------------------------------


def _signable(project: Project) -> None:
    if project.state != ProjectState.CONSTRUCTION:
        raise ValidationError(
            _("只有施工中的项目才能签字验收（当前为“{state}”）。").format(
                state=project.get_state_display()
            )
        )


def _sign(actor: User, project: Project, member: GroupMember, agrees: bool, remark: str):
    problems: dict[str, str] = {}
    remark = text(remark, "remark", problems, label=_("意见"), most=300, required=not agrees)
    if not agrees and not remark:
        problems["remark"] = _("不同意验收，请写明原因。")
    if member.group.project_id != project.pk:
        problems["member"] = _("不是本项目监督小组的成员。")
    elif SignOff.objects.filter(member=member).exists():
        problems["member"] = _("{name}已经签过字了。").format(name=member.volunteer.resident.name)
    fail(problems)
    signoff = SignOff.objects.create(
        project=project, member=member, agrees=agrees, remark=remark, recorded_by=actor
    )
    event(
        project,
        actor,
        EventKind.ACCEPTANCE,
        note=_("监督小组成员{name}签字：{opinion}").format(
            name=member.volunteer.resident.name,
            opinion=_("同意验收") if agrees else _("不同意验收"),
        )
        + (f"（{remark}）" if remark else ""),
        data={"signoff": signoff.pk},
    )
    audit_log(
        actor=actor,
        action="renewal.signoff",
        obj=signoff,
        changes={"agrees": agrees, "remark": remark},
    )
    return signoff


@transaction.atomic
def signoff_record(
    *, actor: User, project: Project, member: GroupMember, agrees: bool, remark: str = ""
) -> SignOff:
    """Staff record a member's signature from the paper acceptance form (验收签字表)."""
    require(actor, "renewal.manage", project)
    _signable(project)
    return _sign(actor, project, member, agrees, remark)


@transaction.atomic
def signoff_mine(*, actor: User, project: Project, agrees: bool, remark: str = "") -> SignOff:
    """A member of the supervision group signs the acceptance on her portal."""
    require(actor, "portal.renewal", project)
    member = (
        GroupMember.objects.filter(
            group__project=project, volunteer__resident__in=own_residents(actor)
        )
        .select_related("group", "volunteer__resident")
        .first()
    )
    if member is None:
        raise PermissionDenied("portal.renewal")
    _signable(project)
    return _sign(actor, project, member, agrees, remark)


@transaction.atomic
def survey_open(*, actor: User, project: Project, closes_on: dt.date | None) -> Survey:
    """Open the residents' satisfaction survey (满意度调查): the resident accounts of the
    project's households are told (a background task, tasks.survey_invite)."""
    require(actor, "renewal.manage", project)
    _signable(project)
    problems: dict[str, str] = {}
    closes_on = plausible_date(closes_on, "closes_on", problems, label=_("截止日期"))
    if closes_on and closes_on < timezone.localdate():
        problems["closes_on"] = _("截止日期不能早于今天。")
    if Survey.objects.filter(project=project).exists():
        problems["closes_on"] = _("这个项目的满意度调查已经开始了。")
    fail(problems)
    survey = Survey.objects.create(
        project=project, opened_at=timezone.now(), closes_on=closes_on, opened_by=actor
    )
    event(
        project,
        actor,
        EventKind.SURVEY,
        note=_("开始居民满意度调查，{date}截止").format(date=closes_on),
        data={"survey": survey.pk},
    )
    audit_log(actor=actor, action="renewal.survey_open", obj=survey, changes={"closes": closes_on})
    from laoyuan.renewal.tasks import survey_invite

    transaction.on_commit(lambda: survey_invite.enqueue(survey.pk))
    return survey


@transaction.atomic
def survey_answer(
    *,
    actor: User,
    survey: Survey,
    household: Household,
    choice: str,
    comment: str = "",
    channel: str = AnswerChannel.PORTAL,
) -> SurveyAnswer:
    """One household's answer (每户一份): on the portal for her own household, or a paper
    answer entered by staff. A household answers once."""
    # Read again (locked): the survey may have closed since the caller loaded it.
    survey = Survey.objects.select_for_update().select_related("project").get(pk=survey.pk)
    project = survey.project
    if channel == AnswerChannel.PORTAL:
        require(actor, "portal.renewal", project)
        if household.pk not in {h.pk for h in own_households(actor)}:
            raise PermissionDenied("portal.renewal")
    else:
        require(actor, "renewal.manage", project)
    problems: dict[str, str] = {}
    if survey.closed_at is not None or timezone.localdate() > survey.closes_on:
        problems["choice"] = _("满意度调查已经结束了。")
    if choice not in Satisfaction.values:
        problems["choice"] = _("请选择满意、基本满意或不满意。")
    comment = text(
        comment, "comment", problems, label=_("意见建议"), most=500, required=False, multiline=True
    )
    if household.compound_id != project.compound_id:
        problems["household"] = _("这户不在本项目的小区。")
    elif SurveyAnswer.objects.filter(survey=survey, household=household).exists():
        problems["household"] = _("这户已经答过了，每户只答一次。")
    fail(problems)
    answer = SurveyAnswer.objects.create(
        survey=survey,
        household=household,
        choice=choice,
        comment=redact(comment),
        channel=channel,
        answered_by=actor,
    )
    audit_log(
        actor=actor,
        action="renewal.survey_answer",
        obj=answer,
        changes={"channel": channel, "household": household.pk},
    )
    return answer


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    """Close the survey (its results are final from then on)."""
    require(actor, "renewal.manage", survey.project)
    survey = Survey.objects.select_for_update().select_related("project").get(pk=survey.pk)
    if survey.closed_at is not None:
        raise ValidationError(_("满意度调查已经结束了。"))
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at", "updated_at"])
    n = survey.answers.count()
    event(
        survey.project,
        actor,
        EventKind.SURVEY,
        note=_("结束居民满意度调查，共{n}户作答").format(n=n),
        data={"survey": survey.pk},
    )
    audit_log(actor=actor, action="renewal.survey_close", obj=survey, changes={"answers": n})
    return survey
