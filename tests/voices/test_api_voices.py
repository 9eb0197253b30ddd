"""Given the cast, when they record, read and categorise voices through the API, then the voices
actions do the work (classified, audited, all-or-nothing), lists filter and page like the
registry's, and residents submit and follow their own voices."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from laoyuan.core.actions import api_token_create
from laoyuan.core.models import AuditEvent
from laoyuan.voices import actions
from laoyuan.voices.models import CategoryCorrection, CategorySource, Channel, TopicState, Voice
from tests.voices.test_api_support import TODAY, errors, get, record, send, topic_of


def _batch(world, entries, **over):
    return {
        "compound_id": world.wufuyuan.pk,
        "channel": "courtyard",
        "said_on": TODAY.isoformat(),
        "occasion": "二号楼坝坝会",
        "entries": entries,
    } | over


# --- recording --------------------------------------------------------------------------------


def test_li_records_a_courtyard_meeting_in_one_call(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        "/voices",
        _batch(
            world,
            [
                {"text": "2栋楼顶漏雨，下雨天家里天花板滴水", "speaker_name": "王大爷"},
                {"text": "晚上小区路灯太暗", "anonymous": True, "building_id": world.b2.pk},
                {"text": "车位不够", "speaker_name": "赵大海", "spot": "北门"},
            ],
        ),
    )
    assert status == 201, answer
    assert [v["who"] for v in answer] == ["王大爷", "匿名", "赵大海"]
    assert {v["channel"] for v in answer} == {"courtyard"}
    assert answer[0]["channel_label"] == "坝坝会"
    assert answer[0]["category"] == "房屋本体"
    assert answer[0]["category_source"] == "model"
    assert answer[1]["building"] == {"id": world.b2.pk, "label": "2栋"}
    assert answer[2]["spot"] == "北门" and answer[2]["occasion"] == "二号楼坝坝会"
    assert all(v["recorded_by"] == "李社工" and v["topic"] is None for v in answer)
    assert Voice.objects.filter(compound=world.wufuyuan).count() == 3
    assert AuditEvent.objects.filter(action="voice.record_batch", actor=world.li).count() == 1


def test_one_bad_row_saves_nothing_and_each_bad_row_is_named(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        "/voices",
        _batch(
            world,
            [
                {"text": "路灯坏了"},
                {"text": "   "},
                {"text": "漏" * 20_000},
                {"text": "单元门坏了", "building_id": world.guihuaxincun.buildings.get().pk},
            ],
        ),
    )
    assert status == 422
    # The building check comes first: a building of another compound is named on its row.
    assert set(answer["rows"]) == {"4"}
    assert "未找到该楼栋" in answer["rows"]["4"][0]
    assert answer["detail"][0]["msg"].startswith("第4行：")

    status, answer = send(
        login(world.li),
        "POST",
        "/voices",
        _batch(world, [{"text": "路灯坏了"}, {"text": "   "}, {"text": "漏" * 20_000}]),
    )
    assert status == 422
    assert set(answer["rows"]) == {"2", "3"}
    assert "内容是空的" in answer["rows"]["2"][0]
    assert "内容太长" in answer["rows"]["3"][0] and "5000" in answer["rows"]["3"][0]
    assert [e["loc"] for e in answer["detail"]] == [["body", "entries", 1], ["body", "entries", 2]]
    assert Voice.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_a_future_date_is_refused_on_its_field(world, login):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    status, answer = send(
        login(world.li), "POST", "/voices", _batch(world, [{"text": "路灯"}], said_on=tomorrow)
    )
    assert status == 422
    assert answer["rows"] == {"1": ["反映日期不能晚于今天。"]}


def test_roles_without_voices_record_get_403(world, login):
    """The owners' committee sees 五福苑's voices but does not record them."""
    status, answer = send(login(world.zhao), "POST", "/voices", _batch(world, [{"text": "路灯"}]))
    assert status == 403
    assert answer == {"detail": "您的角色无权执行此操作"}
    assert not Voice.objects.exists()


# --- reading ----------------------------------------------------------------------------------


def test_the_list_filters_like_the_list_page(world, login):
    record(world, ["楼顶漏雨"], channel=Channel.PHONE)
    grouped = topic_of(world, ["路灯不亮", "路灯坏了"])
    record(world, ["停车难"], compound=world.majiagou)
    client = login(world.li)

    status, answer = get(client, "/voices")
    assert status == 200 and answer["count"] == 4
    assert get(client, "/voices", {"compound": world.majiagou.pk})[1]["count"] == 1
    assert get(client, "/voices", {"channel": "phone"})[1]["count"] == 1
    assert get(client, "/voices", {"grouped": "true"})[1]["count"] == 2
    assert get(client, "/voices", {"grouped": "false"})[1]["count"] == 2
    assert [v["text"] for v in get(client, "/voices", {"q": "漏雨"})[1]["items"]] == ["楼顶漏雨"]
    assert (
        get(client, "/voices", {"since": (TODAY + dt.timedelta(days=1)).isoformat()})[1]["count"]
        == 0
    )
    page = get(client, "/voices", {"limit": 1, "offset": 1})[1]
    assert page["count"] == 4 and len(page["items"]) == 1
    topic_ids = {v["topic"]["id"] for v in get(client, "/voices", {"grouped": "true"})[1]["items"]}
    assert topic_ids == {grouped.pk}


def test_a_voice_in_detail(world, login):
    (voice,) = record(world, ["楼道灯坏了，联系我 13812345678"], building=world.b1, spot="三楼")
    status, answer = get(login(world.zhang), f"/voices/{voice.pk}")
    assert status == 200
    assert answer["text"] == "楼道灯坏了，联系我 [电话]"
    assert answer["building"]["label"] == "1栋" and answer["spot"] == "三楼"
    assert answer["who"] == "王大爷" and answer["compound"]["name"] == "五福苑"
    assert answer["category_confidence"] is not None
    assert "." in answer["category_confidence"]  # an exact decimal as a string


def test_staff_confirm_and_correct_the_category(world, login):
    (voice,) = record(world, ["小区路灯坏了晚上太黑"])
    client = login(world.zhang)  # the grid worker sorts: she may confirm and correct
    status, answer = send(
        client, "POST", f"/voices/{voice.pk}/category", {"category": voice.category}
    )
    assert status == 200 and answer["category_source"] == CategorySource.CONFIRMED
    assert answer["category_source_label"] == "人工确认"
    status, answer = send(
        client,
        "POST",
        f"/voices/{voice.pk}/category",
        {"category": "安防消防", "subcategory": ""},
    )
    assert status == 200
    assert (answer["category"], answer["category_source"]) == ("安防消防", "corrected")
    assert CategoryCorrection.objects.filter(voice=voice, by=world.zhang).count() == 2


def test_an_unknown_category_is_refused_in_chinese(world, login):
    (voice,) = record(world, ["路灯坏了"])
    status, answer = send(
        login(world.li), "POST", f"/voices/{voice.pk}/category", {"category": "外星人"}
    )
    assert status == 422
    assert errors(answer) == {"category": "分类“外星人”不在本街道的分类目录中。"}
    status, answer = send(
        login(world.li),
        "POST",
        f"/voices/{voice.pk}/category",
        {"category": "道路", "subcategory": "电梯"},
    )
    assert status == 422 and "不属于“道路”" in errors(answer)["subcategory"]
    assert not CategoryCorrection.objects.exists()


def test_a_role_that_sees_but_does_not_sort_gets_403(world, login):
    (voice,) = record(world, ["路灯坏了"])
    status, _ = send(login(world.sun), "POST", f"/voices/{voice.pk}/category", {"category": "道路"})
    assert status == 403
    assert not CategoryCorrection.objects.exists()


# --- the resident's side ----------------------------------------------------------------------


def test_liu_submits_a_voice_and_follows_it(world, login):
    client = login(world.liu)
    status, answer = send(
        client,
        "POST",
        "/portal/voices",
        {
            "compound_id": world.wufuyuan.pk,
            "text": "我家楼下的路灯坏了好几天，晚上下楼看不清",
            "building_id": world.b1.pk,
            "spot": "1栋门口",
        },
    )
    assert status == 201, answer
    assert answer["compound"] == {"id": world.wufuyuan.pk, "name": "五福苑"}
    assert answer["topic"] is None and answer["anonymous"] is False
    voice = Voice.objects.get(pk=answer["id"])
    assert (voice.channel, voice.author, voice.resident) == (
        Channel.ONLINE,
        world.liu,
        world.liu_guilan,
    )
    # Staff group and answer it; she sees the state and the answer.
    topic = actions.topic_create(actor=world.li, voices=[voice])
    actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.ANSWERED,
        outcome=actions.Outcome(answer="物业已于周三更换灯具"),
    )
    status, mine = get(client, "/portal/voices")
    assert status == 200 and mine["count"] == 1
    assert mine["items"][0]["topic"]["state"] == "answered"
    assert mine["items"][0]["topic"]["state_label"] == "已答复办结"
    assert mine["items"][0]["topic"]["answer"] == "物业已于周三更换灯具"


def test_liu_adds_her_voice_to_an_open_topic(world, login):
    topic = topic_of(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    status, answer = send(
        login(world.liu),
        "POST",
        "/portal/voices",
        {"compound_id": world.wufuyuan.pk, "text": "3号楼漏雨我家也是", "topic_id": topic.pk},
    )
    assert status == 201
    assert answer["topic"]["id"] == topic.pk
    assert Voice.objects.filter(topic=topic).count() == 3


def test_a_closed_topic_or_one_of_another_compound_cannot_be_joined(world, login):
    closed = topic_of(world, ["路灯坏了"])
    actions.topic_transition(
        actor=world.li,
        topic=closed,
        to_state=TopicState.REJECTED,
        outcome=actions.Outcome(reason="已在改造计划中"),
    )
    elsewhere = topic_of(world, ["停车难"], compound=world.majiagou)
    client = login(world.liu)
    body = {"compound_id": world.wufuyuan.pk, "text": "路灯又坏了"}
    status, answer = send(client, "POST", "/portal/voices", body | {"topic_id": closed.pk})
    assert status == 422 and "不能再加入意见" in errors(answer)["topic_id"]
    status, answer = send(client, "POST", "/portal/voices", body | {"topic_id": elsewhere.pk})
    assert status == 422 and errors(answer) == {"topic_id": "未找到该议题，或它不在这个小区"}
    status, answer = send(client, "POST", "/portal/voices", body | {"building_id": 10**9})
    assert status == 422 and "building_id" in errors(answer)
    assert not Voice.objects.filter(author=world.liu).exists()


def test_a_resident_speaks_only_for_her_own_compound(world, login):
    status, answer = send(
        login(world.liu),
        "POST",
        "/portal/voices",
        {"compound_id": world.majiagou.pk, "text": "路灯坏了"},
    )
    assert (status, answer) == (404, {"detail": "未找到"})
    # Staff are not residents: the portal is not theirs.
    status, _ = send(
        login(world.li), "POST", "/portal/voices", {"compound_id": world.wufuyuan.pk, "text": "x"}
    )
    assert status == 404
    assert not Voice.objects.exists()


def test_residents_see_no_staff_lists(world, login):
    record(world, ["路灯坏了"])
    client = login(world.liu)
    assert get(client, "/voices")[1] == {"items": [], "count": 0}
    assert get(client, "/topics")[1] == {"items": [], "count": 0}


# --- similar topics ---------------------------------------------------------------------------


def test_similar_topics_while_typing(world, login):
    leak = topic_of(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"])
    topic_of(world, ["停车位太少晚上没地方停车"])
    for who in ("liu", "li", "zhang"):
        status, answer = get(
            login(world.users[who]),
            "/topics/similar",
            {"compound_id": world.wufuyuan.pk, "text": "3号楼漏雨"},
        )
        assert status == 200, who
        assert answer[0]["topic"]["id"] == leak.pk, who
        assert answer[0]["voice_count"] == 2
        assert 0 < float(answer[0]["score"]) <= 1


def test_similar_topics_of_a_compound_not_ones_own_is_404(world, login):
    topic_of(world, ["停车难"], compound=world.majiagou)
    query = {"compound_id": world.majiagou.pk, "text": "停车难"}
    assert get(login(world.liu), "/topics/similar", query) == (404, {"detail": "未找到"})
    assert get(login(world.qian), "/topics/similar", query)[0] == 404
    assert get(login(world.zhang), "/topics/similar", query)[0] == 404
    assert get(login(world.nobody), "/topics/similar", query)[0] == 404
    assert get(login(world.li), "/topics/similar", query)[0] == 200


# --- the funnel -------------------------------------------------------------------------------


def test_the_funnel_for_a_compound_community_and_street(world, login):
    decided = topic_of(world, ["单元门坏了", "单元门关不上"])
    actions.topic_transition(
        actor=world.li,
        topic=decided,
        to_state=TopicState.DECIDED,
        outcome=actions.Outcome(decision="更换闭门器"),
    )
    topic_of(world, ["路灯坏了"])
    record(world, ["停车难"], channel=Channel.PHONE)
    record(world, ["垃圾桶不够"], compound=world.majiagou)
    client = login(world.wang)

    status, answer = get(client, "/funnel", {"place": f"compound:{world.wufuyuan.pk}"})
    assert status == 200
    assert answer["place"] == {"kind": "compound", "id": world.wufuyuan.pk, "name": "五福苑"}
    total = answer["total"]
    assert (total["voices"], total["topics"], total["decided"]) == (4, 2, 1)
    assert answer["ungrouped"] == 1
    channels = {r["key"]: r["voices"] for r in answer["by_channel"]}
    assert channels == {"evening_talk": 3, "phone": 1}
    assert {r["label"] for r in answer["by_channel"]} == {"夜话", "电话"}
    assert sum(r["voices"] for r in answer["by_category"]) == 4

    community = get(client, "/funnel", {"place": f"community:{world.shahe_community.pk}"})[1]
    assert community["total"]["voices"] == 5
    street = get(client, "/funnel", {"place": f"street:{world.shahe.pk}"})[1]
    assert street["total"]["voices"] == 5 and street["place"]["name"] == "沙河街道"
    assert get(client, "/funnel")[1]["place"] is None
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert get(client, "/funnel", {"since": tomorrow})[1]["total"]["voices"] == 0


def test_the_funnel_of_someone_elses_place_is_404(world, login):
    client = login(world.qian)
    for place in (f"street:{world.shahe.pk}", f"compound:{world.wufuyuan.pk}"):
        assert get(client, "/funnel", {"place": place}) == (404, {"detail": "未找到"})
    status, answer = get(client, "/funnel", {"place": "district:1"})
    assert status == 422 and errors(answer) == {"place": "格式不正确"}
    status, answer = get(client, "/funnel", {"since": "2025-02-01", "until": "2025-01-01"})
    assert status == 422 and "开始日期不能晚于结束日期" in answer["detail"][0]["msg"]


# --- both ways in -----------------------------------------------------------------------------


def test_an_api_token_records_voices_without_csrf(world):
    _, secret = api_token_create(actor=world.li, user=world.li, name="录入脚本")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    status, answer = send(client, "POST", "/voices", _batch(world, [{"text": "路灯坏了"}]))
    assert status == 201 and answer[0]["recorded_by"] == "李社工"


def test_the_browser_session_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="liu", password="laoyuan-test-pw")
    body = {"compound_id": world.wufuyuan.pk, "text": "楼道里堆满杂物"}
    status, answer = send(client, "POST", "/portal/voices", body)
    assert status == 403 and "CSRF" in answer["detail"]
    assert not Voice.objects.exists()
    client.get(reverse("core:tokens"))  # a page with a form sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/portal/voices",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201
    assert Voice.objects.get().author == world.liu


def test_anonymous_callers_get_401(world):
    status, answer = send(Client(), "POST", "/voices", _batch(world, [{"text": "路灯"}]))
    assert status == 401 and "未登录" in answer["detail"]
