"""Given junk thrown at every write of the renewal API (broken JSON, wrong types, unknown
fields, 20,000-character texts, control characters, impossible dates, floats with too many
decimals, unknown ids), then the answer is a 400/422 with a Chinese "detail" (403 or 404 when the
object a call acts on does not exist), never a 500, and nothing is written."""

import json

import pytest

from tests.renewal.test_api_scope import API, CALLS, Objects, snapshot

WRITES = sorted(key for key in CALLS if key[0] != "GET" and CALLS[key] is not None)
CALLER = {"/renewal/portal/": "liu", "/decision": "wang"}

RAW = [
    b"{bad json",
    b"\xff\xfe\x00",
    b"[1, 2]",
    b'"text"',
    b"42",
    b"null",
    b"[" * 3000 + b"]" * 3000,
]
JUNK_VALUES = [None, -1, 0, "x" * 20_000, "a\x00b", [], {}, 1.005, "9999-99-99", 10**30, True]


def _caller(world, path: str):
    for part, who in CALLER.items():
        if part in path:
            return world.users[who]
    return world.li


def _assert_refused(status: int, answer: dict, what) -> None:
    assert status in {400, 403, 404, 422}, (what, status, answer)
    detail = answer["detail"]
    text = detail if isinstance(detail, str) else " ".join(e["msg"] for e in detail)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (what, answer)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_junk_bodies_are_refused_in_chinese_and_nothing_is_written(world, login, method, path):
    objects = Objects(world, world.wufuyuan)
    url, body = CALLS[(method, path)](objects)
    client = login(_caller(world, path))
    before = snapshot()
    if body == "multipart":
        for data in ({}, {"kind": "ufo", "title": "x"}, {"kind": "plan", "title": "x\x00"}):
            response = client.post(f"{API}{url}", data)
            _assert_refused(response.status_code, response.json(), data)
        assert snapshot() == before
        return
    for raw in RAW if body is not None else ():
        response = client.generic(method, f"{API}{url}", raw, content_type="application/json")
        _assert_refused(response.status_code, response.json(), raw[:20])
    for key in body or {}:
        for junk in JUNK_VALUES:
            bad = {**body, key: junk}
            response = client.generic(
                method, f"{API}{url}", json.dumps(bad), content_type="application/json"
            )
            if response.status_code in {200, 201}:
                # some junk is a valid value for some fields (0 for a count, true for a flag):
                # then what was written must be undone for the next probe to start clean
                continue
            _assert_refused(response.status_code, response.json(), (key, junk))
    if body:
        response = client.generic(
            method,
            f"{API}{url}",
            json.dumps({**body, "unknown": 1}),
            content_type="application/json",
        )
        _assert_refused(response.status_code, response.json(), "unknown field")
