"""Given votes and planned meetings in two compounds, when someone calls any endpoint of the
vote API or the meeting-planning API on objects outside their scope, then the answer is 404
"未找到" (or an empty list), exactly as for something that does not exist, and nothing is
written. The walk is built from the routers: an operation it cannot call fails the test. The
outsider `qian` tries 五福苑's objects; the grid worker `zhang` (五福苑) those of 马家沟小区.
The same call in scope succeeds, so a view that always says 404 fails too."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from laoyuan.decisions.plan_api import router as plans_router
from laoyuan.decisions.votes.api import router as votes_router
from tests.scope_fills.meeting_plans import planned_in
from tests.scope_fills.meetings import meeting_in
from tests.scope_fills.votes import _scan, poll_in, roll_owner_in
from tests.votes.api_support import get, send, snapshot, upload

OPERATIONS = sorted(
    (method, path)
    for router in (votes_router, plans_router)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)
TODAY = timezone.localdate()


def objects_of(world, compound) -> dict:
    poll = poll_in(world, compound)
    draft = poll_in(world, compound, opened=False)
    owner = roll_owner_in(world, compound)
    return {
        "compound": compound,
        "poll": poll,
        "draft": draft,
        "owner": owner,
        "planned": planned_in(world, compound),
        "held": meeting_in(world, compound),
    }


def _vote_body(o, **over) -> dict:
    now = timezone.now()
    body = {
        "title": "新的征询",
        "question": "您怎么看？",
        "matter": "advisory",
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
        "options": ["好", "不好"],
    }
    body.update(over)
    return body


# For each operation: (kind of call, url, body) on the objects of one compound.
CALLS = {
    ("GET", "/votes"): lambda o: ("get", f"/votes?compound={o['compound'].pk}", None),
    ("POST", "/votes"): lambda o: ("json", "/votes", _vote_body(o, compound_id=o["compound"].pk)),
    ("GET", "/votes/{vote_id}"): lambda o: ("get", f"/votes/{o['poll'].pk}", None),
    ("PATCH", "/votes/{vote_id}"): lambda o: ("json", f"/votes/{o['draft'].pk}", _vote_body(o)),
    ("POST", "/votes/{vote_id}/open"): lambda o: ("json", f"/votes/{o['draft'].pk}/open", None),
    ("POST", "/votes/{vote_id}/close"): lambda o: ("json", f"/votes/{o['poll'].pk}/close", None),
    ("POST", "/votes/{vote_id}/cancel"): lambda o: (
        "json",
        f"/votes/{o['poll'].pk}/cancel",
        {"reason": "重新征询"},
    ),
    ("GET", "/votes/{vote_id}/roll"): lambda o: ("get", f"/votes/{o['poll'].pk}/roll", None),
    ("GET", "/votes/{vote_id}/ballots"): lambda o: ("get", f"/votes/{o['poll'].pk}/ballots", None),
    ("POST", "/votes/{vote_id}/ballots/paper"): lambda o: (
        "upload",
        f"/votes/{o['owner'].vote_id}/ballots/paper",
        {
            "owner_id": o["owner"].pk,
            "choice": "o1",
            "ballot_number": "A-1",
            "received_at": timezone.now().isoformat(),
            "scan": _scan(),
        },
    ),
    ("GET", "/votes/{vote_id}/proxies"): lambda o: ("get", f"/votes/{o['poll'].pk}/proxies", None),
    ("POST", "/votes/{vote_id}/proxies"): lambda o: (
        "upload",
        f"/votes/{o['owner'].vote_id}/proxies",
        {"owner_id": o["owner"].pk, "proxy_name": "代理人", "scan": _scan()},
    ),
    ("GET", "/votes/{vote_id}/result"): lambda o: ("get", f"/votes/{o['poll'].pk}/result", None),
    ("GET", "/votes/{vote_id}/verify"): lambda o: ("get", f"/votes/{o['poll'].pk}/verify", None),
    ("POST", "/votes/{vote_id}/notice"): lambda o: ("json", f"/votes/{o['poll'].pk}/notice", {}),
    ("GET", "/portal/votes"): lambda o: ("get", "/portal/votes", None),
    ("GET", "/portal/votes/{vote_id}"): lambda o: ("get", f"/portal/votes/{o['poll'].pk}", None),
    ("POST", "/portal/votes/{vote_id}/ballots"): lambda o: (
        "json",
        f"/portal/votes/{o['poll'].pk}/ballots",
        {"person_id": o["poll"].persons.first().pk, "choice": "o1"},
    ),
    ("POST", "/meeting-plans"): lambda o: (
        "json",
        "/meeting-plans",
        {
            "compound_id": o["compound"].pk,
            "kind": "joint",
            "title": "三方联席会",
            "held_on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "place": "物业办公室",
        },
    ),
    ("PATCH", "/meetings/{meeting_id}/plan"): lambda o: (
        "json",
        f"/meetings/{o['planned'].pk}/plan",
        {"title": "改名", "held_on": (TODAY + dt.timedelta(days=4)).isoformat(), "place": "院坝"},
    ),
    ("POST", "/meetings/{meeting_id}/notices"): lambda o: (
        "json",
        f"/meetings/{o['planned'].pk}/notices",
        {"noticed_on": TODAY.isoformat(), "channels": ["board"]},
    ),
    ("POST", "/meetings/{meeting_id}/agenda"): lambda o: (
        "json",
        f"/meetings/{o['planned'].pk}/agenda",
        {"items": [{"title": "停车"}]},
    ),
    ("POST", "/meetings/{meeting_id}/attendance"): lambda o: (
        "json",
        f"/meetings/{o['held'].pk}/attendance",
        {"attendees": [{"name": "王大爷", "kind": "resident"}]},
    ),
    ("POST", "/meetings/{meeting_id}/held"): lambda o: (
        "json",
        f"/meetings/{o['planned'].pk}/held",
        {"held_on": TODAY.isoformat(), "minutes": "纪要"},
    ),
    ("PUT", "/meetings/{meeting_id}/minutes"): lambda o: (
        "json",
        f"/meetings/{o['held'].pk}/minutes",
        {"minutes": "新纪要"},
    ),
    ("POST", "/meetings/{meeting_id}/cancel"): lambda o: (
        "json",
        f"/meetings/{o['planned'].pk}/cancel",
        {"reason": "改期"},
    ),
    ("POST", "/meetings/{meeting_id}/resolutions"): lambda o: (
        "json",
        f"/meetings/{o['held'].pk}/resolutions",
        {"kind": "record", "text": "同意"},
    ),
    ("GET", "/portal/meetings"): lambda o: ("get", "/portal/meetings", None),
    ("POST", "/portal/meetings/{meeting_id}/sign-in"): lambda o: (
        "json",
        f"/portal/meetings/{o['held'].pk}/sign-in",
        None,
    ),
}
# Lists answer an empty page rather than 404 (staff have no portal: theirs are empty too).
LISTS = {
    ("GET", "/votes"),
    ("GET", "/portal/votes"),
    ("GET", "/portal/meetings"),
}
PORTAL = {
    ("GET", "/portal/votes"),
    ("GET", "/portal/votes/{vote_id}"),
    ("POST", "/portal/votes/{vote_id}/ballots"),
    ("GET", "/portal/meetings"),
    ("POST", "/portal/meetings/{meeting_id}/sign-in"),
}
INSIDER = {key: "liu" for key in PORTAL}


def _call(client: Client, key: tuple[str, str], objects: dict):
    if key not in CALLS:
        pytest.fail(f"The scope walk does not know how to call {key[0]} {key[1]}")
    kind, url, body = CALLS[key](objects)
    if kind == "get":
        return get(client, url)
    if kind == "upload":
        return upload(client, url, body)
    return send(client, key[0], url, body)


def test_the_walk_covers_every_operation_of_both_routers():
    assert set(CALLS) == set(OPERATIONS)
    assert len(OPERATIONS) >= 27


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, method, path):
    objects = {
        "qian": objects_of(world, world.wufuyuan),
        "zhang": objects_of(world, world.majiagou),
    }
    for viewer in ("qian", "zhang"):
        before = snapshot()
        status, answer = _call(login(world.users[viewer]), (method, path), objects[viewer])
        if (method, path) in LISTS:
            assert (status, answer) == (200, {"items": [], "count": 0}), (viewer, path)
        else:
            assert (status, answer) == (404, {"detail": "未找到"}), (viewer, method, path, answer)
        assert snapshot() == before, (viewer, method, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    """The control: the 404s above come from the scope, not from a broken request."""
    objects = objects_of(world, world.wufuyuan)
    if (method, path) in {("GET", "/votes/{vote_id}/result"), ("POST", "/votes/{vote_id}/notice")}:
        from tests.votes.helpers import close

        close(world, objects["poll"])
    if (method, path) == ("POST", "/votes/{vote_id}/close"):
        from tests.votes.helpers import polls_close

        polls_close(objects["poll"])
    if (method, path) == ("POST", "/portal/meetings/{meeting_id}/sign-in"):
        objects["held"] = planned_in(world)
        objects["held"].__class__.objects.filter(pk=objects["held"].pk).update(held_on=TODAY)
    insider = world.users[INSIDER.get((method, path), "li")]
    status, answer = _call(login(insider), (method, path), objects)
    assert status in {200, 201}, (method, path, answer)
    if (method, path) in LISTS:
        assert answer["count"] >= 1, path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(world, method, path):
    objects = objects_of(world, world.wufuyuan)
    status, answer = _call(Client(), (method, path), objects)
    assert status == 401 and "未登录" in answer["detail"]
