"""Given the API, when a client fetches /api/v1/openapi.json, then every operation of the
voices and meetings routers is listed under its tag (意见, 议题, 会议) with a Chinese summary,
and the shapes document redacted texts, anonymity and the page bounds."""

import re

import pytest
from django.test import Client

from laoyuan.decisions.api import router as meetings_router
from laoyuan.voices.api import router as voices_router

CHINESE = re.compile(r"[\u4e00-\u9fff]")

OPERATIONS = [
    (router, path, method)
    for router in (voices_router, meetings_router)
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
]


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_is_listed_with_a_chinese_summary_and_its_tag(schema):
    assert len(OPERATIONS) >= 22
    for router, path, method in OPERATIONS:
        operation = schema["paths"][f"/api/v1{path}"][method.lower()]
        assert CHINESE.search(operation["summary"]), (method, path)
        expected = {"会议"} if router is meetings_router else {"意见", "议题"}
        assert set(operation["tags"]) <= expected and operation["tags"], (method, path)


def test_the_three_tags_are_used(schema):
    tags = {t for path in schema["paths"].values() for op in path.values() for t in op["tags"]}
    assert {"意见", "议题", "会议"} <= tags


def test_the_shapes_document_redaction_anonymity_and_pages(schema):
    components = schema["components"]["schemas"]
    voice = components["VoiceOut"]["properties"]
    assert "已去除电话" in voice["text"]["description"]
    assert "匿名" in voice["who"]["description"]
    assert "author" not in voice and "text_redacted" not in voice
    assert "rows" in components["RowsRejectedOut"]["properties"]
    record = schema["paths"]["/api/v1/voices"]["post"]["responses"]
    assert {"201", "422"} <= set(record)
    limit = next(
        p for p in schema["paths"]["/api/v1/topics"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 200
    detail = schema["paths"]["/api/v1/topics/{topic_id}"]["get"]["parameters"]
    assert {"voices_limit", "voices_offset", "events_limit", "events_offset"} <= {
        p["name"] for p in detail
    }
