"""Given cases opened over the last months in 沙河街道 and one in 沧浪街道, when a client queries
GET requests, then it gets the jurisdiction's requests, newest first, in the published shape and
the spec's element order: by default those of the last 90 days and at most 1000; filtered by
service_request_id (which overrides every other filter), service_code, status, start_date and
end_date (a span of at most 90 days), and paged by the page/page_size extension. Bad filters
are 400 with the spec's error."""

import datetime as dt

import pytest
from django.utils import timezone

from laoyuan.cases import actions
from tests.open311.helpers import descriptions, get, opened_at
from tests.open311.schemas import ERRORS, REQUEST_ORDER, REQUESTS, validate


def ago(days: int, hours: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def cases(world):
    """Four cases of 五福苑 (1, 10, 45 and 120 days old), one of 马家沟小区 (2 days, lighting),
    one of 桂花新村 in the other district (1 day)."""
    made = {
        "new": opened_at(world, ago(1)),
        "ten": opened_at(world, ago(10)),
        "old": opened_at(world, ago(45)),
        "ancient": opened_at(world, ago(120)),
        "light": opened_at(world, ago(2), compound=world.majiagou, code="env.light"),
        "gusu": opened_at(world, ago(1), who=world.qian, compound=world.guihuaxincun),
    }
    return made


def ids(answer) -> list[str]:
    return [r["service_request_id"] for r in answer]


def test_the_default_window_is_the_last_90_days_newest_first(world, cases):
    status, answer = get("requests", {"jurisdiction_id": world.shahe.code})
    assert status == 200
    validate(answer, REQUESTS)
    assert ids(answer) == [cases[k].request_id for k in ("new", "light", "ten", "old")]


def test_a_district_answers_for_its_streets_and_not_for_others(world, cases):
    assert ids(get("requests", {"jurisdiction_id": "JJ"})[1]) == ids(
        get("requests", {"jurisdiction_id": "SH"})[1]
    )
    assert ids(get("requests", {"jurisdiction_id": "GS"})[1]) == [cases["gusu"].request_id]


def test_the_xml_list_follows_the_specifications_shape_and_order(world, cases):
    status, root = get("requests", {"jurisdiction_id": "SH"}, fmt="xml")
    assert status == 200
    assert root.tag == "service_requests"
    assert {child.tag for child in root} == {"request"}
    first = root[0]
    assert [child.tag for child in first] == REQUEST_ORDER
    assert first.findtext("service_request_id") == cases["new"].request_id
    assert first.findtext("status") == "open"
    assert first.findtext("requested_datetime").endswith("+08:00")
    assert first.findtext("media_url") == "" and first.findtext("zipcode") == ""


def test_service_request_ids_override_every_other_filter(world, cases):
    wanted = f"{cases['ancient'].request_id},{cases['new'].request_id.lower()}, ,"
    status, answer = get(
        "requests",
        {"jurisdiction_id": "SH", "service_request_id": wanted, "status": "closed"},
    )
    assert status == 200
    assert set(ids(answer)) == {cases["ancient"].request_id, cases["new"].request_id}
    # …but never reach outside the jurisdiction.
    other = get(
        "requests", {"jurisdiction_id": "SH", "service_request_id": cases["gusu"].request_id}
    )
    assert other == (200, [])


def test_the_service_code_filter_takes_a_list(world, cases):
    answer = get("requests", {"jurisdiction_id": "SH", "service_code": "env.light"})[1]
    assert ids(answer) == [cases["light"].request_id]
    both = get("requests", {"jurisdiction_id": "SH", "service_code": "env.light,pipe.water"})[1]
    assert len(both) == 4
    repeated = get(
        "requests", {"jurisdiction_id": "SH", "service_code": ["env.light", "pipe.water"]}
    )
    assert ids(repeated[1]) == ids(both)


def test_the_status_filter(world, cases):
    actions.case_cancel(actor=world.li, case=cases["ten"], reason="重复反映")
    closed = get("requests", {"jurisdiction_id": "SH", "status": "closed"})[1]
    assert ids(closed) == [cases["ten"].request_id]
    assert closed[0]["status"] == "closed"
    open_ = get("requests", {"jurisdiction_id": "SH", "status": "open"})[1]
    assert cases["ten"].request_id not in ids(open_) and len(open_) == 3
    assert len(get("requests", {"jurisdiction_id": "SH", "status": "open,closed"})[1]) == 4


def test_start_and_end_dates_choose_the_window(world, cases):
    moment = ago(130).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = get("requests", {"jurisdiction_id": "SH", "start_date": moment})[1]
    # 90 days from the start: 130 → 40 days ago.
    assert ids(answer) == [cases["old"].request_id, cases["ancient"].request_id]
    end = timezone.localtime(ago(5)).isoformat()
    answer = get("requests", {"jurisdiction_id": "SH", "end_date": end})[1]
    assert ids(answer) == [cases["ten"].request_id, cases["old"].request_id]
    day = timezone.localdate(ago(10)).isoformat()
    answer = get("requests", {"jurisdiction_id": "SH", "start_date": day, "end_date": day})[1]
    assert ids(answer) == [cases["ten"].request_id]


def test_a_plus_sign_left_unencoded_in_the_offset_is_understood(world, cases, client):
    start = timezone.localtime(ago(11)).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
    response = client.get(f"/open311/v2/requests.json?jurisdiction_id=SH&start_date={start}")
    assert response.status_code == 200
    assert cases["ten"].request_id in [r["service_request_id"] for r in response.json()]


BAD_FILTERS = [
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"start_date": "2026-12-01T10:00:00"}, "start_date"),  # no time zone
    ({"end_date": "2026-12-01T25:00:00Z"}, "end_date"),
    ({"end_date": "0000-01-01"}, "end_date"),
    ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "90"),
    ({"start_date": "2026-06-01", "end_date": "2026-05-01"}, "end_date"),
    ({"status": "pending"}, "status"),
    ({"service_code": "graffiti"}, "graffiti"),
    ({"page": "0"}, "page"),
    ({"page_size": "1001"}, "page_size"),
    ({"page_size": "ten"}, "page_size"),
    ({"service_request_id": "X" * 40}, "service_request_id"),
    ({"service_request_id": ",".join(f"GD-{i}" for i in range(1001))}, "service_request_id"),
]


@pytest.mark.parametrize(("bad", "words"), BAD_FILTERS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(world, cases, bad, words, fmt):
    status, answer = get("requests", {"jurisdiction_id": "SH", **bad}, fmt=fmt)
    assert status == 400
    assert words in " ".join(descriptions(answer))
    if fmt == "json":
        validate(answer, ERRORS)


def test_a_wrong_or_missing_jurisdiction_gets_the_specs_error(world, cases):
    assert get("requests", {"jurisdiction_id": "sfgov.org"})[0] == 404
    assert get("requests")[0] == 400
    assert get("requests", {"jurisdiction_id": "J" * 300})[0] == 404


def test_pages_of_the_extension(world, cases):
    first = get("requests", {"jurisdiction_id": "SH", "page_size": "3"})[1]
    second = get("requests", {"jurisdiction_id": "SH", "page_size": "3", "page": "2"})[1]
    assert len(first) == 3 and len(second) == 1
    assert ids(first) + ids(second) == ids(get("requests", {"jurisdiction_id": "SH"})[1])
    assert get("requests", {"jurisdiction_id": "SH", "page": "9"}) == (200, [])


def test_without_a_page_size_a_page_holds_the_specs_1000(world):
    from django.http import QueryDict

    from laoyuan.open311.params import request_query

    wanted = request_query(QueryDict("jurisdiction_id=SH"), now=timezone.now())
    assert (wanted.page, wanted.page_size, wanted.offset) == (1, 1000, 0)
    assert wanted.end - wanted.start == dt.timedelta(days=90)
    assert get("requests", {"jurisdiction_id": "SH", "page_size": "1000"})[0] == 200
