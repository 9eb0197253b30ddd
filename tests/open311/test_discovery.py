"""Given the endpoint, when a client fetches discovery.json or discovery.xml, then it learns
where the GeoReport v2 endpoint is, that it speaks XML and JSON, how to get a key and whom to
ask, in the shape of the Service Discovery specification; the changeset moves when a service
changes (clients refresh their cached lists)."""

from laoyuan.cases.models import Category
from tests.open311.helpers import get
from tests.open311.schemas import DISCOVERY, DISCOVERY_ORDER, ENDPOINT_ORDER, validate


def test_the_json_discovery_follows_the_specification(db):
    status, answer = get("discovery")
    assert status == 200
    validate(answer, DISCOVERY)
    (endpoint,) = answer["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"
    assert "/account/tokens/" in answer["key_service"]
    assert list(answer) == DISCOVERY_ORDER


def test_the_xml_discovery_names_its_elements_in_the_specifications_order(db):
    status, root = get("discovery", fmt="xml")
    assert status == 200
    assert root.tag == "discovery"
    assert [child.tag for child in root] == DISCOVERY_ORDER
    (endpoint,) = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert [child.tag for child in endpoint] == ENDPOINT_ORDER
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert all(f.tag == "format" for f in endpoint.find("formats"))


def test_the_changeset_moves_when_a_service_changes(db):
    before = get("discovery")[1]["changeset"]
    category = Category.objects.get(code="pipe.water")
    Category.objects.filter(pk=category.pk).update(
        updated_at=category.updated_at.replace(year=category.updated_at.year + 1)
    )
    after = get("discovery")[1]["changeset"]
    assert after > before
    assert after == get("discovery")[1]["endpoints"][0]["changeset"]
