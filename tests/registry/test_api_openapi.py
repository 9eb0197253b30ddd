"""Given the API, when a client fetches /api/v1/openapi.json or a person opens /api/v1/docs,
then the schema is valid JSON listing every path, and the docs load nothing from a CDN."""

import json
import re

from django.test import Client

from laoyuan.registry.api import router


def test_openapi_is_valid_json_listing_every_registry_path(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Laoyuan API"
    paths = schema["paths"]
    for path, view in router.path_operations.items():
        assert f"/api/v1{path}" in paths, path
        for operation in view.operations:
            for method in operation.methods:
                assert method.lower() in paths[f"/api/v1{path}"], (method, path)
    # Both ways in are declared: the bearer token and the browser session.
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_openapi_documents_masked_numbers_and_string_areas(db):
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    resident = components["ResidentOut"]["properties"]
    assert "脱敏" in resident["id_number"]["description"]
    assert "id_number_cipher" not in resident and "id_number_index" not in resident
    assert components["UnitOut"]["properties"]["area"]["anyOf"][0]["type"] == "string"
    limit = next(
        p for p in schema["paths"]["/api/v1/residents"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 200


def test_the_docs_page_loads_only_local_assets(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, "the docs page should reference its scripts and styles"
    for ref in references:
        assert ref.startswith("/"), f"external asset on the docs page: {ref}"
        assert not ref.startswith("//"), ref
        assert Client().get(ref).status_code == 200, ref
    assert "cdn" not in html.lower()
    # No validator badge either: Swagger UI would fetch it from validator.swagger.io.
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    ).group(1)
    assert json.loads(settings_json)["validatorUrl"] is None
