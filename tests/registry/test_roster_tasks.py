"""In production the preview and the commit run in the task worker (django-tasks with the
database backend): the upload and the confirm button only queue them, and the batch page
shows the waiting state until the worker is done."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from laoyuan.registry.models import ImportBatch, ImportStatus, Resident
from tests.registry.roster_files import WANG_WIFE_ID, person, xlsx_bytes

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def test_the_worker_does_the_preview_and_the_commit(transactional_db, world, login, database_tasks):
    # transactional_db: the worker closes its database connection when it is done, which a
    # test wrapped in one transaction would not survive on PostgreSQL.
    client = login(world.li)
    data = xlsx_bytes(
        [person(), person(姓名="李淑芬", 性别="女", 出生日期="1955-06-06", 身份证号=WANG_WIFE_ID)]
    )
    response = client.post(
        reverse("registry:import_upload", args=[world.wufuyuan.pk]),
        {"file": SimpleUploadedFile("花名册.xlsx", data)},
    )
    batch = ImportBatch.objects.get()
    detail = response["Location"]
    # queued, not done: the page says so and keeps asking for the status
    assert batch.status == ImportStatus.UPLOADED
    assert "已上传，等待检查…" in client.get(detail).content.decode()
    assert client.get(reverse("api:import_detail", args=[batch.pk])).json()["status"] == "uploaded"
    # the worker runs the preview
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_valid, batch.plan_create) == ("previewed", 2, 2)
    assert "确认导入 2 条有效记录" in client.get(detail).content.decode()
    # confirming queues the commit; the worker writes
    client.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTING
    assert "正在导入…" in client.get(detail).content.decode()
    assert not Resident.objects.filter(name="王建国").exists()
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.done_create) == ("committed", 2)
    assert Resident.objects.filter(name__in=["王建国", "李淑芬"]).count() == 2
