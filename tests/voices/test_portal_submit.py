"""A resident submits a voice (提交意见) from the portal: plainly, anonymously, with photos, into a
similar topic (附议); bad input is refused in plain Chinese with her text kept."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from laoyuan.voices import actions, services
from laoyuan.voices.models import Channel, TopicState, Voice, VoicePhoto


@pytest.fixture(autouse=True)
def _fresh_index():
    # The similar-index is cached per community by the newest voice id; ids are reused after
    # each test's rollback, so each test starts from an empty cache.
    services.forget_caches()
    yield
    services.forget_caches()


URL = reverse("voices:portal_submit")
GPS_IFD = 0x8825


def jpeg_with_gps(name: str = "roof.jpg") -> SimpleUploadedFile:
    """A phone photo as it comes off the camera: with an EXIF GPS position."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (30.0, 39.0, 1.0), 3: "E", 4: (104.0, 4.0, 1.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _form(world, **extra) -> dict:
    return {"compound": world.wufuyuan.pk, "building": world.b1.pk, "step": "new", **extra}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _topic(world, texts=("3号楼楼顶漏雨严重", "3号楼顶层漏水天花板发霉"), compound=None):
    voices = actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )
    return actions.topic_create(actor=world.li, voices=voices, title="3号楼楼顶漏雨")


def test_the_form_offers_her_compound_and_preselects_her_building(world, login):
    # when 刘桂兰 opens 提交意见
    response = login(world.liu).get(URL)
    html = _text(response)
    # then her compound is fixed (she has one), her own building 1 is chosen, and the page
    # explains anonymity in plain words
    assert response.status_code == 200
    assert "<h1>提交意见</h1>" in html and "五福苑" in html
    assert f'<option value="{world.b1.pk}" selected>1栋</option>' in html
    assert "2栋" in html
    assert "匿名提交" in html and "工作人员看不到您的名字" in html
    assert 'name="step" value="check"' in html  # 下一步 without JavaScript
    assert 'id="photos-field" data-js-only hidden' in html  # photos after 下一步 (no JS)
    assert "马家沟小区" not in html


def test_a_plain_voice_is_saved_and_she_is_thanked(world, login):
    client = login(world.liu)
    response = client.post(
        URL, _form(world, text="1栋门口的路灯坏了，晚上看不见路", spot="1单元门口"), follow=True
    )
    voice = Voice.objects.get()
    assert voice.author == world.liu and voice.channel == Channel.ONLINE
    assert voice.building == world.b1 and voice.spot == "1单元门口"
    assert voice.speaker_name == "刘桂兰" and not voice.anonymous
    assert voice.resident == world.liu_guilan
    # she lands on 我的意见 with a thank-you that says what happens next
    assert response.redirect_chain[-1][0] == reverse("voices:portal_voices")
    html = _text(response)
    assert "谢谢您！您的意见已经提交" in html and "通知" in html
    assert "1栋门口的路灯坏了" in html


def test_an_anonymous_voice_never_shows_her_name_to_staff(world, login):
    login(world.liu).post(URL, _form(world, text="楼道里堆满杂物，很危险", anonymous="on"))
    voice = Voice.objects.get()
    # then the voice is hers (she follows it) but carries no name
    assert voice.anonymous and voice.author == world.liu
    assert voice.speaker_name == "" and voice.who == "匿名"
    # and the staff API says "匿名", never her name
    staff = login(world.li)
    detail = staff.get(f"/api/v1/voices/{voice.pk}")
    listing = staff.get("/api/v1/voices")
    assert detail.status_code == 200 and detail.json()["who"] == "匿名"
    for response in (detail, listing):
        assert "刘桂兰" not in response.content.decode()
    # while she still sees it among her own
    mine = _text(login(world.liu).get(reverse("voices:portal_voices")))
    assert "楼道里堆满杂物" in mine and "匿名" in mine


def test_photos_are_stored_without_exif(world, login):
    login(world.liu).post(
        URL,
        _form(world, text="3号楼楼顶漏雨，天花板都湿了", photos=[jpeg_with_gps(), png()]),
    )
    photos = list(VoicePhoto.objects.filter(voice__author=world.liu))
    assert len(photos) == 2
    for photo in photos:
        with photo.image.open("rb") as fh:
            stored = Image.open(io.BytesIO(fh.read()))
            stored.load()
        assert stored.format == "JPEG"
        exif = stored.getexif()
        assert GPS_IFD not in exif and 0x010F not in exif
        assert "exif" not in stored.info


def test_a_program_renamed_jpg_is_refused_and_her_text_kept(world, login):
    fake = SimpleUploadedFile("漏雨.jpg", b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg")
    response = login(world.liu).post(URL, _form(world, text="楼顶漏雨很严重", photos=[fake]))
    html = _text(response)
    assert response.status_code == 200
    assert "不是可识别的照片" in html and "漏雨.jpg" in html
    assert "楼顶漏雨很严重</textarea>" in html
    assert not Voice.objects.exists() and not VoicePhoto.objects.exists()


def test_a_file_that_is_not_a_photo_by_name_is_refused(world, login):
    exe = SimpleUploadedFile("setup.exe", b"MZ" + b"\x00" * 100, "application/octet-stream")
    html = _text(login(world.liu).post(URL, _form(world, text="楼顶漏雨", photos=[exe])))
    assert "“setup.exe”不是照片：只能上传 JPG、PNG 或 WEBP 格式" in html
    assert not Voice.objects.exists()


def test_seven_photos_are_too_many(world, login):
    photos = [png(f"p{i}.png") for i in range(7)]
    html = _text(login(world.liu).post(URL, _form(world, text="小区路面坑洼", photos=photos)))
    assert "最多上传6张照片，您选了7张" in html
    # the photo box stays in view to choose again, even without JavaScript
    assert 'id="photos-field">' in html
    assert "小区路面坑洼</textarea>" in html
    assert not Voice.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "内容是空的：请写下您想反映的事情。"),
        ("   \n  ", "内容是空的：请写下您想反映的事情。"),
        ("路" * 20000, "内容太长：共20000个字，一条意见最多5000个字"),
    ],
)
def test_empty_or_too_long_text_is_refused_clearly(world, login, text, message):
    response = login(world.liu).post(URL, _form(world, text=text))
    html = _text(response)
    assert response.status_code == 200 and message in html
    assert "还没有提交" in html
    assert not Voice.objects.exists()


def test_markup_is_shown_as_text_never_run(world, login):
    client = login(world.liu)
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>楼道灯坏了'
    # given a refused form (7 photos) puts her text back into the page
    again = client.post(URL, _form(world, text=attack, photos=[png(f"{i}.png") for i in range(7)]))
    assert "<script>alert" not in again.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in again.content.decode()
    # when it is submitted, her list shows it escaped (and without markup)
    client.post(URL, _form(world, text=attack))
    mine = client.get(reverse("voices:portal_voices")).content.decode()
    assert "楼道灯坏了" in mine
    assert "<script>alert" not in mine and "<img" not in mine.split("voice-photos")[0]


def test_a_building_of_another_compound_is_refused(world, login):
    from laoyuan.registry.models import Building

    other = Building.objects.create(compound=world.majiagou, number="9")
    html = _text(login(world.liu).post(URL, _form(world, text="路灯坏了", building=other.pk)))
    assert "所选楼栋不在您的小区" in html
    assert not Voice.objects.exists()


def test_without_javascript_next_shows_similar_topics_then_she_joins_one(world, login):
    topic = _topic(world)
    client = login(world.liu)
    text = "我家3号楼顶楼漏雨，天花板都湿了"
    # when she presses 下一步
    response = client.post(URL, _form(world, text=text, step="check"))
    html = _text(response)
    # then nothing is saved yet; the similar topic is offered, with the photo box
    assert not Voice.objects.filter(author=world.liu).exists()
    assert "这些议题和您说的很像" in html and "3号楼楼顶漏雨" in html
    assert f'name="join" value="{topic.pk}"' in html
    assert "都不是，提交新意见" in html and 'name="photos"' in html
    assert "王大爷" not in html  # nobody else's name
    assert f"{text}</textarea>" in html
    # when she presses 我也反映这件事 (with a photo)
    response = client.post(URL, _form(world, text=text, join=topic.pk, photos=[png()]))
    voice = Voice.objects.get(author=world.liu)
    assert voice.topic == topic and voice.photos.count() == 1
    assert response.url == reverse("voices:portal_voices")


def test_without_javascript_nothing_similar_says_so(world, login):
    html = _text(
        login(world.liu).post(URL, _form(world, text="健身器材旁边的长椅坏了", step="check"))
    )
    assert "没有找到和您说的相似的议题" in html
    assert 'id="similar-topics" aria-labelledby="similar-heading" aria-live="polite" hidden' in html
    assert not Voice.objects.exists()


def test_she_cannot_join_a_topic_of_another_compound(world, login):
    elsewhere = _topic(world, texts=("马家沟路灯坏了", "马家沟路灯不亮"), compound=world.majiagou)
    response = login(world.liu).post(URL, _form(world, text="路灯坏了", join=elsewhere.pk))
    assert response.status_code == 404
    assert not Voice.objects.filter(author=world.liu).exists()


def test_a_closed_topic_takes_no_more_voices(world, login):
    topic = _topic(world)
    actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.REJECTED,
        outcome=actions.Outcome(reason="属于私人房屋，请自行维修"),
    )
    html = _text(login(world.liu).post(URL, _form(world, text="楼顶漏雨", join=topic.pk)))
    assert "不能再加入意见" in html
    assert not Voice.objects.filter(author=world.liu).exists()


def test_staff_and_people_without_a_home_have_no_submit_page(world, login):
    for who in ("li", "zhang", "qian", "nobody"):
        client = login(world.users[who])
        assert client.get(URL).status_code == 404, who
        assert client.post(URL, _form(world, text="路灯坏了")).status_code == 404, who
    assert not Voice.objects.exists()


def test_the_form_runs_a_fixed_number_of_queries(world, login):
    from laoyuan.registry.models import Building

    client = login(world.liu)
    client.get(URL)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    Building.objects.bulk_create(
        [Building(compound=world.wufuyuan, number=str(n)) for n in range(3, 40)]
    )
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(few) == len(many)
