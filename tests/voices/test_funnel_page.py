"""The funnel page (意见漏斗): exact figures for a place and a period, by channel and by
category, merged topics counted once, voices outside the period left out, the default place
of each role, bad dates explained, and a fixed number of queries whatever the data size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laoyuan.voices.models import Channel
from tests.voices.funnel_data import SINCE, TODAY, UNTIL, make_history, more_voices

URL = "/funnel/"


def numbers(response) -> dict[str, int]:
    """The big numbers as a person reads them off the page."""
    html = response.content.decode()
    return {k: int(v) for k, v in re.findall(r'data-step="(\w+)">(\d+)<', html)}


def row_of(response, table_caption: str, label: str) -> list[int]:
    """One row of a table on the page (by the table's caption and the row's heading)."""
    html = response.content.decode()
    table = html.split(f"<caption>{table_caption}</caption>", 1)[1].split("</table>", 1)[0]
    row = table.split(f'<th scope="row" class="nowrap">{label}</th>', 1)[1].split("</tr>", 1)[0]
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]


@pytest.fixture
def history(world):
    return make_history(world)


def test_the_period_counts_only_voices_said_in_it(history, world, login):
    # given the hand-made history of 五福苑
    # when wang opens the funnel of 五福苑 for the period
    response = login(world.wang).get(
        URL, {"compound": world.wufuyuan.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()}
    )
    # then the voices said in the period and their topics are counted; T3 (merged into T2)
    # and T5 (its voice came after the period) are not
    assert response.status_code == 200
    assert numbers(response) == {
        "voices": 7,
        "topics": 3,
        "decided": 1,
        "project": 1,
        "case": 0,
        "answered": 0,
        "rejected": 1,
        "waiting": 0,
        "ungrouped": 1,
    }
    text = response.content.decode()
    assert "沙河街道 · 沙河社区 · 五福苑" in text
    assert f"{SINCE.isoformat()} 至 {UNTIL.isoformat()}" in text


def test_all_time_counts_every_voice_once(history, world, login):
    response = login(world.li).get(URL, {"compound": world.wufuyuan.pk, "period": "all"})
    got = numbers(response)
    assert (got["voices"], got["topics"], got["decided"]) == (9, 4, 2)
    assert (got["project"], got["answered"], got["rejected"], got["ungrouped"]) == (1, 1, 1, 1)


def test_the_community_and_the_street_add_up_their_compounds(history, world, login):
    community = login(world.li).get(
        URL,
        {"community": world.shahe_community.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()},
    )
    assert (numbers(community)["voices"], numbers(community)["topics"]) == (8, 4)
    street = login(world.wang).get(URL, {"street": world.shahe.pk, "period": "all"})
    assert (numbers(street)["voices"], numbers(street)["topics"]) == (10, 5)


def test_by_channel_and_by_category(history, world, login):
    response = login(world.wang).get(
        URL, {"compound": world.wufuyuan.pk, "from": SINCE.isoformat(), "to": UNTIL.isoformat()}
    )
    channels = "各渠道的意见和议题"
    #                       voices topics decided project case answered rejected
    assert row_of(response, channels, "夜话") == [3, 1, 1, 1, 0, 0, 0]
    assert row_of(response, channels, "电话") == [1, 1, 0, 0, 0, 0, 0]
    assert row_of(response, channels, "入户走访") == [1, 1, 0, 0, 0, 0, 0]
    assert row_of(response, channels, "12345热线") == [1, 1, 0, 0, 0, 0, 1]
    assert row_of(response, channels, "坝坝会") == [1, 0, 0, 0, 0, 0, 0]
    assert "问卷" not in response.content.decode().split(channels)[1].split("</table>")[0]
    categories = "各分类的意见和议题"
    assert row_of(response, categories, "房屋本体") == [3, 1, 1, 1, 0, 0, 0]
    assert row_of(response, categories, "停车充电") == [2, 1, 0, 0, 0, 0, 0]
    assert row_of(response, categories, "公共服务") == [1, 1, 0, 0, 0, 0, 1]
    assert row_of(response, categories, "邻里关系") == [1, 0, 0, 0, 0, 0, 0]


def test_the_charts_are_inline_svg_with_their_numbers(history, world, login):
    response = login(world.wang).get(URL, {"compound": world.wufuyuan.pk, "period": "all"})
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 3
    assert '<title id="funnel-chart-title">意见漏斗：沙河街道 · 沙河社区 · 五福苑，全部时间' in html
    assert "意见 9；议题 4；已决定 2；入项目库 1；转工单 0；答复办结 1；不予采纳 1" in html
    assert "夜话：意见 4" in html  # the channel chart's description
    assert "<script src=" in html and "cdn" not in html.lower()


def test_presets_this_year_and_last_twelve_months(history, world, login):
    client = login(world.wang)
    this_year = numbers(client.get(URL, {"compound": world.wufuyuan.pk, "period": "year"}))
    in_year = sum(
        1
        for days in (30, 30, 30, 100, 20, 15, 12, 5, 11)
        if (TODAY - __import__("datetime").timedelta(days=days)).year == TODAY.year
    )
    assert this_year["voices"] == in_year
    last_12 = numbers(client.get(URL, {"compound": world.wufuyuan.pk, "period": "12m"}))
    assert last_12["voices"] == 9
    page = client.get(URL, {"period": "12m"}).content.decode()
    assert 'aria-current="true">近12个月</a>' in page


def test_each_role_starts_from_the_widest_place_it_has(history, world, login):
    def lead(user) -> str:
        html = login(user).get(URL).content.decode()
        return re.search(r'<p class="lead">([^，]+)，', html).group(1)

    assert lead(world.wang) == "沙河街道"
    assert lead(world.li) == "沙河街道 · 沙河社区"
    assert lead(world.zhang) == "沙河街道 · 沙河社区 · 五福苑"
    assert lead(world.chen) == "沙河街道 · 沙河社区 · 五福苑"
    assert lead(world.qian) == "沧浪街道 · 桂花社区"
    # and the grid worker's default is all of 五福苑 (topics are compound-wide)
    assert numbers(login(world.zhang).get(URL))["voices"] == 9


def test_bad_dates_are_explained_and_ignored(history, world, login):
    client = login(world.wang)
    response = client.get(URL, {"from": "2025-13-40"})
    assert response.status_code == 200
    assert "开始日期“2025-13-40”不是有效日期" in response.content.decode()
    assert numbers(response)["voices"] == 10
    response = client.get(URL, {"from": UNTIL.isoformat(), "to": SINCE.isoformat()})
    assert "晚于结束日期" in response.content.decode()
    assert numbers(response)["voices"] == 10


def test_a_category_name_is_shown_escaped(world, login):
    # given a street whose taxonomy has a category named with markup, and a voice in it
    from laoyuan.voices import actions

    actions.taxonomy_save(
        actor=world.wang,
        street=world.shahe,
        data={"categories": [{"name": "<img src=x onerror=alert(1)>", "children": []}]},
    )
    (voice,) = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.PHONE,
        said_on=TODAY,
        entries=[actions.VoiceEntry(text="<script>alert(1)</script>路灯坏了")],
    )
    actions.voice_set_category(actor=world.li, voice=voice, category="<img src=x onerror=alert(1)>")
    # when the funnel is shown
    html = login(world.wang).get(URL).content.decode()
    # then the name is text, in the table and in the chart
    assert "<img src=x" not in html and "<script>alert" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 2


def _count(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("wang", {}),
        ("wang", {"compound": "wufuyuan", "period": "12m"}),
        ("li", {"community": "shahe_community"}),
        ("zhang", {}),
    ],
)
def test_the_page_runs_a_fixed_number_of_queries(world, login, who, params):
    params = {k: getattr(world, v).pk if hasattr(world, str(v)) else v for k, v in params.items()}
    client = login(world.users[who])
    client.get(URL)  # the session and the first-request work are not what we measure
    make_history(world)
    small = _count(client, params)
    more_voices(world, 12)
    assert _count(client, params) == small


def test_a_district_official_or_several_places_start_from_everything(history, world, login):
    from laoyuan.core.models import Role, RoleAssignment, User

    # given a district-level official of 锦江区, and a worker of two communities
    district = User.objects.create_user(username="qu", password="laoyuan-test-pw")
    RoleAssignment.objects.create(
        user=district, role=Role.STREET_OFFICIAL, level="district", district=world.jinjiang
    )
    both = User.objects.create_user(username="two", password="laoyuan-test-pw")
    for community in (world.shahe_community, world.dongguang_community):
        RoleAssignment.objects.create(
            user=both, role=Role.COMMUNITY_WORKER, level="community", community=community
        )
    # when they open the funnel, it covers everything they see, named as such
    html = login(district).get(URL).content.decode()
    assert '<p class="lead">锦江区，全部时间' in html and "全部街道" in html
    assert numbers(login(district).get(URL))["voices"] == 10
    html = login(both).get(URL).content.decode()
    assert '<p class="lead">我的全部工作范围，全部时间' in html
    assert "沙河社区" in html and "东光社区" in html
    # and each of their places can be chosen
    assert login(both).get(URL, {"community": world.dongguang_community.pk}).status_code == 200
    assert login(both).get(URL, {"street": world.shahe.pk}).status_code == 404
