"""Given the shipped case categories, when a client lists the services (GET services) in JSON or
XML, then every active category is a service with its stable code, name, group and keywords,
`metadata` true exactly where it has attributes, type "realtime"; the answers follow the
published schemas and the spec's element order; a wrong or missing jurisdiction gets the spec's
error."""

from laoyuan.cases.models import Category
from laoyuan.registry.models import District, Street
from tests.open311.helpers import descriptions, get
from tests.open311.schemas import ERRORS, SERVICE_ORDER, SERVICES, validate


def test_every_active_category_is_a_service(world):
    status, answer = get("services", {"jurisdiction_id": world.shahe.code})
    assert status == 200
    validate(answer, SERVICES)
    active = list(Category.objects.filter(is_active=True).order_by("position", "code"))
    assert [s["service_code"] for s in answer] == [c.code for c in active]
    water = next(s for s in answer if s["service_code"] == "pipe.water")
    assert water == {
        "service_code": "pipe.water",
        "service_name": "供水与二次供水",
        "description": "停水、水压低、水质发黄、水管爆裂。",
        "metadata": True,
        "type": "realtime",
        "keywords": water["keywords"],
        "group": "管网",
    }
    assert "停水" in water["keywords"].split(", ")
    light = next(s for s in answer if s["service_code"] == "env.light")
    assert light["metadata"] is False


def test_an_inactive_category_is_not_offered(world):
    Category.objects.filter(code="env.pests").update(is_active=False)
    codes = [s["service_code"] for s in get("services", {"jurisdiction_id": "JJ"})[1]]
    assert "env.pests" not in codes and "env.light" in codes


def test_the_xml_list_names_each_service_in_the_specifications_order(world):
    status, root = get("services", {"jurisdiction_id": world.jinjiang.code}, fmt="xml")
    assert status == 200
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    water = next(s for s in root if s.findtext("service_code") == "pipe.water")
    assert [child.tag for child in water] == SERVICE_ORDER
    assert water.findtext("metadata") == "true"
    assert water.findtext("type") == "realtime"
    assert len(root) == Category.objects.filter(is_active=True).count()


def test_a_jurisdiction_that_does_not_exist_is_404_in_both_formats(world):
    status, answer = get("services", {"jurisdiction_id": "nowhere.gov"})
    assert status == 404
    validate(answer, ERRORS)
    assert answer[0]["code"] == 404 and "nowhere.gov" in answer[0]["description"]
    status, root = get("services", {"jurisdiction_id": "nowhere.gov"}, fmt="xml")
    assert status == 404
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_a_missing_jurisdiction_is_400_when_several_districts_are_served(world):
    status, answer = get("services")
    assert status == 400
    assert "jurisdiction_id" in descriptions(answer)[0]


def test_with_a_single_district_the_jurisdiction_may_be_left_out(db):
    district = District.objects.create(code="510104", name="锦江区")
    Street.objects.create(district=district, code="510104-SH", name="沙河街道")
    status, answer = get("services")
    assert status == 200 and answer
    assert get("services", {"jurisdiction_id": "510104-SH"})[0] == 200
