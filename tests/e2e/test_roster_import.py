"""The community worker 李社工 imports 五福苑's roster in the browser: upload, read the preview
with each bad row explained, confirm, see the result, download the rows that were not imported."""

import io

from openpyxl import load_workbook

from laoyuan.registry.models import Resident
from tests.registry.roster_files import WANG_ID, WANG_WIFE_ID, person, xlsx_bytes

BAD_ID = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")


def roster(tmp_path):
    path = tmp_path / "五福苑花名册.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                person(),
                person(姓名="李淑芬", 性别="女", 出生日期="1955/6/6", 身份证号=WANG_WIFE_ID),
                person(房号="401", 姓名="错号码", 身份证号=BAD_ID),
                person(房号="402", 姓名="", 建筑面积="七十平"),
            ],
            title="五福苑居民花名册",
        )
    )
    return path


def test_li_imports_a_roster_with_bad_rows(page, e2e_world, sign_in, tmp_path):
    world = e2e_world
    sign_in(page, world.li)
    # she opens 五福苑 and chooses to import a roster
    page.goto(f"/compounds/{world.wufuyuan.pk}/")
    page.get_by_role("link", name="导入居民花名册").click()
    assert page.get_by_role("heading", level=1).inner_text() == "五福苑：导入居民花名册"
    # she picks her file and uploads it
    page.get_by_label("花名册文件（.xlsx、.xls 或 .csv）").set_input_files(roster(tmp_path))
    page.get_by_role("button", name="上传并检查").click()
    # the preview says what would happen and explains each bad row
    page.get_by_text("检查完成，还没有导入。").wait_for()
    assert "新增居民 2 人" in page.inner_text("main")
    problems = page.get_by_role("table").filter(has_text="行号是 Excel 中看到的行号")
    row5 = problems.get_by_role("row").filter(has_text="第 5 行")
    assert "身份证号：身份证号校验位不正确" in row5.inner_text()
    assert "5101**********" in row5.inner_text() and BAD_ID not in page.content()
    row6 = problems.get_by_role("row").filter(has_text="第 6 行")
    assert "缺少姓名" in row6.inner_text() and "建筑面积不是有效数字" in row6.inner_text()
    assert Resident.objects.filter(name="王建国").count() == 0
    # she confirms
    page.get_by_role("button", name="确认导入 2 条有效记录").click()
    page.get_by_text("已导入。").wait_for()
    assert "新增居民 2 人，更新 0 人，0 人没有变化。" in page.inner_text("main")
    assert Resident.objects.filter(name__in=["王建国", "李淑芬"]).count() == 2
    # and downloads the rows that were not imported, to fix them
    with page.expect_download() as info:
        page.get_by_role("link", name="下载未导入的行（Excel）").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = list(
        load_workbook(io.BytesIO(open(download.path(), "rb").read())).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][:3] == ("原文件行号", "问题", "楼栋")
    assert [r[0] for r in rows[1:]] == [5, 6]
    assert "身份证号校验位不正确" in rows[1][1]
    assert rows[1][rows[0].index("姓名")] == "错号码"
    assert rows[1][rows[0].index("身份证号")] == BAD_ID[:4] + "*" * 10 + BAD_ID[-4:]
    assert BAD_ID not in str(rows)


def test_a_wrong_file_gets_a_clear_message(page, e2e_world, sign_in, tmp_path):
    sign_in(page, e2e_world.li)
    page.goto(f"/compounds/{e2e_world.wufuyuan.pk}/imports/new/")
    wrong = tmp_path / "照片.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0 not a roster")
    page.get_by_label("花名册文件（.xlsx、.xls 或 .csv）").set_input_files(wrong)
    page.get_by_role("button", name="上传并检查").click()
    alert = page.get_by_role("alert")
    assert "“照片.jpg”不是花名册文件" in alert.inner_text()
    assert "系统中的数据没有任何改动" in alert.inner_text()


def test_on_a_phone_the_upload_page_fits_the_screen(page, e2e_world, sign_in):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, e2e_world.li)
    page.goto(f"/compounds/{e2e_world.wufuyuan.pk}/imports/new/")
    assert page.get_by_role("button", name="上传并检查").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
