"""Given cases, parties and notices in two compounds, when someone calls any endpoint of the
case-work API on objects outside their scope, then the answer is 404 "未找到" (or an empty list,
or statistics of nothing), exactly as for something that does not exist, and nothing is
written. The walk is built from the router itself: an operation it cannot call fails the test.

The outsider qian (another district) is tried on 五福苑's objects and 沙河街道's parties; the grid
worker zhang, who follows all of 五福苑, on those of 马家沟小区 next door and on a party of 沧浪街道.
The same call by someone in scope succeeds, so an endpoint that always says 404 fails too."""

import datetime as dt

import pytest
from django.test import Client

from laoyuan.cases import actions
from laoyuan.cases.api import router
from laoyuan.cases.models import PartyContact
from laoyuan.core import pii
from tests.cases.helpers import category, get, snapshot
from tests.scope_fills.cases import _parties

OPERATIONS = sorted(
    (method, path)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)
SOON = (dt.date.today() + dt.timedelta(days=3)).isoformat()


def objects_of(world, compound, party) -> dict:
    """A case in each state the steps need, a notice, a contact, in the compound; `party` is
    the party the viewer is tried on."""
    parties = _parties(world)
    serving = parties.property if compound == world.wufuyuan else parties.chengguan

    def new(**kw):
        return actions.case_open(
            actor=world.li,
            compound=compound,
            category=category("house.roof"),
            description="楼顶漏雨",
            reporter_phone="13812345678",
            **kw,
        )

    waiting = new()
    assigned = new(party=serving)
    working = new(party=serving)
    staff = world.sun if serving == parties.property else parties.cheng
    actions.case_accept(actor=staff, case=working)
    paused = new(party=serving)
    actions.case_accept(actor=staff, case=paused)
    actions.case_pause(actor=staff, case=paused, reason="resident")
    solved = new(party=serving)
    actions.case_accept(actor=staff, case=solved)
    actions.case_solve(actor=staff, case=solved, note="好了")
    review = new(party=serving)
    actions.case_accept(actor=staff, case=review)
    for comment in ("不满意", "还是不满意"):
        actions.case_solve(actor=staff, case=review, note="好了")
        actions.case_rate(actor=world.li, case=review, rating="dissatisfied", comment=comment)
        review.refresh_from_db()
    notice = actions.notice_issue(
        actor=world.li, case=assigned, demand="限期", due_on=dt.date.fromisoformat(SOON)
    )
    sealed = pii.seal_phone("13800000000")
    contact = PartyContact.objects.create(
        party=party,
        name="联系人",
        phone_cipher=sealed.ciphertext,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
    )
    return {
        "compound": compound,
        "waiting": waiting,
        "assigned": assigned,
        "working": working,
        "paused": paused,
        "solved": solved,
        "review": review,
        "notice": notice,
        "party": party,
        "serving": serving,
        "contact": contact,
        "staff": staff,
    }


def _c(o, key: str) -> int:
    return o[key].pk


CALLS = {
    ("GET", "/cases"): lambda o: (f"/cases?compound={o['compound'].pk}", None),
    ("POST", "/cases"): lambda o: (
        "/cases",
        {"compound_id": o["compound"].pk, "category_code": "env.light", "description": "灯坏了"},
    ),
    ("GET", "/cases/board"): lambda o: (f"/cases/board?all=true&compound={o['compound'].pk}", None),
    ("GET", "/cases/statistics"): lambda o: (
        f"/cases/statistics?compound={o['compound'].pk}",
        None,
    ),
    ("GET", "/cases/{case_id}"): lambda o: (f"/cases/{_c(o, 'assigned')}", None),
    ("POST", "/cases/{case_id}/dispatch"): lambda o: (
        f"/cases/{_c(o, 'waiting')}/dispatch",
        {"party_id": o["serving"].pk},
    ),
    ("POST", "/cases/{case_id}/accept"): lambda o: (f"/cases/{_c(o, 'assigned')}/accept", {}),
    ("POST", "/cases/{case_id}/return"): lambda o: (
        f"/cases/{_c(o, 'assigned')}/return",
        {"reason": "不归我们"},
    ),
    ("POST", "/cases/{case_id}/transfer"): lambda o: (
        f"/cases/{_c(o, 'assigned')}/transfer",
        {"party_id": _parties_of(o)["water"].pk, "reason": "供水问题"},
    ),
    ("POST", "/cases/{case_id}/progress"): lambda o: (
        f"/cases/{_c(o, 'working')}/progress",
        {"note": "已上门"},
    ),
    ("POST", "/cases/{case_id}/pause"): lambda o: (
        f"/cases/{_c(o, 'working')}/pause",
        {"reason": "resident"},
    ),
    ("POST", "/cases/{case_id}/resume"): lambda o: (f"/cases/{_c(o, 'paused')}/resume", {}),
    ("POST", "/cases/{case_id}/solve"): lambda o: (
        f"/cases/{_c(o, 'working')}/solve",
        {"note": "修好了"},
    ),
    ("POST", "/cases/{case_id}/rate"): lambda o: (
        f"/cases/{_c(o, 'solved')}/rate",
        {"rating": "satisfied"},
    ),
    ("POST", "/cases/{case_id}/review"): lambda o: (
        f"/cases/{_c(o, 'review')}/review",
        {"decision": "close", "note": "已按规定处理"},
    ),
    ("POST", "/cases/{case_id}/reopen"): lambda o: (
        f"/cases/{_c(o, 'review')}/reopen",
        {"note": "再修一次"},
    ),
    ("POST", "/cases/{case_id}/cancel"): lambda o: (
        f"/cases/{_c(o, 'waiting')}/cancel",
        {"reason": "重复"},
    ),
    ("POST", "/cases/{case_id}/photos"): lambda o: (f"/cases/{_c(o, 'working')}/photos", "photo"),
    ("POST", "/cases/{case_id}/reveal"): lambda o: (f"/cases/{_c(o, 'assigned')}/reveal", {}),
    ("POST", "/cases/{case_id}/notices"): lambda o: (
        f"/cases/{_c(o, 'assigned')}/notices",
        {"demand": "限期办结", "due_on": SOON},
    ),
    ("GET", "/supervision-notices"): lambda o: (
        f"/supervision-notices?compound={o['compound'].pk}",
        None,
    ),
    ("POST", "/supervision-notices/{notice_id}/answer"): lambda o: (
        f"/supervision-notices/{_c(o, 'notice')}/answer",
        {"answer": "已安排"},
    ),
    ("GET", "/parties"): lambda o: (f"/parties?street={o['party'].street_id}", None),
    ("POST", "/parties"): lambda o: (
        "/parties",
        {
            "street_id": o["party"].street_id,
            "name": "新物业",
            "kind": "property",
            "community_id": o["party"].community_id or o["compound"].community_id,
        },
    ),
    ("GET", "/parties/{party_id}"): lambda o: (f"/parties/{_c(o, 'party')}", None),
    ("PATCH", "/parties/{party_id}"): lambda o: (f"/parties/{_c(o, 'party')}", {"duty": "维修"}),
    ("POST", "/parties/{party_id}/contacts"): lambda o: (
        f"/parties/{_c(o, 'party')}/contacts",
        {"name": "王师傅", "phone": "13700001111"},
    ),
    ("POST", "/party-contacts/{contact_id}/reveal"): lambda o: (
        f"/party-contacts/{_c(o, 'contact')}/reveal",
        {},
    ),
    ("DELETE", "/party-contacts/{contact_id}"): lambda o: (
        f"/party-contacts/{_c(o, 'contact')}",
        None,
    ),
    ("POST", "/parties/{party_id}/members"): lambda o: (
        f"/parties/{_c(o, 'party')}/members",
        {"username": "nobody"},
    ),
    ("POST", "/parties/{party_id}/members/remove"): lambda o: (
        f"/parties/{_c(o, 'party')}/members/remove",
        {"username": "sun"},
    ),
    ("GET", "/case-categories"): lambda o: (
        f"/case-categories?street={o['party'].street_id}",
        None,
    ),
    ("PUT", "/service-levels/{street_id}/{category_code}"): lambda o: (
        f"/service-levels/{o['compound'].community.street_id}/pipe.water",
        {"accept_seconds": 3600, "respond_seconds": 7200, "solve_seconds": 86400},
    ),
    ("DELETE", "/service-levels/{street_id}/{category_code}"): lambda o: (
        f"/service-levels/{o['compound'].community.street_id}/pipe.water",
        None,
    ),
    ("GET", "/portal/cases"): lambda o: ("/portal/cases", None),
    ("POST", "/portal/cases"): lambda o: (
        "/portal/cases",
        {"compound_id": o["compound"].pk, "category_code": "env.light", "description": "灯坏了"},
    ),
    ("GET", "/portal/cases/{case_id}"): lambda o: (f"/portal/cases/{_c(o, 'own')}", None),
    ("POST", "/portal/cases/{case_id}/rate"): lambda o: (
        f"/portal/cases/{_c(o, 'own')}/rate",
        {"rating": "satisfied"},
    ),
}
# Lists answer an empty page rather than 404 when filtered on someone else's place.
LISTS = {
    ("GET", "/cases"),
    ("GET", "/cases/board"),
    ("GET", "/supervision-notices"),
    ("GET", "/parties"),
    ("GET", "/portal/cases"),
}
# Who is in scope for the control call (li unless named here).
INSIDER = {
    ("POST", "/cases/{case_id}/accept"): "staff",
    ("POST", "/cases/{case_id}/return"): "staff",
    ("POST", "/cases/{case_id}/transfer"): "staff",
    ("POST", "/cases/{case_id}/pause"): "staff",
    ("POST", "/cases/{case_id}/resume"): "staff",
    ("POST", "/cases/{case_id}/solve"): "staff",
    ("POST", "/supervision-notices/{notice_id}/answer"): "staff",
    ("POST", "/parties/{party_id}/members"): "wang",
    ("POST", "/parties/{party_id}/members/remove"): "wang",
    ("PUT", "/service-levels/{street_id}/{category_code}"): "wang",
    ("DELETE", "/service-levels/{street_id}/{category_code}"): "wang",
    ("GET", "/portal/cases"): "liu",
    ("POST", "/portal/cases"): "liu",
    ("GET", "/portal/cases/{case_id}"): "liu",
    ("POST", "/portal/cases/{case_id}/rate"): "liu",
}


def _parties_of(o):
    return o["_parties"]


def _photo_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def _call(client: Client, key: tuple[str, str], objects: dict):
    if key not in CALLS:
        pytest.fail(f"The scope walk does not know how to call {key[0]} {key[1]}")
    url, body = CALLS[key](objects)
    method = key[0]
    if method == "GET":
        return get(client, url)
    if body == "photo":
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            f"/api/v1{url}",
            {"note": "现场", "photos": [SimpleUploadedFile("p.png", _photo_bytes(), "image/png")]},
        )
        return response.status_code, response.json()
    if method == "DELETE":
        response = client.delete(f"/api/v1{url}")
        return response.status_code, response.json() if response.content else None
    import json

    response = client.generic(
        method, f"/api/v1{url}", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json() if response.content else None


def _objects(world, viewer: str) -> dict:
    parties = _parties(world)
    if viewer == "zhang":
        o = objects_of(world, world.majiagou, parties.guihua)
    else:
        o = objects_of(world, world.wufuyuan, parties.property)
    o["_parties"] = {"water": parties.water}
    o["own"] = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("env.light"),
        description="灯坏了",
    )
    actions.case_dispatch(actor=world.li, case=o["own"], party=parties.property)
    actions.case_accept(actor=world.sun, case=o["own"])
    actions.case_solve(actor=world.sun, case=o["own"], note="好了")
    o["own"].refresh_from_db()
    return o


def test_the_walk_covers_every_operation_of_the_router():
    assert set(CALLS) == set(OPERATIONS)
    assert len(OPERATIONS) >= 35


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, method, path):
    for viewer in ("qian", "zhang"):
        objects = _objects(world, viewer)
        before = snapshot()
        status, answer = _call(login(world.users[viewer]), (method, path), objects)
        key = (method, path)
        if key in LISTS:
            assert (status, answer) == (200, {"items": [], "count": 0}), (viewer, path, answer)
        elif key == ("GET", "/cases/statistics"):
            assert status == 200 and answer["total"]["opened"] == 0, (viewer, answer)
        elif key == ("GET", "/portal/cases/{case_id}") or key[1].startswith("/portal"):
            assert status == 404, (viewer, method, path, status, answer)
        else:
            assert (status, answer) == (404, {"detail": "未找到"}), (viewer, method, path, answer)
        assert snapshot() == before, (viewer, method, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    objects = _objects(world, "li")
    who = INSIDER.get((method, path), "li")
    insider = objects["staff"] if who == "staff" else world.users[who]
    status, answer = _call(login(insider), (method, path), objects)
    assert status in {200, 201, 204}, (method, path, answer)
    if (method, path) in LISTS:
        assert answer["count"] >= 1, path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(world, method, path):
    objects = _objects(world, "li")
    status, answer = _call(Client(), (method, path), objects)
    assert status == 401 and "未登录" in answer["detail"]
