"""Meetings where things are decided (议事与决策).

For now: on-site office meetings (现场办公会), contact days (社情民意联系日), evening talks
(夜话) and courtyard meetings (坝坝会), with who attended, which topics were raised and, for each
decision, the responsible party (责任方), the solution and a deadline. A decision also lands on
its topic (state "decided", with the same party, solution and deadline) so that it is tracked
until the case-work issue turns decisions into cases.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped


class MeetingKind(models.TextChoices):
    ONSITE = "onsite", _("现场办公会")
    CONTACT_DAY = "contact_day", _("社情民意联系日")
    EVENING_TALK = "evening_talk", _("夜话")
    COURTYARD = "courtyard", _("坝坝会")


class Meeting(TimeStamped):
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices)
    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="meetings"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("会议名称"), max_length=120)
    held_on = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=120)
    minutes = models.TextField(_("纪要"), blank=True)
    topics = models.ManyToManyField(
        "voices.Topic", verbose_name=_("议题"), blank=True, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {
        "district": "street__district_id",
        "street": "street_id",
        "community": "community_id",
        "compound": "compound_id",
        "building": "compound__buildings",
        "grid": "compound__grids",
    }

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class AttendeeKind(models.TextChoices):
    STAFF = "staff", _("街道社区工作人员")
    DEPARTMENT = "department", _("职能部门")
    PROPERTY = "property", _("物业公司")
    RESIDENT = "resident", _("居民代表")
    OTHER = "other", _("其他单位")


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    kind = models.CharField(_("身份"), max_length=16, choices=AttendeeKind.choices)
    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("单位或部门"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("参会人")
        verbose_name_plural = _("参会人")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.name


class Decision(TimeStamped):
    """One decision of a meeting on one topic: who does what by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    topic = models.ForeignKey(
        "voices.Topic", on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    responsible_party = models.CharField(_("责任方"), max_length=120)
    solution = models.TextField(_("解决办法"))
    deadline = models.DateField(_("完成时限"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("会议决定")
        verbose_name_plural = _("会议决定")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.topic} → {self.responsible_party}"
