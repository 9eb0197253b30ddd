"""The counting rules of Civil Code art. 278 at their boundaries, on the pure tally: areas in
hundredths of m², persons as integers, every expected figure worked out by hand below.

"以上" (at least) includes the boundary: exactly 2/3 takes part, exactly 3/4 approves.
"过半数" (more than half) excludes it: exactly 1/2 fails (art. 1259)."""

import pytest

from laoyuan.decisions.votes.counting import (
    ABSTAIN,
    NO,
    YES,
    Fraction,
    Share,
    judge,
    percent,
    tally,
)
from laoyuan.decisions.votes.models import Matter
from laoyuan.decisions.votes.rulesets import ensure_national, rule_of

OPTIONS = [YES, NO, ABSTAIN]


@pytest.fixture
def rules(db):
    national = ensure_national()
    return {
        "ordinary": rule_of(national, Matter.MANAGER),  # (4) hiring the property company
        "special": rule_of(national, Matter.REBUILD),  # (7) e.g. installing a lift
        "advisory": rule_of(national, Matter.ADVISORY),
    }


def test_exactly_two_thirds_of_the_area_and_of_the_owners_meets_the_quorum(rules):
    # given 3 voting persons of 100.00 m² each (300.00 m², 3 persons); two vote yes
    counted = tally([(10000, YES), (10000, YES), (10000, "")], OPTIONS)
    result = judge(counted, rules["ordinary"])
    # then 200.00/300.00 = 2/3 of the area and 2/3 of the persons took part: met (以上)
    assert counted.participating == Share(20000, 2)
    assert result.quorum_area.met and result.quorum_owners.met
    assert (result.quorum_area.part, result.quorum_area.whole) == (20000, 30000)
    assert result.quorum_met is True
    # and 2 of 2 approve: more than half of both: passed
    assert result.passed is True
    assert result.outcome == "passed"


def test_one_hundredth_of_a_square_metre_under_two_thirds_misses_the_quorum(rules):
    # given 100.00 + 99.99 m² voting out of 300.00 m² (199.99 < 200.00 = 2/3 of 300.00)
    counted = tally([(10000, YES), (9999, YES), (10001, "")], OPTIONS)
    result = judge(counted, rules["ordinary"])
    # then the area test fails though the persons test (2/3) is met: no quorum, not passed
    assert counted.total == Share(30000, 3)
    assert result.quorum_area.met is False
    assert result.quorum_owners.met is True
    assert result.quorum_met is False
    assert result.passed is False
    assert result.outcome == "no_quorum"


def test_one_person_under_two_thirds_misses_the_quorum(rules):
    # given 9 persons of 10.00 m²; 5 vote (5/9 < 2/3 = 6/9), but they hold most of the area:
    # the five are 90.00 m² each (450.00) against four of 10.00 (40.00): 450/490 > 2/3
    counted = tally([(9000, YES)] * 5 + [(1000, "")] * 4, OPTIONS)
    result = judge(counted, rules["ordinary"])
    assert counted.total == Share(49000, 9)
    assert result.quorum_area.met is True
    assert result.quorum_owners.met is False  # 5 * 3 = 15 < 2 * 9 = 18
    assert result.outcome == "no_quorum"


def test_exactly_three_quarters_approving_passes_a_special_matter(rules):
    # given 4 persons of 50.00 m² all voting: 3 yes (150.00 m², 3 persons), 1 no
    counted = tally([(5000, YES), (5000, YES), (5000, YES), (5000, NO)], OPTIONS)
    result = judge(counted, rules["special"])
    # then 150.00/200.00 = 3/4 of the participating area, 3/4 of the persons: passed (以上)
    assert counted.of(YES) == Share(15000, 3)
    assert result.pass_area.met and result.pass_owners.met
    assert result.passed is True


def test_just_under_three_quarters_fails_a_special_matter(rules):
    # given yes 149.99 m² of 200.00 (149.99 * 4 = 599.96 < 3 * 200.00 = 600.00), 3 of 4 persons
    counted = tally([(5000, YES), (5000, YES), (4999, YES), (5001, NO)], OPTIONS)
    result = judge(counted, rules["special"])
    assert result.pass_area.met is False
    assert result.pass_owners.met is True
    assert result.passed is False
    assert result.outcome == "rejected"


def test_exactly_half_fails_an_ordinary_matter(rules):
    # given 4 persons of 60.00 m² all voting, 2 yes and 2 no: 120.00 of 240.00, 2 of 4
    counted = tally([(6000, YES), (6000, YES), (6000, NO), (6000, NO)], OPTIONS)
    result = judge(counted, rules["ordinary"])
    # then exactly half is not more than half (过半数): not passed
    assert result.quorum_met is True
    assert (result.pass_area.met, result.pass_owners.met) == (False, False)
    assert result.passed is False


def test_one_hundredth_over_half_passes_only_with_more_than_half_of_the_persons_too(rules):
    # given yes 120.01 of 240.00 m² (over half) but 2 of 4 persons (exactly half)
    counted = tally([(6001, YES), (6000, YES), (6000, NO), (5999, NO)], OPTIONS)
    result = judge(counted, rules["ordinary"])
    assert result.pass_area.met is True
    assert result.pass_owners.met is False
    assert result.passed is False
    # when a third person approves instead: 3 of 4 and 180.01 m² of 240.00
    counted = tally([(6001, YES), (6000, YES), (6000, YES), (5999, NO)], OPTIONS)
    assert judge(counted, rules["ordinary"]).passed is True


def test_abstentions_take_part_and_weigh_against_approval(rules):
    # given 5 persons of 80.00 m²: 3 yes, 2 abstain, nobody against
    counted = tally([(8000, YES)] * 3 + [(8000, ABSTAIN)] * 2, OPTIONS)
    result = judge(counted, rules["special"])
    # then all 5 took part (400.00 m²), and yes is 240.00/400.00 = 3/5 < 3/4: not passed
    assert counted.participating == Share(40000, 5)
    assert counted.of(ABSTAIN) == Share(16000, 2)
    assert result.quorum_met is True
    assert result.passed is False
    # while for an ordinary matter 3/5 is more than half: passed
    assert judge(counted, rules["ordinary"]).passed is True


def test_an_advisory_poll_has_no_quorum_and_no_pass_test(rules):
    counted = tally([(5000, "o1"), (5000, "o2"), (5000, "")], ["o1", "o2", "o3"])
    result = judge(counted, rules["advisory"])
    assert (result.quorum_met, result.passed, result.outcome) == (None, None, "advisory")
    assert counted.of("o3") == Share(0, 0)


def test_nobody_voting_meets_nothing(rules):
    counted = tally([(5000, ""), (5000, "")], OPTIONS)
    result = judge(counted, rules["ordinary"])
    assert result.quorum_met is False
    assert result.pass_area.met is False  # 0 of 0: never met by default


def test_shares_are_printed_exactly_from_integers():
    assert percent(2, 3) == "66.67"
    assert percent(1, 2) == "50.00"
    assert percent(19999, 30000) == "66.66"  # 66.663…, rounded half up
    assert percent(0, 0) == "0.00"
    with pytest.raises(ValueError):
        Fraction(4, 3)


def test_a_choice_that_is_not_an_option_is_an_error():
    with pytest.raises(ValueError):
        tally([(100, "maybe")], OPTIONS)
