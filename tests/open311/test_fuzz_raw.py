"""Given any bytes at all as the query string of every resource, and as the body of POST
requests (raw, or forms of known fields holding junk), when they reach the endpoint, then the
answer is one the spec knows (200, 201, 400, 403, 404, 405) in the format asked for — XML that
parses, JSON that parses — and an error is the spec's error list: never a server error. A
refused POST stores nothing."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.open311.helpers import snapshot
from tests.open311.schemas import ERRORS, validate

PATHS = [
    "discovery",
    "services",
    "services/pipe.water",
    "services/a.b.c",
    "requests",
    "requests/GD-20261201-ABCDEF",
]
FORMATS = ["json", "xml", "yaml", ""]
KNOWN = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "attribute[building]",
    "attribute[scope][]",
    "attribute[",
    "service_request_id",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
]
JUNK = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", "SH", "JJ", "WFY", "pipe.water", "NaN", "-1e999", "9" * 40, "\x00", "2026-02-30"]
    ),
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(response, fmt: str) -> None:
    assert response.status_code in (200, 201, 400, 403, 404, 405), response.status_code
    if fmt == "json":
        body = json.loads(response.content)
        if response.status_code >= 400:
            validate(body, ERRORS)
    else:
        root = ET.fromstring(response.content)
        if response.status_code >= 400:
            assert root.tag == "errors"
            assert all(e.findtext("code") and e.findtext("description") for e in root)


@FUZZ
@given(
    path=st.sampled_from(PATHS),
    fmt=st.sampled_from(FORMATS),
    raw=st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)
def test_any_query_string_gets_a_proper_answer(world, path, fmt, raw):
    suffix = f".{fmt}" if fmt else ""
    response = Client().generic("GET", f"/open311/v2/{path}{suffix}", QUERY_STRING=raw)
    check(response, fmt if fmt in ("json", "xml") else "xml")


@FUZZ
@given(
    path=st.sampled_from(["requests", "services", "requests/GD-1"]),
    fields=st.dictionaries(st.sampled_from(KNOWN), st.lists(JUNK, max_size=3), max_size=10),
)
def test_any_query_of_known_fields_gets_a_proper_answer(world, path, fields):
    query = urlencode([(k, v) for k, values in fields.items() for v in values])
    response = Client().get(f"/open311/v2/{path}.json?{query}")
    check(response, "json")


@FUZZ
@given(
    fmt=st.sampled_from(["json", "xml"]),
    body=st.binary(max_size=500),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-8",
            "application/x-www-form-urlencoded; charset=nonsense",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/json",
            "",
        ]
    ),
)
def test_any_post_body_gets_a_proper_answer_and_stores_nothing(world, fmt, body, content_type):
    before = snapshot()
    response = Client().generic(
        "POST", f"/open311/v2/requests.{fmt}", body, content_type=content_type
    )
    check(response, fmt)
    assert response.status_code != 201
    assert snapshot() == before


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(KNOWN), st.lists(JUNK, max_size=3), max_size=12))
def test_any_form_of_known_fields_with_a_real_key_gets_a_proper_answer(world, key, fields):
    data = {k: v for k, v in fields.items()}
    data["api_key"] = [key]
    before = snapshot()
    response = Client().post("/open311/v2/requests.xml", data)
    check(response, "xml")
    created = 1 if response.status_code == 201 else 0
    assert snapshot()[0] == before[0] + created


@pytest.mark.parametrize("name", KNOWN)
@pytest.mark.parametrize("path", PATHS)
def test_a_nul_byte_in_any_field_of_any_resource_gets_a_proper_answer(world, key, path, name):
    """PostgreSQL refuses NUL in a query's text: a NUL reaching the database is a server
    error there (SQLite takes it), so every field of every resource is tried with one."""
    for value in ("\x00", "SH\x00", "pipe.water\x00"):
        response = Client().get(f"/open311/v2/{path}.json?" + urlencode({name: value}))
        check(response, "json")
    response = Client().get(f"/open311/v2/{path}%00.json")
    check(response, "json")
    for value in ("\x00", "SH\x00"):
        before = snapshot()
        response = Client().post(
            "/open311/v2/requests.xml", {"api_key": key, "jurisdiction_id": "SH", name: value}
        )
        check(response, "xml")
        assert response.status_code != 201 or snapshot()[0] == before[0] + 1
