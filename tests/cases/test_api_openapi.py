"""Given the API, when a client fetches /api/v1/openapi.json, then every operation of the case
router is listed under the tag 工单 with a Chinese summary, and the shapes document what Open311
and other clients rely on: category codes, request ids, masked phones, the 204 of a step the
caller no longer sees, the page bounds."""

import re

import pytest
from django.test import Client

from laoyuan.cases.api import router

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


def test_every_operation_is_listed_under_the_tag_with_a_chinese_summary(schema):
    assert len(OPERATIONS) >= 35
    for path, method in OPERATIONS:
        operation = schema["paths"][f"/api/v1{path}"][method.lower()]
        assert CHINESE.search(operation["summary"]), (method, path)
        assert operation["tags"] == ["工单"], (method, path)


def test_the_shapes_document_codes_ids_masks_and_pages(schema):
    components = schema["components"]["schemas"]
    assert "service_code" in components["CategoryRef"]["properties"]["code"]["description"]
    assert "service_request_id" in components["CaseOut"]["properties"]["request_id"]["description"]
    assert "phone_masked" in components["ReporterOut"]["properties"]
    assert "phone" not in components["ReporterOut"]["properties"]
    accept = schema["paths"]["/api/v1/cases/{case_id}/accept"]["post"]["responses"]
    assert {"200", "204"} <= set(accept)
    limit = next(
        p for p in schema["paths"]["/api/v1/cases"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 200
