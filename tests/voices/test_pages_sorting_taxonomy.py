"""The street's taxonomy editor (分类目录) and its classifier's training status: a street
official edits categories, keywords and second-level lines; bad input is named in Chinese and
nothing is saved; "恢复默认" brings back the shipped taxonomy; the retrain button runs the task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.voices import actions, services, training
from laoyuan.voices.engine import taxonomy as taxonomy_mod
from laoyuan.voices.models import Channel, StreetTaxonomy


@pytest.fixture(autouse=True)
def no_street_models(world):
    def clear():
        services.model_path(world.shahe.pk).unlink(missing_ok=True)
        training.status_path(world.shahe.pk).unlink(missing_ok=True)

    clear()
    yield
    clear()


def url(world):
    return reverse("voices:taxonomy", args=[world.shahe.pk])


def posted_blocks(page_data: list[dict]) -> dict:
    data = {"blocks": str(len(page_data)), "save": "1"}
    for i, block in enumerate(page_data, start=1):
        for key, value in block.items():
            data[f"cat-{i}-{key}"] = value
    return data


def test_the_street_official_sees_the_default_taxonomy_and_the_model(world, login):
    page = login(world.wang).get(url(world)).content.decode()
    assert "本街道使用默认分类目录" in page
    for name in taxonomy_mod.load().names:
        assert f'value="{name}"' in page
    assert "排水与化粪池: 下水道" in page  # second-level lines with their keywords
    assert "初始模型" in page and "用本街道的更正重新训练" in page


def test_an_edited_taxonomy_is_saved_and_used_for_categorising(world, login):
    client = login(world.wang)
    response = client.post(
        url(world),
        posted_blocks(
            [
                {
                    "name": "房屋本体",
                    "class": "基础类",
                    "keywords": "漏雨、渗水",
                    "children": "屋面漏水: 漏雨, 天花板\n外墙：墙皮",
                },
                {"name": "文体活动", "class": "", "keywords": "广场舞, 棋牌", "children": ""},
                {"name": "", "keywords": "", "children": ""},  # a blank new block: ignored
            ]
        ),
    )
    assert response.status_code == 302
    row = StreetTaxonomy.objects.get(street=world.shahe)
    assert [c["name"] for c in row.data["categories"]] == ["房屋本体", "文体活动"]
    assert row.data["categories"][0]["children"][1] == {"name": "外墙", "keywords": ["墙皮"]}
    assert row.data["categories"][1]["renovation_class"] is None
    assert services.taxonomy_for(world.shahe.pk).names == ["房屋本体", "文体活动"]
    page = client.get(url(world)).content.decode()
    assert "分类目录已保存（第1版）" in page and "广场舞, 棋牌" in page
    # a voice's category can now be corrected to the new category, and not to a removed one
    (voice,) = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.VISIT,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text="希望有个跳广场舞的地方")],
    )
    actions.voice_set_category(actor=world.li, voice=voice, category="文体活动")
    detail = login(world.li).get(reverse("voices:voice", args=[voice.pk])).content.decode()
    assert 'value="文体活动"' in detail and 'value="管网"' not in detail


def test_bad_input_is_named_and_nothing_is_saved(world, login):
    client = login(world.wang)
    blocks = [
        {"name": "房屋本体", "keywords": "漏雨", "children": ": 没有名称的二级分类"},
        {"name": "房屋本体", "keywords": "重复", "class": "豪华类"},
        {"name": "", "keywords": "有关键词却没有名称"},
    ]
    response = client.post(url(world), posted_blocks(blocks))
    page = response.content.decode()
    assert response.status_code == 400
    assert "“房屋本体”的二级分类第1行没有名称" in page
    assert "改造类别只能是基础类、完善类、提升类之一" in page
    assert not StreetTaxonomy.objects.exists()
    # what was typed is still there
    assert 'value="有关键词却没有名称"' in page and 'value="重复"' in page
    # duplicates and missing names are judged by the action, in Chinese
    blocks = [{"name": "房屋本体", "keywords": "a"}, {"name": "房屋本体", "keywords": "b"}]
    page = client.post(url(world), posted_blocks(blocks)).content.decode()
    assert "一级分类“房屋本体”重复" in page
    page = client.post(url(world), posted_blocks([{"name": "", "keywords": "x"}])).content.decode()
    assert "第1个一级分类没有名称" in page
    page = client.post(url(world), posted_blocks([{"name": "甲", "delete": "1"}])).content.decode()
    assert "至少要有一个一级分类" in page
    assert not StreetTaxonomy.objects.exists()


def test_restore_the_default(world, login):
    client = login(world.wang)
    client.post(url(world), posted_blocks([{"name": "只有一类", "keywords": "x"}]))
    client.post(url(world), {"reset": "1"})
    row = StreetTaxonomy.objects.get(street=world.shahe)
    assert row.version == 2
    assert services.taxonomy_for(world.shahe.pk).names == taxonomy_mod.load().names
    assert "已恢复默认分类目录（第2版）" in client.get(url(world)).content.decode()


def test_the_retrain_button_runs_training_and_the_page_says_what_came_of_it(world, login):
    client = login(world.wang)
    response = client.post(reverse("voices:taxonomy_retrain", args=[world.shahe.pk]))
    assert response.url == url(world)
    page = client.get(url(world)).content.decode()
    assert "训练完成" in page and "只有0条" in page and "未训练新模型" in page
    assert "初始模型" in page


def test_a_trained_street_model_is_named_with_its_figures(world, login):
    texts = [f"{n}栋顶楼下雨就漏水，天花板都泡烂了" for n in range(1, 13)]
    texts += [f"{n}号路口的路灯坏了，晚上出门黑黢黢的" for n in range(1, 13)]
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.VISIT,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text=t) for t in texts],
    )
    for voice in voices:
        actions.voice_set_category(actor=world.li, voice=voice, category=voice.category)
    training.train_street(street_id=world.shahe.pk)
    page = login(world.wang).get(url(world)).content.decode()
    assert "本街道模型" in page and "宏平均F1" in page and "24条" in page


@pytest.mark.parametrize("who", ["li", "zhang", "qian", "liu", "nobody"])
def test_only_the_street_official_edits_the_taxonomy(world, login, who):
    client = login(world.users[who])
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"reset": "1"}).status_code == 404
    retrain = reverse("voices:taxonomy_retrain", args=[world.shahe.pk])
    assert client.post(retrain).status_code == 404
    assert not StreetTaxonomy.objects.exists()
    assert training.training_status(world.shahe.pk) is None


def test_another_streets_official_gets_404(world, login):
    url_elsewhere = reverse("voices:taxonomy", args=[world.canglang.pk])
    assert login(world.wang).get(url_elsewhere).status_code == 404


def test_the_page_runs_the_same_number_of_queries_for_any_number_of_corrections(world, login):
    client = login(world.wang)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(world)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.VISIT,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text=f"{n}栋漏雨") for n in range(10)],
    )
    for voice in voices:
        actions.voice_set_category(actor=world.li, voice=voice, category="房屋本体")
    assert count() == small


def test_the_voice_list_leads_the_street_official_to_the_taxonomy(world, login):
    page = login(world.wang).get(reverse("voices:voices")).content.decode()
    assert url(world) in page
    assert url(world) not in login(world.li).get(reverse("voices:voices")).content.decode()
