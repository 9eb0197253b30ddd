"""Given voices of 五福苑, when staff group them into topics (议题) through the API — create,
merge, split, move, rename, decide — then every voice keeps a topic, every topic lists all its
voices, channels, supporters and its timeline, and nothing is lost."""

import datetime as dt

from laoyuan.core.models import Notification
from laoyuan.voices import actions
from laoyuan.voices.models import Channel, Topic, TopicState, Voice
from tests.voices.test_api_support import TODAY, errors, get, record, send, snapshot, topic_of


def test_li_groups_voices_into_a_new_topic(world, login):
    voices = record(world, ["3号楼楼顶漏雨", "3号楼顶层漏水"])
    status, answer = send(
        login(world.li),
        "POST",
        "/topics",
        {"voice_ids": [v.pk for v in voices], "title": "3号楼屋面漏水"},
    )
    assert status == 201, answer
    assert (answer["title"], answer["state"], answer["state_label"]) == (
        "3号楼屋面漏水",
        "open",
        "待议",
    )
    assert answer["voice_count"] == 2 and answer["channel_count"] == 1
    assert answer["category"] == "房屋本体"
    assert set(Voice.objects.values_list("topic_id", flat=True)) == {answer["id"]}


def test_a_topic_without_a_title_takes_its_first_voice(world, login):
    voices = record(world, ["路灯坏了，晚上太黑 <b>快修</b>"])
    status, answer = send(login(world.li), "POST", "/topics", {"voice_ids": [voices[0].pk]})
    assert status == 201 and answer["title"] == "路灯坏了，晚上太黑 快修"


def test_the_topic_detail_lists_voices_summary_and_timeline(world, login):
    topic = topic_of(world, ["单元门坏了", "单元门关不上"])
    record(world, ["单元门闭门器坏了"], channel=Channel.PHONE, topic=topic)
    liu = actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text="单元门总开着", topic=topic
    )
    status, answer = get(login(world.li), f"/topics/{topic.pk}")
    assert status == 200
    assert answer["voice_count"] == 4 and answer["channel_count"] == 3
    assert answer["voices"]["count"] == 4
    assert [v["id"] for v in answer["voices"]["items"]][-1] == liu.pk
    summary = answer["summary"]
    assert summary["voices"] == 4
    assert {c["channel"]: c["voices"] for c in summary["by_channel"]} == {
        "evening_talk": 2,
        "phone": 1,
        "online": 1,
    }
    assert summary["supporters"] == 2  # 王大爷 (named three times) and 刘桂兰
    kinds = [e["kind"] for e in answer["events"]["items"]]
    assert kinds[0] == "created" and kinds.count("voices_in") >= 2
    assert answer["events"]["items"][0]["actor"] == "李社工"
    assert answer["merged_into"] is None


def test_the_topic_detail_pages_its_voices_and_events(world, login):
    topic = topic_of(world, [f"{i}号楼路灯坏了" for i in range(1, 8)])
    client = login(world.li)
    first = get(client, f"/topics/{topic.pk}", {"voices_limit": 3})[1]
    rest = get(client, f"/topics/{topic.pk}", {"voices_limit": 3, "voices_offset": 3})[1]
    last = get(client, f"/topics/{topic.pk}", {"voices_limit": 3, "voices_offset": 6})[1]
    ids = [v["id"] for page in (first, rest, last) for v in page["voices"]["items"]]
    assert len(ids) == 7 == len(set(ids)) == first["voices"]["count"]
    assert get(client, f"/topics/{topic.pk}", {"events_limit": 1})[1]["events"]["count"] >= 2
    status, answer = get(client, f"/topics/{topic.pk}", {"voices_limit": 201})
    assert status == 422 and errors(answer) == {"voices_limit": "应不大于200"}


def test_the_list_filters_by_place_state_category_and_words(world, login):
    lights = topic_of(world, ["路灯坏了"])
    topic_of(world, ["停车难"], compound=world.majiagou)
    decided = topic_of(world, ["单元门坏了"])
    actions.topic_transition(
        actor=world.li,
        topic=decided,
        to_state=TopicState.DECIDED,
        outcome=actions.Outcome(decision="更换单元门"),
    )
    client = login(world.li)
    assert get(client, "/topics")[1]["count"] == 3
    assert get(client, "/topics", {"compound": world.wufuyuan.pk})[1]["count"] == 2
    assert get(client, "/topics", {"state": "decided"})[1]["items"][0]["id"] == decided.pk
    assert get(client, "/topics", {"state": "live"})[1]["count"] == 3
    assert [t["id"] for t in get(client, "/topics", {"q": "路灯"})[1]["items"]] == [lights.pk]
    assert get(client, "/topics", {"category": lights.category})[1]["count"] >= 1
    assert get(client, "/topics", {"state": "closed"})[0] == 422


def test_merging_moves_every_voice_and_leaves_a_pointer(world, login):
    a = topic_of(world, ["3栋漏雨", "3栋楼顶漏水"])
    b = topic_of(world, ["3栋顶楼渗水"])
    status, answer = send(
        login(world.li), "POST", f"/topics/{b.pk}/merge", {"into_topic_id": a.pk, "note": "同一处"}
    )
    assert status == 200
    assert answer["id"] == a.pk and answer["voice_count"] == 3
    client = login(world.li)
    old = get(client, f"/topics/{b.pk}")[1]
    assert old["state"] == "merged" and old["merged_into"] == {"id": a.pk, "name": a.title}
    assert old["voices"]["count"] == 0
    assert old["events"]["items"][-1]["other_topic"]["id"] == a.pk
    assert get(client, "/topics", {"state": "merged"})[1]["count"] == 1
    assert get(client, "/topics")[1]["count"] == 1  # the tombstone is not listed by default


def test_merge_refuses_itself_and_unknown_targets(world, login):
    a = topic_of(world, ["3栋漏雨"])
    outside = topic_of(world, ["路灯坏了"], who="qian", compound=world.guihuaxincun)
    client = login(world.li)
    before = snapshot()
    status, answer = send(client, "POST", f"/topics/{a.pk}/merge", {"into_topic_id": a.pk})
    assert status == 422 and answer["detail"][0]["msg"] == "不能把议题合并到它自己。"
    status, answer = send(client, "POST", f"/topics/{a.pk}/merge", {"into_topic_id": outside.pk})
    assert status == 422 and errors(answer) == {"into_topic_id": "未找到要并入的议题"}
    assert snapshot() == before


def test_splitting_makes_a_new_topic_and_keeps_one_voice_behind(world, login):
    voices = record(world, ["3栋漏雨", "3栋楼顶漏水", "路灯不亮"])
    topic = actions.topic_create(actor=world.li, voices=voices)
    client = login(world.li)
    status, answer = send(
        client, "POST", f"/topics/{topic.pk}/split", {"voice_ids": [voices[2].pk], "title": "路灯"}
    )
    assert status == 201
    assert (answer["title"], answer["voice_count"]) == ("路灯", 1)
    assert Voice.objects.get(pk=voices[2].pk).topic_id == answer["id"]
    status, answer = send(
        client,
        "POST",
        f"/topics/{topic.pk}/split",
        {"voice_ids": [voices[0].pk, voices[1].pk]},
    )
    assert status == 422 and "至少要留下一条" in answer["detail"][0]["msg"]
    assert Topic.objects.count() == 2


def test_moving_voices_into_a_topic(world, login):
    target = topic_of(world, ["路灯坏了"])
    other = topic_of(world, ["路灯不亮", "停车难"])
    parking = Voice.objects.get(text_redacted="停车难")
    loose = record(world, ["晚上路灯太暗"])[0]
    status, answer = send(
        login(world.zhang),  # the grid worker sorts her compound's voices
        "POST",
        f"/topics/{target.pk}/move",
        {"voice_ids": [loose.pk, Voice.objects.get(text_redacted="路灯不亮").pk]},
    )
    assert status == 200 and answer["voice_count"] == 3
    assert list(Voice.objects.filter(topic=other)) == [parking]
    status, answer = send(
        login(world.li), "POST", f"/topics/{target.pk}/move", {"voice_ids": [10**12]}
    )
    assert status == 422 and errors(answer) == {"voice_ids": f"未找到这些意见：{10**12}"}


def test_renaming_and_recategorising(world, login):
    topic = topic_of(world, ["路灯坏了"])
    client = login(world.li)
    status, answer = send(client, "PATCH", f"/topics/{topic.pk}", {"title": "1栋路灯"})
    assert status == 200 and answer["title"] == "1栋路灯"
    assert answer["category"] == topic.category  # unchanged when not sent
    status, answer = send(client, "PATCH", f"/topics/{topic.pk}", {"category": "道路"})
    assert status == 200
    assert (answer["title"], answer["category"], answer["subcategory"]) == ("1栋路灯", "道路", "")
    status, answer = send(client, "PATCH", f"/topics/{topic.pk}", {"category": "火星"})
    assert status == 422 and "不在本街道的分类目录中" in errors(answer)["category"]
    status, answer = send(client, "PATCH", f"/topics/{topic.pk}", {"title": ""})
    assert status == 422 and errors(answer) == {"title": "内容过短，至少1个字符"}


def test_a_topic_is_decided_then_entered_in_the_project_library(world, login):
    topic = topic_of(world, ["加装电梯", "老人爬楼太难希望装电梯"])
    voice = actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text="我78岁了爬6楼太难", topic=topic
    )
    client = login(world.li)
    url = f"/topics/{topic.pk}/transition"
    status, answer = send(client, "POST", url, {"to_state": "decided"})
    assert status == 422 and errors(answer) == {"decision": "请写明决定内容。"}
    week = (TODAY + dt.timedelta(days=7)).isoformat()
    status, answer = send(
        client,
        "POST",
        url,
        {
            "to_state": "decided",
            "decision": "1栋加装电梯列入改造计划",
            "responsible_party": "街道城管办",
            "deadline": week,
        },
    )
    assert status == 200
    assert (answer["state"], answer["responsible_party"], answer["deadline"]) == (
        "decided",
        "街道城管办",
        week,
    )
    status, answer = send(client, "POST", url, {"to_state": "project"})
    assert status == 200 and answer["state_label"] == "已入项目库"
    status, answer = send(client, "POST", url, {"to_state": "open"})
    assert status == 422 and "不能改为" in answer["detail"][0]["msg"]
    mine = Notification.objects.filter(user=world.liu).order_by("pk")
    titles = list(mine.values_list("title", flat=True))
    assert len(titles) == 2 and "已列入改造项目库" in titles[-1]
    assert get(login(world.liu), "/portal/voices")[1]["items"][0]["id"] == voice.pk


def test_rejecting_needs_a_reason_and_merged_is_not_a_transition(world, login):
    topic = topic_of(world, ["希望小区建游泳池"])
    client = login(world.li)
    url = f"/topics/{topic.pk}/transition"
    status, answer = send(client, "POST", url, {"to_state": "rejected"})
    assert status == 422 and errors(answer) == {"reason": "不予采纳必须写明理由。"}
    status, answer = send(client, "POST", url, {"to_state": "merged"})
    assert status == 422 and errors(answer)["to_state"].startswith("取值无效")
    status, answer = send(client, "POST", url, {"to_state": "rejected", "reason": "场地不足"})
    assert status == 200 and answer["reason"] == "场地不足"


def test_the_grid_worker_sorts_but_does_not_decide(world, login):
    topic = topic_of(world, ["路灯坏了"])
    other = topic_of(world, ["路灯不亮"])
    client = login(world.zhang)
    assert send(client, "PATCH", f"/topics/{topic.pk}", {"title": "路灯"})[0] == 200
    assert send(client, "POST", f"/topics/{other.pk}/merge", {"into_topic_id": topic.pk})[0] == 200
    before = snapshot()
    status, answer = send(
        client,
        "POST",
        f"/topics/{topic.pk}/transition",
        {"to_state": "answered", "answer": "已修好"},
    )
    assert (status, answer) == (403, {"detail": "您的角色无权执行此操作"})
    assert snapshot() == before


# --- grouping proposals -----------------------------------------------------------------------


def test_grouping_proposals_and_accepting_them(world, login):
    grouped = topic_of(world, ["3号楼楼顶漏雨严重", "3号楼顶层漏水"])
    record(world, ["3号楼楼顶漏雨严重啊", "停车位太少晚上没地方停车", "停车难，车位不够"])
    client = login(world.li)
    status, answer = get(client, f"/compounds/{world.wufuyuan.pk}/grouping-proposals")
    assert status == 200 and answer["count"] >= 2
    joins = [p for p in answer["items"] if p["topic"]]
    news = [p for p in answer["items"] if not p["topic"]]
    assert joins[0]["topic"] == {"id": grouped.pk, "name": grouped.title}
    assert any(len(p["voice_ids"]) == 2 for p in news)
    assert all(v["text"] for p in answer["items"] for v in p["voices"])

    accepted = [
        {"voice_ids": p["voice_ids"], "topic_id": p["topic"]["id"] if p["topic"] else None}
        | ({} if p["topic"] else {"title": "停车位不足"})
        for p in answer["items"]
    ]
    status, result = send(
        client,
        "POST",
        f"/compounds/{world.wufuyuan.pk}/grouping-proposals/accept",
        {"proposals": accepted},
    )
    assert (status, result) == (200, {"grouped": 3})
    assert not Voice.objects.filter(topic__isnull=True).exists()
    assert Topic.objects.filter(title="停车位不足").exists()
    assert get(client, f"/compounds/{world.wufuyuan.pk}/grouping-proposals")[1]["count"] == 0


def test_accepting_into_a_closed_topic_is_refused(world, login):
    closed = topic_of(world, ["路灯坏了"])
    actions.topic_transition(
        actor=world.li,
        topic=closed,
        to_state=TopicState.REJECTED,
        outcome=actions.Outcome(reason="已修"),
    )
    (loose,) = record(world, ["路灯又坏了"])
    before = snapshot()
    status, answer = send(
        login(world.li),
        "POST",
        f"/compounds/{world.wufuyuan.pk}/grouping-proposals/accept",
        {"proposals": [{"voice_ids": [loose.pk], "topic_id": closed.pk}]},
    )
    assert status == 422 and "topic_id" in errors(answer)
    assert snapshot() == before
