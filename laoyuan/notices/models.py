"""Public notices (公示): plans, vote results, budgets, projects, account statements and decisions
posted for a stated period on the bulletin board and online, with an objection window (异议).

A notice targets a place — a whole community (社区), a compound (小区) or some buildings (楼栋)
of one — and may point at the object it publishes (a topic, a meeting, later a vote, a project,
an account statement) through a generic relation. Its period runs from a start date for a
number of working days (工作日, holidays and 调休 counted by `core.workdays`) or calendar days
(自然日); the end date is computed once and stored.

A notice is written as a draft, published (then its title, body, period and attachments are
frozen: the posted document is what was posted), and closed by the system the day after its
period ends, with a closing record (结束记录) of how many objections there were, how many were
answered and how many remain unresolved; staff may withdraw it early with a reason. Residents
of the target place file objections online, staff record those received on paper, and staff
answer each; objections and answers are append-only. Every change of state is a NoticeEvent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.scopes import compound_wide_paths
from laoyuan.core.storage import sealed_storage

TITLE_MAX = 120
BODY_MAX = 20_000
ISSUER_MAX = 80
CONTACT_MAX = 200
OBJECTION_MAX = 2_000
ANSWER_MAX = 5_000
REASON_MAX = 1_000


def _place_paths(prefix: str = "") -> dict[str, str]:
    """A notice carries its community and street, so lists filter on indexed columns. Staff on
    a compound see its notices (a community-wide notice belongs to the community's staff);
    workers on a building or a grid see their whole compound's, as for topics."""
    return compound_wide_paths(prefix)


class NoticeKind(models.TextChoices):
    """What is published."""

    PLAN = "plan", _("方案")
    VOTE_RESULT = "vote_result", _("表决结果")
    BUDGET = "budget", _("预算")
    PROJECT = "project", _("项目")
    ACCOUNT = "account", _("收支账目")
    DECISION = "decision", _("决定事项")
    OTHER = "other", _("其他")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")
    WITHDRAWN = "withdrawn", _("已撤回")


# Which state may follow which. A draft that is never published may be withdrawn (discarded);
# it then stays unpublished for ever (its public page is a 404). Closing is the system's.
NOTICE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    NoticeState.DRAFT: (NoticeState.PUBLISHED, NoticeState.WITHDRAWN),
    NoticeState.PUBLISHED: (NoticeState.CLOSED, NoticeState.WITHDRAWN),
    NoticeState.CLOSED: (),
    NoticeState.WITHDRAWN: (),
}
# States whose notice is on the public pages (a withdrawn one shows only that it was withdrawn).
PUBLIC_STATES = (NoticeState.PUBLISHED, NoticeState.CLOSED)


class TargetLevel(models.TextChoices):
    COMMUNITY = "community", _("全社区")
    COMPOUND = "compound", _("全小区")
    BUILDINGS = "buildings", _("部分楼栋")


class Notice(TimeStamped):
    """One public notice (公示)."""

    kind = models.CharField(_("公示类型"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    body = models.TextField(_("正文"))
    issuer = models.CharField(
        _("发布单位"), max_length=ISSUER_MAX, help_text=_("落款，如“沙河社区居民委员会”")
    )
    objection_contact = models.CharField(
        _("书面异议受理"),
        max_length=CONTACT_MAX,
        blank=True,
        help_text=_("书面异议交到哪里，如“五福苑党群服务站（1栋旁）”"),
    )
    # The target place (公示范围): the community always; the compound unless community-wide;
    # buildings only for a notice to some buildings of the compound.
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="notices"
    )
    compound = models.ForeignKey(
        "registry.Compound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    buildings = models.ManyToManyField(
        "registry.Building", verbose_name=_("楼栋"), blank=True, related_name="notices"
    )
    target_level = models.CharField(_("公示范围"), max_length=12, choices=TargetLevel.choices)
    # "五福苑 1栋、2栋": kept with the notice so lists need no join through its buildings.
    target_label = models.CharField(_("公示范围说明"), max_length=200)
    # What is published, in any app (a topic, a meeting, a vote, a project, a statement).
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # The subject's name when it was attached, for when it is gone or not the viewer's to see.
    subject_label = models.CharField(_("公示对象"), max_length=200, blank=True)
    # The period (公示期): both ends included; ends_on is computed from the days and the
    # calendar when the draft is saved and again when it is published.
    starts_on = models.DateField(_("开始日期"))
    period_days = models.PositiveSmallIntegerField(_("公示天数"))
    working_days = models.BooleanField(_("按工作日计算"), default=True)
    ends_on = models.DateField(_("结束日期"))
    # The period touched a year whose holidays and 调休 were not published when it was counted.
    calendar_provisional = models.BooleanField(_("按暂定日历计算"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_paths = _place_paths()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # The closing sweep: published notices whose period has ended.
            models.Index(fields=["state", "ends_on"]),
            # "Open now" in a place: published and ending today or later is the selective part;
            # the start is in the index too, so counting them reads the index only.
            models.Index(fields=["street", "state", "ends_on", "starts_on"]),
            models.Index(fields=["community", "state", "ends_on", "starts_on"]),
            models.Index(fields=["compound", "state", "ends_on", "starts_on"]),
            # Lists of a place, latest start first.
            models.Index(fields=["street", "starts_on"]),
            models.Index(fields=["community", "starts_on"]),
            models.Index(fields=["compound", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="notice_period_in_order",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="notice_target_has_compound",
                condition=models.Q(target_level="community", compound__isnull=True)
                | (~models.Q(target_level="community") & models.Q(compound__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES


class NoticeEventKind(models.TextChoices):
    CREATED = "created", _("起草")
    EDITED = "edited", _("修改草稿")
    ATTACHED = "attached", _("添加附件")
    DETACHED = "detached", _("删除附件")
    PUBLISHED = "published", _("发布")
    WITHDRAWN = "withdrawn", _("撤回")
    CLOSED = "closed", _("公示期满结束")


class NoticeEvent(models.Model):
    """The notice's own history, append-only: drafting, publishing, withdrawing, closing.
    Objections and answers are rows of their own (also append-only)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=NoticeEventKind.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind} {self.at:%Y-%m-%d}"


def _attachment_upload_to(attachment: NoticeAttachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"notices/{attachment.notice_id}/{uuid.uuid4().hex}.{ext}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", _("PDF 文件")
    IMAGE = "image", _("图片")
    XLSX = "xlsx", _("Excel 表格")
    DOCX = "docx", _("Word 文档")


class NoticeAttachment(TimeStamped):
    """A document posted with the notice (方案、预算表、效果图……). Its kind is read from its
    content, never from its name; pictures are re-encoded (no EXIF, so no GPS position). Files
    are sealed at rest like every upload that may name people, and served only through views
    that check the notice: staff in scope always, anyone once the notice is public."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("文件"), upload_to=_attachment_upload_to, storage=sealed_storage, max_length=200
    )
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("文件类型"), max_length=8, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = _place_paths("notice__")

    class Meta:
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")
        ordering = ["notice_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class ObjectionChannel(models.TextChoices):
    ONLINE = "online", _("线上提交")
    PAPER = "paper", _("书面提交")


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("待答复")
    FOLLOW_UP = "follow_up", _("核实中")
    RESOLVED = "resolved", _("已答复")


class AnswerOutcome(models.TextChoices):
    """What an answer does with the objection."""

    ADOPTED = "adopted", _("采纳")
    EXPLAINED = "explained", _("解释说明")
    FOLLOW_UP = "follow_up", _("正在核实")


# Which state an answer leads to; an objection can always be answered again (a further answer
# follows the earlier ones, none is edited away).
ANSWER_LEADS_TO = {
    AnswerOutcome.ADOPTED: ObjectionState.RESOLVED,
    AnswerOutcome.EXPLAINED: ObjectionState.RESOLVED,
    AnswerOutcome.FOLLOW_UP: ObjectionState.FOLLOW_UP,
}
OBJECTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ObjectionState.PENDING: (ObjectionState.FOLLOW_UP, ObjectionState.RESOLVED),
    ObjectionState.FOLLOW_UP: (ObjectionState.FOLLOW_UP, ObjectionState.RESOLVED),
    ObjectionState.RESOLVED: (ObjectionState.FOLLOW_UP, ObjectionState.RESOLVED),
}


class Objection(TimeStamped):
    """An objection (异议) to a notice: filed online by a resident of the target place, or
    received on paper and typed in by staff. Who objected is for staff only (a paper
    objector's phone sealed, shown masked, revealed only by a logged action); the public
    pages show the redacted text and the answers, never a name."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    channel = models.CharField(_("提交方式"), max_length=8, choices=ObjectionChannel.choices)
    # As voices: the redacted text is what every page shows; the text as given is sealed
    # when redaction changed it (a phone written into the text is never stored in clear).
    text_redacted = models.TextField(_("异议内容"))
    text_sealed = models.TextField(_("原文（加密）"), blank=True)
    objector_name = models.CharField(_("异议人"), max_length=60)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    received_on = models.DateField(_("收到日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    answered_at = models.DateTimeField(_("最近答复时间"), null=True, blank=True)

    scope_paths = _place_paths("notice__")

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        # By the key, not the notice: ordering "by notice" would join notices to sort by theirs.
        ordering = ["notice_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["notice", "state"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.text_redacted[:40]


class ObjectionAnswer(models.Model):
    """One answer (答复) to an objection; a further answer follows, none replaces another."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="answers")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答复内容"))
    outcome = models.CharField(_("处理结果"), max_length=12, choices=AnswerOutcome.choices)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)

    class Meta:
        verbose_name = _("异议答复")
        verbose_name_plural = _("异议答复")
        ordering = ["objection_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.outcome} {self.at:%Y-%m-%d}"


class NoticeClosing(models.Model):
    """The closing record (结束记录) of a notice whose period ended: how its objections stood at
    that moment. One per notice (the unique key is the last guard against closing twice)."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="closing")
    closed_at = models.DateTimeField(_("结束时间"))
    objections = models.PositiveIntegerField(_("异议条数"))
    answered = models.PositiveIntegerField(_("已答复条数"))
    unresolved = models.PositiveIntegerField(_("未办结条数"))

    class Meta:
        verbose_name = _("公示结束记录")
        verbose_name_plural = _("公示结束记录")

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.objections}/{self.answered}/{self.unresolved}"

    @property
    def all_resolved(self) -> bool:
        return self.unresolved == 0
