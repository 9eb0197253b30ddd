"""Which counting rules apply to a vote (表决规则), as data.

The national rule set follows Civil Code art. 278 (in force since 2021-01-01): for every matter
owners holding at least 2/3 of the exclusive-part area AND at least 2/3 of the owners take part;
matters (6) raising the maintenance fund, (7) rebuilding and (8) changing the use of common parts
pass with at least 3/4 of the participating area AND of the participating owners; every other
matter with more than half of both. "以上" includes the boundary and "过半数" excludes it (art.
1259). Older national regulations still print pre-2021 thresholds; the Civil Code prevails.

A district may add its own rule set (in the admin), which wins for its compounds from its
`valid_from` on; the national one always exists (the data migration loads it, and it is loaded
again here if a database was emptied).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laoyuan.decisions.votes.counting import Fraction, Rule, Test
from laoyuan.decisions.votes.models import Matter, MatterRule, RuleSet
from laoyuan.registry.models import Compound

NATIONAL_CODE = "civil-code-278"
NATIONAL_NAME = "《民法典》第二百七十八条（全国）"
ASSEMBLY_NOTICE_DAYS = 15  # 物业管理条例 art. 14
SPECIAL_MATTERS = frozenset({Matter.FUND_RAISE, Matter.REBUILD, Matter.COMMON_USE})
ART_278 = "《民法典》第二百七十八条第二款"
NATIONAL_CITATION = (
    "《民法典》第二百七十八条、第一千二百五十九条（“以上”含本数，“过半数”不含本数）；"
    "《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》第八条、第九条"
    "（面积与人数的计算）；《物业管理条例》第十四条（业主大会提前15日通知）"
)


def national_matter_rows() -> list[dict]:
    """The national rules of each matter, as field values of MatterRule."""
    quorum = {
        "quorum_area_num": 2,
        "quorum_area_den": 3,
        "quorum_owners_num": 2,
        "quorum_owners_den": 3,
        "quorum_strict": False,
    }
    rows = []
    for matter in Matter.values:
        if matter == Matter.ADVISORY:
            rows.append(
                {
                    "matter": matter,
                    "binding": False,
                    "quorum_area_num": 0,
                    "quorum_area_den": 1,
                    "quorum_owners_num": 0,
                    "quorum_owners_den": 1,
                    "pass_area_num": 0,
                    "pass_area_den": 1,
                    "pass_owners_num": 0,
                    "pass_owners_den": 1,
                    "citation": "意见征询：了解业主意见，不作为业主共同决定",
                }
            )
        elif matter in SPECIAL_MATTERS:
            rows.append(
                {
                    "matter": matter,
                    "binding": True,
                    **quorum,
                    "pass_area_num": 3,
                    "pass_area_den": 4,
                    "pass_owners_num": 3,
                    "pass_owners_den": 4,
                    "pass_strict": False,
                    "citation": ART_278 + "：经参与表决专有部分面积四分之三以上的业主"
                    "且参与表决人数四分之三以上的业主同意",
                }
            )
        else:
            rows.append(
                {
                    "matter": matter,
                    "binding": True,
                    **quorum,
                    "pass_area_num": 1,
                    "pass_area_den": 2,
                    "pass_owners_num": 1,
                    "pass_owners_den": 2,
                    "pass_strict": True,
                    "citation": ART_278 + "：经参与表决专有部分面积过半数的业主"
                    "且参与表决人数过半数的业主同意",
                }
            )
    return rows


def ensure_national(rule_set_model=RuleSet, matter_rule_model=MatterRule):
    """The national rule set, created with its matters if missing (the data migration passes
    its historical models)."""
    rules, created = rule_set_model.objects.get_or_create(
        code=NATIONAL_CODE,
        defaults={
            "name": NATIONAL_NAME,
            "valid_from": dt.date(2021, 1, 1),
            "assembly_notice_days": ASSEMBLY_NOTICE_DAYS,
            "citation": NATIONAL_CITATION,
        },
    )
    if created or not rules.matters.exists():
        matter_rule_model.objects.bulk_create(
            matter_rule_model(rule_set=rules, **row) for row in national_matter_rows()
        )
    return rules


def rule_set_for(compound: Compound, *, on: dt.date | None = None) -> RuleSet:
    """The rule set of the compound's district in force on `on` (today), else the national."""
    on = on or timezone.localdate()
    district_id = (
        Compound.objects.filter(pk=compound.pk)
        .values_list("community__street__district_id", flat=True)
        .first()
    )
    local = (
        RuleSet.objects.filter(district_id=district_id, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .first()
    )
    return local or ensure_national()


def assembly_notice_days(compound: Compound) -> int:
    return rule_set_for(compound).assembly_notice_days


def rule_of(rule_set: RuleSet, matter: str) -> Rule:
    """The counting rule of one matter in a rule set (the national one if the set lacks it)."""
    row = MatterRule.objects.filter(rule_set=rule_set, matter=matter).first()
    if row is None:
        rule_set = ensure_national()
        row = MatterRule.objects.get(rule_set=rule_set, matter=matter)
    return Rule(
        rule_set=rule_set.code,
        name=rule_set.name,
        matter=matter,
        binding=row.binding,
        quorum_area=Test(Fraction(row.quorum_area_num, row.quorum_area_den), row.quorum_strict),
        quorum_owners=Test(
            Fraction(row.quorum_owners_num, row.quorum_owners_den), row.quorum_strict
        ),
        pass_area=Test(Fraction(row.pass_area_num, row.pass_area_den), row.pass_strict),
        pass_owners=Test(Fraction(row.pass_owners_num, row.pass_owners_den), row.pass_strict),
        citation=row.citation,
    )
