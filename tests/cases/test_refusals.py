"""Given cases in each state, when someone asks for a step the state does not allow (or one that
is not theirs), then the action refuses in Chinese naming the state, and nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.cases import actions
from tests.cases.helpers import fresh, open_case, snapshot


def steps(world, parties):
    return {
        "accept": lambda c, u: actions.case_accept(actor=u, case=c),
        "solve": lambda c, u: actions.case_solve(actor=u, case=c, note="好了"),
        "pause": lambda c, u: actions.case_pause(actor=u, case=c, reason="resident"),
        "resume": lambda c, u: actions.case_resume(actor=u, case=c),
        "rate": lambda c, u: actions.case_rate(actor=u, case=c, rating="satisfied"),
        "return": lambda c, u: actions.case_return(actor=u, case=c, reason="不归我们管"),
        "dispatch": lambda c, u: actions.case_dispatch(actor=u, case=c, party=parties.water),
        "cancel": lambda c, u: actions.case_cancel(actor=u, case=c, reason="重复"),
        "review": lambda c, u: actions.case_review(actor=u, case=c, decision="close", note="结"),
    }


@pytest.mark.parametrize(
    ("step", "who", "message"),
    [
        ("accept", "sun", "工单当前为“办理中”，不能签收受理"),
        ("resume", "sun", "工单当前为“办理中”，不能恢复计时"),
        ("rate", "li", "工单当前为“办理中”，不能评价"),
        ("dispatch", "li", "工单当前为“办理中”，不能派单"),
        ("cancel", "li", "工单当前为“办理中”，不能撤销"),
        ("review", "li", "工单当前为“办理中”，不能复核"),
    ],
)
def test_a_step_the_state_does_not_allow_is_refused(world, parties, step, who, message):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        steps(world, parties)[step](fresh(case), world.users[who])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("accept", "li"),  # the dispatcher does not accept for the party
        ("solve", "li"),
        ("pause", "zhang"),
        ("return", "shui"),  # another party
        ("dispatch", "sun"),  # the party does not dispatch
        ("cancel", "zhang"),
    ],
)
def test_a_step_that_is_not_the_users_is_refused(world, parties, step, who):
    case = open_case(world, party=parties.property)
    user = parties.shui if who == "shui" else world.users[who]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        steps(world, parties)[step](fresh(case), user)
    assert snapshot() == before


def test_a_closed_case_takes_no_more_steps(world, parties):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
    actions.case_rate(actor=world.li, case=fresh(case), rating="satisfied")
    before = snapshot()
    for step, who in [("solve", world.sun), ("rate", world.li), ("cancel", world.li)]:
        with pytest.raises((ValidationError, PermissionDenied)):
            steps(world, parties)[step](fresh(case), who)
    with pytest.raises(ValidationError, match="已结案"):
        actions.case_progress(actor=world.li, case=fresh(case), note="再看看")
    assert snapshot() == before


def test_a_party_that_does_not_serve_the_place_is_refused(world, parties):
    case = open_case(world)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        actions.case_dispatch(actor=world.li, case=case, party=parties.guihua)
    assert refused.value.message_dict["party"] == ["所选责任方不负责这个小区，请重新选择。"]
    with pytest.raises(ValidationError, match="不能转派给自己"):
        actions.case_dispatch(actor=world.li, case=case, party=parties.water)
        actions.case_transfer(actor=parties.shui, case=fresh(case), party=parties.water, reason="x")
    assert fresh(case).party == parties.water
    assert snapshot()[0] > before[0]  # the dispatch itself went through; the transfer did not
