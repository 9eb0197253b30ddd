"""Given notices, attachments and objections in two compounds, when someone calls any endpoint
of the notice API on objects outside their scope, then the answer is 404 "未找到" (or an empty
list), exactly as for something that does not exist, and nothing is written.

The walk is built from the router: an operation it does not know how to call fails the test,
so a new endpoint cannot escape it. The outsider qian (another district) tries 五福苑's objects;
the grid worker zhang, who sees 五福苑's notices, tries those of 马家沟小区. The same call by
someone in scope succeeds. The public endpoints answer anyone (their own tests prove they show
nothing personal); the period calculator concerns no object."""

import pytest
from django.test import Client

from laoyuan.notices import actions
from laoyuan.notices.api import router
from tests.notices.api_support import API, send, snapshot
from tests.notices.helpers import draft, paper_objection, pdf_file, published, today

OPERATIONS = sorted(
    (method, path)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)
PUBLIC = {
    ("GET", "/public/notices/{notice_id}"),
    ("GET", "/public/notices/{notice_id}/objections"),
    ("GET", "/public/compounds/{compound_id}/notices"),
}
NO_OBJECT = {("GET", "/notices/period")}
LISTS = {("GET", "/notices"), ("GET", "/portal/notices"), ("GET", "/portal/objections")}
INSIDER = {
    ("GET", "/portal/notices"): "liu",
    ("GET", "/portal/notices/{notice_id}"): "liu",
    ("POST", "/portal/notices/{notice_id}/objections"): "liu",
    ("GET", "/portal/objections"): "liu",
}


def objects_of(world, compound) -> dict:
    notice = published(world, place=compound, title=f"{compound.name}改造方案公示")
    objection = paper_objection(world, notice)
    a_draft = draft(world, place=compound, title="草稿")
    (attachment,) = actions.notice_attach(actor=world.li, notice=a_draft, attachments=[pdf_file()])
    return {
        "compound": compound,
        "notice": notice,
        "objection": objection,
        "draft": a_draft,
        "attachment": attachment,
    }


CALLS = {
    ("GET", "/notices/period"): lambda o: (f"/notices/period?starts_on={today()}&days=5", None),
    ("GET", "/notices"): lambda o: (f"/notices?compound={o['compound'].pk}", None),
    ("POST", "/notices"): lambda o: (
        "/notices",
        {
            "compound_id": o["compound"].pk,
            "kind": "plan",
            "title": "新的公示",
            "body": "正文",
            "starts_on": today().isoformat(),
            "period_days": 5,
        },
    ),
    ("GET", "/notices/{notice_id}"): lambda o: (f"/notices/{o['notice'].pk}", None),
    ("PATCH", "/notices/{notice_id}"): lambda o: (f"/notices/{o['draft'].pk}", {"title": "改"}),
    ("POST", "/notices/{notice_id}/attachments"): lambda o: (
        f"/notices/{o['draft'].pk}/attachments",
        "FILES",
    ),
    ("GET", "/notice-attachments/{attachment_id}"): lambda o: (
        f"/notice-attachments/{o['attachment'].pk}",
        None,
    ),
    ("DELETE", "/notice-attachments/{attachment_id}"): lambda o: (
        f"/notice-attachments/{o['attachment'].pk}",
        {},
    ),
    ("POST", "/notices/{notice_id}/publish"): lambda o: (f"/notices/{o['draft'].pk}/publish", {}),
    ("POST", "/notices/{notice_id}/withdraw"): lambda o: (
        f"/notices/{o['notice'].pk}/withdraw",
        {"reason": "方案调整"},
    ),
    ("GET", "/notices/{notice_id}/pdf"): lambda o: (f"/notices/{o['notice'].pk}/pdf", None),
    ("GET", "/notices/{notice_id}/objections"): lambda o: (
        f"/notices/{o['notice'].pk}/objections",
        None,
    ),
    ("POST", "/notices/{notice_id}/objections"): lambda o: (
        f"/notices/{o['notice'].pk}/objections",
        {"objector_name": "张阿姨", "text": "不同意"},
    ),
    ("POST", "/objections/{objection_id}/answers"): lambda o: (
        f"/objections/{o['objection'].pk}/answers",
        {"outcome": "explained", "text": "已说明"},
    ),
    ("POST", "/objections/{objection_id}/reveal"): lambda o: (
        f"/objections/{o['objection'].pk}/reveal",
        {},
    ),
    ("GET", "/portal/notices"): lambda o: ("/portal/notices", None),
    ("GET", "/portal/notices/{notice_id}"): lambda o: (f"/portal/notices/{o['notice'].pk}", None),
    ("POST", "/portal/notices/{notice_id}/objections"): lambda o: (
        f"/portal/notices/{o['notice'].pk}/objections",
        {"text": "我有异议"},
    ),
    ("GET", "/portal/objections"): lambda o: ("/portal/objections", None),
    ("GET", "/public/notices/{notice_id}"): lambda o: (f"/public/notices/{o['notice'].pk}", None),
    ("GET", "/public/notices/{notice_id}/objections"): lambda o: (
        f"/public/notices/{o['notice'].pk}/objections",
        None,
    ),
    ("GET", "/public/compounds/{compound_id}/notices"): lambda o: (
        f"/public/compounds/{o['compound'].pk}/notices",
        None,
    ),
}


def call(client: Client, key: tuple[str, str], objects: dict):
    if key not in CALLS:
        pytest.fail(f"The scope walk does not know how to call {key[0]} {key[1]}")
    method = key[0]
    url, body = CALLS[key](objects)
    if body == "FILES":
        response = client.post(f"{API}{url}", {"files": [pdf_file("补充.pdf")]})
        return response.status_code, response.json()
    if method == "GET":
        response = client.get(f"{API}{url}")
        if not response["Content-Type"].startswith("application/json"):
            return response.status_code, None
        return response.status_code, response.json()
    if method == "DELETE":
        response = client.delete(f"{API}{url}")
        return response.status_code, response.json() if response.content else None
    return send(client, method, url, body)


def test_the_walk_covers_every_operation_of_the_router():
    assert set(CALLS) == set(OPERATIONS)
    assert len(OPERATIONS) >= 20


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, method, path):
    if (method, path) in PUBLIC | NO_OBJECT:
        return
    objects = {
        "qian": objects_of(world, world.wufuyuan),
        "zhang": objects_of(world, world.majiagou),
    }
    for viewer in ("qian", "zhang"):
        before = snapshot()
        status, answer = call(login(world.users[viewer]), (method, path), objects[viewer])
        if (method, path) in LISTS:
            assert (status, answer) == (200, {"items": [], "count": 0}), (viewer, path)
        else:
            assert (status, answer) == (404, {"detail": "未找到"}), (viewer, method, path)
        assert snapshot() == before, (viewer, method, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    objects = objects_of(world, world.wufuyuan)
    if (method, path) == ("GET", "/portal/objections"):
        actions.objection_file(actor=world.liu, notice=objects["notice"], text="我有异议")
    insider = world.users[INSIDER.get((method, path), "li")]
    status, answer = call(login(insider), (method, path), objects)
    assert status in {200, 201, 204}, (method, path, answer)
    if (method, path) in LISTS:
        assert answer["count"] >= 1, path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401_except_on_public_endpoints(world, method, path):
    objects = objects_of(world, world.wufuyuan)
    status, answer = call(Client(), (method, path), objects)
    if (method, path) in PUBLIC:
        assert status == 200
    else:
        assert status == 401 and "未登录" in answer["detail"]


WRITES_ZHANG_MAY_NOT = [
    ("POST", "/notices"),
    ("PATCH", "/notices/{notice_id}"),
    ("POST", "/notices/{notice_id}/publish"),
    ("POST", "/notices/{notice_id}/withdraw"),
    ("POST", "/objections/{objection_id}/answers"),
    ("DELETE", "/notice-attachments/{attachment_id}"),
]


@pytest.mark.parametrize(("method", "path"), WRITES_ZHANG_MAY_NOT)
def test_the_grid_worker_sees_but_does_not_publish_or_answer(world, login, method, path):
    objects = objects_of(world, world.wufuyuan)
    before = snapshot()
    status, answer = call(login(world.zhang), (method, path), objects)
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
    assert snapshot() == before


def test_the_grid_worker_records_a_paper_objection(world, login):
    objects = objects_of(world, world.wufuyuan)
    status, _answer = call(login(world.zhang), ("POST", "/notices/{notice_id}/objections"), objects)
    assert status == 201


@pytest.mark.parametrize("viewer", ["sun", "zhou"])
def test_roles_that_only_look_get_403_on_writes(world, login, viewer):
    objects = objects_of(world, world.wufuyuan)
    client = login(world.users[viewer])
    assert call(client, ("GET", "/notices/{notice_id}"), objects)[0] == 200
    before = snapshot()
    for key in [*WRITES_ZHANG_MAY_NOT, ("POST", "/notices/{notice_id}/objections")]:
        assert call(client, key, objects)[0] == 403, (viewer, key)
    assert call(client, ("POST", "/objections/{objection_id}/reveal"), objects)[0] == 403
    assert snapshot() == before
