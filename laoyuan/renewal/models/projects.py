"""Renovation projects (改造项目) of a compound's project library (改造项目库): what is to be
done, where, for how much, asked for by which topics (议题), and where it stands in its
lifecycle; with its timeline, attachments, schedule (milestones 节点 and work items 工程量),
and the maintenance schedule (维护计划) after acceptance.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.scopes import compound_wide_paths
from laoyuan.core.storage import sealed_storage

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 2}


def place_paths(prefix: str = "") -> dict[str, str]:
    """Renewal objects belong to a compound and carry its community and street, so portfolios
    filter on indexed columns; like topics they are compound-wide, so workers on a building or
    a grid see their compound's."""
    return compound_wide_paths(prefix)


class RenewalClass(models.TextChoices):
    BASIC = "basic", _("基础类")
    IMPROVEMENT = "improvement", _("完善类")
    UPGRADE = "upgrade", _("提升类")


class ProjectState(models.TextChoices):
    PROPOSED = "proposed", _("已提出")  # in the library, asked for by residents or a check-up
    CONSULTED = "consulted", _("已征求意见")  # residents' views gathered (voices, topics)
    DESIGNED = "designed", _("方案已设计")  # plan, drawings, scope and budget set
    DECIDED = "decided", _("已决策")  # meeting resolution (and owners' vote where required)
    PUBLISHED = "published", _("已公示")  # plan publicised, objections answered
    FUNDED = "funded", _("资金已落实")  # pledges cover the budget
    TENDERING = "tendering", _("招标中")  # choosing the contractor
    CONSTRUCTION = "construction", _("施工中")  # supervised by the residents' group
    ACCEPTED = "accepted", _("已验收")  # group sign-off and satisfaction survey
    MAINTENANCE = "maintenance", _("后期维护")  # the maintenance schedule runs
    CANCELLED = "cancelled", _("已撤销")  # dropped, with the reason


LIFECYCLE: tuple[str, ...] = (
    ProjectState.PROPOSED,
    ProjectState.CONSULTED,
    ProjectState.DESIGNED,
    ProjectState.DECIDED,
    ProjectState.PUBLISHED,
    ProjectState.FUNDED,
    ProjectState.TENDERING,
    ProjectState.CONSTRUCTION,
    ProjectState.ACCEPTED,
    ProjectState.MAINTENANCE,
)
# A project may be dropped until building starts; after that it is finished, not cancelled.
CANCELLABLE = frozenset(LIFECYCLE[: LIFECYCLE.index(ProjectState.TENDERING) + 1])
# Objections or a refused vote send a plan back to the drawing board.
BACK_TO_DESIGN = frozenset({ProjectState.DECIDED, ProjectState.PUBLISHED})


def _transitions() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for i, state in enumerate(LIFECYCLE):
        nxt = (LIFECYCLE[i + 1],) if i + 1 < len(LIFECYCLE) else ()
        back = (ProjectState.DESIGNED,) if state in BACK_TO_DESIGN else ()
        cancel = (ProjectState.CANCELLED,) if state in CANCELLABLE else ()
        table[state] = nxt + back + cancel
    table[ProjectState.CANCELLED] = ()
    return table


# Which state may follow which: the next step of the lifecycle, back to design, or cancelled.
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = _transitions()
# Groups of states for the portfolio and the compound's renewal status.
PLANNING_STATES = LIFECYCLE[: LIFECYCLE.index(ProjectState.TENDERING)]
BUILDING_STATES = (ProjectState.TENDERING, ProjectState.CONSTRUCTION)
DONE_STATES = (ProjectState.ACCEPTED, ProjectState.MAINTENANCE)
LIVE_STATES = PLANNING_STATES + BUILDING_STATES


class OwnersMatter(models.TextChoices):
    """Matters owners decide jointly (民法典第二百七十八条): a project that touches one needs a
    passed owners' vote (业主表决) of that matter type, linked as `Project.vote` (see
    requirements.REQUIREMENTS and `VOTE_MATTERS`)."""

    USE_FUND = "use_fund", _("（五）使用建筑物及其附属设施的维修资金")
    RAISE_FUND = "raise_fund", _("（六）筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("（七）改建、重建建筑物及其附属设施")
    CHANGE_USE = "change_use", _("（八）改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER_MAJOR = "other_major", _("（九）有关共有和共同管理权利的其他重大事项")


# The owners' vote matter (decisions.votes.Matter) that decides each of a project's matters.
VOTE_MATTERS: dict[str, str] = {
    OwnersMatter.USE_FUND: "fund_use",
    OwnersMatter.RAISE_FUND: "fund_raise",
    OwnersMatter.REBUILD: "rebuild",
    OwnersMatter.CHANGE_USE: "common_use",
    OwnersMatter.OTHER_MAJOR: "other_major",
}


class Project(TimeStamped):
    """A renovation project (改造项目) in a compound's library."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="renewal_projects"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("项目名称"), max_length=120)
    description = models.TextField(_("改造内容"), blank=True)
    renewal_class = models.CharField(_("类别"), max_length=16, choices=RenewalClass.choices)
    item_type = models.CharField(_("改造项"), max_length=32)
    state = models.CharField(
        _("状态"), max_length=16, choices=ProjectState.choices, default=ProjectState.PROPOSED
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    budget = models.DecimalField(
        _("预算（元）"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    started_on = models.DateField(_("实际开工"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    designer = models.CharField(_("设计单位"), max_length=120, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=120, blank=True)
    # What the law asks owners to decide jointly for this project (民法典第278条), if anything.
    vote_matter = models.CharField(
        _("需业主共同决定的事项"), max_length=16, choices=OwnersMatter.choices, blank=True
    )
    # Art. 281: urgent repairs may use the maintenance fund through the emergency procedure.
    fund_emergency = models.BooleanField(_("按应急程序使用维修资金"), default=False)
    fund_emergency_reason = models.TextField(_("应急理由"), blank=True)
    # The meeting decision (会议决议) the project was decided by.
    resolution = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("会议决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_projects",
    )
    # The owners' vote (业主表决) that decided its `vote_matter`: of the same compound and matter.
    vote = models.ForeignKey(
        "decisions.Vote",
        verbose_name=_("业主表决"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_projects",
    )
    topics = models.ManyToManyField(
        "voices.Topic", verbose_name=_("居民议题"), blank=True, related_name="renewal_projects"
    )
    buildings = models.ManyToManyField(
        "registry.Building", verbose_name=_("涉及楼栋"), blank=True, related_name="+"
    )
    # The check-up rating (城市体检) that proposed it, if one did.
    from_rating = models.ForeignKey(
        "renewal.ConditionRating",
        verbose_name=_("来源体检评级"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_projects",
    )
    cancel_reason = models.TextField(_("撤销理由"), blank=True)
    # The public accounts (公开账目): a random key in the public link once published.
    accounts_key = models.CharField(max_length=32, blank=True, editable=False)
    accounts_published_at = models.DateTimeField(_("账目公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Residents see the projects of their own compound on the portal ("portal.renewal").
    scope_paths = {**place_paths(), "household": "compound__households"}

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["compound", "state"]),
            models.Index(fields=["street", "state"]),
            models.Index(fields=["community", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["accounts_key"], condition=~Q(accounts_key=""), name="project_accounts_key"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="project_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def item_type_name(self) -> str:
        from laoyuan.renewal.catalog import item_type_name

        return item_type_name(self.item_type)


class EventKind(models.TextChoices):
    CREATED = "created", _("列入项目库")
    STATE = "state", _("状态变更")
    EDITED = "edited", _("修改")
    TOPICS = "topics", _("关联议题")
    RESOLUTION = "resolution", _("关联会议决议")
    ATTACHMENT = "attachment", _("上传附件")
    FUNDING = "funding", _("资金")
    SUPERVISION = "supervision", _("监督小组")
    INSPECTION = "inspection", _("监督检查")
    SCHEDULE = "schedule", _("进度")
    ACCEPTANCE = "acceptance", _("验收")
    SURVEY = "survey", _("满意度调查")
    MAINTENANCE = "maintenance", _("维护")
    ACCOUNTS = "accounts", _("账目公开")
    VOTE = "vote", _("关联业主表决")
    NOTICE = "notice", _("公示")


class ProjectEvent(models.Model):
    """The project's timeline, append-only: what happened, who, when, why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def to_state_label(self) -> str:
        if self.to_state in ProjectState.values:
            return str(ProjectState(self.to_state).label)
        return self.to_state


class ProjectQuantity(models.Model):
    """One line of a project's scope (工程量): what, how much, in which unit, where."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quantities")
    item = models.CharField(_("内容"), max_length=120)
    amount = models.DecimalField(
        _("数量"), **QUANTITY, validators=[MinValueValidator(0)], help_text=_("如 200.00")
    )
    unit = models.CharField(_("单位"), max_length=10)
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("工程量")
        verbose_name_plural = _("工程量")
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}{self.unit}"


class AttachmentKind(models.TextChoices):
    PLAN = "plan", _("改造方案")
    DRAWING = "drawing", _("设计图纸")
    BUDGET = "budget", _("预算书")
    MINUTES = "minutes", _("会议纪要与决议")
    CONTRACT = "contract", _("合同")
    FUNDING = "funding", _("资金文件")
    VOUCHER = "voucher", _("收支凭证")
    ACCEPTANCE = "acceptance", _("验收报告")
    PHOTO = "photo", _("现场照片")
    OTHER = "other", _("其他")


def _attachment_upload_to(attachment: ProjectAttachment, filename: str) -> str:
    # The stored name never reuses the uploaded name (it may hold a person's name).
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"renewal/{attachment.project.compound_id}/{uuid.uuid4().hex}.{ext}"


class ProjectAttachment(TimeStamped):
    """A document of the project (方案, 图纸, 凭证 …), checked by content on upload and sealed at
    rest (vouchers and contracts name people); served only through a scoped view."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=AttachmentKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    file = models.FileField(
        _("文件"), upload_to=_attachment_upload_to, storage=sealed_storage, max_length=200
    )
    content_type = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")
        ordering = ["project", "kind", "id"]

    def __str__(self) -> str:
        return self.title


class Milestone(TimeStamped):
    """A milestone (节点) with its planned and actual dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=120)
    planned_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "planned_on", "id"]
        indexes = [models.Index(fields=["planned_on", "done_on"])]

    def __str__(self) -> str:
        return self.name


class WorkItem(TimeStamped):
    """A work item (工程子项) whose done quantity rolls up into the project's progress, weighted
    by `weight` (e.g. its share of the contract price in yuan, or points agreed on site)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="work_items")
    name = models.CharField(_("子项"), max_length=120)
    weight = models.PositiveIntegerField(_("权重"), validators=[MinValueValidator(1)])
    planned_quantity = models.DecimalField(_("计划工程量"), **QUANTITY)
    done_quantity = models.DecimalField(_("已完成工程量"), **QUANTITY, default=0)
    unit = models.CharField(_("单位"), max_length=10)

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("工程子项")
        verbose_name_plural = _("工程子项")
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="work_item_weight_positive"),
            models.CheckConstraint(
                condition=Q(planned_quantity__gt=0), name="work_item_planned_positive"
            ),
            models.CheckConstraint(
                condition=Q(done_quantity__gte=0), name="work_item_done_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgressReport(models.Model):
    """What was reported done on a work item, when and by whom (append-only history)."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_quantity = models.DecimalField(_("累计完成工程量"), **QUANTITY)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("进度填报")
        verbose_name_plural = _("进度填报")
        ordering = ["work_item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.work_item_id} {self.done_quantity}"


class MaintenanceTask(TimeStamped):
    """A line of the maintenance schedule (维护计划) after acceptance: who looks after what, how
    often, and when next."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="maintenance")
    name = models.CharField(_("维护内容"), max_length=120)
    responsible_party = models.CharField(_("责任方"), max_length=120)
    interval_months = models.PositiveSmallIntegerField(
        _("周期（月）"), validators=[MinValueValidator(1)]
    )
    next_due = models.DateField(_("下次维护"))
    last_done = models.DateField(_("上次维护"), null=True, blank=True)

    scope_paths = place_paths("project__")

    class Meta:
        verbose_name = _("维护计划")
        verbose_name_plural = _("维护计划")
        ordering = ["project", "next_due", "id"]

    def __str__(self) -> str:
        return self.name
