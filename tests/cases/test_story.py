"""Given a case opened by the community worker, when it goes through the whole story — dispatched
to the water company, returned, dispatched again, transferred to the property company, solved,
rated dissatisfied, reopened, solved and rated satisfied — then every step is a timeline row in
order, the state follows the transitions table, and the statistics columns say what happened."""

from laoyuan.cases import actions
from laoyuan.cases.models import CaseEvent, CaseState, EventKind
from tests.cases.helpers import fresh, open_case


def test_the_whole_story_of_a_case(world, parties):
    case = open_case(world)
    assert case.state == CaseState.DISPATCH and case.request_id.startswith("GD-")

    actions.case_dispatch(actor=world.li, case=case, party=parties.water)
    actions.case_return(actor=parties.shui, case=fresh(case), reason="不是供水问题，是楼内管道")
    assert fresh(case).state == CaseState.DISPATCH and fresh(case).party is None
    actions.case_dispatch(actor=world.li, case=fresh(case), party=parties.water, note="再看看")
    actions.case_transfer(
        actor=parties.shui, case=fresh(case), party=parties.property, reason="楼内管道归物业"
    )
    actions.case_accept(actor=world.sun, case=fresh(case))
    actions.case_progress(actor=world.sun, case=fresh(case), note="已上门查看，明天换阀门")
    actions.case_solve(actor=world.sun, case=fresh(case), note="已更换阀门，恢复供水")
    actions.case_rate(actor=world.li, case=fresh(case), rating="dissatisfied", comment="水压还小")
    assert fresh(case).state == CaseState.IN_PROGRESS and fresh(case).reopen_count == 1
    actions.case_solve(actor=world.sun, case=fresh(case), note="加装了增压泵")
    actions.case_rate(actor=world.li, case=fresh(case), rating="satisfied")

    case = fresh(case)
    assert case.state == CaseState.CLOSED and case.rating == "satisfied"
    assert case.ever_solved and case.solved_on_time and case.responded_on_time
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == [
        EventKind.OPENED,
        EventKind.DISPATCHED,
        EventKind.RETURNED,
        EventKind.DISPATCHED,
        EventKind.TRANSFERRED,
        EventKind.ACCEPTED,
        EventKind.PROGRESS,
        EventKind.SOLVED,
        EventKind.REOPENED,
        EventKind.SOLVED,
        EventKind.RATED,
    ]
