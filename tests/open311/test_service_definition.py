"""Given a category that asks for more facts, when a client fetches its service definition
(services/{service_code}.json or .xml), then it gets the attributes in the published shape and
the spec's element order: each one variable, typed, required or not, with its description and,
for a list, its values; a category without attributes has an empty list. Codes hold dots
(pipe.water), so the format is what follows the last dot; an unknown code is 404, a missing or
unknown format 400."""

from tests.open311.helpers import BASE, descriptions, get, parse
from tests.open311.schemas import ATTRIBUTE_ORDER, ERRORS, SERVICE_DEFINITION, validate


def test_the_definition_lists_the_attributes_of_the_service(world):
    status, answer = get("services/pipe.water", {"jurisdiction_id": world.shahe.code})
    assert status == 200
    validate(answer, SERVICE_DEFINITION)
    assert answer["service_code"] == "pipe.water"
    building, scope = answer["attributes"]
    assert building == {
        "variable": True,
        "code": "building",
        "datatype": "string",
        "required": False,
        "datatype_description": "楼栋号，如“3”",
        "order": 1,
        "description": "哪一栋楼",
    }
    assert scope["datatype"] == "singlevaluelist" and scope["order"] == 2
    assert scope["values"][0] == {"key": "one", "name": "一户"}
    assert [v["key"] for v in scope["values"]] == ["one", "entrance", "building", "compound"]


def test_a_service_without_attributes_has_an_empty_definition(world):
    status, answer = get("services/env.light", {"jurisdiction_id": world.shahe.code})
    assert (status, answer) == (200, {"service_code": "env.light", "attributes": []})


def test_the_xml_definition_follows_the_specifications_order(world):
    status, root = get("services/pipe.water", {"jurisdiction_id": "SH"}, fmt="xml")
    assert status == 200
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    building, scope = root.find("attributes")
    assert building.tag == scope.tag == "attribute"
    assert [child.tag for child in building] == ATTRIBUTE_ORDER
    assert [child.tag for child in scope] == [*ATTRIBUTE_ORDER, "values"]
    assert scope.findtext("variable") == "true" and scope.findtext("required") == "false"
    assert scope.findtext("datatype_description") == ""  # null is an empty element
    first = scope.find("values/value")
    assert [child.tag for child in first] == ["key", "name"]
    assert (first.findtext("key"), first.findtext("name")) == ("one", "一户")


def test_an_unknown_service_code_is_404(world):
    for fmt in ("json", "xml"):
        status, answer = get("services/no.such", {"jurisdiction_id": "SH"}, fmt=fmt)
        assert status == 404
        assert "no.such" in descriptions(answer)[0]
    validate(get("services/no.such", {"jurisdiction_id": "SH"})[1], ERRORS)


def test_a_missing_or_unknown_format_is_400_answered_in_xml(world, client):
    for path in ("services/pipe.water", "services/pipe.water.yaml", "services.csv", "requests"):
        response = client.get(f"{BASE}/{path}", {"jurisdiction_id": "SH"})
        assert response.status_code == 400, path
        assert ".xml" in descriptions(parse(response, "xml"))[0]


def test_an_unknown_resource_is_404(world, client):
    response = client.get(f"{BASE}/tokens/123.json")
    assert response.status_code == 404
    validate(parse(response, "json"), ERRORS)
    assert client.get(f"{BASE}/nothing/here").status_code == 404
