"""Shapes of the owners' vote API (业主表决接口).

Areas leave as decimal strings in m² ("65.40", exact: hundredths of m² are integers inside);
shares as percentage strings with two decimals. Phones leave masked. While a vote is open no
answer carries a choice (the split is shown only after the close); a resident sees her own
ballots. Inputs forbid unknown fields and bound every length.
"""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from laoyuan.decisions.votes.models import Matter, VoteStatus, cents_to_m2
from laoyuan.decisions.votes.results import option_label
from laoyuan.notices.printing import public_url
from laoyuan.registry.schemas import Id, Ref, Text
from laoyuan.voices.schemas import Many, VoiceText

MatterIn = Literal[tuple(Matter.values)]
StatusIn = Literal[tuple(VoteStatus.values)]


class OptionOut(Schema):
    key: str
    label: str


class TestOut(Schema):
    num: int
    den: int
    strict: bool = Field(
        description="true：须超过（过半数，不含本数）；false：须达到（以上，含本数）"
    )


class RuleOut(Schema):
    rule_set: str
    name: str
    matter: str
    binding: bool = Field(description="false：意见征询，不设门槛")
    quorum_area: TestOut = Field(description="参与表决的专有部分面积占总面积")
    quorum_owners: TestOut = Field(description="参与表决的人数占总人数")
    pass_area: TestOut = Field(description="同意的面积占参与表决的面积")
    pass_owners: TestOut = Field(description="同意的人数占参与表决的人数")
    citation: str


def _options(vote) -> list[dict]:
    return [{"key": o["key"], "label": option_label(vote, o["key"])} for o in vote.options]


class ResultNoticeOut(Schema):
    """The public notice (公示) that published a vote's result."""

    id: int = Field(description="公示编号（/api/v1/notices/{id}）")
    title: str
    state: str = Field(description="published（公示中）或 closed（已结束）；撤回的不算")
    state_label: str
    starts_on: dt.date
    ends_on: dt.date
    public_url: str = Field(description="公示的公开页面（打印件上二维码指向的地址）")


class VoteOut(Schema):
    id: int
    compound: Ref
    buildings: list[Ref]
    meeting_id: int | None = Field(description="召开表决的业主大会")
    matter: str
    matter_label: str
    title: str
    question: str
    options: list[OptionOut]
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    status_label: str
    total_area: str = Field(description="表决范围内的总面积（㎡，开始投票时冻结；草稿为0）")
    total_owners: int = Field(description="表决范围内的总人数（表决权人数）")
    total_units: int
    voted_owners: int | None = Field(description="已投票的人数（草稿为空）")
    quorum_met: bool | None
    passed: bool | None
    cancel_reason: str

    @staticmethod
    def resolve_buildings(obj) -> list[dict]:
        return [{"id": b.pk, "name": str(b)} for b in obj.buildings.all()]

    @staticmethod
    def resolve_matter_label(obj) -> str:
        return str(obj.get_matter_display())

    @staticmethod
    def resolve_options(obj) -> list[dict]:
        return _options(obj)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_total_area(obj) -> str:
        return cents_to_m2(obj.total_area_cents)

    @staticmethod
    def resolve_total_owners(obj) -> int:
        return obj.total_persons

    @staticmethod
    def resolve_voted_owners(obj) -> int | None:
        if obj.status == VoteStatus.DRAFT:
            return None
        return getattr(obj, "voted_persons", None)


class RollCheckOut(Schema):
    units: int
    area: str
    units_without_area: int
    units_without_owner: int
    problems: list[str] = Field(description="现在不能开始投票的原因（为空则可以开始）")


class ParticipationOut(Schema):
    area: str
    owners: int
    area_share: str = Field(description="占总面积的百分比")
    owners_share: str = Field(description="占总人数的百分比")


class VoteDetailOut(VoteOut):
    rule: RuleOut | None = Field(description="适用的计票规则（开始投票时冻结；草稿为将适用的规则）")
    roll_check: RollCheckOut | None = Field(description="草稿：开始前的名册检查")
    participation: ParticipationOut | None = Field(description="已参与表决（不含同意、反对的分布）")
    chain_length: int
    chain_head: str
    result_notice: ResultNoticeOut | None = Field(
        description="公示计票结果的公示（公示中或已结束）；还没公示为空"
    )

    @staticmethod
    def resolve_result_notice(obj) -> dict | None:
        return getattr(obj, "result_notice_out", None)

    @staticmethod
    def resolve_rule(obj) -> dict:
        return obj.rule_out

    @staticmethod
    def resolve_roll_check(obj) -> dict | None:
        return obj.roll_check_out

    @staticmethod
    def resolve_participation(obj) -> dict | None:
        return obj.participation_out


class VoteFilters(Schema):
    compound: Id | None = Field(None, description="小区编号")
    status: StatusIn | None = Field(None, description="状态")
    matter: MatterIn | None = Field(None, description="表决事项")


class VoteIn(Schema):
    """A draft vote. A binding matter opens only at an owners' assembly (meeting_id) noticed in
    time; an advisory poll needs 2–10 options of its own."""

    model_config = ConfigDict(extra="forbid")

    title: Text(120, min_length=1)
    question: VoiceText = Field(description="表决内容，最多5000字")
    matter: MatterIn
    opens_at: dt.datetime
    closes_at: dt.datetime
    building_ids: Many(Id, most=200, least=0) = Field(
        default_factory=list, description="只由这些楼栋的业主表决；空为全小区"
    )
    meeting_id: Id | None = Field(None, description="召开表决的业主大会（会议编号）")
    options: Many(Text(40, min_length=1), most=10, least=0) = Field(
        default_factory=list, description="意见征询的选项；表决事项固定为同意、不同意、弃权"
    )


class VoteCreateIn(VoteIn):
    compound_id: Id


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: VoiceText = Field(description="原因，最多2000字")


class RollUnitOut(Schema):
    id: int = Field(description="房屋编号（登记信息）")
    label: str
    area: str

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.unit_id


class RollOwnerOut(Schema):
    id: int = Field(description="名册上的业主编号（录入纸质票、登记委托时用）")
    name: str
    phone: str = Field(description="联系电话（脱敏）")

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.owner.phone_masked


class VotingPersonOut(Schema):
    id: int
    number: int
    label: str
    kind: str
    area: str
    units: list[RollUnitOut]
    owners: list[RollOwnerOut]
    voted: bool
    channel: str = Field(description="计入的票的方式：online、paper；未投票为空")
    voted_at: dt.datetime | None
    choice: str | None = Field(description="计入的选择：计票后才给出")

    @staticmethod
    def resolve_units(obj) -> list:
        return list(obj.units.all())

    @staticmethod
    def resolve_owners(obj) -> list:
        return list(obj.owners.all())

    @staticmethod
    def resolve_voted(obj) -> bool:
        return bool(obj.counted_choice)

    @staticmethod
    def resolve_channel(obj) -> str:
        return obj.counted_channel

    @staticmethod
    def resolve_voted_at(obj) -> dt.datetime | None:
        return obj.counted_at

    @staticmethod
    def resolve_choice(obj) -> str | None:
        if obj.vote.status != VoteStatus.CLOSED:
            return None
        return obj.counted_choice or None


class RollFilters(Schema):
    voted: bool | None = Field(None, description="false：还没投票的（上门动员）")
    building: Id | None = None
    grid: Id | None = None
    q: Text(40) = Field("", description="房号或姓名")


class BallotOut(Schema):
    id: int
    seq: int = Field(description="在表决记录链中的序号")
    at: dt.datetime
    person_id: int
    person: str
    owner: str
    channel: str
    proxy: str | None = Field(description="受托人（代为投票时）")
    ballot_number: str
    received_at: dt.datetime | None
    cast_by: str
    counted: bool = Field(description="现在是否计入")
    choice: str | None = Field(description="选择：计票后才给出")
    hash: str

    @staticmethod
    def resolve_person(obj) -> str:
        return obj.person.label

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_proxy(obj) -> str | None:
        return obj.proxy.proxy_name if obj.proxy_id else None

    @staticmethod
    def resolve_cast_by(obj) -> str:
        return str(obj.cast_by)

    @staticmethod
    def resolve_counted(obj) -> bool:
        return obj.person.counted_ballot_id == obj.pk

    @staticmethod
    def resolve_choice(obj) -> str | None:
        return obj.choice if obj.vote.status == VoteStatus.CLOSED else None


class PaperBallotIn(Schema):
    """A signed paper ballot typed in (multipart, with the file `scan`)."""

    model_config = ConfigDict(extra="forbid")

    owner_id: Id = Field(description="名册上的业主编号（签名人）")
    choice: Text(16, min_length=1) = Field(description="选项的 key：yes、no、abstain 或 o1…")
    ballot_number: Text(40, min_length=1) = Field(description="票号，每次表决只录一次")
    received_at: dt.datetime = Field(description="收票时间，不晚于截止时间")
    proxy_id: Id | None = Field(None, description="由受托人代为投票时的委托编号")
    replaces_paper: bool = Field(False, description="替换这位表决权人已录入的纸质票")


class ProxyIn(Schema):
    """A written proxy recorded (multipart, with the file `scan`)."""

    model_config = ConfigDict(extra="forbid")

    owner_id: Id = Field(description="名册上的业主编号（委托人）")
    proxy_name: Text(60, min_length=1)
    proxy_resident_id: Id | None = Field(
        None, description="受托人有居民账号时：她的居民编号，可在手机上代为投票"
    )
    note: Text(200) = ""


class ProxyOut(Schema):
    id: int
    seq: int
    at: dt.datetime
    person_id: int
    owner: str
    proxy_name: str
    online: bool = Field(description="受托人能否在手机上代为投票")
    recorded_by: str

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_online(obj) -> bool:
        return obj.proxy_resident_id is not None

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return str(obj.recorded_by)


class ResultTestOut(Schema):
    key: str
    label: str
    part: str
    whole: str
    share: str
    required: str
    met: bool


class ResultOptionOut(Schema):
    key: str
    label: str
    area: str
    owners: int
    area_share: str
    owners_share: str


class VoteNoticeIn(Schema):
    """Publish a closed vote's result as a public notice of its compound or buildings."""

    model_config = ConfigDict(extra="forbid")

    starts_on: dt.date | None = Field(None, description="公示开始日期，不早于今天；不填为今天")
    period_days: int = Field(
        7, ge=1, le=90, description="公示天数（工作日最多60天，自然日最多90天）"
    )
    working_days: bool = Field(True, description="true 按工作日（节假日不计）；false 按自然日")
    note: VoiceText = Field("", description="写在公示正文最后的补充说明，最多2000字")


class VoteResultOut(Schema):
    """The result as its closing sealed it. Areas in m² as decimal strings."""

    vote_id: int
    title: str
    total_area: str
    total_owners: int
    participating_area: str
    participating_owners: int
    yes_area: str | None = Field(description="同意的面积（表决事项）")
    yes_owners: int | None
    no_area: str | None
    no_owners: int | None
    abstain_area: str | None
    abstain_owners: int | None
    options: list[ResultOptionOut]
    quorum_met: bool | None = Field(description="参与表决是否达到要求（意见征询为空）")
    passed: bool | None = Field(description="是否通过（意见征询为空）")
    outcome: str = Field(description="passed、rejected、no_quorum 或 advisory")
    outcome_label: str
    tests: list[ResultTestOut]
    rule: RuleOut
    chain_head: str = Field(description="表决记录链的最后一个校验值")
    notice: ResultNoticeOut | None = Field(
        None, description="公示这个结果的公示（公示中或已结束）；还没公示为空"
    )


class VerifyOut(Schema):
    ok: bool
    chain_length: int
    problems: list[str]


class PortalBallotIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: Id = Field(description="表决权人编号（GET /portal/votes/{id} 列出您能投的）")
    choice: Text(16, min_length=1)


class MyPersonOut(Schema):
    id: int
    label: str
    units: list[RollUnitOut]
    as_owner: str = Field(description="以哪位业主的名义投票")
    proxy: bool = Field(description="是否受委托代投")
    choice: str | None = Field(description="现在计入的选择（您的表决权人的）")
    channel: str
    voted_at: dt.datetime | None
    may_vote: bool
    paper_counts: bool = Field(description="以纸质票为准：手机上不能再改")


class MyVoteBriefOut(Schema):
    id: int
    compound: Ref
    title: str
    status: str
    status_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    voted: bool = Field(description="您（或您代投的业主）是否已有计入的票")
    passed: bool | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_voted(obj) -> bool:
        return bool(obj.mine_voted)


class MyVoteOut(Schema):
    id: int
    compound: Ref
    title: str
    question: str
    status: str
    status_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    options: list[OptionOut]
    persons: list[MyPersonOut]
    result: VoteResultOut | None


def my_person_out(vote, person) -> dict:
    owner, proxy = person.voice
    now = timezone.now()
    paper = person.counted_channel == "paper"
    return {
        "id": person.pk,
        "label": person.label,
        "units": list(person.units.all()),
        "as_owner": owner.name,
        "proxy": proxy is not None,
        "choice": person.counted_choice or None,
        "channel": person.counted_channel,
        "voted_at": person.counted_at,
        "may_vote": vote.status == VoteStatus.OPEN
        and vote.opens_at <= now < vote.closes_at
        and not paper,
        "paper_counts": paper,
    }


def result_notice_out(notice) -> dict | None:
    """A notice as ResultNoticeOut, or None."""
    if notice is None:
        return None
    return {
        "id": notice.pk,
        "title": notice.title,
        "state": notice.state,
        "state_label": str(notice.get_state_display()),
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "public_url": public_url(notice),
    }


def result_out(sheet, notice=None) -> dict:
    vote = sheet.vote
    by_key = {line.key: line for line in sheet.options}

    def area(key: str) -> str | None:
        return by_key[key].area if key in by_key and vote.is_binding else None

    def owners(key: str) -> int | None:
        return by_key[key].persons if key in by_key and vote.is_binding else None

    return {
        "vote_id": vote.pk,
        "title": vote.title,
        "total_area": sheet.total_area,
        "total_owners": sheet.total_persons,
        "participating_area": sheet.participating_area,
        "participating_owners": sheet.participating_persons,
        "yes_area": area("yes"),
        "yes_owners": owners("yes"),
        "no_area": area("no"),
        "no_owners": owners("no"),
        "abstain_area": area("abstain"),
        "abstain_owners": owners("abstain"),
        "options": [
            {
                "key": line.key,
                "label": line.label,
                "area": line.area,
                "owners": line.persons,
                "area_share": line.area_share,
                "owners_share": line.persons_share,
            }
            for line in sheet.options
        ],
        "quorum_met": sheet.quorum_met,
        "passed": sheet.passed,
        "outcome": sheet.outcome,
        "outcome_label": sheet.outcome_label,
        "tests": [t.__dict__ for t in sheet.tests],
        "rule": sheet.result.rule.snapshot(),
        "chain_head": vote.chain_head,
        "notice": result_notice_out(notice),
    }
