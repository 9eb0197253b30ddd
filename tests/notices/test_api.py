"""Given the notice API, when staff write, publish, withdraw and answer through it and a
resident objects through it, then it does what the pages do, with the same rules: bad input is
a 422 naming the field in Chinese, nothing is stored, and masked values only come back."""

import datetime as dt

import pytest

from laoyuan.core.models import AuditEvent
from laoyuan.notices.models import Notice, Objection
from tests.notices.api_support import API, errors, get, send, snapshot
from tests.notices.helpers import image_file, pdf_file, published, today
from tests.scope_fills.topics import topic_in


def body(world, **overrides) -> dict:
    return {
        "compound_id": world.wufuyuan.pk,
        "kind": "plan",
        "title": "五福苑充电棚建设方案公示",
        "body": "在东门停车场旁建设电动自行车充电棚，共60个充电位。",
        "starts_on": today().isoformat(),
        "period_days": 7,
        "working_days": False,
    } | overrides


def test_a_notice_is_drafted_attached_published_and_answered_through_the_api(world, login):
    client = login(world.li)
    # draft
    status, draft = send(client, "POST", "/notices", body(world, building_ids=[world.b1.pk]))
    assert status == 201, draft
    assert (draft["state"], draft["phase"], draft["target_label"]) == (
        "draft",
        "draft",
        "五福苑 1栋",
    )
    assert draft["ends_on"] == (today() + dt.timedelta(days=6)).isoformat()
    assert draft["public_url"].endswith(f"/public/notices/{draft['id']}/")
    assert draft["pdf_url"] == f"{API}/notices/{draft['id']}/pdf"
    # attach
    response = client.post(
        f"{API}/notices/{draft['id']}/attachments", {"files": [pdf_file(), image_file()]}
    )
    assert response.status_code == 201
    assert [a["kind"] for a in response.json()] == ["pdf", "image"]
    download = client.get(response.json()[0]["url"])
    assert download["Content-Type"] == "application/pdf"
    # publish
    status, notice = send(client, "POST", f"/notices/{draft['id']}/publish", {})
    assert (status, notice["state"], notice["phase"]) == (200, "published", "open")
    assert [e["kind"] for e in notice["events"]] == ["created", "attached", "published"]
    # a paper objection comes in, masked on the way out
    status, objection = send(
        client,
        "POST",
        f"/notices/{notice['id']}/objections",
        {"objector_name": "王大爷", "phone": "13911112222", "text": "离1栋太近"},
    )
    assert status == 201 and objection["phone_masked"] == "139****2222"
    assert "13911112222" not in str(objection)
    # answered
    status, answered = send(
        client,
        "POST",
        f"/objections/{objection['id']}/answers",
        {"outcome": "adopted", "text": "采纳，改到东门停车场旁。"},
    )
    assert (status, answered["state"], answered["answers"][0]["outcome"]) == (
        201,
        "resolved",
        "adopted",
    )
    status, listed = get(client, f"/notices/{notice['id']}/objections")
    assert listed["count"] == 1 and listed["items"][0]["objector_name"] == "王大爷"
    # the phone revealed, once, logged
    status, revealed = send(client, "POST", f"/objections/{objection['id']}/reveal", {})
    assert revealed == {"phone": "13911112222"}
    assert AuditEvent.objects.filter(action="pii.reveal.phone").count() == 1
    # the PDF
    pdf = client.get(notice["pdf_url"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_a_resident_objects_through_the_api(world, login):
    notice = published(world)
    client = login(world.liu)
    status, listed = get(client, "/portal/notices")
    assert [n["id"] for n in listed["items"]] == [notice.pk]
    status, detail = get(client, f"/portal/notices/{notice.pk}")
    assert (detail["may_object"], detail["refusal"], detail["mine"]) == (True, "", [])
    status, mine = send(
        client, "POST", f"/portal/notices/{notice.pk}/objections", {"text": "太近了"}
    )
    assert status == 201 and mine["notice"] == {"id": notice.pk, "name": notice.title}
    status, listed = get(client, "/portal/objections")
    assert listed["count"] == 1 and "objector_name" not in listed["items"][0]


def test_a_resident_outside_the_target_is_told_why(world, login):
    notice = published(world, buildings=[world.b2])
    client = login(world.liu)
    status, detail = get(client, f"/portal/notices/{notice.pk}")
    assert detail["may_object"] is False and "不在公示范围内" in detail["refusal"]
    before = snapshot()
    status, answer = send(
        client, "POST", f"/portal/notices/{notice.pk}/objections", {"text": "我反对"}
    )
    assert status == 422 and "不在公示范围内" in errors(answer)["text"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"body": "长" * 20_001}, "body", "正文太长"),
        ({"period_days": 0}, "period_days", "至少为1"),
        ({"period_days": 400}, "period_days", "公示期太长"),
        ({"period_days": None, "ends_on": "2020-01-01"}, "ends_on", "早于开始日期"),
        ({"period_days": None}, "period_days", "请填写公示天数"),
        ({"starts_on": "2020-01-01"}, "starts_on", "已经过去"),
        ({"kind": "rumour"}, "kind", "取值无效"),
        ({"community_id": 1}, "", "二者只填一个"),
        ({"building_ids": [10**9]}, "building_ids", "未找到这些楼栋"),
        ({"subject": {"type": "registry.resident", "id": 1}}, "subject", "不认识的公示对象类型"),
        ({"subject": {"type": "voices.topic", "id": 10**9}}, "subject", "未找到所选的公示对象"),
        ({"title": "标题\x00"}, "title", "控制字符"),
        ({"starts_on": "2026-02-30"}, "starts_on", "日期不正确"),
        ({"surprise": 1}, "surprise", "不认识的字段"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, login, overrides, field, words):
    before = snapshot()
    status, answer = send(login(world.li), "POST", "/notices", body(world, **overrides))
    assert status == 422, answer
    problems = errors(answer)
    assert words in problems.get(field, " ".join(problems.values())), problems
    assert snapshot() == before


def test_a_disguised_file_is_a_422(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.li)
    _status, draft = send(client, "POST", "/notices", body(world))
    fake = SimpleUploadedFile("方案.pdf", b"\x89PNG not really")
    response = client.post(f"{API}/notices/{draft['id']}/attachments", {"files": [fake]})
    assert response.status_code == 422
    assert "不是可接受的文件" in errors(response.json())["files"]


def test_a_draft_is_patched_and_a_published_one_is_not(world, login):
    client = login(world.li)
    _status, draft = send(client, "POST", "/notices", body(world))
    status, patched = send(
        client, "PATCH", f"/notices/{draft['id']}", {"title": "改过的标题", "period_days": 3}
    )
    assert (status, patched["title"], patched["period_days"]) == (200, "改过的标题", 3)
    status, patched = send(
        client, "PATCH", f"/notices/{draft['id']}", {"building_ids": [world.b2.pk]}
    )
    assert patched["target_label"] == "五福苑 2栋"
    send(client, "POST", f"/notices/{draft['id']}/publish", {})
    status, answer = send(client, "PATCH", f"/notices/{draft['id']}", {"title": "再改"})
    assert status == 422 and "撤回后重新发布" in answer["detail"][0]["msg"]


def test_withdrawing_needs_a_reason(world, login):
    notice = published(world)
    status, answer = send(
        login(world.li), "POST", f"/notices/{notice.pk}/withdraw", {"reason": " "}
    )
    assert status == 422 and errors(answer)["reason"] == "请写明撤回的理由。"
    status, withdrawn = send(
        login(world.li), "POST", f"/notices/{notice.pk}/withdraw", {"reason": "方案调整"}
    )
    assert (withdrawn["state"], withdrawn["withdraw_reason"]) == ("withdrawn", "方案调整")


def test_the_subject_is_linked_for_those_who_may_open_it(world, login):
    # a topic of 马家沟小区 (li sees both compounds) published with a notice of 五福苑
    topic = topic_in(world, world.majiagou)
    client = login(world.li)
    status, draft = send(
        client, "POST", "/notices", body(world, subject={"type": "voices.topic", "id": topic.pk})
    )
    assert status == 201
    assert draft["subject"] == {
        "type": "voices.topic",
        "id": topic.pk,
        "kind_label": "议题",
        "label": topic.title,
        "url": f"/topics/{topic.pk}/",
    }
    # 五福苑's party secretary sees the notice but not 马家沟's topic: named, not linked
    _status, seen = get(login(world.chen), f"/notices/{draft['id']}")
    assert seen["subject"]["url"] == "" and seen["subject"]["label"] == topic.title


def test_the_period_is_counted_for_the_form(world, login):
    status, period = get(
        login(world.li), "/notices/period?starts_on=2026-09-28&days=10&working=true"
    )
    assert status == 200
    assert (period["ends_on"], period["provisional_years"]) == ("2026-10-15", [])
    assert period["summary"] == "公示期：2026-09-28 至 2026-10-15（10个工作日）"
    status, period = get(login(world.li), "/notices/period?starts_on=2026-12-28&days=10")
    assert period["provisional_years"] == [2027] and "2027年的节假日" in period["warning"]
    status, answer = get(login(world.li), "/notices/period?starts_on=2026-09-28&days=0")
    assert status == 422 and "至少为1" in errors(answer)["period_days"]


def test_the_list_filters(world, login):
    published(world, title="公示中的")
    published(world, title="下个月的", starts_on=today() + dt.timedelta(days=30))
    client = login(world.li)
    status, listed = get(client, "/notices?phase=open")
    assert [n["title"] for n in listed["items"]] == ["公示中的"]
    status, listed = get(client, "/notices?phase=upcoming")
    assert [n["title"] for n in listed["items"]] == ["下个月的"]
    status, _answer = get(client, "/notices?since=2026-10-10&until=2026-10-01")
    assert status == 422
    assert Notice.objects.count() == 2 and not Objection.objects.exists()
