"""Accounts, role assignments on the place tree, the audit log and API tokens.

A user acts through role assignments (角色任命): each names a role and one node of the place
tree (street 街道 → community 社区 → compound 小区 → building 楼栋 → micro-grid 微网格, or a
household 住户 for a resident). `laoyuan.core.scopes` turns them into query filters.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    phone_masked = models.CharField(_("手机（脱敏）"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    STREET_OFFICIAL = "street_official", _("街道干部")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_SECRETARY = "party_secretary", _("小区党支部书记")
    OWNERS_COMMITTEE = "owners_committee", _("业委会成员")
    PROPERTY_STAFF = "property_staff", _("物业服务人员")
    SOCIAL_ORG_STAFF = "social_org_staff", _("社会组织人员")
    RESIDENT = "resident", _("居民")
    # Acts for a responsible party (责任方) of case work: a utility's dispatcher, a street
    # department's clerk, the property company's staff. Assigned on the party, not on a place,
    # so the account sees the cases assigned to that party and nothing else (laoyuan.cases).
    PARTY_STAFF = "party_staff", _("责任单位人员")


class Level(models.TextChoices):
    """The node kinds an assignment can sit on, widest first."""

    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")
    GRID = "grid", _("微网格")
    HOUSEHOLD = "household", _("住户")
    # Not a place: a responsible party of case work (cases.Party), for the party-staff role.
    PARTY = "party", _("责任方")


# Which node kinds each role may be assigned on.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.STREET_OFFICIAL: {Level.DISTRICT, Level.STREET},
    Role.COMMUNITY_WORKER: {Level.COMMUNITY},
    Role.GRID_WORKER: {Level.GRID, Level.BUILDING, Level.COMPOUND},
    Role.PARTY_SECRETARY: {Level.COMPOUND, Level.COMMUNITY},
    Role.OWNERS_COMMITTEE: {Level.COMPOUND},
    Role.PROPERTY_STAFF: {Level.COMPOUND, Level.COMMUNITY},
    Role.SOCIAL_ORG_STAFF: {Level.COMMUNITY, Level.STREET},
    Role.RESIDENT: {Level.HOUSEHOLD},
    Role.PARTY_STAFF: {Level.PARTY},
}


class RoleAssignment(TimeStamped):
    """One role held by one user on one node of the place tree (exactly one node FK is set)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    district = models.ForeignKey(
        "registry.District", null=True, blank=True, on_delete=models.CASCADE
    )
    street = models.ForeignKey("registry.Street", null=True, blank=True, on_delete=models.CASCADE)
    community = models.ForeignKey(
        "registry.Community", null=True, blank=True, on_delete=models.CASCADE
    )
    compound = models.ForeignKey(
        "registry.Compound", null=True, blank=True, on_delete=models.CASCADE
    )
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.CASCADE
    )
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.CASCADE)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.CASCADE
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("责任方"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    # For the resident role: the resident record this account speaks for.
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        constraints = [
            models.CheckConstraint(
                name="assignment_node_matches_level",
                condition=(
                    Q(level="district", district__isnull=False)
                    | Q(level="street", street__isnull=False)
                    | Q(level="community", community__isnull=False)
                    | Q(level="compound", compound__isnull=False)
                    | Q(level="building", building__isnull=False)
                    | Q(level="grid", grid__isnull=False)
                    | Q(level="household", household__isnull=False)
                    | Q(level="party", party__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.node}"

    @property
    def node(self):
        return getattr(self, self.level)

    @property
    def node_id(self) -> int:
        return getattr(self, f"{self.level}_id")


class AuditEvent(models.Model):
    """Append-only trail: every write and every reveal of personal data (个人信息查看)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class ApiToken(TimeStamped):
    """A bearer token for API clients. Only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Notification(models.Model):
    """An in-app notification (站内通知) for one user; e-mailed too when e-mail is configured."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class CalendarDay(TimeStamped):
    """One date of the working-day calendar (工作日历) entered by hand: a holiday or a 调休
    make-up working day of a year the chinese-calendar package does not know yet, or a local
    correction. It wins over the package (`core.workdays`)."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"))
    name = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如“春节”“调休上班”"))
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["day"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.day:%Y-%m-%d} {kind} {self.name}".strip()


class ScheduledTask(models.Model):
    """When a periodic task (定时任务) listed in LAOYUAN_PERIODIC_TASKS is next due. Every
    `laoyuan worker` claims the run with one conditional UPDATE on `next_run_at`, so however
    many workers run, each period enqueues the task once."""

    task_path = models.CharField(_("任务"), max_length=200, unique=True)
    interval_seconds = models.PositiveIntegerField(_("间隔（秒）"))
    next_run_at = models.DateTimeField(_("下次运行"))
    last_enqueued_at = models.DateTimeField(_("上次加入队列"), null=True, blank=True)
    last_worker = models.CharField(_("上次由哪个进程加入"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")
        ordering = ["task_path"]

    def __str__(self) -> str:
        return self.task_path
