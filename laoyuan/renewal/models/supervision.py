"""Residents supervise and accept (居民监督与验收): volunteers (志愿者) for a project's supervision
group (改造监督小组), the group itself (drawn in public or elected), its inspections (监督检查)
with photos, its members' sign-off (验收签字) and the residents' satisfaction survey (满意度调查).
Problems an inspection finds are rectification items (renewal.models.rectification).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.storage import sealed_storage
from laoyuan.renewal.models.projects import Project, place_paths


class VolunteerVia(models.TextChoices):
    PORTAL = "portal", _("居民本人线上报名")
    STAFF = "staff", _("工作人员登记")


class Volunteer(TimeStamped):
    """A resident who offered to supervise a project; `number` is her place in the list of
    candidates of a public draw (报名序号), given in the order of signing up."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="volunteers")
    resident = models.ForeignKey("registry.Resident", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("报名序号"))
    via = models.CharField(_("报名方式"), max_length=8, choices=VolunteerVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("监督志愿者")
        verbose_name_plural = _("监督志愿者")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "resident"], name="volunteer_once"),
            models.UniqueConstraint(fields=["project", "number"], name="volunteer_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.resident}"


class GroupMethod(models.TextChoices):
    DRAWN = "drawn", _("公开抽签")
    ELECTED = "elected", _("居民推选")


class SupervisionGroup(TimeStamped):
    """The residents' supervision group (改造监督小组) of a project. A public draw records its
    seed, its witnesses and the candidates as they stood, so anyone can run it again
    (renewal.draw) and get the same members."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="group")
    method = models.CharField(_("产生方式"), max_length=8, choices=GroupMethod.choices)
    formed_on = models.DateField(_("成立日期"))
    seats = models.PositiveSmallIntegerField(_("名额"))
    seed = models.CharField(_("抽签种子"), max_length=100, blank=True)
    witnesses = models.CharField(_("见证人"), max_length=300, blank=True)
    # [{"number": 3, "volunteer": 17, "key": "9f…"}] as drawn, in the order of the candidates.
    draw = models.JSONField(_("抽签记录"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("改造监督小组")
        verbose_name_plural = _("改造监督小组")

    def __str__(self) -> str:
        return f"{self.project} · {self.get_method_display()}"


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("组员")


class GroupMember(TimeStamped):
    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="members")
    volunteer = models.OneToOneField(Volunteer, on_delete=models.PROTECT, related_name="member")
    role = models.CharField(
        _("职务"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    scope_paths = place_paths("group__project__")

    class Meta:
        verbose_name = _("监督小组成员")
        verbose_name_plural = _("监督小组成员")
        ordering = ["group", "volunteer__number"]

    def __str__(self) -> str:
        return str(self.volunteer.resident)


class Inspection(TimeStamped):
    """One supervision inspection (监督检查) during construction: when, who, what was found."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人"), max_length=200)
    findings = models.TextField(_("检查情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.inspected_on:%Y-%m-%d} {self.project}"


def _photo_upload_to(photo: InspectionPhoto, filename: str) -> str:
    return f"renewal/inspections/{photo.inspection.project_id}/{uuid.uuid4().hex}.jpg"


class InspectionPhoto(TimeStamped):
    """A photo taken at an inspection: re-encoded on upload (no EXIF, so no position) and
    sealed at rest like every photo that may show a person or a home."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("照片"), upload_to=_photo_upload_to, storage=sealed_storage, max_length=200
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    scope_paths = place_paths("inspection__project__")

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.image.name


class SignOff(TimeStamped):
    """A member of the supervision group signs the acceptance (验收签字): agrees or not, with a
    remark. Once signed it stays: a change of mind is a remark in the timeline, not an edit."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signoffs")
    member = models.OneToOneField(GroupMember, on_delete=models.PROTECT, related_name="signoff")
    agrees = models.BooleanField(_("同意验收"))
    remark = models.CharField(_("意见"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("验收签字")
        verbose_name_plural = _("验收签字")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.member} {'✓' if self.agrees else '✗'}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


SATISFIED_CHOICES = (Satisfaction.SATISFIED, Satisfaction.FAIRLY)


class Survey(TimeStamped):
    """The residents' satisfaction survey (满意度调查) at acceptance: one answer per household of
    the project's buildings (or of the compound when the project names none)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="survey")
    opened_at = models.DateTimeField(_("开始时间"))
    closes_on = models.DateField(_("截止日期"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {**place_paths("project__"), "household": "project__compound__households"}

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")

    def __str__(self) -> str:
        return str(self.project)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AnswerChannel(models.TextChoices):
    PORTAL = "portal", _("居民手机作答")
    PAPER = "paper", _("纸质问卷录入")


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices)
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    channel = models.CharField(_("作答方式"), max_length=8, choices=AnswerChannel.choices)
    answered_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("survey__project__")

    class Meta:
        verbose_name = _("满意度答卷")
        verbose_name_plural = _("满意度答卷")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "household"], name="one_answer_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.choice}"
