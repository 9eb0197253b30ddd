"""Given li's API key, when a 12345 integrator posts a service request (form-encoded, with
api_key), then a case opens in 五福苑 through the cases app's action, with source "open311",
the category of the service code, the building named, the attributes, the reporter's name in
Chinese order and her phone sealed and masked; the answer carries the service_request_id, a
service notice and the client's account_id, in the published shape, and never the phone or the
e-mail. The submission, its audit row and the case's own audit row are written."""

from django.test import Client

from laoyuan.cases.models import Case, CaseSource, CaseState, Category
from laoyuan.core import pii
from laoyuan.core.models import ApiToken, AuditEvent
from laoyuan.open311.models import LocatedBy, Submission
from tests.open311.helpers import good_request, key_of, post
from tests.open311.schemas import CREATED, CREATED_ORDER, validate


def test_a_posted_request_becomes_a_case(world, key):
    status, answer = post(good_request(world, key))
    assert status == 201
    validate(answer, CREATED)
    (created,) = answer
    case = Case.objects.get(request_id=created["service_request_id"])
    assert case.source == CaseSource.OPEN311
    assert case.state == CaseState.DISPATCH
    assert (case.compound, case.building) == (world.wufuyuan, world.b1)
    assert case.category.code == "pipe.water"
    assert case.attributes == {"building": "1", "scope": "entrance"}
    assert case.description == "1栋2单元停水两天了，老人做不了饭"
    assert case.created_by == world.li
    assert case.reporter_name == "刘桂兰"
    assert case.reporter_phone_masked == "138****5678"
    assert pii.decrypt(case.reporter_phone_cipher) == "13812345678"
    assert created["account_id"] == "12345-USER-88"
    assert "办结" in created["service_notice"]


def test_the_submission_keeps_what_only_the_client_knows(world, key):
    post(good_request(world, key, media_url="https://img.example.com/p/1.jpg"))
    submission = Submission.objects.get()
    assert submission.submitted_by == world.li
    assert submission.token == ApiToken.objects.get(user=world.li)
    assert submission.token.last_used_at is not None
    assert (submission.jurisdiction, submission.located_by) == ("SH", LocatedBy.ADDRESS_ID)
    assert (submission.account_id, submission.device_id) == ("12345-USER-88", "dev-1")
    assert submission.media_url == "https://img.example.com/p/1.jpg"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"open311.request.submit", "case.open"} <= actions
    audit = AuditEvent.objects.get(action="open311.request.submit")
    assert audit.actor == world.li
    assert audit.changes["email_given"] is True
    assert "liu@example.com" not in str(audit.changes)


def test_neither_the_phone_nor_the_email_is_echoed_or_stored_in_clear(world, key):
    response = Client().post("/open311/v2/requests.json", good_request(world, key))
    assert b"13812345678" not in response.content and b"liu@example.com" not in response.content
    case = Case.objects.get()
    stored = " ".join(str(v) for v in Case.objects.filter(pk=case.pk).values().get().values())
    assert "13812345678" not in stored and "liu@example.com" not in stored
    assert "liu@example.com" not in str(list(Submission.objects.values()))


def test_the_xml_answer_follows_the_specifications_shape(world, key):
    status, root = post(good_request(world, key, account_id=None), fmt="xml")
    assert status == 201
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert [child.tag for child in request] == CREATED_ORDER
    assert request.findtext("service_request_id").startswith("GD-")
    assert request.findtext("account_id") == ""  # none sent: empty, as the spec's example


def test_a_compound_is_found_by_its_name_or_address(world, key):
    for text in ("五福苑3栋门口", "马家沟1号", "成都市锦江区 马家沟1号 2栋"):
        status, answer = post(good_request(world, key, address_id=None, address_string=text))
        assert status == 201, (text, answer)
        case = Case.objects.get(request_id=answer[0]["service_request_id"])
        assert case.compound == world.wufuyuan
        assert case.address == text.strip()
        assert Submission.objects.get(case=case).located_by == LocatedBy.ADDRESS_STRING
    second = Case.objects.get(address="成都市锦江区 马家沟1号 2栋")
    assert second.building == world.b1  # attribute[building]=1 names it, before the text


def test_the_building_comes_from_the_address_when_no_attribute_names_it(world, key):
    fields = good_request(world, key, address_id=None, address_string="五福苑2栋楼下")
    del fields["attribute[building]"]
    status, answer = post(fields)
    assert status == 201
    assert Case.objects.get(request_id=answer[0]["service_request_id"]).building == world.b2


def test_coordinates_sent_with_an_address_are_kept_on_the_case(world, key):
    status, answer = post(good_request(world, key, lat="30.6571234", long="104.1012346"))
    assert status == 201
    case = Case.objects.get(request_id=answer[0]["service_request_id"])
    assert (str(case.lat), str(case.lon)) == ("30.657123", "104.101235")


def test_a_request_without_a_description_is_described_by_its_service(world, key):
    fields = good_request(world, key, description=None, service_code="env.light")
    del fields["attribute[building]"], fields["attribute[scope]"]
    status, answer = post(fields)
    assert status == 201
    assert Case.objects.get(request_id=answer[0]["service_request_id"]).description == "照明"


def test_a_multivalue_attribute_takes_several_values(world, key):
    water = Category.objects.get(code="pipe.water")
    water.attributes = [
        {**a, "datatype": "multivaluelist"} if a["code"] == "scope" else a for a in water.attributes
    ]
    water.save()
    fields = good_request(world, key)
    del fields["attribute[scope]"]
    fields["attribute[scope][]"] = ["one", "entrance"]
    status, answer = post(fields)
    assert status == 201, answer
    case = Case.objects.get(request_id=answer[0]["service_request_id"])
    assert case.attributes["scope"] == ["one", "entrance"]


def test_a_grid_workers_key_files_in_her_own_compound(world):
    status, answer = post(good_request(world, key_of(world.zhang)))
    assert status == 201
    assert Case.objects.get(request_id=answer[0]["service_request_id"]).created_by == world.zhang
