"""`laoyuan import-roster FILE --compound CODE [--commit]`: the same checks and records as the
web page, from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import ImportBatch, Resident
from tests.registry.roster_files import WANG_ID, WANG_WIFE_ID, csv_bytes, person, xlsx_bytes

BAD_ID = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")
WIFE = {"姓名": "李淑芬", "性别": "女", "出生日期": "1955-06-06", "身份证号": WANG_WIFE_ID}


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "五福苑花名册.xlsx"
    path.write_bytes(xlsx_bytes([person(), person(**WIFE), person(房号="401", 身份证号=BAD_ID)]))
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import-roster", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_without_commit_it_only_previews(world, roster_file):
    output = run(roster_file, "--compound", "WFY")
    assert "读取 3 行：有效 2，有问题 1，重复 0" in output
    assert "新增居民 2 人" in output
    assert "第 4 行：身份证号：身份证号校验位不正确" in output
    assert "没有写入任何数据" in output
    assert not Resident.objects.filter(name="王建国").exists()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_by, batch.original_name) == (
        "previewed",
        None,
        "五福苑花名册.xlsx",
    )
    assert BAD_ID not in output


def test_with_commit_it_writes_the_valid_rows_and_records_the_batch(world, roster_file, tmp_path):
    rejected = tmp_path / "rejected.xlsx"
    output = run(roster_file, "--compound", "WFY", "--commit", "--rejected-out", rejected)
    assert "已导入" in output and "新增居民 2 人" in output
    assert Resident.objects.filter(name__in=["王建国", "李淑芬"]).count() == 2
    batch = ImportBatch.objects.get()
    assert batch.status == "committed" and batch.done_create == 2
    assert list(
        AuditEvent.objects.filter(object_id=str(batch.pk)).values_list("action", flat=True)
    ) == ["import.commit", "import.preview", "import.upload"]
    rows = list(load_workbook(rejected).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [4] and BAD_ID not in str(rows)
    # the same file again: nothing changes
    output = run(roster_file, "--compound", "WFY", "--commit")
    assert "新增居民 0 人，更新 0 人，无变化 2 人" in output


def test_acting_as_a_user_checks_her_permission_and_records_her(world, roster_file):
    run(roster_file, "--compound", "WFY", "--user", "li")
    assert ImportBatch.objects.get().created_by == world.li
    with pytest.raises(CommandError, match="没有导入"):
        run(roster_file, "--compound", "WFY", "--user", "chen")


def test_csv_files_work_too(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person()], encoding="gb18030"))
    assert "有效 1" in run(path, "--compound", "WFY")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compound", "NOPE"], "找不到编码为 NOPE 的小区"),
        (["--compound", "WFY", "--user", "ghost"], "找不到用户 ghost"),
    ],
)
def test_bad_arguments_are_explained(world, roster_file, args, message):
    with pytest.raises(CommandError, match=message):
        run(roster_file, *args)


def test_an_unusable_file_is_explained(world, tmp_path):
    path = tmp_path / "花名册.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="只能导入 Excel"):
        run(path, "--compound", "WFY")
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "missing.xlsx", "--compound", "WFY")
    assert not ImportBatch.objects.exists()
