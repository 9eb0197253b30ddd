"""The roster import through the JSON API: upload (multipart), status with paginated errors,
commit, the rejected rows as .xlsx; the same scope as the pages (404 outside it)."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from laoyuan.core.actions import api_token_create
from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import ImportBatch, Resident
from tests.registry.roster_files import WANG_ID, WANG_WIFE_ID, import_file, person, xlsx_bytes

BAD_ID = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")


def roster() -> bytes:
    return xlsx_bytes(
        [
            person(),
            person(姓名="李淑芬", 性别="女", 出生日期="1955-06-06", 身份证号=WANG_WIFE_ID),
            person(房号="401", 身份证号=BAD_ID),
            person(房号="402", 姓名=""),
            person(房号="403", 联系电话="99"),
        ]
    )


def api_client(user) -> Client:
    _, secret = api_token_create(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post_roster(client: Client, code: str, data: bytes, name: str = "花名册.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post("/api/v1/imports", {"compound": code, "file": upload})


def test_upload_preview_and_commit_through_the_api(world):
    client = api_client(world.li)
    # when a roster is uploaded
    response = post_roster(client, "WFY", roster())
    assert response.status_code == 201, response.content
    body = response.json()
    # then (the preview task ran at once in tests) the counts are there
    assert (body["compound"], body["status"], body["file_name"]) == (
        "WFY",
        "previewed",
        "花名册.xlsx",
    )
    assert (body["rows_read"], body["rows_valid"], body["rows_rejected"]) == (5, 2, 3)
    assert body["plan"] == {"create": 2, "update": 0, "unchanged": 0}
    assert body["result"] is None and body["created_by"] == "李社工"
    batch_id = body["id"]
    # the errors, a page at a time
    detail = client.get(f"/api/v1/imports/{batch_id}", {"errors_limit": 2}).json()
    assert detail["errors"]["count"] == 3
    assert [e["row_number"] for e in detail["errors"]["items"]] == [4, 5]
    first = detail["errors"]["items"][0]["problems"][0]
    assert first == {
        "column": "身份证号",
        "reason": "身份证号校验位不正确",
        "value": BAD_ID[:4] + "*" * 10 + BAD_ID[-4:],
    }
    rest = client.get(f"/api/v1/imports/{batch_id}", {"errors_limit": 2, "errors_offset": 2}).json()
    assert [e["row_number"] for e in rest["errors"]["items"]] == [6]
    assert BAD_ID not in str(detail) + str(rest)
    # commit
    response = client.post(f"/api/v1/imports/{batch_id}/commit")
    assert response.status_code == 202
    assert response.json()["status"] == "committed"
    assert response.json()["result"] == {"create": 2, "update": 0, "unchanged": 0}
    assert Resident.objects.filter(name__in=["王建国", "李淑芬"]).count() == 2
    # a second commit is refused
    again = client.post(f"/api/v1/imports/{batch_id}/commit")
    assert again.status_code == 409 and "不能导入" in again.json()["detail"]
    # the list
    listing = client.get("/api/v1/imports", {"compound": "WFY"}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == batch_id


def test_the_rejected_rows_as_xlsx(world):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    response = api_client(world.li).get(f"/api/v1/imports/{batch.pk}/rejected.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [4, 5, 6]
    assert "身份证号校验位不正确" in rows[1][1]
    assert BAD_ID not in str(rows)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("花名册.doc", b"abc", "只能导入 Excel"),
        ("花名册.xlsx", b"", "文件是空的"),
        ("花名册.csv", "序号,备注\n1,无\n".encode(), "没有找到表头"),
    ],
)
def test_unusable_files_get_400_with_the_reason_in_chinese(world, name, data, message):
    response = post_roster(api_client(world.li), "WFY", data, name)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_gets_400(world, settings):
    settings.LAOYUAN_IMPORT_MAX_BYTES = 100
    response = post_roster(api_client(world.li), "WFY", roster())
    assert response.status_code == 400 and "太大" in response.json()["detail"]


def test_missing_fields_get_422(world):
    response = api_client(world.li).post("/api/v1/imports", {"compound": "WFY"})
    assert response.status_code == 422


@pytest.mark.parametrize("who", ["qian", "chen", "zhang", "liu", "nobody"])
def test_outside_the_import_scope_everything_is_404(world, who):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    client = api_client(getattr(world, who))
    assert post_roster(client, "WFY", roster()).status_code == 404
    assert post_roster(client, "NO-SUCH", roster()).status_code == 404
    for url in (f"/api/v1/imports/{batch.pk}", f"/api/v1/imports/{batch.pk}/rejected.xlsx"):
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "未找到"}, url
    assert client.post(f"/api/v1/imports/{batch.pk}/commit").status_code == 404
    assert client.get("/api/v1/imports").json()["count"] == 0
    batch.refresh_from_db()
    assert batch.status == "previewed"
    assert not AuditEvent.objects.filter(action="import.upload", actor=getattr(world, who)).exists()


def test_without_credentials_the_api_answers_401(world):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    assert Client().get(f"/api/v1/imports/{batch.pk}").status_code == 401
    assert post_roster(Client(), "WFY", roster()).status_code == 401


def test_the_status_answer_runs_a_fixed_number_of_queries(world):
    client = api_client(world.li)
    small = import_file(world.li, world.wufuyuan, roster(), commit=False)
    many = [person(房号=str(500 + i), 身份证号=BAD_ID) for i in range(80)]
    large = import_file(world.li, world.wufuyuan, xlsx_bytes(many), commit=False)
    client.get("/api/v1/imports")  # the token records its first use once
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/imports/{batch.pk}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
