"""Given the API, when a client fetches /api/v1/openapi.json, then every operation of the
renewal router is listed under the tag 改造 with a Chinese summary, money is documented as exact
decimal strings, and what is not enforced yet (owners' votes, public notices) is said so."""

import re

import pytest
from django.test import Client

from laoyuan.renewal.api import router

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OPERATIONS = [
    (path, method)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
]


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_is_listed_under_renewal_with_a_chinese_summary(schema):
    assert len(OPERATIONS) >= 45
    for path, method in OPERATIONS:
        operation = schema["paths"][f"/api/v1{path}"][method.lower()]
        assert CHINESE.search(operation["summary"]), (method, path)
        assert operation["tags"] == ["改造"], (method, path)


def test_the_shapes_document_money_and_the_links_to_votes_notices_and_cases(schema):
    components = schema["components"]["schemas"]
    assert "精确小数" in components["ProjectOut"]["properties"]["budget"]["description"]
    assert "not_enforced" not in components["StepOut"]["properties"]
    detail = components["ProjectDetailOut"]["properties"]
    assert "民法典第278条" in detail["vote"]["description"]
    assert "公示" in detail["notices"]["description"]
    assert "工单" in components["ItemOut"]["properties"]["case"]["description"]
    vote_call = schema["paths"]["/api/v1/renewal/projects/{project_id}/vote"]["post"]
    assert "本小区" in vote_call["description"]
    assert "最大余额法" in components["SchemeOut"]["properties"]["rule"]["default"]
    limit = next(
        p
        for p in schema["paths"]["/api/v1/renewal/projects"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 200
