"""Publishing a vote's result as a public notice from the vote's page: the closed vote offers it
to its organisers; the form starts today for 7 working days; a refused form keeps what was
typed and stores nothing; once published the vote's page lists the notice and offers no
second one; the notice's page links back to the vote; the owner sees the notice on her vote
page and can open it on her portal, where it links back to her vote."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from laoyuan.decisions.votes.models import Matter
from laoyuan.notices import actions as notice_actions
from laoyuan.notices.models import Notice
from tests.votes import helpers as h


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def lift(world):
    """Building 5's lift vote: 甲 (an account) and 乙 agree; closed and counted."""
    c = world.wufuyuan
    u = h.units(c, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"])])
    jia = h.account_for(h.owner_named(c, "甲"), u[0], "jia")
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(c, "5")])
    h.online(jia, vote, u[0], "yes")
    h.paper(world, vote, u[1], "乙", "yes")
    return h.close(world, vote), jia


def _form(**over) -> dict:
    data = {
        "starts_on": timezone.localdate().isoformat(),
        "period_days": "7",
        "working_days": "1",
        "note": "书面异议请交五福苑党群服务站。",
    }
    data.update(over)
    return data


def test_the_organiser_publishes_the_result_from_the_votes_page(world, login, lift):
    vote, _jia = lift
    client = login(world.li)
    # given the closed vote's page: not published yet, and the button to publish
    page = text(client.get(reverse("decisions:vote", args=[vote.pk])))
    assert "表决结果还没有公示。" in page
    publish_url = reverse("decisions:vote_notice", args=[vote.pk])
    assert publish_url in page
    # the form starts today, for 7 working days
    form = text(client.get(publish_url))
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form
    assert 'name="period_days" value="7"' in form
    assert re.search(r'value="1"[^>]*checked', form)
    # when she publishes
    response = client.post(publish_url, _form())
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notices:notice", args=[notice.pk])
    # then the notice's page links back to the vote
    page = text(client.get(response.url))
    assert f'href="{reverse("decisions:vote", args=[vote.pk])}"' in page
    assert "表决：" in page
    # and the vote's page lists the notice, with no second button
    page = text(client.get(reverse("decisions:vote", args=[vote.pk])))
    assert reverse("notices:notice", args=[notice.pk]) in page
    assert notice.title in page and "已发布" in page
    assert publish_url not in page
    # the form now says why there is nothing to publish
    assert "已经公示" in text(client.get(publish_url))


def test_a_refused_form_keeps_what_was_typed_and_stores_nothing(world, login, lift):
    vote, _jia = lift
    client = login(world.li)
    url = reverse("decisions:vote_notice", args=[vote.pk])
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    for bad in ({"period_days": "0"}, {"starts_on": yesterday}, {"period_days": "七"}):
        page = text(client.post(url, _form(**bad)))
        assert "没有保存：请按提示修改。" in page
        assert "书面异议请交五福苑党群服务站。" in page
    assert not Notice.objects.exists()


def test_a_vote_not_counted_offers_no_notice(world, login):
    h.units(world.wufuyuan, "5", [("101", "70.00", ["甲"])])
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(world.wufuyuan, "5")])
    client = login(world.li)
    url = reverse("decisions:vote_notice", args=[vote.pk])
    assert url not in text(client.get(reverse("decisions:vote", args=[vote.pk])))
    assert "结束投票并计票后才能公示结果" in text(client.get(url))
    page = text(client.post(url, _form()))
    assert "结束投票并计票后才能公示结果" in page
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["zhang", "sun", "qian"])
def test_those_who_do_not_organise_the_vote_get_404(world, login, lift, who):
    vote, _jia = lift
    client = login(world.users[who])
    assert client.get(reverse("decisions:vote_notice", args=[vote.pk])).status_code == 404
    assert client.post(reverse("decisions:vote_notice", args=[vote.pk]), _form()).status_code == 404
    assert not Notice.objects.exists()


def test_the_grid_worker_sees_the_notice_but_no_button(world, login, lift):
    vote, _jia = lift
    login(world.li).post(reverse("decisions:vote_notice", args=[vote.pk]), _form())
    page = text(login(world.zhang).get(reverse("decisions:vote", args=[vote.pk])))
    assert Notice.objects.get().title in page
    assert reverse("decisions:vote_notice", args=[vote.pk]) not in page


def test_the_owner_opens_the_notice_from_her_vote_and_comes_back(world, login, lift):
    vote, jia = lift
    login(world.li).post(reverse("decisions:vote_notice", args=[vote.pk]), _form())
    notice = Notice.objects.get()
    client = login(jia)
    # her vote page shows the result and the notice, on her portal
    page = text(client.get(reverse("decisions:portal_vote", args=[vote.pk])))
    assert reverse("notices:portal_notice", args=[notice.pk]) in page
    # the notice on her portal links back to her vote
    page = text(client.get(reverse("notices:portal_notice", args=[notice.pk])))
    assert f'href="{reverse("decisions:portal_vote", args=[vote.pk])}"' in page


def test_an_owner_living_elsewhere_gets_the_public_page(world, login, lift):
    # given 刘桂兰 (lives in building 1) also owns a flat in building 5 that voted
    vote, _jia = lift
    login(world.li).post(reverse("decisions:vote_notice", args=[vote.pk]), _form())
    notice = Notice.objects.get()
    h.units(world.wufuyuan, "5", [("301", "60.00", ["刘桂兰"])])
    second = h.open_vote(world, Matter.REBUILD, buildings=[h.building(world.wufuyuan, "5")])
    h.online(world.liu, second, world.wufuyuan.units.get(room_number="301"), "yes")
    second = h.close(world, second)
    login(world.li).post(reverse("decisions:vote_notice", args=[second.pk]), _form())
    other = Notice.objects.exclude(pk=notice.pk).get()
    # her vote page links the notice's public page (it does not reach her home in building 1)
    page = text(login(world.liu).get(reverse("decisions:portal_vote", args=[second.pk])))
    assert reverse("notices:public_notice", args=[other.pk]) in page


def test_a_withdrawn_notice_shows_as_withdrawn_and_may_be_replaced(world, login, lift):
    vote, _jia = lift
    client = login(world.li)
    client.post(reverse("decisions:vote_notice", args=[vote.pk]), _form())
    notice_actions.notice_withdraw(actor=world.li, notice=Notice.objects.get(), reason="写错了")
    page = text(client.get(reverse("decisions:vote", args=[vote.pk])))
    assert "已撤回" in page
    assert reverse("decisions:vote_notice", args=[vote.pk]) in page
    assert client.post(reverse("decisions:vote_notice", args=[vote.pk]), _form()).status_code == 302
    assert Notice.objects.filter(state="published").count() == 1


def test_the_form_reads_in_english(world, login, lift):
    from tests.core.test_languages import in_english
    from tests.votes.test_pages_english import chinese_left

    vote, _jia = lift
    client = in_english(login(world.li))
    page = text(client.get(reverse("decisions:vote_notice", args=[vote.pk])))
    assert "Publish the result" in page and "Additional note (optional)" in page
    data = {"屋面维修方案表决结果公示", "屋面维修方案表决", "五福苑（5栋）", "中文", "李社工"}
    assert chinese_left(page, data) == set()
    # a refusal reads in English too
    page = text(
        client.post(reverse("decisions:vote_notice", args=[vote.pk]), _form(period_days=""))
    )
    assert "Please enter the number of days of the notice." in page
