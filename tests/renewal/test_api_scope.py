"""Given renewal objects in two compounds, when someone calls any endpoint of the renewal API on
objects outside their scope, then the answer is 404 "未找到" (or an empty list), exactly as for
something that does not exist, and nothing is written.

The walk is built from the router itself: an operation it does not know how to call fails the
test, so a new endpoint cannot escape it. The outsider `qian` is tried on 五福苑's objects; the
grid worker `zhang`, who sees all of 五福苑 (renewal is compound-wide), on those of 马家沟小区.
The same call by someone in scope must succeed, so an endpoint that always says 404 fails too.
Objects are built lazily, only those a call needs (tests/scope_fills/renewal.py).
"""

import datetime as dt
import json

import pytest
from django.test import Client

from laoyuan.cases.models import Case
from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions.votes.models import Vote
from laoyuan.notices.models import Notice
from laoyuan.renewal import actions
from laoyuan.renewal.api import router
from laoyuan.renewal.models import (
    Asset,
    Checkup,
    FundingSource,
    GroupMember,
    Inspection,
    LedgerEntry,
    MaintenanceTask,
    Milestone,
    PaymentRequest,
    Project,
    ProjectAttachment,
    ProjectEvent,
    RectificationItem,
    ShareScheme,
    SignOff,
    SupervisionGroup,
    Survey,
    SurveyAnswer,
    Volunteer,
    WorkItem,
)
from tests.renewal import given
from tests.scope_fills import renewal as fill

API = "/api/v1"
TODAY = dt.date.today().isoformat()

OPERATIONS = sorted(
    (method, path)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)


class Objects:
    """The objects of one compound, each built the first time a call asks for it."""

    def __init__(self, world, compound) -> None:
        self.world, self.compound = world, compound

    def __getitem__(self, key: str):
        w, c = self.world, self.compound
        makers = {
            "compound": lambda: c,
            "project": lambda: fill.project(w, c),
            "built": lambda: fill.built(w, c),
            "accepted": lambda: fill.accepted(w, c),
            "building": lambda: given.advance(
                w, given.project(w, compound=c, title="楼道改造"), "construction"
            ),
            "source": lambda: fill.source(w, c),
            "entry": lambda: fill.entry(w, c),
            "payment": lambda: fill.payment(w, c),
            "scheme": lambda: fill.scheme(w, c),
            "member": lambda: fill.member(w, c),
            "inspection": lambda: fill.inspection(w, c),
            "item": lambda: fill.item(w, c),
            "uncased": lambda: fill.uncased(w, c),
            "designed": lambda: fill.designed(w, c),
            "vote": lambda: fill.vote(w, c),
            "milestone": lambda: fill.milestone(w, c),
            "work_item": lambda: fill.work_item(w, c),
            "task": lambda: fill.task(w, c),
            "rating": lambda: fill.rating(w, c),
            "topic": lambda: given.topic(w, compound=c),
            "decision": lambda: given.decision(w, compound=c),
            "resident": lambda: given.resident(w, c, "新志愿者"),
            "household": lambda: given.home(w, c),
            "volunteer": lambda: actions.volunteer_add(
                actor=w.li, project=fill.project(w, c), resident=given.resident(w, c, "推选人")
            ),
        }
        return fill._cache(w, ("api", key, c.pk), makers[key])


def _id(o, key):
    return o[key].pk


CALLS = {
    ("GET", "/renewal/item-types"): lambda o: ("/renewal/item-types", None),
    ("GET", "/renewal/projects"): lambda o: (
        # the project exists; the filter is its compound's id (not the project's: equal on a
        # fresh SQLite database, different on PostgreSQL)
        f"/renewal/projects?compound={o['project'].compound_id}",
        None,
    ),
    ("POST", "/renewal/projects"): lambda o: (
        "/renewal/projects",
        {"compound_id": o["compound"].pk, "title": "路灯改造", "item_type": "lighting"},
    ),
    ("GET", "/renewal/projects/{project_id}"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}",
        None,
    ),
    ("PATCH", "/renewal/projects/{project_id}"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}",
        {"budget": "2000000.00"},
    ),
    ("POST", "/renewal/projects/{project_id}/transition"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/transition",
        {"to_state": "cancelled", "note": "并入片区改造"},
    ),
    ("POST", "/renewal/projects/{project_id}/topics"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/topics",
        {"topic_ids": [_id(o, "topic")]},
    ),
    ("POST", "/renewal/projects/{project_id}/resolution"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/resolution",
        {"decision_id": _id(o, "decision")},
    ),
    ("POST", "/renewal/projects/{project_id}/vote"): lambda o: (
        f"/renewal/projects/{_id(o, 'designed')}/vote",
        {"vote_id": _id(o, "vote")},
    ),
    ("POST", "/renewal/projects/{project_id}/notices/plan"): lambda o: (
        f"/renewal/projects/{_id(o, 'designed')}/notices/plan",
        {"starts_on": TODAY, "period_days": 3, "working_days": False},
    ),
    ("POST", "/renewal/projects/{project_id}/notices/accounts"): lambda o: (
        f"/renewal/projects/{o['source'].project_id}/notices/accounts",
        {"starts_on": TODAY, "period_days": 3, "working_days": False},
    ),
    ("POST", "/renewal/rectifications/{item_id}/case"): lambda o: (
        f"/renewal/rectifications/{_id(o, 'uncased')}/case",
        None,
    ),
    ("GET", "/renewal/projects/{project_id}/events"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/events",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/attachments"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/attachments",
        "multipart",
    ),
    ("GET", "/renewal/projects/{project_id}/accounts"): lambda o: (
        f"/renewal/projects/{o['source'].project_id}/accounts",
        None,
    ),
    ("GET", "/renewal/projects/{project_id}/ledger"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/ledger",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/sources"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/sources",
        {"kind": "alliance", "funder": "党建联盟", "pledged": "700000.00"},
    ),
    ("POST", "/renewal/sources/{source_id}/pledges"): lambda o: (
        f"/renewal/sources/{_id(o, 'source')}/pledges",
        {"amount": "100.00", "booked_on": TODAY},
    ),
    ("POST", "/renewal/sources/{source_id}/receipts"): lambda o: (
        f"/renewal/sources/{_id(o, 'source')}/receipts",
        {"amount": "100.00", "booked_on": TODAY},
    ),
    ("POST", "/renewal/sources/{source_id}/payment-requests"): lambda o: (
        f"/renewal/sources/{_id(o, 'source')}/payment-requests",
        {"amount": "50.00", "payee": "施工单位", "purpose": "材料款"},
    ),
    ("POST", "/renewal/payment-requests/{payment_id}/decision"): lambda o: (
        f"/renewal/payment-requests/{_id(o, 'payment')}/decision",
        {"approve": True},
    ),
    ("POST", "/renewal/ledger/{entry_id}/reverse"): lambda o: (
        f"/renewal/ledger/{_id(o, 'entry')}/reverse",
        {"reason": "金额录错"},
    ),
    ("POST", "/renewal/projects/{project_id}/share-schemes"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/share-schemes",
        {
            "source_id": o["scheme"].source_id,
            "basis": "equal",
            "total": "100.00",
            "building_ids": [b.pk for b in o["compound"].buildings.all()],
        },
    ),
    ("GET", "/renewal/share-schemes/{scheme_id}/shares"): lambda o: (
        f"/renewal/share-schemes/{_id(o, 'scheme')}/shares",
        None,
    ),
    ("GET", "/renewal/projects/{project_id}/supervision"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/supervision",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/volunteers"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/volunteers",
        {"resident_id": _id(o, "resident")},
    ),
    ("POST", "/renewal/projects/{project_id}/group"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/group",
        {"method": "elected", "formed_on": TODAY, "volunteer_ids": [_id(o, "volunteer")]},
    ),
    ("POST", "/renewal/projects/{project_id}/inspections"): lambda o: (
        f"/renewal/projects/{_id(o, 'built')}/inspections",
        {
            "inspected_on": TODAY,
            "inspectors": "监督小组",
            "findings": "围挡缺失",
            "problems": [{"title": "围挡缺失", "responsible_party": "施工单位", "work_days": 2}],
        },
    ),
    ("GET", "/renewal/inspections/{inspection_id}"): lambda o: (
        f"/renewal/inspections/{_id(o, 'inspection')}",
        None,
    ),
    ("GET", "/renewal/projects/{project_id}/schedule"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/schedule",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/milestones"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/milestones",
        {"name": "进场", "planned_on": TODAY},
    ),
    ("POST", "/renewal/milestones/{milestone_id}/done"): lambda o: (
        f"/renewal/milestones/{_id(o, 'milestone')}/done",
        {"done_on": TODAY},
    ),
    ("POST", "/renewal/projects/{project_id}/work-items"): lambda o: (
        f"/renewal/projects/{_id(o, 'project')}/work-items",
        {"name": "管网", "weight": 3, "planned_quantity": "200", "unit": "米"},
    ),
    ("POST", "/renewal/work-items/{item_id}/progress"): lambda o: (
        f"/renewal/work-items/{_id(o, 'work_item')}/progress",
        {"done_quantity": "100"},
    ),
    ("POST", "/renewal/projects/{project_id}/signoffs"): lambda o: (
        f"/renewal/projects/{_id(o, 'built')}/signoffs",
        {"member_id": _id(o, "member"), "agrees": True},
    ),
    ("GET", "/renewal/projects/{project_id}/survey"): lambda o: (
        f"/renewal/projects/{_id(o, 'built')}/survey",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/survey"): lambda o: (
        f"/renewal/projects/{_id(o, 'building')}/survey",
        {"closes_on": TODAY},
    ),
    ("POST", "/renewal/projects/{project_id}/survey/close"): lambda o: (
        f"/renewal/projects/{_id(o, 'built')}/survey/close",
        None,
    ),
    ("POST", "/renewal/projects/{project_id}/survey/answers"): lambda o: (
        f"/renewal/projects/{_id(o, 'built')}/survey/answers",
        {"household_id": _id(o, "household"), "choice": "satisfied"},
    ),
    ("POST", "/renewal/projects/{project_id}/maintenance"): lambda o: (
        f"/renewal/projects/{_id(o, 'accepted')}/maintenance",
        {"name": "巡查", "responsible_party": "物业", "interval_months": 6, "first_due": TODAY},
    ),
    ("POST", "/renewal/maintenance/{task_id}/done"): lambda o: (
        f"/renewal/maintenance/{_id(o, 'task')}/done",
        {"done_on": TODAY},
    ),
    ("GET", "/renewal/rectifications"): lambda o: (
        f"/renewal/rectifications?compound={o['item'].compound_id}",
        None,
    ),
    ("POST", "/renewal/rectifications"): lambda o: (
        "/renewal/rectifications",
        {
            "compound_id": o["compound"].pk,
            "title": "井盖松动",
            "responsible_party": "物业",
            "found_on": TODAY,
            "work_days": 3,
        },
    ),
    ("GET", "/renewal/rectifications/{item_id}"): lambda o: (
        f"/renewal/rectifications/{_id(o, 'item')}",
        None,
    ),
    ("POST", "/renewal/rectifications/{item_id}/transition"): lambda o: (
        f"/renewal/rectifications/{_id(o, 'item')}/transition",
        {"to_state": "rectifying"},
    ),
    ("GET", "/renewal/compounds/{compound_id}/checkup"): lambda o: (
        f"/renewal/compounds/{_id(o, 'compound')}/checkup",
        None,
    ),
    ("POST", "/renewal/compounds/{compound_id}/assets"): lambda o: (
        f"/renewal/compounds/{_id(o, 'compound')}/assets",
        {"asset_type": "road", "name": "主干道", "quantity": "6800"},
    ),
    ("POST", "/renewal/compounds/{compound_id}/checkups"): lambda o: (
        f"/renewal/compounds/{_id(o, 'compound')}/checkups",
        {
            "checked_on": TODAY,
            "inspector": "体检组",
            "ratings": [{"asset_id": o["rating"].asset_id, "condition": "fair"}],
        },
    ),
    ("POST", "/renewal/ratings/{rating_id}/project"): lambda o: (
        f"/renewal/ratings/{_id(o, 'rating')}/project",
        None,
    ),
    ("POST", "/renewal/ratings/{rating_id}/rectification"): lambda o: (
        f"/renewal/ratings/{_id(o, 'rating')}/rectification",
        {"responsible_party": "物业", "work_days": 5},
    ),
    ("GET", "/renewal/portfolio"): lambda o: (
        f"/renewal/portfolio?place=community:{o['compound'].community_id}",
        None,
    ),
    ("GET", "/renewal/portal/projects"): lambda o: ("/renewal/portal/projects", None),
    ("GET", "/renewal/portal/projects/{project_id}"): lambda o: (
        f"/renewal/portal/projects/{_id(o, 'project')}",
        None,
    ),
    ("POST", "/renewal/portal/projects/{project_id}/volunteer"): lambda o: (
        f"/renewal/portal/projects/{_id(o, 'project')}/volunteer",
        None,
    ),
    ("POST", "/renewal/portal/projects/{project_id}/survey"): lambda o: (
        f"/renewal/portal/projects/{_id(o, 'built')}/survey",
        {"choice": "satisfied"},
    ),
    ("POST", "/renewal/portal/projects/{project_id}/signoff"): lambda o: (
        f"/renewal/portal/projects/{_id(o, 'built')}/signoff",
        {"agrees": True},
    ),
}
# Lists answer an empty page rather than 404 when filtered on someone else's place (staff have no
# portal: its list answers 404 to them).
LISTS = {("GET", "/renewal/projects"), ("GET", "/renewal/rectifications")}
# Open to every signed-in user: the catalogue holds no data of any place.
OPEN = {("GET", "/renewal/item-types")}
PORTAL = {op for op in CALLS if op[1].startswith("/renewal/portal/")}
# Who is in scope for the control call (li, the community worker, unless named here).
INSIDER = {
    **{op: "liu" for op in PORTAL},
    ("POST", "/renewal/payment-requests/{payment_id}/decision"): "wang",
}


def call(client: Client, method: str, key, objects):
    if key not in CALLS:
        pytest.fail(f"The renewal API scope walk does not know how to call {key[0]} {key[1]}")
    url, body = CALLS[key](objects)
    if method == "GET":
        response = client.get(f"{API}{url}")
    elif body == "multipart":
        response = client.post(
            f"{API}{url}", {"kind": "plan", "title": "方案", "file": given.pdf()}
        )
    else:
        response = client.generic(
            method,
            f"{API}{url}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
        )
    return response.status_code, response.json()


def snapshot():
    models = (
        AuditEvent,
        Notification,
        Project,
        ProjectEvent,
        ProjectAttachment,
        FundingSource,
        LedgerEntry,
        PaymentRequest,
        ShareScheme,
        Volunteer,
        SupervisionGroup,
        GroupMember,
        Inspection,
        RectificationItem,
        Milestone,
        WorkItem,
        SignOff,
        Survey,
        SurveyAnswer,
        MaintenanceTask,
        Asset,
        Checkup,
        Notice,
        Case,
        Vote,
    )
    return (
        {m.__name__: m.objects.count() for m in models},
        sorted(Project.objects.values_list("pk", "state", "title", "budget")),
        sorted(RectificationItem.objects.values_list("pk", "state", "case")),
        sorted(Project.objects.values_list("pk", "vote")),
    )


def test_the_walk_covers_every_operation_of_the_router():
    assert set(CALLS) == set(OPERATIONS)
    assert len(OPERATIONS) >= 45


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_out_of_scope_objects_answer_404_and_nothing_is_written(world, login, method, path):
    if (method, path) in OPEN:
        return
    for viewer, compound in (("qian", world.wufuyuan), ("zhang", world.majiagou)):
        objects = Objects(world, compound)
        CALLS[(method, path)](objects)  # build what the call needs before the snapshot
        before = snapshot()
        status, answer = call(login(world.users[viewer]), method, (method, path), objects)
        if (method, path) in LISTS:
            assert (status, answer) == (200, {"items": [], "count": 0}), (viewer, path, answer)
        else:
            assert (status, answer) == (404, {"detail": "未找到"}), (viewer, method, path, answer)
        assert snapshot() == before, (viewer, method, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_same_call_in_scope_succeeds(world, login, method, path):
    """The control: the 404s above come from the scope, not from a broken request."""
    objects = Objects(world, world.wufuyuan)
    if path.endswith("/signoff"):
        # liu sits in the group of the project under construction
        built = objects["built"]
        volunteer = actions.volunteer_signup(actor=world.liu, project=built)
        built.group.members.create(volunteer=volunteer)
    if (method, path) == ("GET", "/renewal/portal/projects"):
        objects["project"]
    insider = world.users[INSIDER.get((method, path), "li")]
    status, answer = call(login(insider), method, (method, path), objects)
    assert status in {200, 201}, (method, path, answer)
    if (method, path) in LISTS:
        assert answer["count"] >= 1, path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(world, method, path):
    status, answer = call(Client(), method, (method, path), Objects(world, world.wufuyuan))
    assert status == 401 and "未登录" in answer["detail"]


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("zhang", ("POST", "/renewal/projects/{project_id}/transition")),
        ("zhao", ("POST", "/renewal/projects/{project_id}/transition")),
        ("sun", ("POST", "/renewal/projects")),
        ("zhao", ("POST", "/renewal/sources/{source_id}/receipts")),
        ("li", ("POST", "/renewal/payment-requests/{payment_id}/decision")),
        ("zhou", ("POST", "/renewal/projects/{project_id}/inspections")),
        ("zhang", ("POST", "/renewal/compounds/{compound_id}/assets")),
        ("zhang", ("POST", "/renewal/projects/{project_id}/vote")),
        ("sun", ("POST", "/renewal/projects/{project_id}/notices/plan")),
        ("sun", ("POST", "/renewal/projects/{project_id}/notices/accounts")),
        ("zhao", ("POST", "/renewal/rectifications/{item_id}/case")),
    ],
)
def test_roles_that_see_but_may_not_act_get_403(world, login, who, key):
    objects = Objects(world, world.wufuyuan)
    CALLS[key](objects)
    before = snapshot()
    status, answer = call(login(world.users[who]), key[0], key, objects)
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"}), (who, key, answer)
    assert snapshot() == before
