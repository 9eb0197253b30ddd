"""The result of a vote as people read it (表决结果): the figures of the sealed count with their
shares, the tests that apply with their fractions, whether each is met and the outcome. One
shape for the page, the A4 PDF, the .xlsx and the API; a public notice (公示) attaches it.

`result_of(vote)` is the one function to call: None until the vote is closed, because the
yes/no split is not shown while owners can still vote.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.decisions.votes import counting, tally
from laoyuan.decisions.votes.models import Matter, Vote, VoteStatus, cents_to_m2

OUTCOME_LABELS = {
    "passed": gettext_lazy("通过"),
    "rejected": gettext_lazy("未通过：同意的面积或人数未达到要求"),
    "no_quorum": gettext_lazy("未通过：参与表决的面积或人数未达到要求"),
    "advisory": gettext_lazy("意见征询结果（不具约束力）"),
}
# Option labels of binding votes are stored in Chinese; these translate them on screen.
BINDING_LABELS = {
    counting.YES: gettext_lazy("同意"),
    counting.NO: gettext_lazy("不同意"),
    counting.ABSTAIN: gettext_lazy("弃权"),
}


def option_label(vote: Vote, key: str) -> str:
    if vote.matter != Matter.ADVISORY and key in BINDING_LABELS:
        return str(BINDING_LABELS[key])
    return vote.option_label(key)


@dataclass(frozen=True)
class OptionLine:
    key: str
    label: str
    area_cents: int
    persons: int
    area: str  # m², two decimals
    area_share: str  # % of the participating area
    persons_share: str  # % of the participating persons


@dataclass(frozen=True)
class TestLine:
    key: str  # quorum_area, quorum_owners, pass_area, pass_owners
    label: str
    part: str
    whole: str
    share: str  # %, two decimals
    required: str  # "≥ 2/3", "> 1/2"
    met: bool


@dataclass(frozen=True)
class ResultSheet:
    vote: Vote
    result: counting.Result
    total_area: str
    total_persons: int
    participating_area: str
    participating_persons: int
    participation_area_share: str
    participation_persons_share: str
    options: list[OptionLine]
    tests: list[TestLine]
    outcome: str
    outcome_label: str
    rule_name: str
    citation: str

    @property
    def quorum_met(self) -> bool | None:
        return self.result.quorum_met

    @property
    def passed(self) -> bool | None:
        return self.result.passed


def _test_line(key: str, check: counting.Check, area: bool) -> TestLine:
    labels = {
        "quorum_area": _("参与表决的专有部分面积占总面积"),
        "quorum_owners": _("参与表决的人数占总人数"),
        "pass_area": _("同意的面积占参与表决的面积"),
        "pass_owners": _("同意的人数占参与表决的人数"),
    }
    show = cents_to_m2 if area else str
    return TestLine(
        key=key,
        label=labels[key],
        part=show(check.part),
        whole=show(check.whole),
        share=counting.percent(check.part, check.whole),
        required=check.test.describe(),
        met=check.met,
    )


def sheet(vote: Vote, result: counting.Result) -> ResultSheet:
    """The figures of a result, ready to print."""
    t = result.tally
    part = t.participating
    options = [
        OptionLine(
            key=key,
            label=option_label(vote, key),
            area_cents=share.area_cents,
            persons=share.persons,
            area=cents_to_m2(share.area_cents),
            area_share=counting.percent(share.area_cents, part.area_cents),
            persons_share=counting.percent(share.persons, part.persons),
        )
        for key, share in t.by_option.items()
    ]
    tests = []
    if result.rule.binding:
        tests = [
            _test_line("quorum_area", result.quorum_area, True),
            _test_line("quorum_owners", result.quorum_owners, False),
            _test_line("pass_area", result.pass_area, True),
            _test_line("pass_owners", result.pass_owners, False),
        ]
    return ResultSheet(
        vote=vote,
        result=result,
        total_area=cents_to_m2(t.total.area_cents),
        total_persons=t.total.persons,
        participating_area=cents_to_m2(part.area_cents),
        participating_persons=part.persons,
        participation_area_share=counting.percent(part.area_cents, t.total.area_cents),
        participation_persons_share=counting.percent(part.persons, t.total.persons),
        options=options,
        tests=tests,
        outcome=result.outcome,
        outcome_label=str(OUTCOME_LABELS[result.outcome]),
        rule_name=result.rule.name,
        citation=result.rule.citation,
    )


def result_of(vote: Vote) -> ResultSheet | None:
    """The result of a closed vote as its closing sealed it, or None (not closed yet, or
    cancelled). Two queries."""
    if vote.status != VoteStatus.CLOSED:
        return None
    result = tally.sealed_result(vote)
    return None if result is None else sheet(vote, result)
