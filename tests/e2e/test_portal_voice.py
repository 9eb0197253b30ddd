"""刘桂兰 (78) on her phone: tells the community her roof leaks, sees neighbours said the same and
adds her voice to their topic; then sends a new suggestion with a photo, anonymously."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from laoyuan.voices import actions, services
from laoyuan.voices.models import Channel, TopicState, Voice

PHONE = {"width": 360, "height": 780}


@pytest.fixture(autouse=True)
def _fresh_index():
    services.forget_caches()
    yield
    services.forget_caches()


def _roof_topic(world):
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[
            actions.VoiceEntry(text="3号楼楼顶漏雨严重，下雨天家里滴水", speaker_name="王大爷"),
            actions.VoiceEntry(text="3号楼顶层漏水，天花板发霉", speaker_name="张阿姨"),
        ],
    )
    return actions.topic_create(actor=world.li, voices=voices, title="3号楼楼顶漏雨")


def _open_submit(page, sign_in, world):
    page.set_viewport_size(PHONE)
    sign_in(page, world.liu)
    page.get_by_role("link", name="提交意见").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交意见")


def test_she_adds_her_voice_to_the_similar_topic(page, e2e_world, sign_in):
    # given a topic "3号楼楼顶漏雨" with two voices in 五福苑
    topic = _roof_topic(e2e_world)
    # when 刘桂兰 opens 提交意见 on her phone and types about her roof
    _open_submit(page, sign_in, e2e_world)
    page.get_by_label("您想反映什么？").fill("我家3号楼顶楼漏雨，天花板都湿了")
    expect(page.get_by_text("已写 16 字，最多 5000 字")).to_be_visible()
    # then the similar topic appears, with how many neighbours said it and no names
    similar = page.get_by_role("region", name="这些议题和您说的很像")
    expect(similar).to_be_visible()
    expect(similar.get_by_role("heading", name="3号楼楼顶漏雨")).to_be_visible()
    expect(similar.get_by_text("已有2条邻居意见")).to_be_visible()
    expect(page.get_by_text("王大爷")).to_have_count(0)
    # the page fits her phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # when she presses 我也反映这件事
    similar.get_by_role("button", name="我也反映这件事").first.click()
    # then she lands on 我的意见 and sees her voice under that topic, with its state
    expect(page.get_by_role("heading", level=1)).to_have_text("我的意见")
    expect(page.get_by_text("谢谢您！您的意见已经加入“3号楼楼顶漏雨”")).to_be_visible()
    card = page.get_by_role("article").filter(has_text="我家3号楼顶楼漏雨")
    expect(card.get_by_role("link", name="3号楼楼顶漏雨")).to_be_visible()
    expect(card.get_by_text("待议", exact=True)).to_be_visible()
    voice = Voice.objects.get(author=e2e_world.liu)
    assert voice.topic_id == topic.pk and voice.speaker_name == "刘桂兰"
    # and when the community decides, she reads the decision on the topic's page
    actions.topic_transition(
        actor=e2e_world.li,
        topic=topic,
        to_state=TopicState.DECIDED,
        outcome=actions.Outcome(decision="屋面防水列入本月维修", responsible_party="物业公司"),
    )
    card.get_by_role("link", name="3号楼楼顶漏雨").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3号楼楼顶漏雨")
    expect(page.get_by_text("屋面防水列入本月维修")).to_be_visible()
    expect(page.get_by_text("3位居民反映过，共3条意见")).to_be_visible()


def test_she_sends_a_new_suggestion_with_a_photo_anonymously(page, e2e_world, sign_in, tmp_path):
    photo = tmp_path / "长椅.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (120, 80, 40)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    _roof_topic(e2e_world)
    # when she writes something nobody has said yet, adds a photo and ticks 匿名提交
    _open_submit(page, sign_in, e2e_world)
    page.get_by_label("具体位置（可以不填）").fill("院子中间")
    page.get_by_label("您想反映什么？").fill("院子里的长椅坏了，老人没地方坐，希望换几张新的")
    page.get_by_label("照片（可以不传）").set_input_files(str(photo))
    page.get_by_label("匿名提交").check()
    expect(page.get_by_role("region", name="这些议题和您说的很像")).to_be_hidden()
    page.get_by_role("button", name="提交意见").click()
    # then her suggestion is listed with its photo, marked anonymous, awaiting sorting
    expect(page.get_by_role("heading", level=1)).to_have_text("我的意见")
    card = page.get_by_role("article").filter(has_text="院子里的长椅坏了")
    expect(card.get_by_role("img", name="我上传的第1张照片")).to_be_visible()
    expect(card.get_by_text("匿名", exact=True)).to_be_visible()
    expect(card.get_by_text("已收到，等待归类")).to_be_visible()
    voice = Voice.objects.get(author=e2e_world.liu)
    assert voice.anonymous and voice.speaker_name == "" and voice.who == "匿名"
    assert voice.photos.count() == 1 and voice.spot == "院子中间"
