"""The voice import pages: upload, choosing opinion columns, the preview, commit, downloads,
fixed query counts, and 404 outside the scope."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from laoyuan.voices.models import ImportStatus, Voice, VoiceImport
from tests.voices.import_files import (
    CALLER_PHONE,
    case,
    hotline_xlsx,
    import_file,
    xlsx_bytes,
)


def _file(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_li_uploads_a_hotline_export_and_commits_it(world, login):
    # given li on the upload page of 五福苑
    client = login(world.li)
    url = f"/compounds/{world.wufuyuan.pk}/voice-imports/new/"
    assert "导入居民意见" in client.get(url).content.decode()
    # when she uploads a 12345 export with one bad row
    data = hotline_xlsx([case("H1"), case("H2", 诉求内容="")])
    response = client.post(url, {"kind": "hotline", "file": _file(data, "12345.xlsx")})
    batch = VoiceImport.objects.get()
    assert response.status_code == 302 and response.url == f"/voice-imports/{batch.pk}/"
    # then the preview shows the figures, the proposed category and the row error in Chinese
    page = client.get(response.url).content.decode()
    assert "检查完成，还没有导入" in page
    assert "诉求内容是空的" in page and "第 3 行" in page
    assert CALLER_PHONE not in page
    # and confirming records the valid voice
    response = client.post(f"/voice-imports/{batch.pk}/commit/", follow=True)
    assert "已新增1条意见" in response.content.decode()
    assert Voice.objects.count() == 1


def test_a_questionnaire_upload_asks_for_its_opinion_columns(world, login):
    # given a questionnaire with two question columns
    client = login(world.li)
    data = xlsx_bytes(
        cells=[
            ["姓名", "停车问题", "绿化问题", "日期"],
            ["王大爷", "车位太少", "树要修剪", "2024-05-03"],
        ]
    )
    response = client.post(
        f"/compounds/{world.wufuyuan.pk}/voice-imports/new/",
        {"kind": "questionnaire", "file": _file(data, "问卷.xlsx")},
    )
    batch = VoiceImport.objects.get()
    # when li opens the batch, she is asked which columns hold opinions
    page = client.get(response.url).content.decode()
    assert "哪几列是居民的意见？" in page
    # and choosing both makes two voices in the preview
    client.post(f"/voice-imports/{batch.pk}/columns/", {"columns": ["1", "2"]})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    page = client.get(f"/voice-imports/{batch.pk}/").content.decode()
    assert "确认导入 2 条意见" in page


def test_the_upload_form_says_what_is_wrong_with_a_bad_file(world, login):
    client = login(world.li)
    url = f"/compounds/{world.wufuyuan.pk}/voice-imports/new/"
    # a PNG renamed .xlsx
    response = client.post(
        url, {"kind": "hotline", "file": _file(b"\x89PNG\r\n\x1a\nrest", "工单.xlsx")}
    )
    assert response.status_code == 400
    assert "内容不是 Excel 文件" in response.content.decode()
    # a Word document
    response = client.post(url, {"kind": "hotline", "file": _file(b"PK\x03\x04x", "意见.docx")})
    assert "只能上传 Excel（.xlsx、.xls）或 CSV（.csv）文件" in response.content.decode()
    assert not VoiceImport.objects.exists()


def test_the_rejected_rows_download_masks_the_phone(world, login):
    # given a batch with a rejected hotline row
    batch = import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case("")]),
        kind="hotline",
        name="a.xlsx",
        commit=False,
    )
    # when li downloads the rejected rows
    response = login(world.li).get(f"/voice-imports/{batch.pk}/rejected.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # then the row is there with its reason, and the phone only masked
    assert rows[0][:3] == ["原文件行号", "问题", "工单编号"]
    assert rows[1][0] == 2 and "工单编号是空的" in rows[1][1]
    assert CALLER_PHONE not in str(rows)
    assert "139****4321" in rows[1]


def test_the_templates_download(world, login):
    client = login(world.li)
    for url, header in (
        ("/voice-imports/templates/questionnaire.xlsx", "意见内容"),
        ("/voice-imports/templates/hotline.xlsx", "工单编号"),
    ):
        response = client.get(url)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert header in [c.value for c in sheet[1]]
    # a resident may not
    assert login(world.liu).get("/voice-imports/templates/hotline.xlsx").status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_batch_page_and_the_list_run_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    # given a small batch and one ten times larger (with many rejected rows)
    small = import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case("S1"), case("")]),
        kind="hotline",
        name="s.xlsx",
        commit=False,
    )
    rows = [case(f"L{i}") for i in range(15)] + [case("") for _ in range(15)]
    large = import_file(
        world.li, world.wufuyuan, hotline_xlsx(rows), kind="hotline", name="l.xlsx", commit=False
    )
    # then both batch pages run the same number of queries
    assert _count(client, f"/voice-imports/{small.pk}/") == _count(
        client, f"/voice-imports/{large.pk}/"
    )
    # and the list does not grow with the batches
    one = _count(client, "/voice-imports/")
    for i in range(5):
        import_file(
            world.li,
            world.wufuyuan,
            hotline_xlsx([case(f"M{i}")]),
            kind="hotline",
            name="m.xlsx",
            commit=False,
        )
    assert _count(client, "/voice-imports/") == one


def test_outsiders_get_404(world, login):
    batch = import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case()]),
        kind="hotline",
        name="a.xlsx",
        commit=False,
    )
    for outsider in (world.qian, world.zhang, world.liu):
        client = login(outsider)
        assert client.get(f"/voice-imports/{batch.pk}/").status_code == 404
        assert client.post(f"/voice-imports/{batch.pk}/commit/").status_code == 404
        assert client.get(f"/compounds/{world.wufuyuan.pk}/voice-imports/new/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
