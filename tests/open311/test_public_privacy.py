"""Given requests with personal data in them — a reporter's name, phone and e-mail, a
description naming her and giving her number, a position at her door, a media link, and a
resident's own words on the portal — when anyone (no key, no login) reads GET requests or
requests/{id}, in JSON or XML, then no name, phone, e-mail, ID number or link comes back: only
requests sent through Open311 show their description, redacted and with the reporter's name
struck out; the portal resident's words are not published; positions are rounded to about
100 m and media_url is always empty."""

import json

from django.test import Client

from laoyuan.cases import actions
from laoyuan.cases.models import Case
from tests.cases.helpers import category
from tests.open311.helpers import good_request, post

SECRET_BITS = [
    "13812345678",
    "138 1234 5678",
    "liu@example.com",
    "510104194803121224",
    "刘桂兰",
    "https://",
    "12345-USER-88",
    "dev-1",
]


def raw(path: str, fmt: str) -> str:
    response = Client().get(f"/open311/v2/{path}.{fmt}", {"jurisdiction_id": "SH"})
    assert response.status_code == 200
    return response.content.decode()


def test_no_personal_data_comes_back(world, key):
    description = (
        "我是刘桂兰，电话138 1234 5678，邮箱liu@example.com，身份证510104194803121224，"
        "照片见https://img.example.com/a.jpg，1栋停水了"
    )
    rid = post(
        good_request(
            world,
            key,
            description=description,
            lat="30.6571234",
            long="104.1012346",
            media_url="https://img.example.com/a.jpg",
        )
    )[1][0]["service_request_id"]
    for fmt in ("json", "xml"):
        for path in ("requests", f"requests/{rid}"):
            text = raw(path, fmt)
            for bit in SECRET_BITS:
                assert bit not in text, (path, fmt, bit)
    (request,) = json.loads(raw(f"requests/{rid}", "json"))
    assert request["description"].startswith("我是某某，电话[电话]")
    assert "[证件号]" in request["description"] and request["description"].endswith("停水了")
    assert (request["lat"], request["long"]) == (30.657, 104.101)
    assert request["media_url"] is None


def test_a_residents_own_words_on_the_portal_are_not_published(world):
    case = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("env.light"),
        description="我一个人住，腿脚不好，楼下路灯坏了晚上不敢出门",
        phone="13812345678",
    )
    (request,) = json.loads(raw(f"requests/{case.request_id}", "json"))
    assert request["description"] is None
    assert request["service_name"] == "照明"
    text = raw("requests", "xml")
    assert "腿脚" not in text and "13812345678" not in text and "刘桂兰" not in text
    assert Case.objects.get(pk=case.pk).description.startswith("我一个人住")


def test_an_anonymous_case_shows_no_one_either(world, key):
    rid = post(good_request(world, key, first_name=None, last_name=None, phone=None))[1][0][
        "service_request_id"
    ]
    (request,) = json.loads(raw(f"requests/{rid}", "json"))
    assert "reporter" not in json.dumps(request)
    assert set(request) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
