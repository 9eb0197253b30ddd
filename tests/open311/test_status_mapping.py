"""Given a case posted through Open311, when it moves through the case story — dispatched to
the water company, accepted, progress noted, paused, solved, rated satisfied — then GET
requests/{id} tells its status at each step the GeoReport way: "open" until it is closed (a
solved case may still be reopened by its reporter), "closed" once closed or cancelled, with our
state and the latest progress note in status_notes, the party as agency_responsible, the solve
deadline as expected_datetime, and updated_datetime the moment it was closed."""

from django.utils import timezone

from laoyuan.cases import actions
from laoyuan.cases.models import Case, PauseReason, Rating
from tests.cases.helpers import fresh
from tests.open311.helpers import get, good_request, post
from tests.open311.schemas import REQUESTS, validate


def status_of(case: Case) -> dict:
    status, answer = get(f"requests/{case.request_id}", {"jurisdiction_id": "SH"})
    assert status == 200
    validate(answer, REQUESTS)
    (request,) = answer
    return request


def test_the_story_of_a_case_as_open311_sees_it(world, key, parties):
    status, answer = post(good_request(world, key))
    assert status == 201
    case = Case.objects.get(request_id=answer[0]["service_request_id"])
    seen = status_of(case)
    assert (seen["status"], seen["status_notes"], seen["agency_responsible"]) == (
        "open",
        "待派单",
        None,
    )

    actions.case_dispatch(actor=world.li, case=case, party=parties.water)
    seen = status_of(case)
    assert (seen["status"], seen["status_notes"]) == ("open", "待受理")
    assert seen["agency_responsible"] == "锦江自来水沙河营业所"

    actions.case_accept(actor=parties.shui, case=fresh(case))
    actions.case_progress(actor=parties.shui, case=fresh(case), note="已派维修工，电话13900001111")
    seen = status_of(case)
    assert seen["status_notes"] == "办理中：已派维修工，电话[电话]"

    actions.case_pause(
        actor=parties.shui, case=fresh(case), reason=PauseReason.THIRD_PARTY, note="等配件"
    )
    assert status_of(case)["status_notes"].startswith("暂停计时")
    actions.case_resume(actor=parties.shui, case=fresh(case))
    actions.case_solve(actor=parties.shui, case=fresh(case), note="已更换水泵")
    seen = status_of(case)
    assert (seen["status"], seen["status_notes"]) == ("open", "已办结待评价：已更换水泵")

    actions.case_rate(actor=world.li, case=fresh(case), rating=Rating.SATISFIED)
    closed = fresh(case)
    seen = status_of(case)
    assert (seen["status"], seen["status_notes"]) == ("closed", "已结案：已更换水泵")
    assert seen["updated_datetime"] == closed.closed_at.astimezone().isoformat(timespec="seconds")
    assert seen["requested_datetime"] <= seen["updated_datetime"]


def test_a_cancelled_case_is_closed_without_its_reason(world, key):
    answer = post(good_request(world, key))[1]
    case = Case.objects.get(request_id=answer[0]["service_request_id"])
    actions.case_cancel(actor=world.li, case=case, reason="与刘桂兰反映的重复")
    seen = status_of(case)
    assert (seen["status"], seen["status_notes"]) == ("closed", "已撤销")
    assert seen["updated_datetime"] == fresh(case).closed_at.astimezone().isoformat(
        timespec="seconds"
    )


def test_the_expected_datetime_is_the_solve_deadline(world, key):
    answer = post(good_request(world, key))[1]
    case = Case.objects.get(request_id=answer[0]["service_request_id"])
    expected = timezone.localtime(case.solve_due_at).isoformat(timespec="seconds")
    assert status_of(case)["expected_datetime"] == expected
    assert expected.endswith("+08:00")
