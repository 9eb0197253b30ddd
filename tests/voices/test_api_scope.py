"""Given voices, topics and meetings in two compounds, when someone calls any endpoint of the
voices and meetings API on objects outside their scope, then the answer is 404 "未找到" (or an
empty list), exactly as for something that does not exist, and nothing is written.

The walk is built from the routers themselves: an operation it does not know how to call fails
the test, so a new endpoint cannot escape it. The outsider `qian` (another district) is tried on
五福苑's objects; the grid worker `zhang`, who sees all of 五福苑 (topics are compound-wide), on
those of 马家沟小区 next door. The same call by someone in scope must succeed, so a view that
always says 404 fails too.
"""

import datetime as dt

import pytest
from django.test import Client

from laoyuan.decisions import actions as meeting_actions
from laoyuan.decisions.api import router as meetings_router
from laoyuan.voices import actions
from laoyuan.voices.api import router as voices_router
from tests.voices.test_api_support import TODAY, get, record, send, snapshot

OPERATIONS = sorted(
    (method, path)
    for router in (voices_router, meetings_router)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)


def objects_of(world, compound) -> dict:
    """Two topics, a loose voice and a meeting with one topic raised, in the compound."""
    loose, a1, a2, b1 = record(
        world, ["停车难没车位", "路灯坏了", "路灯不亮晚上很黑", "单元门坏了"], compound=compound
    )
    topic_a = actions.topic_create(actor=world.li, voices=[a1, a2])
    topic_b = actions.topic_create(actor=world.li, voices=[b1])
    meeting = meeting_actions.meeting_record(
        actor=world.li,
        compound=compound,
        kind="onsite",
        title="现场办公会",
        held_on=TODAY,
        place="活动室",
        attendees=[meeting_actions.AttendeeEntry(name="李社工")],
        topics=[topic_a],
    )
    return {
        "compound": compound,
        "loose": loose,
        "a1": a1,
        "topic_a": topic_a,
        "topic_b": topic_b,
        "meeting": meeting,
    }


WEEK = (TODAY + dt.timedelta(days=7)).isoformat()

# For each operation: (url, body) on the objects of one compound. GETs have no body.
CALLS = {
    ("GET", "/voices"): lambda o: (f"/voices?compound={o['compound'].pk}", None),
    ("POST", "/voices"): lambda o: (
        "/voices",
        {
            "compound_id": o["compound"].pk,
            "channel": "visit",
            "said_on": TODAY.isoformat(),
            "entries": [{"text": "楼道灯坏了"}],
        },
    ),
    ("GET", "/voices/{voice_id}"): lambda o: (f"/voices/{o['a1'].pk}", None),
    ("POST", "/voices/{voice_id}/category"): lambda o: (
        f"/voices/{o['a1'].pk}/category",
        {"category": "道路"},
    ),
    ("GET", "/portal/voices"): lambda o: ("/portal/voices", None),
    ("POST", "/portal/voices"): lambda o: (
        "/portal/voices",
        {"compound_id": o["compound"].pk, "text": "楼道灯坏了"},
    ),
    ("GET", "/topics/similar"): lambda o: (
        f"/topics/similar?compound_id={o['compound'].pk}&text=路灯坏了",
        None,
    ),
    ("GET", "/topics"): lambda o: (f"/topics?compound={o['compound'].pk}", None),
    ("POST", "/topics"): lambda o: ("/topics", {"voice_ids": [o["loose"].pk]}),
    ("GET", "/topics/{topic_id}"): lambda o: (f"/topics/{o['topic_a'].pk}", None),
    ("PATCH", "/topics/{topic_id}"): lambda o: (f"/topics/{o['topic_a'].pk}", {"title": "路灯"}),
    ("POST", "/topics/{topic_id}/merge"): lambda o: (
        f"/topics/{o['topic_b'].pk}/merge",
        {"into_topic_id": o["topic_a"].pk},
    ),
    ("POST", "/topics/{topic_id}/split"): lambda o: (
        f"/topics/{o['topic_a'].pk}/split",
        {"voice_ids": [o["a1"].pk]},
    ),
    ("POST", "/topics/{topic_id}/move"): lambda o: (
        f"/topics/{o['topic_a'].pk}/move",
        {"voice_ids": [o["loose"].pk]},
    ),
    ("POST", "/topics/{topic_id}/transition"): lambda o: (
        f"/topics/{o['topic_a'].pk}/transition",
        {"to_state": "deliberation"},
    ),
    ("GET", "/compounds/{compound_id}/grouping-proposals"): lambda o: (
        f"/compounds/{o['compound'].pk}/grouping-proposals",
        None,
    ),
    ("POST", "/compounds/{compound_id}/grouping-proposals/accept"): lambda o: (
        f"/compounds/{o['compound'].pk}/grouping-proposals/accept",
        {"proposals": [{"voice_ids": [o["loose"].pk], "title": "停车"}]},
    ),
    ("GET", "/funnel"): lambda o: (f"/funnel?place=compound:{o['compound'].pk}", None),
    ("GET", "/meetings"): lambda o: (f"/meetings?compound={o['compound'].pk}", None),
    ("POST", "/meetings"): lambda o: (
        "/meetings",
        {
            "compound_id": o["compound"].pk,
            "kind": "contact_day",
            "title": "联系日",
            "held_on": TODAY.isoformat(),
            "place": "活动室",
            "attendees": [{"name": "李社工"}],
        },
    ),
    ("GET", "/meetings/{meeting_id}"): lambda o: (f"/meetings/{o['meeting'].pk}", None),
    ("POST", "/meetings/{meeting_id}/decisions"): lambda o: (
        f"/meetings/{o['meeting'].pk}/decisions",
        {
            "topic_id": o["topic_a"].pk,
            "responsible_party": "物业",
            "solution": "更换灯具",
            "deadline": WEEK,
        },
    ),
}
# Lists answer an empty page rather than 404 when filtered on someone else's place.
LISTS = {
    ("GET", "/voices"),
    ("GET", "/topics"),
    ("GET", "/meetings"),
    ("GET", "/portal/voices"),
}
# Who is in scope for the control call (li, the community worker, unless named here).
INSIDER = {("GET", "/portal/voices"): "liu", ("POST", "/portal/voices"): "liu"}


def _call(client: Client, method: str, key: tuple[str, str], objects: dict):
    if key not in CALLS:
        pytest.fail(f"The scope walk does not know how to call {key[0]} {key[1]}")
    url, body = CALLS[key](objects)
    if method == "GET":
        return get(client, url)
    return send(client, method, url, body)


def test_the_walk_covers_every_operation_of_both_routers():
    assert set(CALLS) == set(OPERATIONS)
    assert len(OPERATIONS) >= 22


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, method, path):
    objects = {
        "qian": objects_of(world, world.wufuyuan),
        "zhang": objects_of(world, world.majiagou),
    }
    for viewer in ("qian", "zhang"):
        before = snapshot()
        status, answer = _call(login(world.users[viewer]), method, (method, path), objects[viewer])
        if (method, path) in LISTS:
            assert (status, answer) == (200, {"items": [], "count": 0}), (viewer, path)
        else:
            assert (status, answer) == (404, {"detail": "未找到"}), (viewer, method, path)
        assert snapshot() == before, (viewer, method, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    """The control: the 404s above come from the scope, not from a broken request."""
    objects = objects_of(world, world.wufuyuan)
    if (method, path) == ("GET", "/portal/voices"):
        actions.voice_submit(actor=world.liu, compound=world.wufuyuan, text="楼道灯坏了")
    insider = world.users[INSIDER.get((method, path), "li")]
    status, answer = _call(login(insider), method, (method, path), objects)
    assert status in {200, 201}, (method, path, answer)
    if (method, path) in LISTS:
        assert answer["count"] >= 1, path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(world, method, path):
    objects = objects_of(world, world.wufuyuan)
    status, answer = _call(Client(), method, (method, path), objects)
    assert status == 401 and "未登录" in answer["detail"]


# The grid worker sorts (topics.sort) but does not decide (topics.decide) or record meetings.
ZHANG_MAY_NOT = {
    ("POST", "/topics/{topic_id}/transition"),
    ("POST", "/meetings/{meeting_id}/decisions"),
}


@pytest.mark.parametrize(("method", "path"), sorted(ZHANG_MAY_NOT))
def test_the_grid_worker_may_not_decide_in_her_own_compound(world, login, method, path):
    objects = objects_of(world, world.wufuyuan)
    before = snapshot()
    status, answer = _call(login(world.zhang), method, (method, path), objects)
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/voices/{voice_id}/category"),
        ("POST", "/topics"),
        ("PATCH", "/topics/{topic_id}"),
        ("POST", "/topics/{topic_id}/merge"),
        ("POST", "/topics/{topic_id}/split"),
        ("POST", "/topics/{topic_id}/move"),
    ],
)
def test_the_grid_worker_sorts_in_her_own_compound(world, login, method, path):
    objects = objects_of(world, world.wufuyuan)
    status, answer = _call(login(world.zhang), method, (method, path), objects)
    assert status in {200, 201}, answer


@pytest.mark.parametrize("viewer", ["sun", "zhao", "zhou"])
def test_roles_that_see_but_do_not_sort_or_decide_get_403(world, login, viewer):
    """Property staff, the owners' committee and social-org staff see 五福苑's voices and
    topics; they may not sort or decide them."""
    objects = objects_of(world, world.wufuyuan)
    client = login(world.users[viewer])
    assert get(client, f"/topics/{objects['topic_a'].pk}")[0] == 200
    before = snapshot()
    for key in [
        ("POST", "/voices/{voice_id}/category"),
        ("PATCH", "/topics/{topic_id}"),
        ("POST", "/topics/{topic_id}/merge"),
        ("POST", "/topics/{topic_id}/transition"),
        ("POST", "/meetings/{meeting_id}/decisions"),
    ]:
        status, _answer = _call(client, key[0], key, objects)
        assert status == 403, (viewer, key)
    assert snapshot() == before
