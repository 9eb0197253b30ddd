"""The street official 王街道 reads the funnel (意见漏斗) in the browser: his whole street first,
then 五福苑 for a period; he sees the numbers and the chart, and downloads the Excel file."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.voices.funnel_data import SINCE, UNTIL, make_history


def test_wang_reads_the_funnel_and_downloads_it(page, e2e_world, sign_in):
    world = e2e_world
    make_history(world)
    sign_in(page, world.wang)
    # he opens the funnel: it starts with his street, all time
    page.goto("/funnel/")
    assert page.get_by_role("heading", level=1).inner_text() == "意见漏斗"
    assert page.get_by_label("街道", exact=True).input_value() == str(world.shahe.pk)
    steps = page.get_by_role("group", name="漏斗各步数量")
    assert "10" in steps.get_by_text("条意见").inner_text()
    # he chooses 五福苑 and the period, and looks
    page.get_by_label("小区", exact=True).select_option(label="五福苑")
    page.get_by_label("开始日期", exact=True).fill(SINCE.isoformat())
    page.get_by_label("结束日期", exact=True).fill(UNTIL.isoformat())
    page.get_by_role("button", name="查看").click()
    page.wait_for_load_state()
    lead = page.locator("p.lead").inner_text()
    assert "五福苑" in lead and f"{SINCE.isoformat()} 至 {UNTIL.isoformat()}" in lead
    assert steps.get_by_text("条意见").inner_text().startswith("7")
    assert steps.get_by_text("个议题").inner_text().startswith("3")
    assert steps.get_by_text("个入项目库").inner_text().startswith("1")
    # the chart is there, named for a screen reader, with the same numbers as the table
    chart = page.get_by_role("img", name="意见漏斗：沙河街道 · 沙河社区 · 五福苑")
    assert chart.is_visible()
    table = page.get_by_role("table").filter(has_text="漏斗各步")
    assert table.get_by_role("row").filter(has_text="议题").first.inner_text().split()[-1] == "3"
    channels = page.get_by_role("table").filter(has_text="各渠道的意见和议题")
    assert channels.get_by_role("row").filter(has_text="夜话").inner_text().split()[:3] == [
        "夜话",
        "3",
        "1",
    ]
    # the preset "this year" is one click away and keeps the place
    page.get_by_role("link", name="近12个月").click()
    page.wait_for_load_state()
    assert "五福苑" in page.locator("p.lead").inner_text()
    assert steps.get_by_text("条意见").inner_text().startswith("9")
    # and he downloads the Excel file of what he sees
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel（.xlsx）").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "五福苑" in download.suggested_filename
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert book.sheetnames == ["漏斗", "按渠道", "按分类", "议题"]
    steps_sheet = {r[0]: r[1] for r in book["漏斗"].iter_rows(min_row=5, values_only=True)}
    assert steps_sheet["意见"] == 9 and steps_sheet["入项目库"] == 1
