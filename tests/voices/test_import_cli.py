"""`laoyuan import-voices`: preview by default, --commit to record, Chinese output."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laoyuan.voices.models import Voice
from tests.voices.import_files import CALLER_PHONE, answer, case, hotline_xlsx, xlsx_bytes


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import-voices", *args, stdout=out)
    return out.getvalue()


def test_preview_then_commit_then_nothing_new(world, tmp_path):
    path = tmp_path / "12345.xlsx"
    path.write_bytes(hotline_xlsx([case("K1"), case("")]))
    # a preview prints the figures and the row error, and writes nothing
    out = _run(str(path), "--compound", "WFY", "--kind", "hotline")
    assert "读取 2 行：有效 1，有问题 1" in out
    assert "第 3 行：工单编号：工单编号是空的" in out
    assert "这只是检查" in out and Voice.objects.count() == 0
    assert CALLER_PHONE not in out
    # --commit records it
    assert "已新增1条意见" in _run(str(path), "--compound", "WFY", "--kind", "hotline", "--commit")
    # running it again creates nothing new
    out = _run(str(path), "--compound", "WFY", "--kind", "hotline", "--commit")
    assert "已导入过 1" in out and "已新增0条意见" in out
    assert Voice.objects.count() == 1


def test_a_questionnaire_with_named_opinion_columns(world, tmp_path):
    path = tmp_path / "问卷.xlsx"
    path.write_bytes(xlsx_bytes(cells=[["姓名", "想法一", "想法二"], ["王大爷", "修路", "装灯"]]))
    out = _run(
        str(path),
        "--compound",
        "WFY",
        "--kind",
        "questionnaire",
        "--date",
        "2024-05-03",
        "--opinion-col",
        "想法一",
        "--opinion-col",
        "想法二",
        "--commit",
        "--user",
        "li",
    )
    assert "已新增2条意见" in out
    assert set(Voice.objects.values_list("recorded_by__username", flat=True)) == {"li"}


def test_errors_are_clear(world, tmp_path):
    path = tmp_path / "问卷.xlsx"
    path.write_bytes(xlsx_bytes(cells=[["姓名", "想法一"], ["王大爷", "修路"]]))
    with pytest.raises(CommandError, match="请用 --opinion-col 指明"):
        _run(str(path), "--compound", "WFY", "--kind", "questionnaire", "--date", "2024-05-03")
    with pytest.raises(CommandError, match="找不到编码为 NOPE 的小区"):
        _run(str(path), "--compound", "NOPE", "--kind", "questionnaire")
    with pytest.raises(CommandError, match="没有导入 五福苑 意见的权限"):
        _run(str(path), "--compound", "WFY", "--kind", "hotline", "--user", "qian")
    good = tmp_path / "a.xlsx"
    good.write_bytes(xlsx_bytes([answer()]))
    assert "将新增 1 条意见" in _run(str(good), "--compound", "WFY", "--kind", "questionnaire")
