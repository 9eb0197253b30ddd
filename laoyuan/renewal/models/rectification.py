"""Rectification items (整治事项): small things that need no project — the compound's
rectification list (整治清单) — and the problems a supervision inspection finds (监督检查发现的
问题) or a check-up's poor rating brings up. Each has a responsible party, a deadline counted in
Chinese working days (core.workdays) and is tracked to closure (销号); every change is an event.

Each item opens a case (工单, laoyuan.cases) when it is created by someone who may open cases
(else staff open it later from the item's page): the case carries it to the responsible party
with its deadline, and when the case is closed (结案) the item counts as closed too
(`effective_state`, and `open_q()` for queries) — the cases app knows nothing of renewal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laoyuan.cases.models import CaseState
from laoyuan.core.models import TimeStamped
from laoyuan.renewal.models.projects import place_paths


class RectificationState(models.TextChoices):
    OPEN = "open", _("待整改")  # listed, responsible party and deadline named
    RECTIFYING = "rectifying", _("整改中")  # the responsible party is on it
    RECTIFIED = "rectified", _("已整改待复核")  # reported done, to be checked on site
    CLOSED = "closed", _("已销号")  # checked and closed
    CANCELLED = "cancelled", _("已撤销")  # not needed after all, with the reason


RECTIFICATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RectificationState.OPEN: (RectificationState.RECTIFYING, RectificationState.RECTIFIED,
                              RectificationState.CANCELLED),
    RectificationState.RECTIFYING: (RectificationState.RECTIFIED, RectificationState.CANCELLED),
    # A check on site that finds it not done sends it back.
    RectificationState.RECTIFIED: (RectificationState.CLOSED, RectificationState.RECTIFYING),
    RectificationState.CLOSED: (),
    RectificationState.CANCELLED: (),
}  # fmt: skip
OPEN_STATES = (
    RectificationState.OPEN,
    RectificationState.RECTIFYING,
    RectificationState.RECTIFIED,
)
# Past these, the deadline no longer runs (the fix is reported, or the item is settled).
CLOCK_STATES = (RectificationState.OPEN, RectificationState.RECTIFYING)


class Origin(models.TextChoices):
    LIST = "list", _("整治清单")
    INSPECTION = "inspection", _("监督检查发现")
    CHECKUP = "checkup", _("城市体检发现")


class RectificationItem(TimeStamped):
    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="rectifications"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("来源"), max_length=12, choices=Origin.choices)
    project = models.ForeignKey(
        "renewal.Project",
        verbose_name=_("所属项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    inspection = models.ForeignKey(
        "renewal.Inspection",
        verbose_name=_("监督检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    rating = models.ForeignKey(
        "renewal.ConditionRating",
        verbose_name=_("体检评级"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectifications",
    )
    topic = models.ForeignKey(
        "voices.Topic",
        verbose_name=_("居民议题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    # The case (工单) that carries the item to the responsible party; null until one is opened.
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    title = models.CharField(_("问题"), max_length=120)
    description = models.TextField(_("情况说明"), blank=True)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    responsible_party = models.CharField(_("责任方"), max_length=120)
    found_on = models.DateField(_("发现日期"))
    work_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    deadline = models.DateField(_("整改期限"), db_index=True)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths()

    class Meta:
        verbose_name = _("整治事项")
        verbose_name_plural = _("整治事项")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["compound", "state"]),
            models.Index(fields=["street", "state", "deadline"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_state(self) -> str:
        """Its own state, or closed once its case is closed (结案)."""
        if self.state in OPEN_STATES and self.case_id and self.case.state == CaseState.CLOSED:
            return RectificationState.CLOSED
        return self.state

    @property
    def effective_state_label(self) -> str:
        return str(RectificationState(self.effective_state).label)

    @property
    def is_open(self) -> bool:
        return self.effective_state in OPEN_STATES


# Case states in which the item's own state still stands (all but closed).
CASE_NOT_CLOSED = tuple(s for s in CaseState.values if s != CaseState.CLOSED)


def open_q(prefix: str = "", states: tuple[str, ...] = OPEN_STATES) -> Q:
    """Items still open (in one of `states` of their own) and without a closed case."""
    return Q(**{f"{prefix}state__in": states}) & (
        Q(**{f"{prefix}case__isnull": True}) | Q(**{f"{prefix}case__state__in": CASE_NOT_CLOSED})
    )


class RectificationEvent(models.Model):
    """The item's timeline, append-only."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    scope_paths = place_paths("item__")

    class Meta:
        verbose_name = _("整治记录")
        verbose_name_plural = _("整治记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.from_state}→{self.to_state}"

    @property
    def to_state_label(self) -> str:
        if self.to_state in RectificationState.values:
            return str(RectificationState(self.to_state).label)
        return self.to_state
