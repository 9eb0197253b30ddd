"""Given bad input to POST requests — a bad, revoked or powerless api_key, a wrong or missing
jurisdiction, an unknown or missing service code, a missing or unplaceable location, a compound
outside the key's scope, an oversized description, junk attributes, a malformed phone, e-mail
or media URL, control characters, a JSON body — then the answer is the spec's error (403 for
the key, 404 for what does not exist, 400 for the rest) with a Chinese description, in the
format asked for, and nothing is stored: no case, no submission, no audit row, no
notification."""

import json

import pytest
from django.test import Client

from laoyuan.core.actions import api_token_revoke
from laoyuan.core.models import ApiToken
from tests.open311.helpers import descriptions, good_request, key_of, post, snapshot
from tests.open311.schemas import ERRORS, validate

LONG = "长" * 2001

# (name, changes to li's good request, HTTP status, words the description must contain)
BAD = [
    ("no key", {"api_key": None}, 403, "api_key"),
    ("unknown key", {"api_key": "ly_not-a-real-key"}, 403, "api_key"),
    ("not our key format", {"api_key": "x" * 500}, 403, "api_key"),
    ("unknown jurisdiction", {"jurisdiction_id": "sfgov.org"}, 404, "sfgov.org"),
    ("missing jurisdiction", {"jurisdiction_id": None}, 400, "jurisdiction_id"),
    ("unknown service code", {"service_code": "graffiti"}, 404, "graffiti"),
    ("missing service code", {"service_code": None}, 400, "service_code"),
    ("no location", {"address_id": None}, 400, "位置"),
    ("coordinates only", {"address_id": None, "lat": "30.65", "long": "104.08"}, 400, "经纬度"),
    ("half a position", {"lat": "30.65"}, 400, "lat"),
    ("position out of range", {"lat": "95", "long": "104.08"}, 400, "lat"),
    ("position not a number", {"lat": "north", "long": "east"}, 400, "lat"),
    ("position not finite", {"lat": "NaN", "long": "Infinity"}, 400, "lat"),
    ("unknown compound code", {"address_id": "NOPE"}, 400, "NOPE"),
    ("compound of another district", {"address_id": "GHXC"}, 400, "GHXC"),
    (
        "address matching nothing",
        {"address_id": None, "address_string": "火星基地"},
        400,
        "address_string",
    ),
    ("oversized description", {"description": LONG}, 400, "2000"),
    ("description of symbols only", {"description": "！！！？？？"}, 400, "没有文字"),
    ("control characters", {"description": "停水\x00了"}, 400, "控制字符"),
    ("line break in a name", {"first_name": "桂\n兰"}, 400, "first_name"),
    ("name too long", {"first_name": "名" * 40, "last_name": "姓" * 30}, 400, "姓名"),
    ("bad phone", {"phone": "call me"}, 400, "电话"),
    ("bad email", {"email": "not-an-email"}, 400, "email"),
    ("bad media url", {"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ("device id too long", {"device_id": "d" * 65}, 400, "device_id"),
    ("unknown attribute", {"attribute[colour]": "red"}, 400, "colour"),
    ("value not in the list", {"attribute[scope]": "galaxy"}, 400, "影响范围"),
    ("two values for one", {"attribute[building]": ["1", "2"]}, 400, "building"),
    ("malformed attribute key", {"attribute[scope": "one"}, 400, "attribute"),
    ("attribute too long", {"attribute[building]": "楼" * 1001}, 400, "building"),
]


@pytest.mark.parametrize(("name", "changes", "status", "words"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_refused_and_nothing_is_stored(world, key, fmt, name, changes, status, words):
    before = snapshot()
    got, answer = post(good_request(world, key, **changes), fmt=fmt)
    assert got == status, (name, descriptions(answer))
    text = " ".join(descriptions(answer))
    assert words in text, (name, text)
    if fmt == "json":
        validate(answer, ERRORS)
        assert {e["code"] for e in answer} == {status}
    assert snapshot() == before


def test_every_problem_of_the_form_is_named_at_once(world, key):
    status, answer = post(
        good_request(world, key, phone="x", email="y", media_url="ftp://z", description=LONG)
    )
    assert status == 400
    assert len(descriptions(answer)) == 4


def test_a_revoked_key_is_403(world, key):
    api_token_revoke(actor=world.li, token=ApiToken.objects.get(user=world.li))
    before = snapshot()
    assert post(good_request(world, key))[0] == 403
    assert snapshot() == before


def test_a_key_whose_user_may_not_open_cases_is_403(world):
    before = snapshot()
    status, answer = post(good_request(world, key_of(world.zhao)))  # owners' committee
    assert status == 403 and "无权" in descriptions(answer)[0]
    world.li.is_active = False
    world.li.save()
    assert post(good_request(world, key_of(world.wang)))[0] == 201
    assert snapshot()[0] == before[0] + 1


def test_a_deactivated_users_key_is_403(world, key):
    world.li.is_active = False
    world.li.save()
    assert post(good_request(world, key))[0] == 403


def test_a_compound_outside_the_keys_scope_is_refused_like_one_that_does_not_exist(world):
    # zhang works on 五福苑 only; 马家沟小区 is in her street but not hers.
    zhang = key_of(world.zhang)
    theirs = post(good_request(world, zhang, address_id="MJG"))
    missing = post(good_request(world, zhang, address_id="NONE"))
    assert theirs[0] == missing[0] == 400
    assert descriptions(theirs[1])[0].replace("MJG", "?") == descriptions(missing[1])[0].replace(
        "NONE", "?"
    )


def test_a_compound_outside_the_jurisdiction_is_refused(world):
    # wang's street is 沙河街道; a jurisdiction of 沧浪街道 holds none of his compounds.
    wang = key_of(world.wang)
    before = snapshot()
    status, answer = post(good_request(world, wang, jurisdiction_id="CL"))
    assert status == 400 and "WFY" in descriptions(answer)[0]
    assert snapshot() == before


def test_an_ambiguous_address_names_the_candidates(world, key):
    from laoyuan.registry.models import Compound

    Compound.objects.create(
        community=world.dongguang_community, code="WFY2", name="五福苑", year_built=1990
    )
    status, answer = post(
        good_request(world, key_of(world.wang), address_id=None, address_string="五福苑")
    )
    assert status == 400
    assert "WFY" in descriptions(answer)[0] and "WFY2" in descriptions(answer)[0]


def test_a_body_that_is_not_a_form_is_400(world, key):
    before = snapshot()
    response = Client().post(
        "/open311/v2/requests.json",
        json.dumps(good_request(world, key)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in json.loads(response.content)[0]["description"]
    assert snapshot() == before


def test_an_unknown_format_or_method_is_refused(world, key):
    before = snapshot()
    client = Client()
    assert client.post("/open311/v2/requests.yaml", good_request(world, key)).status_code == 400
    response = client.put("/open311/v2/requests.json", "a=b")
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert client.post("/open311/v2/services.json", {}).status_code == 405
    assert snapshot() == before
