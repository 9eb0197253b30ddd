"""Meetings where things are decided (议事与决策), and owners' votes (业主表决).

Meetings: on-site office meetings (现场办公会), contact days (社情民意联系日), evening talks (夜话),
courtyard meetings (坝坝会), residents' deliberation meetings (居民议事会), owners' assemblies
(业主大会), owners' committee meetings (业委会会议) and joint meetings of committee, property
company and community (三方联席会). A meeting is recorded after it was held, or planned first:
planned → held (or cancelled), each change a `MeetingEvent`. A planned meeting has an agenda
(议程, items linked to topics) and its notice (会议通知: when it went out, how, where it was
posted); an owners' assembly must be noticed at least 15 days ahead (物业管理条例 art. 14).
Attendance is typed in from the paper sign-in sheet or signed on a resident's phone; minutes
(纪要) and resolutions (决议) are recorded once it is held. A resolution updates topics (each a
`Decision`: responsible party 责任方, solution, deadline; the topic becomes "decided") or puts a
matter to an owners' vote.

The votes themselves live in `laoyuan.decisions.votes` (models imported at the end of this file).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.scopes import compound_wide_paths


class MeetingKind(models.TextChoices):
    ONSITE = "onsite", _("现场办公会")
    CONTACT_DAY = "contact_day", _("社情民意联系日")
    EVENING_TALK = "evening_talk", _("夜话")
    COURTYARD = "courtyard", _("坝坝会")
    DELIBERATION = "deliberation", _("居民议事会")
    OWNERS_ASSEMBLY = "owners_assembly", _("业主大会")
    COMMITTEE = "committee", _("业委会会议")
    JOINT = "joint", _("三方联席会")


# An owners' assembly is only valid when it was planned and noticed in time: it is never
# recorded after the fact without its notice (see plan_actions).
NOTICE_REQUIRED_KINDS = frozenset({MeetingKind.OWNERS_ASSEMBLY})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")  # date set, agenda and notice may follow
    HELD = "held", _("已召开")  # attendance, minutes and resolutions recorded
    CANCELLED = "cancelled", _("已取消")  # called off, with the reason


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


class Meeting(TimeStamped):
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices)
    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="meetings"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("会议名称"), max_length=120)
    # The date it was held, or, while planned, the date it is planned for.
    held_on = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    # A meeting of some buildings' owners or residents only (a lift for one building); empty
    # for the whole compound.
    buildings = models.ManyToManyField(
        "registry.Building", verbose_name=_("涉及楼栋"), blank=True, related_name="+"
    )
    place = models.CharField(_("地点"), max_length=120)
    minutes = models.TextField(_("纪要"), blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    topics = models.ManyToManyField(
        "voices.Topic", verbose_name=_("议题"), blank=True, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {
        **compound_wide_paths(),
        # Residents see the meetings of their compound (to sign in on the day).
        "household": "compound__households",
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


class SignIn(models.TextChoices):
    """How an attendee came to be on the list."""

    RECORDED = "recorded", _("会后记录")
    PAPER = "paper", _("纸质签到")
    PHONE = "phone", _("手机签到")


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    kind = models.CharField(_("身份"), max_length=16, choices=AttendeeKind.choices)
    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("单位或部门"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_in = models.CharField(
        _("签到方式"), max_length=12, choices=SignIn.choices, default=SignIn.RECORDED
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("参会人")
        verbose_name_plural = _("参会人")
        ordering = ["meeting", "id"]
        constraints = [
            # A resident signs in once, however often she taps the button.
            models.UniqueConstraint(
                fields=["meeting", "resident"],
                condition=models.Q(resident__isnull=False),
                name="attendee_resident_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Decision(TimeStamped):
    """One decision of a meeting on one topic: who does what by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    resolution = models.ForeignKey(
        "Resolution",
        verbose_name=_("决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
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


class MeetingEventKind(models.TextChoices):
    PLANNED = "planned", _("计划会议")
    CHANGED = "changed", _("修改时间地点")
    NOTICED = "noticed", _("发出通知")
    HELD = "held", _("召开")
    CANCELLED = "cancelled", _("取消")
    MINUTES = "minutes", _("修改纪要")


class MeetingEvent(models.Model):
    """The meeting's history, append-only: planned, changed, noticed, held or cancelled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=MeetingEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.kind}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda (议程), often one of the compound's topics."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议程"), max_length=200)
    topic = models.ForeignKey(
        "voices.Topic",
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class NoticeChannel(models.TextChoices):
    BOARD = "board", _("公告栏张贴")
    WECHAT = "wechat", _("业主微信群")
    SMS = "sms", _("短信")
    DOOR = "door", _("入户送达")
    PHONE = "phone", _("电话通知")
    BROADCAST = "broadcast", _("小区广播")
    ONLINE = "online", _("老院平台")


class MeetingNotice(models.Model):
    """The notice of a meeting (会议通知): when it went out, how, where it was posted, and the
    date it announced. Never edited: a correction or a new date is a new notice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="notices")
    noticed_on = models.DateField(_("通知日期"))
    for_date = models.DateField(_("通知的会议日期"))
    for_time = models.TimeField(_("通知的开始时间"), null=True, blank=True)
    channels = models.JSONField(_("通知方式"), default=list)
    posted_where = models.CharField(_("张贴地点"), max_length=200, blank=True)
    text = models.TextField(_("通知内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议通知")
        verbose_name_plural = _("会议通知")
        ordering = ["meeting", "noticed_on", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.noticed_on:%Y-%m-%d}"

    def channel_labels(self) -> list[str]:
        return [str(NoticeChannel(c).label) for c in self.channels if c in NoticeChannel.values]


class ResolutionKind(models.TextChoices):
    TOPICS = "topics", _("决定议题（责任方、办法、时限）")
    VOTE = "vote", _("提交业主表决")
    NOTICE = "notice", _("公示决定事项")
    RECORD = "record", _("其他决议")


class Resolution(TimeStamped):
    """A resolution (决议) adopted at a held meeting: it decides topics (its `decisions`), puts
    a matter to an owners' vote (its `vote`), publishes what was decided as a public notice
    (公示, its `notice`), or is recorded as it was adopted."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=12, choices=ResolutionKind.choices)
    text = models.TextField(_("决议内容"))
    notice = models.OneToOneField(
        "notices.Notice",
        verbose_name=_("公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolution",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="resolution_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}-{self.number} {self.text[:40]}"


# Owners' votes (业主表决) are models of this app too.
from laoyuan.decisions.votes.models import *  # noqa: E402, F403
