"""Places and people (地点与人口): district 区 → street 街道 → community 社区 → compound 小区/院落
→ building 楼栋 → entrance 单元 → dwelling unit 房屋 (专有部分) → household 住户 → resident 居民;
micro-grids 微网格 group 30–100 households; owners 业主 hold units through ownerships.

Every scoped model declares `scope_paths`: for each level of the place tree, the lookup path from
the model to that level's primary key. `laoyuan.core.scopes` builds every filter from them, so one
mechanism decides what a user may see.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Q, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.storage import sealed_storage

OLD_COMPOUND_BEFORE_YEAR = 2001  # built before 2001 counts as an old compound (老旧小区)


def up_to_compound(compound: str) -> dict[str, str]:
    """Scope paths from a model to its compound and every place above it, given the lookup
    from the model to the compound (e.g. "unit__compound")."""
    return {
        "district": f"{compound}__community__street__district_id",
        "street": f"{compound}__community__street_id",
        "community": f"{compound}__community_id",
        "compound": f"{compound}_id",
    }


class District(TimeStamped):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    scope_paths = {"district": "id"}

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Street(TimeStamped):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    scope_paths = {"district": "district_id", "street": "id"}

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(TimeStamped):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    scope_paths = {"district": "street__district_id", "street": "street_id", "community": "id"}

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PropertyMode(models.TextChoices):
    MARKET = "market", _("市场化物业公司")
    RED = "red", _("红色物业（国有）")
    TRUST = "trust", _("信托制物业")
    SELF = "self", _("业主自管小组")
    CITY = "city", _("物业城市统一管理")
    INTERIM = "interim", _("临时托管")
    NONE = "none", _("无物业管理")


class Compound(TimeStamped):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds")
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    is_old = models.GeneratedField(
        verbose_name=_("老旧小区"),
        expression=Case(When(year_built__lt=OLD_COMPOUND_BEFORE_YEAR, then=True), default=False),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    registered_households = models.PositiveIntegerField(_("登记户数"), null=True, blank=True)
    property_mode = models.CharField(
        _("物业管理模式"), max_length=16, choices=PropertyMode.choices, default=PropertyMode.NONE
    )

    scope_paths = {
        "district": "community__street__district_id",
        "street": "community__street_id",
        "community": "community_id",
        "compound": "id",
    }

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(TimeStamped):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("楼栋号"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    # 楼栋长: a resident named head of this building.
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("楼栋长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_paths = {
        **up_to_compound("compound"),
        "building": "id",
    }

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(number)s栋") % {"number": self.number}


class Entrance(TimeStamped):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="entrances")
    number = models.CharField(_("单元号"), max_length=20)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="entrance_number_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(number)s单元") % {"number": self.number}


class AreaSource(models.TextChoices):
    REGISTER = "register", _("不动产登记")
    SURVEY = "survey", _("测绘")
    CONTRACT = "contract", _("购房合同")


class Grid(TimeStamped):
    """Micro-grid (微网格): 30–100 households, the basic unit of service."""

    RECOMMENDED_MIN = 30
    RECOMMENDED_MAX = 100

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("名称"), max_length=60)
    worker = models.ForeignKey(
        "core.User",
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )
    # 居民小组长: the resident who leads the group of this grid.
    group_head = models.ForeignKey(
        "Resident",
        verbose_name=_("居民小组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_paths = {
        **up_to_compound("compound"),
        "grid": "id",
    }

    class Meta:
        verbose_name = _("微网格")
        verbose_name_plural = _("微网格")
        ordering = ["compound", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="grid_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStamped):
    """Dwelling unit (房屋, the owner's exclusive part 专有部分) with its registered floor area."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units")
    entrance = models.ForeignKey(
        Entrance, null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    # Denormalised from building for scoping and per-compound counts without joins.
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="units")
    room_number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(
        _("建筑面积（㎡）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("面积来源"), max_length=12, choices=AreaSource.choices, blank=True
    )

    scope_paths = {
        **up_to_compound("compound"),
        "building": "building_id",
        "grid": "households__grid_id",
        "household": "households__id",
    }

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building", "entrance", "room_number"]
        constraints = [
            # Two conditional constraints, because NULLS NOT DISTINCT exists only on PostgreSQL.
            models.UniqueConstraint(
                fields=["building", "entrance", "room_number"],
                name="unit_room_unique",
                condition=Q(entrance__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["building", "room_number"],
                name="unit_room_unique_no_entrance",
                condition=Q(entrance__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        if self.entrance_id:
            return gettext("%(building)s栋%(entrance)s单元%(room)s") % {
                "building": self.building.number,
                "entrance": self.entrance.number,
                "room": self.room_number,
            }
        return gettext("%(building)s栋%(room)s") % {
            "building": self.building.number,
            "room": self.room_number,
        }


class Household(TimeStamped):
    """A household (住户) living in a unit; owners and tenants alike."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households")
    # Denormalised for scoping and aggregates at district scale.
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="households")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    is_active = models.BooleanField(_("在住"), default=True)

    scope_paths = {
        **up_to_compound("compound"),
        "building": "building_id",
        "grid": "grid_id",
        "household": "id",
    }

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["unit_id", "id"]

    def __str__(self) -> str:
        return gettext("住户 %(unit)s") % {"unit": self.unit}


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Tenure(models.TextChoices):
    OWNER = "owner", _("业主")
    OWNER_FAMILY = "owner_family", _("业主家属")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


ELDERLY_AGE = 65  # "一老": 65 and over
INFANT_AGE = 3  # "一小": under 3


def years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class Resident(TimeStamped):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=60)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    relation = models.CharField(
        _("与户主关系"), max_length=16, choices=Relation.choices, default=Relation.HEAD
    )
    tenure = models.CharField(
        _("居住类型"), max_length=16, choices=Tenure.choices, default=Tenure.OWNER
    )
    lives_alone = models.BooleanField(_("独居"), default=False)
    disabled = models.BooleanField(_("残疾"), default=False)
    low_income = models.BooleanField(_("低保/低收入"), default=False)
    party_member = models.BooleanField(_("党员"), default=False)
    is_active = models.BooleanField(_("在住"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = {
        **up_to_compound("compound"),
        "building": "household__building_id",
        "grid": "household__grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household_id", "id"]
        indexes = [
            models.Index(fields=["compound", "birth_date"]),
            models.Index(fields=["compound", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def age(self, today: dt.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        today = today or dt.date.today()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


class OwnerKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")
    DEVELOPER = "developer", _("开发建设单位（未售出/未交付）")


class Owner(TimeStamped):
    """An owner (业主) as a voting person: all units of the same buyer count as one person,
    all units the developer still holds count as one person (SPC interpretation, arts. 8–9)."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="owners")
    kind = models.CharField(
        _("类型"), max_length=16, choices=OwnerKind.choices, default=OwnerKind.PERSON
    )
    name = models.CharField(_("名称"), max_length=120)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("证件号"), max_length=24, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ownerships_as_owner",
    )

    scope_paths = {
        **up_to_compound("compound"),
        "building": "ownerships__unit__building_id",
        "household": "ownerships__unit__households__id",
    }

    class Meta:
        verbose_name = _("业主")
        verbose_name_plural = _("业主")
        ordering = ["compound", "name"]
        constraints = [
            # One voting person per identity per compound; one developer per compound.
            models.UniqueConstraint(
                fields=["compound", "id_number_index"],
                name="owner_identity_unique",
                condition=~Q(id_number_index=""),
            ),
            models.UniqueConstraint(
                fields=["compound"],
                name="one_developer_per_compound",
                condition=Q(kind="developer"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Ownership(TimeStamped):
    """Links a unit to one of its owners; co-owners of a unit each have a row."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    share = models.DecimalField(
        _("份额"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("按份共有时的份额（0–1）；共同共有留空"),
    )
    since = models.DateField(_("取得日期"), null=True, blank=True)

    scope_paths = {
        **up_to_compound("unit__compound"),
        "building": "unit__building_id",
        "household": "unit__households__id",
    }

    class Meta:
        verbose_name = _("产权关系")
        verbose_name_plural = _("产权关系")
        constraints = [models.UniqueConstraint(fields=["unit", "owner"], name="ownership_unique")]

    def __str__(self) -> str:
        return f"{self.owner} → {self.unit}"


# --- Roster import (花名册导入) ------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，等待检查")  # file stored, preview task queued
    PREVIEWING = "previewing", _("正在检查")  # the preview task is reading the file
    PREVIEWED = "previewed", _("已检查，待确认导入")  # preview ready; may be committed
    COMMITTING = "committing", _("正在导入")  # the commit task is writing
    COMMITTED = "committed", _("已导入")  # done; the valid rows are in the registry
    FAILED = "failed", _("检查失败")  # the file could not be read; nothing was written


# Which status may follow which. A failed commit goes back to PREVIEWED: it wrote nothing.
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.UPLOADED: frozenset({ImportStatus.PREVIEWING, ImportStatus.FAILED}),
    ImportStatus.PREVIEWING: frozenset({ImportStatus.PREVIEWED, ImportStatus.FAILED}),
    ImportStatus.PREVIEWED: frozenset({ImportStatus.COMMITTING}),
    ImportStatus.COMMITTING: frozenset({ImportStatus.COMMITTED, ImportStatus.PREVIEWED}),
    ImportStatus.COMMITTED: frozenset(),
    ImportStatus.FAILED: frozenset(),
}
IMPORT_BUSY_STATUSES = frozenset(
    {ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.COMMITTING}
)


def _import_upload_to(batch: ImportBatch, filename: str) -> str:
    # The stored name never reuses the user's file name (it may hold personal names).
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{batch.compound.code}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class ImportBatch(TimeStamped):
    """One uploaded roster file (花名册) for one compound: its preview and, once confirmed,
    its commit. The original file is kept; rejected rows are kept as ImportRowError rows."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="imports")
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # Sealed at rest: an uploaded roster holds ID numbers and phones in clear.
    original = models.FileField(
        _("原始文件"), upload_to=_import_upload_to, storage=sealed_storage, max_length=200
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(_("文件类型"), max_length=8)  # xlsx, xls or csv
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    file_sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64, db_index=True)
    # Where the data was found: sheet, header row (as Excel numbers it) and the column mapping
    # [{"index": 0, "header": "身份证号码", "field": "id_number" | null}, …].
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头所在行"), null=True, blank=True)
    columns = models.JSONField(_("列"), default=list, blank=True)
    # Preview counts.
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_valid = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("有问题行数"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("重复行数"), default=0)
    # What a commit would do to residents (preview), and what it did (commit).
    plan_create = models.PositiveIntegerField(_("将新增居民"), default=0)
    plan_update = models.PositiveIntegerField(_("将更新居民"), default=0)
    plan_unchanged = models.PositiveIntegerField(_("无变化居民"), default=0)
    done_create = models.PositiveIntegerField(_("已新增居民"), null=True, blank=True)
    done_update = models.PositiveIntegerField(_("已更新居民"), null=True, blank=True)
    done_unchanged = models.PositiveIntegerField(_("未变化居民"), null=True, blank=True)
    # Places and owners: {"buildings": n, "units": n, "areas_changed": n, …, "notes": […]}.
    plan_details = models.JSONField(_("预览明细"), default=dict, blank=True)
    done_details = models.JSONField(_("导入明细"), default=dict, blank=True)
    error_message = models.TextField(_("错误信息"), blank=True)
    previewed_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    committed_by = models.ForeignKey(
        "core.User",
        verbose_name=_("确认导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    scope_paths = up_to_compound("compound")

    class Meta:
        verbose_name = _("花名册导入批次")
        verbose_name_plural = _("花名册导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["compound", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in IMPORT_BUSY_STATUSES


class ImportRowError(models.Model):
    """A row of the uploaded file that will not be imported, with every reason.

    `problems` is [{"column": header text as in the file ("" for the whole row), "reason":
    Chinese text, "value": what was typed, ID/phone masked}]. `cells` holds the row's original
    cells as text (ID/phone masked) for the rejected-rows download."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("行号"))
    # True when the row's only problem is that its (unit, ID number) appeared earlier.
    is_duplicate = models.BooleanField(_("重复行"), default=False)
    problems = models.JSONField(_("问题"), default=list)
    cells = models.JSONField(_("原始内容"), default=list)

    scope_paths = up_to_compound("batch__compound")

    class Meta:
        verbose_name = _("导入问题行")
        verbose_name_plural = _("导入问题行")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.batch_id} 第{self.row_number}行"
