"""Given the endpoint, when a client fetches /open311/v2/openapi.json, then it gets an OpenAPI 3
description of every GeoReport v2 resource in both formats — the same one the fuzzing tests are
generated from — with its server at this endpoint and Chinese summaries; no login needed."""

import re

from django.test import Client

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_resource_is_described_in_both_formats(db):
    response = Client().get("/open311/v2/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "http://testserver/open311/v2"}]
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    for fmt in ("json", "xml"):
        assert {
            ("get", f"/discovery.{fmt}"),
            ("get", f"/services.{fmt}"),
            ("get", f"/services/{{service_code}}.{fmt}"),
            ("get", f"/requests.{fmt}"),
            ("post", f"/requests.{fmt}"),
            ("get", f"/requests/{{service_request_id}}.{fmt}"),
        } <= operations
    assert len(operations) == 12
    for item in document["paths"].values():
        for operation in item.values():
            assert CHINESE.search(operation["summary"])
    post = document["paths"]["/requests.json"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"api_key", "service_code"} <= set(form["required"])
    assert {"201", "400", "403", "404"} <= set(post["responses"])
