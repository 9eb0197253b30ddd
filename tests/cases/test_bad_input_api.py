"""Given the case API, when a client sends bad input — an unknown category, a compound outside
its scope, no text or far too much, a date that does not exist or lies in the past, a step the
state does not allow, a rating by someone who may not — then it answers with the right status
and a Chinese message naming the field, and stores nothing."""

import datetime as dt

import pytest

from laoyuan.cases import actions
from tests.cases.helpers import errors, fresh, open_case, send, snapshot


def body(world, **changes) -> dict:
    data = {
        "compound_id": world.wufuyuan.pk,
        "category_code": "pipe.drain",
        "description": "下水道堵了",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category_code": "no.such"}, "category_code", "分类编码不对：no.such"),
        ({"category_code": None}, "category_code", "缺少必填项"),
        ({"description": None}, "description", "缺少必填项"),
        ({"description": "   "}, "description", "内容是空的"),
        ({"description": "水" * 2001}, "description", "内容太长"),
        ({"description": "a\x00b"}, "description", "不能包含控制字符"),
        ({"deadline": "2026-02-30"}, "deadline", "日期不正确"),
        ({"deadline": "2020-01-01"}, "deadline", "办结期限不能早于今天"),
        ({"lat": "91", "lon": "104"}, "lat", "应不大于90"),
        ({"building_id": 10**9}, "building_id", "未找到该楼栋"),
        ({"party_id": 10**9}, "party_id", "未找到该责任方"),
        ({"reporter_phone": "12"}, "reporter_phone", "电话号码格式不正确"),
        ({"attributes": {"nope": "x"}}, "attributes", "不是这一分类的附加信息"),
        ({"surprise": 1}, "surprise", "不认识的字段"),
    ],
)
def test_bad_input_when_opening_is_a_422_naming_the_field(
    world, parties, login, changes, field, message
):
    before = snapshot()
    status, answer = send(login(world.li), "POST", "/cases", body(world, **changes))
    assert status == 422, answer
    assert message in errors(answer).get(field, ""), answer
    assert snapshot() == before


def test_a_compound_outside_the_scope_is_404(world, parties, login):
    before = snapshot()
    status, answer = send(
        login(world.li), "POST", "/cases", body(world, compound_id=world.guihuaxincun.pk)
    )
    assert (status, answer) == (404, {"detail": "未找到"})
    assert snapshot() == before


def test_a_step_the_state_does_not_allow_is_a_422(world, parties, login):
    case = open_case(world, party=parties.property)
    before = snapshot()
    status, answer = send(login(world.sun), "POST", f"/cases/{case.pk}/solve", {"note": "好了"})
    assert status == 422 and "工单当前为“待受理”，不能办结" in answer["detail"][0]["msg"]
    assert snapshot() == before


def test_a_rating_by_someone_who_may_not_is_a_403(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
    before = snapshot()
    status, answer = send(
        login(world.sun), "POST", f"/cases/{case.pk}/rate", {"rating": "satisfied"}
    )
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
    status, answer = send(login(world.li), "POST", f"/cases/{case.pk}/rate", {"rating": "great"})
    assert status == 422 and errors(answer)["rating"].startswith("取值无效")
    assert snapshot() == before


def test_a_dissatisfied_rating_without_a_comment_is_refused(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
    before = snapshot()
    status, answer = send(
        login(world.li), "POST", f"/cases/{case.pk}/rate", {"rating": "dissatisfied"}
    )
    assert status == 422 and errors(answer)["comment"] == "请填写这一项。"
    assert snapshot() == before


def test_bad_notice_dates_are_refused(world, parties, login):
    case = open_case(world, party=parties.property)
    before = snapshot()
    client = login(world.li)
    too_far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    for due_on, message in [
        ("2020-01-01", "不能早于今天"),
        (too_far, "最多90天以后"),
        ("x", "日期不正确"),
    ]:
        status, answer = send(
            client, "POST", f"/cases/{case.pk}/notices", {"demand": "限期办结", "due_on": due_on}
        )
        assert status == 422 and message in errors(answer)["due_on"], answer
    assert snapshot() == before


def test_a_service_level_out_of_bounds_is_refused(world, login):
    before = snapshot()
    status, answer = send(
        login(world.wang),
        "PUT",
        f"/service-levels/{world.shahe.pk}/pipe.water",
        {"accept_seconds": 10, "respond_seconds": 86400, "solve_seconds": 86400},
    )
    assert status == 422 and "15分钟到90个工作日" in errors(answer)["accept"]
    status, answer = send(
        login(world.wang),
        "PUT",
        f"/service-levels/{world.shahe.pk}/pipe.water",
        {"accept_seconds": 172800, "respond_seconds": 86400, "solve_seconds": 86400},
    )
    assert status == 422 and "不能长于办结时限" in errors(answer)["accept"]
    assert snapshot() == before
