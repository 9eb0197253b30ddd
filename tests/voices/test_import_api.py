"""The voice import through the JSON API: upload (multipart), the preview with row errors,
choosing opinion columns, commit, and 404 outside the scope."""

from __future__ import annotations

import io

from django.test import Client

from laoyuan.core.actions import api_token_create
from laoyuan.voices.models import Voice
from tests.voices.import_files import CALLER_PHONE, case, hotline_xlsx, xlsx_bytes


def api_client(user) -> Client:
    _, secret = api_token_create(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post_file(client: Client, data: bytes, name: str, **fields):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post("/api/v1/voice-imports", {"file": upload, **fields})


def test_a_hotline_export_through_the_api(world):
    client = api_client(world.li)
    # when li uploads a 12345 export with one bad row
    data = hotline_xlsx([case("A1"), case("A2", 诉求内容="")])
    response = post_file(client, data, "12345.xlsx", compound="WFY", kind="hotline")
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    # then the batch shows the preview, the proposed category and the row error
    body = client.get(f"/api/v1/voice-imports/{batch_id}").json()
    assert (body["status"], body["rows_valid"], body["rows_rejected"]) == ("previewed", 1, 1)
    assert body["sample"][0]["category"]
    assert body["errors"]["items"][0] == {
        "row_number": 3,
        "problems": [{"column": "诉求内容", "reason": "诉求内容是空的", "value": ""}],
    }
    assert CALLER_PHONE not in str(body)
    # and committing records the voice; a second commit is refused
    response = client.post(f"/api/v1/voice-imports/{batch_id}/commit")
    assert response.status_code == 202
    assert client.get(f"/api/v1/voice-imports/{batch_id}").json()["done_create"] == 1
    assert client.post(f"/api/v1/voice-imports/{batch_id}/commit").status_code == 409
    assert Voice.objects.count() == 1


def test_a_questionnaire_waits_for_its_columns_through_the_api(world):
    client = api_client(world.li)
    data = xlsx_bytes(cells=[["姓名", "您的想法"], ["王大爷", "希望加装电梯"]])
    response = post_file(
        client, data, "问卷.xlsx", compound="WFY", kind="questionnaire", said_on="2024-05-03"
    )
    body = response.json()
    assert body["needs_columns"] and body["status"] == "uploaded"
    # an unknown column is refused by name
    bad = client.post(
        f"/api/v1/voice-imports/{body['id']}/columns",
        {"columns": ["不存在"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "“不存在”" in bad.json()["detail"]
    ok = client.post(
        f"/api/v1/voice-imports/{body['id']}/columns",
        {"columns": ["您的想法"]},
        content_type="application/json",
    )
    assert ok.status_code == 202
    assert client.get(f"/api/v1/voice-imports/{body['id']}").json()["voices_new"] == 1


def test_bad_uploads_answer_400_in_chinese(world):
    client = api_client(world.li)
    response = post_file(client, b"\x89PNG\r\n\x1a\n", "a.xlsx", compound="WFY", kind="hotline")
    assert response.status_code == 400
    assert "内容不是 Excel 文件" in response.json()["detail"]
    response = post_file(client, hotline_xlsx([case()]), "a.xlsx", compound="WFY", kind="x")
    assert response.status_code == 400


def test_outsiders_get_404_through_the_api(world):
    batch_id = post_file(
        api_client(world.li), hotline_xlsx([case()]), "a.xlsx", compound="WFY", kind="hotline"
    ).json()["id"]
    client = api_client(world.qian)
    assert client.get(f"/api/v1/voice-imports/{batch_id}").status_code == 404
    assert client.post(f"/api/v1/voice-imports/{batch_id}/commit").status_code == 404
    response = post_file(client, hotline_xlsx([case()]), "a.xlsx", compound="WFY", kind="hotline")
    assert response.status_code == 404
    assert client.get("/api/v1/voice-imports").json()["count"] == 0
