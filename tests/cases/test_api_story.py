"""Given the API, when a community worker opens a case and it goes through its work by API calls
(dispatch, accept, progress, pause, resume, solve, rate), then each call answers the case as
the caller sees it with its clocks, the steps she may take and the timeline."""

from tests.cases.helpers import get, send


def test_a_case_through_the_api(world, parties, login):
    li, sun = login(world.li), login(world.sun)
    status, case = send(
        li,
        "POST",
        "/cases",
        {
            "compound_id": world.wufuyuan.pk,
            "category_code": "pipe.drain",
            "description": "2栋下水道堵了，污水冒到楼道",
            "building_id": world.b2.pk,
            "reporter_name": "赵大海",
            "reporter_phone": "13900001111",
        },
    )
    assert status == 201, case
    assert case["state"] == "dispatch" and case["reporter"]["phone_masked"] == "139****1111"
    assert "dispatch" in case["actions"] and "13900001111" not in str(case)
    pk = case["id"]

    status, case = send(li, "POST", f"/cases/{pk}/dispatch", {"party_id": parties.property.pk})
    assert status == 200 and case["state"] == "assigned", case
    status, case = send(sun, "POST", f"/cases/{pk}/accept", {})
    assert status == 200 and case["state"] == "in_progress"
    assert case["reporter"]["resident_id"] is None  # the party never gets the resident record
    status, case = send(sun, "POST", f"/cases/{pk}/progress", {"note": "已派人疏通"})
    assert status == 200 and case["first_response_at"]
    status, case = send(sun, "POST", f"/cases/{pk}/pause", {"reason": "third_party"})
    assert status == 200 and case["state"] == "paused"
    status, case = send(sun, "POST", f"/cases/{pk}/resume", {})
    assert status == 200 and case["state"] == "in_progress"
    status, case = send(sun, "POST", f"/cases/{pk}/solve", {"note": "已疏通并清理楼道"})
    assert status == 200 and case["state"] == "solved"
    status, case = send(li, "POST", f"/cases/{pk}/rate", {"rating": "satisfied"})
    assert status == 200 and case["state"] == "closed", case
    kinds = [e["kind"] for e in case["timeline"]["items"]]
    assert kinds == [
        "opened",
        "dispatched",
        "accepted",
        "progress",
        "paused",
        "resumed",
        "solved",
        "rated",
    ]
    status, listed = get(li, "/cases", {"state": "closed"})
    assert status == 200 and listed["count"] == 1
