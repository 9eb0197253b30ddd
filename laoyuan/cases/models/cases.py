"""Cases (工单): one problem at one place, handed to a responsible party (责任方) with deadlines,
supervised (督办) until the resident who raised it is satisfied or a supervisor closes it.

The state moves along `CASE_TRANSITIONS`; every change is a `CaseEvent` row (who, when, why,
how long the step took in working time against its deadline). Deadlines are columns computed
with `core.workdays` at each step (`cases.clocks`) and indexed, and so is everything the
statistics read (when it was accepted, answered, solved; whether on time; the rating), so the
overdue board and the statistics never recompute a history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laoyuan.core.models import TimeStamped
from laoyuan.core.scopes import compound_wide_paths
from laoyuan.core.storage import sealed_storage

# The longest description and note a case takes (a 12345 work order's text is well under it).
TEXT_MAX = 2000
NOTE_MAX = 1000
TITLE_MAX = 120


class CaseState(models.TextChoices):
    DISPATCH = "dispatch", _("待派单")  # opened or handed back: the dispatcher names a party
    ASSIGNED = "assigned", _("待受理")  # with a party, waiting for it to accept
    IN_PROGRESS = "in_progress", _("办理中")  # accepted by the party
    PAUSED = "paused", _("暂停计时")  # waiting for the resident or a third party
    SOLVED = "solved", _("已办结待评价")  # the party says solved; the resident confirms, rates
    REVIEW = "review", _("不满意待复核")  # dissatisfied twice: the supervisor decides
    CLOSED = "closed", _("已结案")
    CANCELLED = "cancelled", _("已撤销")


# Which state may follow which. ASSIGNED → ASSIGNED is a transfer (转派) to another party.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.DISPATCH: (CaseState.ASSIGNED, CaseState.CANCELLED),
    CaseState.ASSIGNED: (
        CaseState.IN_PROGRESS,
        CaseState.DISPATCH,
        CaseState.ASSIGNED,
        CaseState.CANCELLED,
    ),
    CaseState.IN_PROGRESS: (
        CaseState.PAUSED,
        CaseState.SOLVED,
        CaseState.DISPATCH,
        CaseState.ASSIGNED,
    ),
    CaseState.PAUSED: (CaseState.IN_PROGRESS,),
    CaseState.SOLVED: (CaseState.CLOSED, CaseState.IN_PROGRESS, CaseState.REVIEW),
    CaseState.REVIEW: (CaseState.IN_PROGRESS, CaseState.ASSIGNED, CaseState.CLOSED),
    CaseState.CLOSED: (),
    CaseState.CANCELLED: (),
}
# Cases still being worked on (the board, the sweep, "open" lists).
OPEN_STATES = (
    CaseState.DISPATCH,
    CaseState.ASSIGNED,
    CaseState.IN_PROGRESS,
    CaseState.PAUSED,
    CaseState.SOLVED,
    CaseState.REVIEW,
)
FINAL_STATES = (CaseState.CLOSED, CaseState.CANCELLED)
# States whose deadlines run (a paused case, or one waiting for the resident's rating, has none).
CLOCK_STATES = (CaseState.DISPATCH, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.REVIEW)


class CaseSource(models.TextChoices):
    STAFF = "staff", _("工作人员登记")
    PORTAL = "portal", _("居民网上提交")
    TOPIC = "topic", _("议题转办")
    MEETING = "meeting", _("现场办公会决定")
    HOTLINE = "hotline", _("12345热线")
    API = "api", _("接口接入")
    OPEN311 = "open311", _("Open311 接口")


class SupervisionLevel(models.IntegerChoices):
    """Who supervises the case (督办层级): it climbs one level each time it runs late."""

    GRID = 0, _("网格")
    COMMUNITY = 1, _("社区")
    STREET = 2, _("街道")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Step(models.TextChoices):
    """The deadline a case is running against (its next one)."""

    ACCEPT = "accept", pgettext_lazy("step", "受理")
    RESPOND = "respond", pgettext_lazy("step", "首次响应")
    SOLVE = "solve", pgettext_lazy("step", "办结")
    REVIEW = "review", pgettext_lazy("step", "复核")


def _place_paths(prefix: str = "") -> dict[str, str]:
    # Case work is compound-wide, as voices are: a grid worker follows her compound's cases.
    # Party staff see the cases assigned to their party, while it is.
    return {**compound_wide_paths(prefix), "party": f"{prefix}party_id"}


class Case(TimeStamped):
    # The public request id (受理编号), e.g. GD-20261208-7KQ3XZ: printed on the receipt, and
    # the Open311 service_request_id. `public_token` opens the public progress page.
    request_id = models.CharField(_("受理编号"), max_length=32, unique=True)
    public_token = models.CharField(max_length=48, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    # Redacted (no phones, ID numbers, markup or links), as every page and export shows it;
    # the words as given are sealed too when redaction changed them (as a voice's are).
    description = models.TextField(_("问题描述"))
    description_sealed = models.TextField(blank=True, editable=False)
    solution_asked = models.TextField(_("要求的解决办法"), blank=True)
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("分类"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    # Where: the compound (always), its community and street (for scoping and statistics
    # without joins), and optionally the building, a spot, an address and a position.
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    # Their own indexes would only repeat the composite ones below (a case has many indexes
    # already, and the sweep updates thousands of rows at a time).
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    street = models.ForeignKey(
        "registry.Street", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    spot = models.CharField(_("具体位置"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Where it came from.
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    voice = models.ForeignKey(
        "voices.Voice", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    topic = models.ForeignKey(
        "voices.Topic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    # Who raised it, as voices keep it: the portal account (to notify, and who rates), the
    # registered resident, a name as written, a phone to call back (personal data: sealed,
    # masked, revealed only through a logged action), or anonymous.
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = models.CharField(_("反映人"), max_length=60, blank=True)
    reporter_resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
        db_index=False,
    )
    reporter_phone_cipher = models.TextField(blank=True, editable=False)
    reporter_phone_index = models.CharField(max_length=64, blank=True, editable=False)
    reporter_phone_masked = models.CharField(
        _("联系电话"), max_length=24, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who has it, and where it stands.
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("责任方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=CaseState.choices, default=CaseState.DISPATCH
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"))
    level = models.PositiveSmallIntegerField(
        _("督办层级"), choices=SupervisionLevel.choices, default=SupervisionLevel.GRID
    )
    status_note = models.CharField(_("最新进展"), max_length=300, blank=True)
    # The service level it was opened under (working seconds), kept so that a street changing
    # its levels later does not move the deadlines of cases already running.
    accept_seconds = models.PositiveIntegerField()
    respond_seconds = models.PositiveIntegerField()
    solve_seconds = models.PositiveIntegerField()
    # The clocks.
    opened_at = models.DateTimeField(_("受理时间"))
    handed_at = models.DateTimeField(_("到达当前承办方的时间"))
    accept_due_at = models.DateTimeField(_("受理期限"), null=True, blank=True)
    respond_due_at = models.DateTimeField(_("首次响应期限"), null=True, blank=True)
    solve_due_at = models.DateTimeField(_("办结期限"))
    deadline_fixed = models.BooleanField(_("办结期限由决定指定"), default=False)
    review_due_at = models.DateTimeField(_("复核期限"), null=True, blank=True)
    next_step = models.CharField(max_length=8, choices=Step.choices, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Working time with the clock stopped (paused, or solved and waiting before a reopening).
    stopped_seconds = models.PositiveIntegerField(default=0)
    # What the statistics read, written when it happens.
    accepted_at = models.DateTimeField(_("受理签收时间"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    responded_on_time = models.BooleanField(null=True, blank=True)
    solved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    solved_on_time = models.BooleanField(null=True, blank=True)
    solve_working_seconds = models.PositiveIntegerField(null=True, blank=True)
    ever_solved = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rating = models.CharField(
        pgettext_lazy("label", "评价"), max_length=16, choices=Rating.choices, blank=True
    )
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    dissatisfied_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    escalation_count = models.PositiveSmallIntegerField(default=0)

    scope_paths = _place_paths()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["street", "opened_at"]),
            models.Index(fields=["community", "opened_at"]),
            models.Index(fields=["compound", "opened_at"]),
            models.Index(fields=["party", "opened_at"]),
            models.Index(fields=["category", "opened_at"]),
            # A district's newest cases across its streets (Open311's GET requests): walked
            # backwards, it stops at a page instead of sorting the whole window.
            models.Index(fields=["opened_at", "id"], name="case_opened_at"),
            # The sweep's claims.
            models.Index(fields=["remind_at"], name="case_remind_at"),
            models.Index(fields=["escalate_at"], name="case_escalate_at"),
            # The overdue board: open cases of a place by how late they are.
            models.Index(
                fields=["street", "level", "next_due_at"],
                condition=Q(state__in=OPEN_STATES),
                name="case_board_street",
            ),
            models.Index(
                fields=["community", "level", "next_due_at"],
                condition=Q(state__in=OPEN_STATES),
                name="case_board_community",
            ),
            models.Index(
                fields=["compound", "level", "next_due_at"],
                condition=Q(state__in=OPEN_STATES),
                name="case_board_compound",
            ),
            models.Index(fields=["reporter_account", "opened_at"], name="case_reporter"),
            # The statistics of a street over a period read only these columns: with all of
            # them in one index both databases answer from the index alone.
            models.Index(
                fields=[
                    "street",
                    "opened_at",
                    "state",
                    "party",
                    "category",
                    "community",
                    "first_response_at",
                    "respond_due_at",
                    "responded_on_time",
                    "solved_at",
                    "solve_due_at",
                    "solved_on_time",
                    "rating",
                    "ever_solved",
                    "reopen_count",
                    "solve_working_seconds",
                    "next_due_at",
                ],
                name="case_statistics",
            ),
        ]
        constraints = [
            # A 12345 work order opens one case, however often its export is imported.
            models.UniqueConstraint(
                fields=["compound", "source", "external_ref"],
                condition=~Q(external_ref=""),
                name="case_external_ref_unique",
            ),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(topic__isnull=False), name="case_topic_unique"
            ),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(decision__isnull=False),
                name="case_decision_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def who(self) -> str:
        """Who raised it, as staff may see it."""
        if self.anonymous:
            return str(_("匿名"))
        return self.reporter_name or str(_("未留名"))


class EventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("event", "登记受理")
    DISPATCHED = "dispatched", pgettext_lazy("event", "派单")
    ACCEPTED = "accepted", pgettext_lazy("event", "签收受理")
    RETURNED = "returned", pgettext_lazy("event", "退回")
    TRANSFERRED = "transferred", pgettext_lazy("event", "转派")
    PROGRESS = "progress", pgettext_lazy("event", "进展")
    PAUSED = "paused", pgettext_lazy("event", "暂停计时")
    RESUMED = "resumed", pgettext_lazy("event", "恢复计时")
    SOLVED = "solved", pgettext_lazy("event", "办结")
    RATED = "rated", pgettext_lazy("event", "评价")
    REOPENED = "reopened", pgettext_lazy("event", "重新办理")
    REVIEW = "review", pgettext_lazy("event", "不满意，提请复核")
    CLOSED = "closed", pgettext_lazy("event", "结案")
    CANCELLED = "cancelled", pgettext_lazy("event", "撤销")
    REMINDED = "reminded", pgettext_lazy("event", "临期提醒")
    ESCALATED = "escalated", pgettext_lazy("event", "逾期升级督办")
    NOTICE = "notice", pgettext_lazy("event", "发出督办单")
    NOTICE_ANSWERED = "notice_answered", pgettext_lazy("event", "答复督办单")


# What the public progress page shows: where the case stands, never who or internal chatter.
PUBLIC_EVENTS = (
    EventKind.OPENED,
    EventKind.DISPATCHED,
    EventKind.ACCEPTED,
    EventKind.TRANSFERRED,
    EventKind.PROGRESS,
    EventKind.PAUSED,
    EventKind.RESUMED,
    EventKind.SOLVED,
    EventKind.RATED,
    EventKind.REOPENED,
    EventKind.REVIEW,
    EventKind.CLOSED,
    EventKind.CANCELLED,
    EventKind.ESCALATED,
    EventKind.NOTICE,
)


class CaseEvent(models.Model):
    """The case's timeline, append-only: what happened, who, when, why, and for the events that
    end a step (accepted, first answer, solved) how long it took against its deadline."""

    # Indexed by (case, at) only: the sweep writes thousands of rows at a time.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    # The party that has the case after the event, and for a transfer the one it left.
    party = models.ForeignKey(
        "cases.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    other_party = models.ForeignKey(
        "cases.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(blank=True)  # redacted
    # Working time since the previous state change (or, for a step's end, the step's own time).
    took_seconds = models.PositiveIntegerField(null=True, blank=True)
    step = models.CharField(max_length=8, choices=Step.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    scope_paths = _place_paths("case__")

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _photo_upload_to(photo: CasePhoto, filename: str) -> str:
    return f"cases/{photo.case.compound_id}/{uuid.uuid4().hex}.jpg"


class CasePhoto(TimeStamped):
    """A photo of the problem (the resident's) or of the work (the party's), re-encoded without
    EXIF and sealed at rest; served only through a scoped view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("照片"), upload_to=_photo_upload_to, storage=sealed_storage, max_length=200
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = _place_paths("case__")

    class Meta:
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.image.name}"


class PauseReason(models.TextChoices):
    RESIDENT = "resident", _("等待居民（如约定上门时间）")
    THIRD_PARTY = "third_party", _("等待第三方（如停水审批、配件到货）")
    OTHER = "other", _("其他原因")


class CasePause(models.Model):
    """One pause of the case's clocks (暂停计时): from, to, why, who. The deadlines move by
    exactly the working time paused (`working_seconds`, written when it ends)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("原因"), max_length=16, choices=PauseReason.choices)
    note = models.CharField(_("说明"), max_length=NOTE_MAX, blank=True)
    started_at = models.DateTimeField(_("开始"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_seconds = models.PositiveIntegerField(_("暂停的工作时间（秒）"), null=True, blank=True)

    scope_paths = _place_paths("case__")

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_at:%Y-%m-%d %H:%M}"


class SupervisionNotice(TimeStamped):
    """A formal supervision notice (督办单) issued by a community or the street to the party of
    a case, with its own deadline; printable as an A4 PDF. The party answers it in writing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("督办单编号"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("督办层级"), choices=SupervisionLevel.choices)
    issuer = models.CharField(_("督办单位"), max_length=80)
    party = models.ForeignKey(
        "cases.Party", verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    demand = models.TextField(_("督办要求"))
    due_at = models.DateTimeField(_("反馈期限"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"))
    answer = models.TextField(_("办理情况反馈"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    scope_paths = _place_paths("case__")

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number
