"""Given a request posted through Open311, when a client asks for it by its id
(requests/{service_request_id}.json or .xml), then it gets a list of that one request, in the
published shape and the spec's order; the id is found whatever its letter case; an unknown id,
or one of another jurisdiction, is 404."""

from tests.open311.helpers import descriptions, get, good_request, opened_at, post
from tests.open311.schemas import ERRORS, REQUEST_ORDER, REQUESTS, validate


def test_one_request_in_both_formats(world, key):
    rid = post(good_request(world, key))[1][0]["service_request_id"]
    status, answer = get(f"requests/{rid}", {"jurisdiction_id": "SH"})
    assert status == 200
    validate(answer, REQUESTS)
    (request,) = answer
    assert request["service_request_id"] == rid
    assert (request["service_code"], request["service_name"]) == ("pipe.water", "供水与二次供水")
    assert request["address"] == "五福苑，马家沟1号，沙河街道，锦江区"
    assert request["address_id"] == "WFY"
    status, root = get(f"requests/{rid}", {"jurisdiction_id": "JJ"}, fmt="xml")
    assert status == 200 and root.tag == "service_requests"
    (element,) = root
    assert element.tag == "request"
    assert [child.tag for child in element] == REQUEST_ORDER
    assert element.findtext("service_request_id") == rid


def test_the_id_is_found_in_lower_case_too(world, key):
    rid = post(good_request(world, key))[1][0]["service_request_id"]
    assert get(f"requests/{rid.lower()}", {"jurisdiction_id": "SH"})[0] == 200


def test_an_unknown_id_is_404(world, key):
    for fmt in ("json", "xml"):
        status, answer = get("requests/GD-20260101-AAAAAA", {"jurisdiction_id": "SH"}, fmt=fmt)
        assert status == 404
        assert "GD-20260101-AAAAAA" in descriptions(answer)[0]
    validate(get("requests/GD-X", {"jurisdiction_id": "SH"})[1], ERRORS)


def test_a_request_of_another_jurisdiction_is_404(world):
    from django.utils import timezone

    theirs = opened_at(world, timezone.now(), who=world.qian, compound=world.guihuaxincun)
    assert get(f"requests/{theirs.request_id}", {"jurisdiction_id": "SH"})[0] == 404
    assert get(f"requests/{theirs.request_id}", {"jurisdiction_id": "CL"})[0] == 200
