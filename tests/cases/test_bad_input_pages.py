"""Given the case pages, when a worker or a resident sends bad input — no category or one that
does not exist, a compound outside her reach, no text or far too much, a date that does not
exist or lies in the past, a file that is not a photo, a step the state does not allow — then
the page says in Chinese what is wrong, keeps everything typed, and stores nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laoyuan.cases import actions
from tests.cases.helpers import category, fresh, open_case, snapshot


def good(world, **changes) -> dict:
    data = {
        "compound": world.wufuyuan.pk,
        "building": "1",
        "spot": "2单元门口",
        "category": category("pipe.drain").pk,
        "description": "下水道堵了，污水冒出来",
        "reporter_name": "王大爷",
        "reporter_phone": "13900001111",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": ""}, "请选择分类"),
        ({"category": "999999"}, "分类不对，请从列表中选择"),
        ({"compound": str(10**9)}, "选择一个有效的选项"),
        ({"description": ""}, "请填写这一项"),
        ({"description": "水" * 2001}, "内容太长"),
        ({"description": "！！！ https://x.cn"}, "内容里没有文字"),
        ({"building": "88"}, "这个小区没有“88”栋"),
        ({"reporter_phone": "12345"}, "电话号码格式不正确"),
        ({"deadline": "2026-02-30"}, "日期不正确"),
        ({"deadline": "2020-01-01"}, "办结期限不能早于今天"),
    ],
)
def test_bad_input_to_the_open_form_is_refused_and_kept(world, parties, login, changes, message):
    before = snapshot()
    response = login(world.li).post("/cases/new/", good(world, **changes))
    html = response.content.decode()
    assert response.status_code == 200 and message in html, html[:2000]
    assert "没有保存" in html
    assert "2单元门口" in html  # what was typed is still there
    assert snapshot() == before


def test_a_compound_of_another_district_is_not_offered_nor_accepted(world, parties, login):
    before = snapshot()
    response = login(world.li).post("/cases/new/", good(world, compound=world.guihuaxincun.pk))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert snapshot() == before


def test_a_file_that_is_not_a_photo_is_refused(world, parties, login):
    before = snapshot()
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = login(world.li).post("/cases/new/", {**good(world), "photos": [fake]})
    assert response.status_code == 200 and "不是可识别的照片" in response.content.decode()
    assert snapshot() == before


def test_a_step_with_missing_text_keeps_the_form(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    before = snapshot()
    response = login(world.sun).post(f"/cases/{case.pk}/transfer/", {"party": parties.water.pk})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写这一项" in html
    assert f'value="{parties.water.pk}" selected' in html
    assert snapshot() == before


def test_a_step_the_state_does_not_allow_says_so(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    before = snapshot()
    response = login(world.sun).post(f"/cases/{case.pk}/accept/", {"note": "收到"})
    assert response.status_code == 400
    assert "工单当前为“办理中”，不能签收受理" in response.content.decode()
    assert snapshot() == before


def test_a_bad_photo_on_progress_is_refused_and_the_note_kept(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    before = snapshot()
    fake = SimpleUploadedFile("x.png", b"GIF89a-but-not", content_type="image/png")
    response = login(world.sun).post(
        f"/cases/{case.pk}/progress/", {"note": "已上门查看", "photos": [fake]}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "不是可识别的照片" in html and "已上门查看" in html
    assert snapshot() == before


def test_a_real_photo_is_kept_without_its_exif(world, parties, login):
    from PIL import Image

    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Secret camera maker"
    image.save(out, format="JPEG", exif=exif)
    photo = SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
    response = login(world.sun).post(
        f"/cases/{case.pk}/progress/", {"note": "现场照片", "photos": [photo]}
    )
    assert response.status_code == 302
    stored = fresh(case).photos.get()
    data = stored.image.open("rb").read()
    assert b"Secret camera maker" not in data and Image.open(io.BytesIO(data)).size == (40, 30)
    with open(stored.image.path, "rb") as raw:  # sealed at rest
        assert not raw.read().startswith(b"\xff\xd8")
    assert login(world.sun).get(f"/cases/photos/{stored.pk}/").status_code == 200
    assert login(parties.shui).get(f"/cases/photos/{stored.pk}/").status_code == 404


def test_rating_on_the_portal_by_someone_who_may_not_is_refused(world, parties, login):
    case = open_case(world, party=parties.property)
    actions.case_accept(actor=world.sun, case=case)
    actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
    before = snapshot()
    # the resident did not raise this case (li opened it): it is not hers at all
    assert (
        login(world.liu).post(f"/portal/cases/{case.pk}/", {"rating": "satisfied"}).status_code
        == 404
    )
    # the party may not rate its own work
    assert (
        login(world.sun).post(f"/cases/{case.pk}/rate/", {"rating": "satisfied"}).status_code == 404
    )
    assert snapshot() == before


def test_the_portal_form_refuses_bad_input_and_keeps_it(world, parties, login):
    before = snapshot()
    response = login(world.liu).post(
        "/portal/cases/new/",
        {
            "compound": world.wufuyuan.pk,
            "category": "",
            "description": "楼道灯不亮，晚上看不见",
            "phone": "138",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请选择是哪一类问题" in html
    assert "楼道灯不亮，晚上看不见" in html
    assert snapshot() == before
