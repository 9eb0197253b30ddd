"""Residents' voices (社情民意) and the topics (议题) they are grouped into.

A voice is one thing one person said, once, through one channel: its text, who said it (or
anonymous), where, when, how it reached us, and the category proposed by the engine and
confirmed or corrected by staff. Near-duplicate voices are grouped into a topic; a topic moves
from open through deliberation to a decision and an outcome (a case, the project library, an
answer, or a reasoned rejection). Voices are never deleted and never lose their topic: a merge
re-points the voices of the merged topic and leaves it as a tombstone pointing to the topic it
went into; a split moves some voices into a new topic. Every change is a TopicEvent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.scopes import compound_wide_paths
from laoyuan.core.storage import sealed_storage

# Longest text one voice may hold (the engine's own limit: text.MAX_CHARS).
VOICE_MAX_CHARS = 5000


def _place_paths(prefix: str = "") -> dict[str, str]:
    """Voices and topics belong to a compound and carry its community and street, so that a
    street's funnel filters on an indexed column instead of joining up the tree; topics are
    compound-wide."""
    return compound_wide_paths(prefix)


class Channel(models.TextChoices):
    """How a voice reached us (渠道)."""

    ONLINE = "online", _("线上提交")
    VISIT = "visit", _("入户走访")
    COURTYARD = "courtyard", _("坝坝会")
    EVENING_TALK = "evening_talk", _("夜话")
    CONTACT_DAY = "contact_day", _("社情民意联系日")
    ONSITE_MEETING = "onsite_meeting", _("现场办公会")
    PHONE = "phone", _("电话")
    QUESTIONNAIRE = "questionnaire", _("问卷")
    HOTLINE = "hotline", _("12345热线")


class CategorySource(models.TextChoices):
    NONE = "", _("未归类")
    RULES = "rules", _("系统建议（关键词）")
    MODEL = "model", _("系统建议（模型）")
    CONFIRMED = "confirmed", _("人工确认")
    CORRECTED = "corrected", _("人工更正")


class TopicState(models.TextChoices):
    OPEN = "open", _("待议")
    DELIBERATION = "deliberation", _("协商中")
    DECIDED = "decided", _("已决定")
    CASE = "case", _("已转工单")
    PROJECT = "project", _("已入项目库")
    ANSWERED = "answered", _("已答复办结")
    REJECTED = "rejected", _("不予采纳")
    MERGED = "merged", _("已并入其他议题")


# Which state may follow which (the merge tombstone is reached only by a merge).
TOPIC_TRANSITIONS: dict[str, tuple[str, ...]] = {
    TopicState.OPEN: (
        TopicState.DELIBERATION,
        TopicState.DECIDED,
        TopicState.ANSWERED,
        TopicState.REJECTED,
    ),
    TopicState.DELIBERATION: (
        TopicState.DECIDED,
        TopicState.ANSWERED,
        TopicState.REJECTED,
        TopicState.OPEN,
    ),
    TopicState.DECIDED: (TopicState.CASE, TopicState.PROJECT, TopicState.ANSWERED),
    TopicState.CASE: (),
    TopicState.PROJECT: (),
    TopicState.ANSWERED: (),
    TopicState.REJECTED: (),
    TopicState.MERGED: (),
}
# Topics a resident may still add her voice to, and which the similar lookup offers.
LIVE_STATES = (TopicState.OPEN, TopicState.DELIBERATION, TopicState.DECIDED)
# Topics that have been decided, whatever came of the decision (the funnel's third step).
DECIDED_STATES = (TopicState.DECIDED, TopicState.CASE, TopicState.PROJECT, TopicState.ANSWERED)
FINAL_STATES = (TopicState.CASE, TopicState.PROJECT, TopicState.ANSWERED, TopicState.REJECTED)


class StreetTaxonomy(TimeStamped):
    """A street's own copy of the two-level taxonomy (分类目录), in the JSON shape of
    voices/data/taxonomy.json. Streets without one use the shipped default."""

    street = models.OneToOneField(
        "registry.Street", on_delete=models.CASCADE, related_name="taxonomy"
    )
    data = models.JSONField(_("分类目录"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {"district": "street__district_id", "street": "street_id"}

    class Meta:
        verbose_name = _("街道分类目录")
        verbose_name_plural = _("街道分类目录")

    def __str__(self) -> str:
        return f"{self.street} v{self.version}"


class Topic(TimeStamped):
    """A topic (议题): one concern of a compound, voiced by one or many."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="topics"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("议题"), max_length=120)
    category = models.CharField(_("一级分类"), max_length=40, blank=True, db_index=True)
    subcategory = models.CharField(_("二级分类"), max_length=60, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=TopicState.choices, default=TopicState.OPEN
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    # The decision (决定) and, for residents, the answer (答复) shown on their portal.
    decision = models.TextField(_("决定内容"), blank=True)
    responsible_party = models.CharField(_("责任方"), max_length=120, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    reason = models.TextField(_("不予采纳理由"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Residents see the topics of their own compound (to add their voice to one).
    scope_paths = {**_place_paths(), "household": "compound__households"}

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["compound", "state"]),
            models.Index(fields=["community", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


def _photo_upload_to(photo: VoicePhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"voices/{photo.voice.compound_id}/{uuid.uuid4().hex}.{ext}"


def _import_upload_to(batch: VoiceImport, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"voice-imports/{batch.compound_id}/{uuid.uuid4().hex}.{ext}"


class ImportKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("问卷表")
    HOTLINE = "hotline", _("12345工单表")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，等待检查")
    PREVIEWING = "previewing", _("正在检查")
    PREVIEWED = "previewed", _("已检查，待确认导入")
    COMMITTING = "committing", _("正在导入")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("检查失败")


class VoiceImport(TimeStamped):
    """One uploaded questionnaire sheet or 12345 export for one compound: preview, then commit.
    The original is kept sealed (it may hold names and phones)."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="voice_imports"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original = models.FileField(
        _("原始文件"), upload_to=_import_upload_to, storage=sealed_storage, max_length=200
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64, db_index=True)
    # Defaults for rows that do not say (questionnaires): the date and the occasion.
    said_on = models.DateField(_("日期"), null=True, blank=True)
    occasion = models.CharField(_("场次"), max_length=100, blank=True)
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头所在行"), null=True, blank=True)
    columns = models.JSONField(_("列"), default=list, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_valid = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("有问题行数"), default=0)
    rows_already = models.PositiveIntegerField(_("已导入过的行数"), default=0)
    done_create = models.PositiveIntegerField(_("已新增意见"), null=True, blank=True)
    error_message = models.TextField(_("错误信息"), blank=True)
    previewed_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    scope_paths = {
        "district": "compound__community__street__district_id",
        "street": "compound__community__street_id",
        "community": "compound__community_id",
        "compound": "compound_id",
    }

    class Meta:
        verbose_name = _("意见导入批次")
        verbose_name_plural = _("意见导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"


class VoiceImportRowError(models.Model):
    """A row that will not be imported: [{"column", "reason", "value"}] (values redacted)."""

    batch = models.ForeignKey(VoiceImport, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("行号"))
    problems = models.JSONField(_("问题"), default=list)
    cells = models.JSONField(_("原始内容"), default=list)

    class Meta:
        verbose_name = _("意见导入问题行")
        verbose_name_plural = _("意见导入问题行")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="voice_import_row_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.batch_id} 第{self.row_number}行"


class Voice(TimeStamped):
    """One voice (一条意见): what one person said, once, through one channel."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="voices"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices",
    )
    spot = models.CharField(_("具体位置"), max_length=100, blank=True)
    # `text_redacted` (no phones, ID numbers, markup or links) is what every page, export and
    # the engine use. When redaction changed anything, the text as given is kept too, sealed
    # like every phone and ID number at rest (AES-GCM, core.pii), so nothing said is lost.
    text_redacted = models.TextField(_("内容"))
    text_sealed = models.TextField(_("原文（加密）"), blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    said_on = models.DateField(_("反映日期"), db_index=True)
    occasion = models.CharField(_("场次"), max_length=100, blank=True)
    # Who said it: a registered resident, the portal account that submitted it (to notify),
    # and/or a name as the worker wrote it down. Anonymous voices keep the account (so the
    # author still sees her voice and is told of its outcome) but never show who it was.
    anonymous = models.BooleanField(_("匿名"), default=False)
    speaker_name = models.CharField(_("反映人"), max_length=60, blank=True)
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voices",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("一级分类"), max_length=40, blank=True, db_index=True)
    subcategory = models.CharField(_("二级分类"), max_length=60, blank=True)
    category_confidence = models.DecimalField(
        _("置信度"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    category_source = models.CharField(
        _("分类来源"), max_length=12, choices=CategorySource.choices, blank=True
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="voices"
    )
    # Imports: the batch and a key that makes re-running a file create nothing twice (the
    # 12345 case number, or a fingerprint of a questionnaire row).
    import_batch = models.ForeignKey(
        VoiceImport, null=True, blank=True, on_delete=models.PROTECT, related_name="voices"
    )
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)

    scope_paths = _place_paths()

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["-said_on", "-id"]
        indexes = [
            models.Index(fields=["compound", "said_on"]),
            models.Index(fields=["community", "said_on"]),
            models.Index(fields=["street", "said_on"]),
            models.Index(fields=["topic", "said_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "channel", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="voice_external_ref_unique",
            )
        ]

    def __str__(self) -> str:
        return self.text_redacted[:40]

    @property
    def who(self) -> str:
        """Who said it, as staff may see it."""
        if self.anonymous:
            return str(_("匿名"))
        return self.speaker_name or str(_("未留名"))


class VoicePhoto(TimeStamped):
    """A photo a resident attached to her voice."""

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="photos")
    # Re-encoded on upload (no EXIF, so no GPS position) and sealed at rest like every upload
    # that may show a person or a home; served only through a scoped view.
    image = models.ImageField(
        _("照片"), upload_to=_photo_upload_to, storage=sealed_storage, max_length=200
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    scope_paths = _place_paths("voice__")

    class Meta:
        verbose_name = _("意见照片")
        verbose_name_plural = _("意见照片")

    def __str__(self) -> str:
        return f"{self.voice_id}: {self.image.name}"


class CategoryCorrection(models.Model):
    """Staff confirmed or corrected a proposed category: training data for the street."""

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="corrections")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_category = models.CharField(max_length=40, blank=True)
    proposed_confidence = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    category = models.CharField(max_length=40)
    subcategory = models.CharField(max_length=60, blank=True)
    # The redacted text at the time, so the training set survives later edits.
    text = models.TextField()

    class Meta:
        verbose_name = _("分类更正")
        verbose_name_plural = _("分类更正")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.proposed_category or '—'} → {self.category}"


class TopicEventKind(models.TextChoices):
    CREATED = "created", _("创建议题")
    STATE = "state", _("状态变更")
    VOICES_IN = "voices_in", _("意见移入")
    VOICES_OUT = "voices_out", _("意见移出")
    MERGED_IN = "merged_in", _("合并了议题")
    MERGED_INTO = "merged_into", _("并入议题")
    SPLIT_FROM = "split_from", _("从议题拆出")
    SPLIT_OUT = "split_out", _("拆出新议题")
    EDITED = "edited", _("修改")
    MEETING = "meeting", _("会议决定")


class TopicEvent(models.Model):
    """The topic's timeline, append-only: what happened, who, when, why."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=TopicEventKind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    other_topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"voices": [ids]} for moves, merges and splits.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("议题记录")
        verbose_name_plural = _("议题记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.kind} {self.at:%Y-%m-%d}"
