"""Given the API, when a client fetches /api/v1/openapi.json, then every operation of the notice
router is listed under the tag 公示 with a Chinese summary, and the shapes say what is masked
and what the public never gets."""

import re

import pytest
from django.test import Client

from laoyuan.notices.api import router

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


def test_every_operation_is_listed_under_its_tag_with_a_chinese_summary(schema):
    assert len(OPERATIONS) >= 20
    for path, method in OPERATIONS:
        operation = schema["paths"][f"/api/v1{path}"][method.lower()]
        assert CHINESE.search(operation["summary"]), (method, path)
        assert operation["tags"] == ["公示"], (method, path)


def test_the_shapes_document_masking_and_the_public_side(schema):
    components = schema["components"]["schemas"]
    objection = components["ObjectionOut"]["properties"]
    assert "脱敏" in objection["phone_masked"]["description"]
    assert "phone_cipher" not in objection
    public = components["PublicObjectionOut"]["properties"]
    assert "objector_name" not in public and "phone_masked" not in public
    notice_in = components["NoticeIn"]["properties"]
    assert {"community_id", "compound_id", "building_ids", "period_days", "ends_on"} <= set(
        notice_in
    )
    # the public endpoints need no authentication
    public_op = schema["paths"]["/api/v1/public/notices/{notice_id}"]["get"]
    assert "security" not in public_op or public_op["security"] in ([], [{}])
