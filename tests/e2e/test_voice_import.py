"""Browser: li uploads a 12345 export with one bad row, reads the row error in Chinese, commits,
sees how many voices were added, and uploading the same file again adds none."""

from __future__ import annotations

from playwright.sync_api import expect

from laoyuan.voices.models import Voice
from tests.voices.import_files import case, hotline_xlsx


def _upload(page, compound_pk: int, path) -> None:
    page.goto(f"/compounds/{compound_pk}/voice-imports/new/")
    page.get_by_role("radio", name="12345工单表").check()
    page.get_by_label("文件（.xlsx、.xls 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()


def test_li_imports_a_12345_export_and_a_rerun_adds_nothing(page, e2e_world, sign_in, tmp_path):
    world = e2e_world
    path = tmp_path / "12345工单.xlsx"
    path.write_bytes(
        hotline_xlsx([case("E1"), case("E2", 诉求内容=""), case("E3", 诉求内容="2栋屋顶漏雨")])
    )
    sign_in(page, world.li)
    # when li uploads the export
    _upload(page, world.wufuyuan.pk, path)
    # then she sees the preview and the bad row explained in Chinese
    expect(page.get_by_text("检查完成，还没有导入。")).to_be_visible()
    problems = page.get_by_role("table").filter(has_text="诉求内容是空的")
    expect(problems).to_contain_text("第 3 行")
    # when she confirms
    page.get_by_role("button", name="确认导入 2 条意见").click()
    # then the page says how many voices were added
    expect(page.get_by_text("已新增2条意见。")).to_be_visible()
    assert Voice.objects.filter(compound=world.wufuyuan).count() == 2
    # when she uploads the same file again
    _upload(page, world.wufuyuan.pk, path)
    # then nothing is new
    expect(page.get_by_text("没有新的意见可以导入")).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert Voice.objects.filter(compound=world.wufuyuan).count() == 2
