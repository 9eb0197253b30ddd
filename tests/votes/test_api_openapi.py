"""Given the API, when a client fetches /api/v1/openapi.json, then every operation of the vote
and meeting-planning routers is documented under its tag with a Chinese summary, and the result
of a vote documents the figures the issue names."""

import re

import pytest
from django.test import Client

from laoyuan.decisions.plan_api import router as plans_router
from laoyuan.decisions.votes.api import router as votes_router

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OPERATIONS = [
    (router, path, method)
    for router in (votes_router, plans_router)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
]


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_is_documented_in_chinese_under_its_tag(schema):
    for router, path, method in OPERATIONS:
        operation = schema["paths"][f"/api/v1{path}"][method.lower()]
        assert CHINESE.search(operation["summary"]), (method, path)
        expected = {"会议"} if router is plans_router else {"业主表决", "居民端：表决"}
        assert operation["tags"] and set(operation["tags"]) <= expected, (method, path)


def test_the_result_names_every_figure_of_the_count(schema):
    result = schema["components"]["schemas"]["VoteResultOut"]["properties"]
    for name in (
        "total_area",
        "total_owners",
        "participating_area",
        "participating_owners",
        "yes_area",
        "yes_owners",
        "no_area",
        "no_owners",
        "abstain_area",
        "abstain_owners",
        "quorum_met",
        "passed",
        "rule",
    ):
        assert name in result, name
    assert "409" in schema["paths"]["/api/v1/votes/{vote_id}/result"]["get"]["responses"]
    paper = schema["paths"]["/api/v1/votes/{vote_id}/ballots/paper"]["post"]
    assert "multipart/form-data" in paper["requestBody"]["content"]
