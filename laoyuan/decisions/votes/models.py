"""Owners' votes (业主表决): a question put to the owners of a compound or of some of its
buildings, counted exactly under Civil Code art. 278 (民法典第二百七十八条).

- `RuleSet` / `MatterRule`: the quorum (参与表决) and pass (同意) tests of each matter type, as
  data, so a city can add its local rules; the national set is loaded by a data migration.
- `Vote`: draft → open → closed (or cancelled); when it opens the roll is frozen and the rule
  that applies is copied onto it, so nothing edited later changes an open vote.
- The roll (表决名册): `RollUnit` (each dwelling unit 专有部分 with its registered area, in
  hundredths of m²), grouped into `VotingPerson`s (one unit one person; all units of the same
  owners one person; the developer's units one person: SPC interpretation arts. 8–9), each with
  the `RollOwner`s who may cast its ballot.
- `Proxy` (委托投票: the written authorisation and its scan), `Ballot` (online, or on paper
  typed in by staff with its number and scan) and `VoteEvent` (every state change) are
  append-only and chained by hash, one chain per vote: each row stores its sequence number, the
  hash of the previous row and the keyed hash of its own content (`votes.chain`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laoyuan.core.models import TimeStamped
from laoyuan.core.storage import sealed_storage


class Matter(models.TextChoices):
    """The nine matters owners decide jointly (Civil Code art. 278), and advisory polls."""

    PROCEDURE = "procedure", _("（一）制定和修改业主大会议事规则")
    COVENANT = "covenant", _("（二）制定和修改管理规约")
    COMMITTEE = "committee", _("（三）选举业主委员会或者更换业主委员会成员")
    MANAGER = "manager", _("（四）选聘和解聘物业服务企业或者其他管理人")
    FUND_USE = "fund_use", _("（五）使用建筑物及其附属设施的维修资金")
    FUND_RAISE = "fund_raise", _("（六）筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("（七）改建、重建建筑物及其附属设施")
    COMMON_USE = "common_use", _("（八）改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER_MAJOR = "other_major", _("（九）有关共有和共同管理权利的其他重大事项")
    ADVISORY = "advisory", _("意见征询（不具法律约束力）")


class RuleSet(TimeStamped):
    """The counting rules of a jurisdiction: national (no district) or a district's local
    rules, which win for its compounds from `valid_from` on."""

    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("适用的区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全国通用"),
    )
    valid_from = models.DateField(_("施行日期"))
    # 物业管理条例 art. 14: an owners' assembly is noticed this many days ahead.
    assembly_notice_days = models.PositiveSmallIntegerField(_("业主大会提前通知天数"), default=15)
    citation = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("表决规则")
        verbose_name_plural = _("表决规则")
        ordering = ["district_id", "-valid_from", "code"]

    def __str__(self) -> str:
        return self.name


class MatterRule(models.Model):
    """The quorum and the pass test of one matter type. Fractions are two integers; a test
    "at least" (以上) includes its boundary, "more than" (过半数, `…_strict`) excludes it."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="matters")
    matter = models.CharField(_("表决事项"), max_length=16, choices=Matter.choices)
    binding = models.BooleanField(_("具有约束力"), default=True)
    quorum_area_num = models.PositiveIntegerField(_("参与表决面积比例（分子）"))
    quorum_area_den = models.PositiveIntegerField(_("参与表决面积比例（分母）"))
    quorum_owners_num = models.PositiveIntegerField(_("参与表决人数比例（分子）"))
    quorum_owners_den = models.PositiveIntegerField(_("参与表决人数比例（分母）"))
    quorum_strict = models.BooleanField(_("参与表决须超过（不含本数）"), default=False)
    pass_area_num = models.PositiveIntegerField(_("同意面积比例（分子）"))
    pass_area_den = models.PositiveIntegerField(_("同意面积比例（分母）"))
    pass_owners_num = models.PositiveIntegerField(_("同意人数比例（分子）"))
    pass_owners_den = models.PositiveIntegerField(_("同意人数比例（分母）"))
    pass_strict = models.BooleanField(_("同意须超过（不含本数）"), default=False)
    citation = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项表决规则")
        verbose_name_plural = _("事项表决规则")
        ordering = ["rule_set", "matter"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "matter"], name="matter_rule_unique"),
            models.CheckConstraint(
                name="matter_rule_fractions",
                condition=Q(quorum_area_den__gt=0)
                & Q(quorum_owners_den__gt=0)
                & Q(pass_area_den__gt=0)
                & Q(pass_owners_den__gt=0)
                & Q(quorum_area_num__lte=models.F("quorum_area_den"))
                & Q(quorum_owners_num__lte=models.F("quorum_owners_den"))
                & Q(pass_area_num__lte=models.F("pass_area_den"))
                & Q(pass_owners_num__lte=models.F("pass_owners_den")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} · {self.get_matter_display()}"


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being prepared; the roll is not frozen yet
    OPEN = "open", _("投票中")  # roll frozen; ballots accepted in the voting period
    CLOSED = "closed", _("已计票")  # counted; the result is final
    CANCELLED = "cancelled", _("已取消")  # called off, with the reason; nothing counted


VOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    VoteStatus.DRAFT: frozenset({VoteStatus.OPEN, VoteStatus.CANCELLED}),
    VoteStatus.OPEN: frozenset({VoteStatus.CLOSED, VoteStatus.CANCELLED}),
    VoteStatus.CLOSED: frozenset(),
    VoteStatus.CANCELLED: frozenset(),
}


def _vote_paths(prefix: str = "") -> dict[str, str]:
    return {
        "district": f"{prefix}street__district_id",
        "street": f"{prefix}street_id",
        "community": f"{prefix}community_id",
        "compound": f"{prefix}compound_id",
    }


class Vote(TimeStamped):
    """An owners' vote (业主表决) or an advisory poll (意见征询)."""

    compound = models.ForeignKey(
        "registry.Compound", on_delete=models.PROTECT, related_name="votes"
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    # Some buildings only (a lift for one building); empty for the whole compound.
    buildings = models.ManyToManyField(
        "registry.Building", verbose_name=_("表决楼栋"), blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "decisions.Meeting",
        verbose_name=_("业主大会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
    )
    resolution = models.OneToOneField(
        "decisions.Resolution",
        verbose_name=_("提交表决的决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vote",
    )
    matter = models.CharField(_("表决事项"), max_length=16, choices=Matter.choices)
    title = models.CharField(_("标题"), max_length=120)
    question = models.TextField(_("表决内容"))
    # [{"key": "yes", "label": "同意"}, …]; fixed yes / no / abstain for binding matters.
    options = models.JSONField(_("选项"), default=list)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("表决规则"), on_delete=models.PROTECT, related_name="votes"
    )
    # The rule that applies, copied from the rule set when the vote opens (counting.Rule).
    rule = models.JSONField(_("适用规则"), default=dict, blank=True)
    # The roll's totals, frozen when the vote opens (areas in hundredths of m²).
    total_area_cents = models.BigIntegerField(_("总面积（0.01㎡）"), default=0)
    total_persons = models.PositiveIntegerField(_("总人数"), default=0)
    total_units = models.PositiveIntegerField(_("专有部分数"), default=0)
    quorum_met = models.BooleanField(_("达到参与表决要求"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    # The chain of the vote's events, proxies and ballots: its length and its last hash.
    chain_length = models.PositiveIntegerField(default=0)
    chain_head = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = {
        **_vote_paths(),
        # Workers on a building or a grid follow their compound's votes (door-knocking).
        "building": "compound__buildings",
        "grid": "compound__grids",
    }

    class Meta:
        verbose_name = _("业主表决")
        verbose_name_plural = _("业主表决")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["compound", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_binding(self) -> bool:
        return self.matter != Matter.ADVISORY

    def option_label(self, key: str) -> str:
        for option in self.options:
            if option["key"] == key:
                return option["label"]
        return key


class VoterKind(models.TextChoices):
    PERSON = "person", _("业主")
    JOINT = "joint", _("共有人")
    ORGANISATION = "organisation", _("单位")
    DEVELOPER = "developer", _("开发建设单位")


class VotingPerson(models.Model):
    """One voting person (表决权人) of the frozen roll: the units held by exactly the same
    owners (one unit one person; all units of one owner, or of the same co-owners, one
    person; the developer's units one person). Its area is the sum of its units'.

    `counted_*` is the ballot that counts by the stated rule (a written ballot prevails over
    online ones; otherwise the latest), kept here so the tally is one aggregate; it is
    rewritten only under the vote's lock and `verify-votes` recomputes it from the chain."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="persons")
    number = models.PositiveIntegerField(_("序号"))
    owner_key = models.CharField(max_length=1000)
    label = models.CharField(_("表决权人"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=VoterKind.choices)
    area_cents = models.BigIntegerField(_("面积（0.01㎡）"))
    unit_count = models.PositiveIntegerField(_("专有部分数"))
    counted_ballot = models.ForeignKey(
        "Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_choice = models.CharField(_("计入的选择"), max_length=16, blank=True)
    counted_channel = models.CharField(max_length=8, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    scope_paths = {
        **_vote_paths("vote__"),
        # A grid worker knocks on the doors of her grid: she sees its units' voting persons.
        "building": "units__building_id",
        "grid": "units__grid_id",
    }

    class Meta:
        verbose_name = _("表决权人")
        verbose_name_plural = _("表决权人")
        ordering = ["vote", "number"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "number"], name="voting_person_number"),
            models.UniqueConstraint(fields=["vote", "owner_key"], name="voting_person_owners"),
        ]
        indexes = [models.Index(fields=["vote", "counted_choice"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def area(self) -> str:
        return cents_to_m2(self.area_cents)


def cents_to_m2(cents: int) -> str:
    """Hundredths of m² as a decimal string ("65.40"); integers only, never a float."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class RollUnit(models.Model):
    """A dwelling unit (专有部分) on the frozen roll, with its registered area at opening."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="roll_units")
    person = models.ForeignKey(VotingPerson, on_delete=models.PROTECT, related_name="units")
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("registry.Building", on_delete=models.PROTECT, related_name="+")
    # The grid of the unit's household at opening: only for door-knocking lists.
    grid = models.ForeignKey(
        "registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField()
    label = models.CharField(_("房屋"), max_length=80)
    area_cents = models.BigIntegerField(_("面积（0.01㎡）"))
    area_source = models.CharField(_("面积来源"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("表决名册房屋")
        verbose_name_plural = _("表决名册房屋")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "unit"], name="roll_unit_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def area(self) -> str:
        return cents_to_m2(self.area_cents)


class RollOwner(models.Model):
    """An owner who may cast the ballot of a voting person, as registered at opening."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="roll_owners")
    person = models.ForeignKey(VotingPerson, on_delete=models.PROTECT, related_name="owners")
    owner = models.ForeignKey("registry.Owner", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=120)
    kind = models.CharField(_("类型"), max_length=16)
    # The resident record the owner's portal account speaks for (Owner.resident at opening).
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("表决名册业主")
        verbose_name_plural = _("表决名册业主")
        ordering = ["vote", "person", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "owner"], name="roll_owner_once"),
        ]
        indexes = [models.Index(fields=["resident", "vote"])]

    def __str__(self) -> str:
        return self.name


def _scan_upload_to(row, filename: str) -> str:
    # Never the uploaded name: it may hold a person's name.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"votes/{row.vote_id}/{uuid.uuid4().hex}.{ext}"


class Chained(models.Model):
    """A row of a vote's hash chain: its place (`seq`), the previous row's hash and its own."""

    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("时间"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        abstract = True


class VoteEventKind(models.TextChoices):
    CREATED = "created", _("创建")
    OPENED = "opened", _("开始投票")
    CLOSED = "closed", _("结束并计票")
    CANCELLED = "cancelled", _("取消")


class VoteEvent(Chained):
    """A state change of a vote; the opening records the roll's digest, the closing the
    result."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=VoteEventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("表决记录")
        verbose_name_plural = _("表决记录")
        ordering = ["vote", "seq"]
        constraints = [models.UniqueConstraint(fields=["vote", "seq"], name="vote_event_seq")]

    def __str__(self) -> str:
        return f"{self.vote_id}#{self.seq} {self.kind}"


class Proxy(Chained):
    """A written authorisation (授权委托书): an owner lets someone vote for her. Recorded by
    staff with the scan; the proxy votes on paper, or online when she has a portal account."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="proxies")
    person = models.ForeignKey(VotingPerson, on_delete=models.PROTECT, related_name="proxies")
    owner = models.ForeignKey(RollOwner, on_delete=models.PROTECT, related_name="proxies")
    proxy_name = models.CharField(_("受托人"), max_length=60)
    proxy_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("受托人（居民账号）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Sealed at rest: the authorisation shows names, signatures and often ID numbers.
    scan = models.FileField(
        _("授权委托书扫描件"), upload_to=_scan_upload_to, storage=sealed_storage, max_length=200
    )
    scan_sha256 = models.CharField(max_length=64)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("委托投票")
        verbose_name_plural = _("委托投票")
        ordering = ["vote", "seq"]
        constraints = [models.UniqueConstraint(fields=["vote", "seq"], name="vote_proxy_seq")]

    def __str__(self) -> str:
        return f"{self.proxy_name} → {self.owner.name}"


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("线上")
    PAPER = "paper", _("纸质")


class Ballot(Chained):
    """A ballot (表决票), never changed: a later one of the same voting person replaces it in
    the count, and both stay. `cast_by` is the account that cast it online or the staff
    member who typed the paper in; `owner` the owner it was cast as (or for, by `proxy`)."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    person = models.ForeignKey(VotingPerson, on_delete=models.PROTECT, related_name="ballots")
    owner = models.ForeignKey(RollOwner, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("选择"), max_length=16)
    channel = models.CharField(_("方式"), max_length=8, choices=BallotChannel.choices)
    proxy = models.ForeignKey(
        Proxy, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    ballot_number = models.CharField(_("票号"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("收票时间"), null=True, blank=True)
    # Sealed at rest: a paper ballot shows the owner's name and signature.
    scan = models.FileField(
        _("表决票扫描件"),
        upload_to=_scan_upload_to,
        storage=sealed_storage,
        max_length=200,
        blank=True,
    )
    scan_sha256 = models.CharField(max_length=64, blank=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        ordering = ["vote", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "seq"], name="vote_ballot_seq"),
            # A paper ballot is typed in once: the same number twice is a double entry.
            models.UniqueConstraint(
                fields=["vote", "ballot_number"],
                condition=~Q(ballot_number=""),
                name="vote_ballot_number_once",
            ),
        ]
        indexes = [models.Index(fields=["person", "seq"])]

    def __str__(self) -> str:
        return f"{self.vote_id}#{self.seq} {self.choice}"
