"""Sorting topics from their pages: rename, merge (合并), split (拆分) and move voices. Nothing is
lost, every step is on the timeline, bad input gets a Chinese reason and saves nothing."""

from django.urls import reverse

from laoyuan.voices import actions
from laoyuan.voices.models import Topic, TopicEvent, TopicEventKind, TopicState, Voice
from laoyuan.voices.services import taxonomy_for
from tests.decisions.pages import page_text, record, topic, url

# --- edit -------------------------------------------------------------------------------------


def test_a_topic_is_renamed_and_categorised(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    response = login(world.zhang).post(
        url("voices:topic_edit", t),
        {"title": "2栋门口路灯不亮", "category": "安防消防", "subcategory": ""},
    )
    assert response.status_code == 302 and response.url == url("voices:topic", t)
    t.refresh_from_db()
    assert (t.title, t.category) == ("2栋门口路灯不亮", "安防消防")
    assert TopicEvent.objects.filter(topic=t, kind=TopicEventKind.EDITED).exists()


def test_bad_edits_are_refused_in_chinese(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    client = login(world.li)
    cases = [
        ({"title": ""}, "议题名称不能为空"),
        ({"title": "长" * 121}, "议题名称最多120个字"),
        ({"title": "路灯", "category": "不存在的分类"}, "不在本街道的分类目录中"),
    ]
    for data, reason in cases:
        html = page_text(client.post(url("voices:topic_edit", t), data))
        assert reason in html and "没有保存" in html
    t.refresh_from_db()
    assert t.title == "路灯"


def test_a_subcategory_must_belong_to_its_category(world, login):
    t = topic(world, ["路灯坏了"], "路灯")
    html = page_text(
        login(world.li).post(
            url("voices:topic_edit", t),
            {
                "title": "路灯",
                "category": "邻里关系",
                "subcategory": _a_subcategory_of(world, "道路"),
            },
        )
    )
    assert "不属于“邻里关系”" in html


def _a_subcategory_of(world, name: str) -> str:
    category = taxonomy_for(world.shahe.pk).get(name)
    assert category and category.children
    return category.children[0].name


# --- merge ------------------------------------------------------------------------------------


def test_merging_keeps_every_voice_and_leaves_a_tombstone(world, login):
    # given two topics of the same compound: 2 voices and 3 voices
    target = topic(world, ["路灯坏了", "路灯不亮"], "路灯")
    source = topic(world, ["晚上太黑", "门口灯坏", "楼下黑"], "晚上太黑")
    before = Voice.objects.filter(compound=world.wufuyuan).count()
    # when li merges the second into the first, with a note
    response = login(world.li).post(
        url("voices:topic_merge", source), {"target": target.pk, "note": "同一批路灯"}
    )
    # then she lands on the target, which holds all five voices
    assert response.status_code == 302 and response.url == url("voices:topic", target)
    assert Voice.objects.filter(topic=target).count() == 5
    assert Voice.objects.filter(compound=world.wufuyuan).count() == before
    source.refresh_from_db()
    assert source.state == TopicState.MERGED and source.merged_into == target
    # and both timelines say so
    assert TopicEvent.objects.filter(
        topic=source, kind=TopicEventKind.MERGED_INTO, other_topic=target, note="同一批路灯"
    ).exists()
    assert TopicEvent.objects.filter(
        topic=target, kind=TopicEventKind.MERGED_IN, other_topic=source
    ).exists()


def test_the_merge_page_explains_and_searches_live_topics_of_the_compound(world, login):
    source = topic(world, ["路灯坏了"], "路灯")
    topic(world, ["楼道堆物"], "楼道堆物")
    topic(world, ["楼顶漏雨"], "楼顶漏雨")
    topic(world, ["马家沟路灯"], "马家沟路灯", compound=world.majiagou)
    client = login(world.li)
    html = page_text(client.get(url("voices:topic_merge", source)))
    assert "什么都不会丢失" in html
    assert ">楼道堆物<" in html and ">楼顶漏雨<" in html
    assert ">马家沟路灯<" not in html  # another compound
    assert f'<option value="{source.pk}"' not in html  # not into itself
    html = page_text(client.get(url("voices:topic_merge", source), {"q": "漏雨"}))
    assert ">楼顶漏雨<" in html and ">楼道堆物<" not in html


def test_bad_merges_are_refused_and_change_nothing(world, login):
    source = topic(world, ["路灯坏了"], "路灯")
    elsewhere = topic(world, ["马家沟路灯"], "马家沟路灯", compound=world.majiagou)
    done = topic(world, ["楼顶漏雨"], "楼顶漏雨")
    actions.topic_transition(
        actor=world.li,
        topic=done,
        to_state=TopicState.REJECTED,
        outcome=actions.Outcome(reason="不属于公共部位"),
    )
    client = login(world.li)
    cases = [
        ({}, "请选择要并入的议题"),
        ({"target": elsewhere.pk}, "不在本小区"),
        ({"target": done.pk}, "已办结"),
        ({"target": source.pk}, "请刷新后重选"),  # itself
        ({"target": "abc"}, "请刷新后重选"),
        ({"target": done.pk, "note": "说" * 2001}, "合并说明最多2000个字"),
    ]
    for data, reason in cases:
        html = page_text(client.post(url("voices:topic_merge", source), data))
        assert reason in html, reason
    source.refresh_from_db()
    assert source.state == TopicState.OPEN and Voice.objects.filter(topic=source).count() == 1


def test_a_tombstone_cannot_be_merged_again(world, login):
    target = topic(world, ["路灯坏了"], "路灯")
    source = topic(world, ["晚上太黑"], "晚上太黑")
    third = topic(world, ["灯不亮"], "灯不亮")
    actions.topic_merge(actor=world.li, source=source, target=target)
    client = login(world.li)
    html = page_text(client.get(url("voices:topic_merge", source)))
    assert "不能再合并" in html
    html = page_text(client.post(url("voices:topic_merge", source), {"target": third.pk}))
    assert "不能再合并" in html
    assert Voice.objects.filter(topic=third).count() == 1


# --- split ------------------------------------------------------------------------------------


def test_splitting_moves_the_ticked_voices_into_a_new_topic(world, login):
    # given a topic of four voices, two of them about another thing
    voices = record(world, ["路灯坏了", "路灯不亮", "垃圾桶满了", "垃圾没人清"])
    t = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    # when the grid worker ticks the two and splits them out
    response = login(world.zhang).post(
        url("voices:topic_split", t),
        {"voices": [voices[2].pk, voices[3].pk], "title": "垃圾清运"},
    )
    # then a new topic holds them, the old keeps the other two, none is lost
    new = Topic.objects.get(title="垃圾清运")
    assert response.status_code == 302 and response.url == url("voices:topic", new)
    assert set(Voice.objects.filter(topic=new)) == set(voices[2:])
    assert set(Voice.objects.filter(topic=t)) == set(voices[:2])
    assert TopicEvent.objects.filter(topic=t, kind=TopicEventKind.SPLIT_OUT, other_topic=new)
    assert TopicEvent.objects.filter(topic=new, kind=TopicEventKind.SPLIT_FROM, other_topic=t)


def test_bad_splits_are_refused_and_change_nothing(world, login):
    voices = record(world, ["路灯坏了", "路灯不亮"])
    t = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    stranger = topic(world, ["垃圾桶满了"], "垃圾").voices.get()
    client = login(world.li)
    cases = [
        ({"title": "新议题"}, "请先勾选意见"),
        ({"voices": [voices[0].pk]}, "请给拆出的新议题起个名称"),
        ({"voices": [voices[0].pk], "title": "长" * 121}, "议题名称最多120个字"),
        ({"voices": [v.pk for v in voices], "title": "全部"}, "原议题至少要留下一条"),
        ({"voices": [stranger.pk], "title": "别的"}, "已不在本议题中"),
        ({"voices": ["x"], "title": "别的"}, "已不在本议题中"),
    ]
    for data, reason in cases:
        html = page_text(client.post(url("voices:topic_split", t), data))
        assert reason in html, reason
    assert Voice.objects.filter(topic=t).count() == 2
    assert Topic.objects.count() == 2


def test_ticks_survive_an_error(world, login):
    voices = record(world, ["路灯坏了", "路灯不亮"])
    t = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    html = page_text(login(world.li).post(url("voices:topic_split", t), {"voices": [voices[1].pk]}))
    assert f'value="{voices[1].pk}" id="voice-{voices[1].pk}" checked' in html
    assert f'value="{voices[0].pk}" id="voice-{voices[0].pk}" aria' in html


# --- move -------------------------------------------------------------------------------------


def test_moving_voices_into_another_topic(world, login):
    voices = record(world, ["路灯坏了", "垃圾桶满了"])
    lights = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    rubbish = topic(world, ["垃圾没人清"], "垃圾")
    total = Voice.objects.count()
    response = login(world.li).post(
        url("voices:topic_move", lights), {"voices": [voices[1].pk], "target": rubbish.pk}
    )
    assert response.status_code == 302 and response.url == url("voices:topic", lights)
    assert Voice.objects.filter(topic=rubbish).count() == 2
    assert Voice.objects.filter(topic=lights).count() == 1
    assert Voice.objects.count() == total
    assert TopicEvent.objects.filter(
        topic=lights, kind=TopicEventKind.VOICES_OUT, other_topic=rubbish
    ).exists()


def test_bad_moves_are_refused(world, login):
    voices = record(world, ["路灯坏了", "垃圾桶满了"])
    lights = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    elsewhere = topic(world, ["马家沟垃圾"], "马家沟垃圾", compound=world.majiagou)
    closed = topic(world, ["垃圾没人清"], "垃圾")
    actions.topic_transition(
        actor=world.li,
        topic=closed,
        to_state=TopicState.ANSWERED,
        outcome=actions.Outcome(answer="已清运"),
    )
    client = login(world.li)
    cases = [
        ({"voices": [voices[1].pk]}, "请选择要移入的议题"),
        ({"target": closed.pk}, "请先勾选意见"),
        ({"voices": [voices[1].pk], "target": elsewhere.pk}, "请刷新后重选"),
        ({"voices": [voices[1].pk], "target": closed.pk}, "请刷新后重选"),
    ]
    for data, reason in cases:
        html = page_text(client.post(url("voices:topic_move", lights), data))
        assert reason in html, reason
    assert Voice.objects.filter(topic=lights).count() == 2


def test_the_topic_page_offers_both_sorting_forms_over_the_ticked_voices(world, login):
    voices = record(world, ["路灯坏了", "路灯不亮"])
    t = actions.topic_create(actor=world.li, voices=voices, title="路灯")
    other = topic(world, ["垃圾"], "垃圾")
    html = page_text(login(world.li).get(url("voices:topic", t)))
    assert f'formaction="{reverse("voices:topic_split", args=[t.pk])}"' in html
    assert f'formaction="{reverse("voices:topic_move", args=[t.pk])}"' in html
    assert f'<option value="{other.pk}">垃圾</option>' in html
