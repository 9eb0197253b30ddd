"""The vote pages in English: the owner's ballot on her phone and the organiser's result page
read in English; the only Chinese left is data (names, places, the question as written)."""

import re

from django.urls import reverse

from laoyuan.decisions.votes.models import Matter
from tests.core.test_languages import in_english
from tests.votes import helpers as h

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def chinese_left(html: str, data: set[str]) -> set[str]:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return {w for w in CJK.findall(text) if not any(w in d for d in data)}


def test_the_owner_votes_in_english(world, login):
    poll = h.open_vote(world, Matter.ADVISORY, options=["上午", "下午"])
    client = in_english(login(world.liu))
    page = client.get(reverse("decisions:portal_vote", args=[poll.pk])).content.decode()
    assert "Not voted yet." in page and "Next" in page and "Back to my votes" in page
    data = {
        "屋面维修方案表决",
        "是否同意？",
        "上午",
        "下午",
        "五福苑",
        "刘桂兰",
        "1栋1单元101",
        "中文",
    }
    assert chinese_left(page, data) == set()


def test_the_result_page_in_english(world, login):
    c = world.wufuyuan
    u = h.units(c, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"])])
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(c, "5")])
    h.paper(world, vote, u[0], "甲", "yes")
    h.close(world, vote)
    client = in_english(login(world.li))
    page = client.get(reverse("decisions:vote", args=[vote.pk])).content.decode()
    assert "Not passed: the area or the persons taking part fell short" in page
    assert "(7) Rebuilding or reconstructing the buildings and their facilities" in page
    assert "Exclusive area taking part, of the total area" in page
    data = {
        "屋面维修方案表决", "是否同意？", "五福苑", "5栋", "甲", "乙", "业主大会", "李社工",
        "院坝", "《民法典》第二百七十八条（全国）", "中文", "《民法典》第二百七十八条第二款：经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意",
    }  # fmt: skip
    assert chinese_left(page, data) == set()
