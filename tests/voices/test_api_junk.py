"""Given junk thrown at every write of the voices and meetings API (wrong types, unknown fields,
empty and 20,000-character texts, control characters, impossible dates, unknown ids, broken
JSON), then the answer is a 400/422 with a Chinese "detail" (404 for an unknown object the call
acts on), never a 500, and nothing is written. HTML comes back as plain JSON strings, and a
voice's text only ever in its redacted form."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laoyuan.core import pii
from laoyuan.voices.models import Topic, Voice
from tests.voices.test_api_scope import CALLS, objects_of
from tests.voices.test_api_support import API, errors, get, send, snapshot

WRITES = sorted(key for key in CALLS if key[0] != "GET")
# Who makes each call in scope (residents submit on the portal; staff do the rest).
CALLER = {("POST", "/portal/voices"): "liu"}

RAW_JUNK = [
    b"{bad json",
    b"\xff\xfe\x00garbage",
    b"[1, 2, 3]",
    b'"just a string"',
    b"42",
    b"null",
    b'{"a": ' * 50 + b"1" + b"}" * 50,
    b"[" * 5000 + b"]" * 5000,
]

BAD_IDS = [0, -1, "one", 1.5, None, [], {}, 10**30]
BAD_ID_LISTS = [[], None, "1", [0], ["a"], [None], [10**30], [{"id": 1}], list(range(1, 600))]
BAD_TEXT = [None, 5, True, [], {}, "", "   ", "x" * 20_000, "路灯\x00坏了", "a" * 60_000]
BAD_DATES = ["2024-02-30", "yesterday", "20240101x", 10**20, "0000-00-00", [], None]
LONG = "长" * 5001

FIELD_JUNK: dict[tuple[str, str], dict[str, list]] = {
    ("POST", "/voices"): {
        "compound_id": BAD_IDS,
        "channel": ["nope", 1, None, "ONLINE"],
        "said_on": [*BAD_DATES, "9999-12-31"],
        "occasion": ["o" * 101, 5, "a\x00b", "a\nb"],
        "entries": [
            [],
            None,
            "x",
            [{}],
            *[[{"text": t}] for t in BAD_TEXT],
            [{"text": "路灯", "anonymous": "maybe"}],
            [{"text": "路灯", "building_id": -1}],
            [{"text": "路灯", "speaker_name": "名" * 61}],
            [{"text": "路灯", "spot": "\x07"}],
            [{"text": "路灯", "extra": 1}],
            [{"text": "路灯"}] * 201,
        ],
        "unknown": [1],
    },
    ("POST", "/portal/voices"): {
        "compound_id": BAD_IDS,
        "text": BAD_TEXT,
        "building_id": [0, "b", 1.5, []],
        "spot": ["s" * 101, 3],
        "anonymous": ["maybe", 2, []],
        "topic_id": [0, "t", {}],
        "unknown": [1],
    },
    ("POST", "/voices/{voice_id}/category"): {
        "category": ["", "  ", 5, None, "类" * 41, "<b>道路</b>"],
        "subcategory": [5, "子" * 61, "不存在"],
        "unknown": [1],
    },
    ("POST", "/topics"): {"voice_ids": BAD_ID_LISTS, "title": ["t" * 121, 3, "a\x00"]},
    ("PATCH", "/topics/{topic_id}"): {
        "title": ["", "   ", 5, "t" * 121, None],
        "category": [5, "火星"],
        "subcategory": [[], "火星"],
        "unknown": [1],
    },
    ("POST", "/topics/{topic_id}/merge"): {"into_topic_id": BAD_IDS, "note": ["n" * 501, 5]},
    ("POST", "/topics/{topic_id}/split"): {"voice_ids": BAD_ID_LISTS, "title": ["t" * 121]},
    ("POST", "/topics/{topic_id}/move"): {"voice_ids": BAD_ID_LISTS},
    ("POST", "/topics/{topic_id}/transition"): {
        "to_state": ["merged", "closed", None, 1, ""],
        "decision": [LONG, 5],
        "answer": [LONG, []],
        "reason": [LONG],
        "responsible_party": ["p" * 121, {}],
        "deadline": BAD_DATES[:-1],
        "note": ["n" * 501],
        "unknown": [1],
    },
    ("POST", "/compounds/{compound_id}/grouping-proposals/accept"): {
        "proposals": [
            [],
            None,
            "x",
            [{}],
            [{"voice_ids": []}],
            [{"voice_ids": [1], "topic_id": 0}],
            [{"voice_ids": [1], "title": "t" * 121}],
            [{"voice_ids": [1], "other": 2}],
        ],
    },
    ("POST", "/meetings"): {
        "compound_id": BAD_IDS,
        "kind": ["party", None, 3],
        "title": ["", "t" * 121, None],
        "held_on": [*BAD_DATES, "2999-01-01"],
        "place": ["", "p" * 121],
        "minutes": ["m" * 20_001, "a\x00", 5],
        "attendees": [
            [],
            "x",
            [{"name": ""}],
            [{"name": "李社工", "kind": "boss"}],
            [{"name": "名" * 61}],
            [{"name": "李", "organisation": "o" * 121}],
            [{"name": "李", "extra": 1}],
        ],
        "topic_ids": [[0], "x", list(range(1, 300)), [None]],
        "unknown": [1],
    },
    ("POST", "/meetings/{meeting_id}/decisions"): {
        "topic_id": BAD_IDS,
        "responsible_party": ["", "p" * 121, None],
        "solution": ["", "   ", LONG, "s\x00", None],
        "deadline": [*BAD_DATES, "2000-01-01"],
        "unknown": [1],
    },
}


def test_every_write_has_its_junk():
    assert set(FIELD_JUNK) == set(WRITES)


def _cases():
    for key in WRITES:
        label = f"{key[0]} {key[1]}"
        for raw in RAW_JUNK:
            yield pytest.param(key, None, raw, id=f"{label}-raw-{raw[:10]!r}")
        for field, values in FIELD_JUNK[key].items():
            for i, value in enumerate(values):
                yield pytest.param(key, field, value, id=f"{label}-{field}-{i}")


def _caller(world, login, key):
    return login(world.users[CALLER.get(key, "li")])


@pytest.mark.parametrize(("key", "field", "value"), list(_cases()))
def test_junk_is_refused_without_a_500_and_without_writing(world, login, key, field, value):
    method, _path = key
    url, valid = CALLS[key](objects_of(world, world.wufuyuan))
    client = _caller(world, login, key)
    if field is None:
        raw = value
    else:
        raw = json.dumps({**valid, field: value}).encode()
    before = snapshot()
    response = client.generic(method, f"{API}{url}", raw, content_type="application/json")
    assert response.status_code in {400, 404, 422}, (response.status_code, response.content[:300])
    detail = response.json()["detail"]
    if response.status_code == 422:
        assert all(e["msg"] and isinstance(e["field"], str) for e in detail)
    elif response.status_code == 404:
        assert detail == "未找到"  # an id that names nothing the caller may see
    else:
        assert detail == "请求体不是有效的 JSON"
    assert snapshot() == before


@pytest.mark.parametrize("key", WRITES, ids=" ".join)
def test_other_content_types_and_empty_bodies_never_cause_a_500(world, login, key):
    method, _path = key
    url, valid = CALLS[key](objects_of(world, world.wufuyuan))
    client = _caller(world, login, key)
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.generic(
            method, f"{API}{url}", json.dumps(valid).encode(), content_type=content_type
        )
        assert response.status_code < 500, content_type
    before = snapshot()
    response = client.generic(method, f"{API}{url}", b"", content_type="application/json")
    assert response.status_code < 500
    if key != ("PATCH", "/topics/{topic_id}"):  # an empty patch changes nothing, rightly
        assert response.status_code == 422
        assert snapshot() == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@pytest.mark.parametrize("key", WRITES, ids=" ".join)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_bodies_never_cause_a_500(world, login, key, data):
    method, _path = key
    if not hasattr(world, "_junk_objects"):
        world.__dict__["_junk_objects"] = objects_of(world, world.wufuyuan)
    url, valid = CALLS[key](world.__dict__["_junk_objects"])
    fields = sorted(FIELD_JUNK[key])
    body = data.draw(
        st.one_of(
            JSON,
            st.dictionaries(st.sampled_from([*fields, "extra"]), JSON, max_size=len(fields)),
            st.builds(
                lambda extra: {**valid, **extra}, st.dictionaries(st.sampled_from(fields), JSON)
            ),
        )
    )
    response = _caller(world, login, key).generic(
        method, f"{API}{url}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in {200, 201, 400, 404, 422}, (body, response.content[:300])


@pytest.mark.parametrize(
    "url",
    [
        "/voices/abc",
        "/voices/0",
        "/voices/-1",
        "/voices/99999999999999999999999999",
        "/voices?q=%00",
        "/voices?q=" + "漏" * 100,
        "/voices?since=2024-02-30",
        "/voices?since=2025-02-01&until=2025-01-01",
        "/voices?channel=nope",
        "/voices?grouped=perhaps",
        "/voices?limit=0",
        "/voices?limit=201",
        "/voices?offset=99999999999999999999",
        "/topics/1.5",
        "/topics?state=%00",
        "/topics?state=closed",
        "/topics?compound=abc",
        "/topics/similar",
        "/topics/similar?compound_id=abc&text=路灯",
        "/topics/similar?compound_id=1&text=",
        "/topics/similar?compound_id=1&text=%20%20",
        "/topics/similar?compound_id=1&text=" + "灯" * 5001,
        "/funnel?place=street:abc",
        "/funnel?place=street:0",
        "/funnel?place=galaxy:1",
        "/funnel?place=compound:99999999999999999999999",
        "/funnel?since=yesterday",
        "/meetings?kind=party",
        "/meetings/abc",
        "/compounds/abc/grouping-proposals",
        "/compounds/0/grouping-proposals",
    ],
)
def test_junk_in_paths_and_query_strings_is_refused_without_a_500(world, login, url):
    response = login(world.li).get(f"{API}{url}")
    assert response.status_code in {404, 422}, (url, response.content[:300])
    assert response.json()["detail"]


def test_the_voice_and_topic_detail_refuse_bad_page_numbers(world, login):
    objects = objects_of(world, world.wufuyuan)
    client = login(world.li)
    topic = objects["topic_a"].pk
    for query in ({"voices_offset": -1}, {"events_limit": 0}, {"voices_limit": "many"}):
        status, answer = get(client, f"/topics/{topic}", query)
        assert status == 422, query
        assert answer["detail"][0]["field"] in query


@pytest.mark.parametrize(
    ("key", "field"),
    [
        (("GET", "/voices/{voice_id}"), None),
        (("POST", "/topics"), "voice_ids"),
        (("POST", "/voices"), "compound_id"),
        (("POST", "/meetings"), "compound_id"),
        (("GET", "/topics/{topic_id}"), None),
        (("GET", "/meetings/{meeting_id}"), None),
    ],
)
def test_unknown_ids_of_the_object_acted_on_answer_404(world, login, key, field):
    objects = objects_of(world, world.wufuyuan)
    url, body = CALLS[key](objects)
    unknown = 10**12
    if field is None:
        url = url.rsplit("/", 1)[0] + f"/{unknown}"
    else:
        body = {**body, field: [unknown] if field.endswith("_ids") else unknown}
    before = snapshot()
    if key[0] == "GET":
        status, answer = get(login(world.li), url)
    else:
        status, answer = send(login(world.li), key[0], url, body)
    assert (status, answer) == (404, {"detail": "未找到"})
    assert snapshot() == before


# --- HTML and personal numbers come back as harmless text -------------------------------------

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>路灯坏了 打13812345678"


def test_html_in_a_voice_is_stored_as_given_and_answered_redacted(world, login):
    client = login(world.li)
    response = client.post(
        f"{API}/voices",
        {
            "compound_id": world.wufuyuan.pk,
            "channel": "visit",
            "said_on": "2025-01-06",
            "entries": [{"text": HOSTILE, "speaker_name": "<b>王</b>", "spot": "<i>北门</i>"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (voice,) = response.json()
    assert voice["text"] == "路灯坏了 打[电话]"
    assert "<" not in voice["who"] and "<" not in voice["spot"]
    stored = Voice.objects.get(pk=voice["id"])
    assert pii.decrypt(stored.text_sealed) == HOSTILE  # kept as said, sealed, never shown
    status, topic = send(client, "POST", "/topics", {"voice_ids": [voice["id"]]})
    assert status == 201 and topic["title"] == "路灯坏了 打[电话]"
    for url in (f"/voices/{voice['id']}", f"/topics/{topic['id']}", "/voices", "/topics"):
        body = client.get(f"{API}{url}").content.decode()
        assert "<script" not in body and "13812345678" not in body, url


def test_html_in_staff_texts_is_answered_as_a_json_string(world, login):
    """Titles and minutes written by staff are not markup: the answer carries them as JSON
    strings (application/json), which no browser renders as HTML."""
    objects = objects_of(world, world.wufuyuan)
    client = login(world.li)
    _url, body = CALLS[("POST", "/meetings")](objects)
    title = "<script>alert(1)</script>会"
    response = client.post(
        f"{API}/meetings", {**body, "title": title}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["title"] == title
    status, answer = send(
        client, "PATCH", f"/topics/{objects['topic_a'].pk}", {"title": "<b>路灯</b>问题"}
    )
    assert status == 200 and answer["title"] == "路灯 问题"
    assert Topic.objects.get(pk=objects["topic_a"].pk).title == "路灯 问题"


def test_an_empty_or_huge_text_gets_a_clear_message(world, login):
    client = login(world.liu)
    body = {"compound_id": world.wufuyuan.pk}
    status, answer = send(client, "POST", "/portal/voices", body | {"text": "  "})
    assert status == 422 and errors(answer) == {"text": "内容是空的：请写下您想反映的事情。"}
    status, answer = send(client, "POST", "/portal/voices", body | {"text": "长" * 20_000})
    assert status == 422
    assert errors(answer)["text"].startswith("内容太长：共20000个字，一条意见最多5000个字")
    status, answer = send(client, "POST", "/portal/voices", body | {"text": "!!! ???"})
    assert status == 422 and "没有文字" in errors(answer)["text"]
    assert not Voice.objects.exists()
