"""The community worker 李社工 comes back from an evening talk (夜话) at 五福苑 and enters three
voices at once, one of them anonymous. A row with a name but no text is refused without losing
anything typed; she fixes it and saves, then accepts the system's grouping proposal and finds
the new topic (议题)."""

import re

from playwright.sync_api import expect

from laoyuan.voices.models import Topic, Voice


def test_li_batch_enters_an_evening_talk_and_groups_it(page, e2e_world, sign_in):
    world = e2e_world
    # The server's first answer loads the URLconf and with it the text engine (scikit-learn):
    # seconds on a busy machine, longer than a page's default timeout.
    page.goto("/accounts/login/", timeout=60_000)
    sign_in(page, world.li)
    page.goto("/voices/")
    page.get_by_label("批量录入意见：选择小区").select_option(label="五福苑")
    page.get_by_role("button", name="去批量录入").click()
    expect(page.get_by_role("heading", name="批量录入意见：五福苑")).to_be_visible()

    # Given the evening talk's details and three rows, one anonymous, one without its text
    page.get_by_label("渠道").select_option(label="夜话")
    page.get_by_label("场次").fill("五福夜话 第12期")
    row1 = page.get_by_role("group", name="第1条")
    row1.get_by_label("内容").fill("3栋楼顶漏雨，下雨天家里天花板滴水")
    row1.get_by_label("反映人").fill("王大爷")
    row1.get_by_label("楼栋").select_option(label="1栋")
    row2 = page.get_by_role("group", name="第2条")
    row2.get_by_label("内容").fill("3栋顶楼漏雨，天花板一直滴水")
    row2.get_by_label("匿名").check()
    row3 = page.get_by_role("group", name="第3条")
    row3.get_by_label("反映人").fill("李阿姨")
    row3.get_by_label("具体位置").fill("北门")
    # and one more (empty) row added with the button: it will be ignored
    page.get_by_role("button", name="再加一行").click()
    expect(page.get_by_role("group", name="第6条")).to_be_visible()

    # When she saves, then the bad row is named, nothing is saved and nothing is lost
    page.get_by_role("button", name="保存全部意见").click()
    summary = page.get_by_role("alert").first
    expect(summary).to_contain_text("意见还没有保存")
    expect(summary).to_contain_text("第3条：内容是空的")
    assert Voice.objects.count() == 0
    row1 = page.get_by_role("group", name="第1条")
    expect(row1.get_by_label("内容")).to_have_value("3栋楼顶漏雨，下雨天家里天花板滴水")
    expect(row1.get_by_label("楼栋")).to_have_value(str(world.b1.pk))
    expect(page.get_by_role("group", name="第2条").get_by_label("匿名")).to_be_checked()
    row3 = page.get_by_role("group", name="第3条")
    expect(row3.get_by_label("反映人")).to_have_value("李阿姨")
    expect(page.get_by_label("场次")).to_have_value("五福夜话 第12期")

    # When she writes what 李阿姨 said and saves again
    row3.get_by_label("内容").fill("希望小区办一个老年食堂，老人吃饭方便")
    page.get_by_role("button", name="保存全部意见").click()

    # Then the three voices are saved and she is on the grouping page
    expect(page.get_by_role("status")).to_contain_text("已保存3条意见")
    expect(page.get_by_role("heading", name="归并建议：五福苑")).to_be_visible()
    assert Voice.objects.filter(anonymous=True, speaker_name="").count() == 1
    assert set(Voice.objects.values_list("occasion", flat=True)) == {"五福夜话 第12期"}

    # The two leak voices are proposed as one new topic; she names it and accepts it
    proposal = page.get_by_role("region", name="建议1：新建议题")
    expect(proposal.get_by_role("checkbox")).to_have_count(2)
    proposal.get_by_label("议题名称").fill("3栋屋面漏水")
    proposal.get_by_role("button", name="接受：新建议题").click()

    # Then the new topic is listed and leads to its page
    expect(page.get_by_role("status")).to_contain_text("已把2条意见归入议题")
    done = page.get_by_role("region", name="刚刚归入的议题")
    done.get_by_role("link", name="3栋屋面漏水").click()
    topic = Topic.objects.get()
    expect(page).to_have_url(re.compile(rf"/topics/{topic.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text("3栋屋面漏水")
    assert topic.voices.count() == 2
