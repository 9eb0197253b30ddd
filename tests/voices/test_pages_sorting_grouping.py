"""The grouping page (归并建议): the system's proposals for a compound's ungrouped voices, each
to join a live topic or make a new one; staff untick voices, edit the title, accept one or all;
nothing outside the compound is touched, and the page runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.voices import actions, services
from laoyuan.voices.models import Channel, Topic, Voice

TODAY = dt.date.today()
LEAK = ["3栋楼顶漏雨，下雨天家里天花板滴水", "3栋顶楼漏雨，天花板一直滴水"]
LAMP = ["小区门口的路灯坏了，晚上太黑", "小区大门口路灯坏了好久，晚上黑漆漆的"]
CANTEEN = ["希望小区办一个老年食堂"]


def record(world, texts, compound=None):
    return actions.voices_record(
        actor=world.li,
        compound=compound or world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=TODAY,
        entries=[actions.VoiceEntry(text=t) for t in texts],
    )


def url(world, compound=None):
    return reverse("voices:grouping", args=[(compound or world.wufuyuan).pk])


def test_the_page_proposes_groups_with_every_voice_ticked(world, login):
    record(world, LEAK + LAMP + CANTEEN)
    page = login(world.li).get(url(world)).content.decode()
    assert "本小区有5条意见还没有归入议题" in page
    assert page.count("新建议题") >= 3
    assert page.count('type="checkbox"') == 5 and page.count("checked") == 5
    assert 'value="3栋楼顶漏雨，下雨天家里天花板滴水"' in page  # the editable title


def test_accepting_one_proposal_makes_a_topic_of_the_ticked_voices(world, login):
    leak = record(world, LEAK)
    lamp = record(world, LAMP)
    client = login(world.li)
    # when li accepts proposal 1 with her own title, unticking nothing, and leaves proposal 2
    response = client.post(
        url(world),
        {
            "proposals": "2",
            "accept": "1",
            "p-1-topic": "",
            "p-1-title": "3栋屋面漏水",
            "p-1-voice": [str(v.pk) for v in leak],
            "p-2-topic": "",
            "p-2-title": "路灯",
            "p-2-voice": [str(v.pk) for v in lamp],
        },
    )
    # then one topic holds the two leak voices and the lamp voices stay ungrouped
    topic = Topic.objects.get()
    assert topic.title == "3栋屋面漏水"
    assert set(Voice.objects.filter(topic=topic)) == set(leak)
    assert not Voice.objects.filter(pk__in=[v.pk for v in lamp], topic__isnull=False).exists()
    # and the page names the new topic with a link to it
    page = client.get(response.url).content.decode()
    assert "已把2条意见归入议题" in page and "刚刚归入的议题" in page
    assert reverse("voices:topic", args=[topic.pk]) in page and "3栋屋面漏水" in page


def test_accept_all_and_unticked_voices_stay(world, login):
    leak = record(world, LEAK)
    lamp = record(world, LAMP)
    login(world.li).post(
        url(world),
        {
            "proposals": "2",
            "accept": "all",
            "p-1-title": "漏雨",
            "p-1-voice": [str(leak[0].pk)],  # the second leak voice was unticked
            "p-2-title": "路灯",
            "p-2-voice": [str(v.pk) for v in lamp],
        },
    )
    assert Topic.objects.count() == 2
    leak[1].refresh_from_db()
    assert leak[1].topic_id is None


def test_a_voice_like_a_live_topic_is_proposed_for_it(world, login):
    services.forget_caches()
    grouped = record(world, LEAK)
    topic = actions.topic_create(actor=world.li, voices=grouped, title="3栋屋面漏水")
    (new,) = record(world, ["3栋楼顶又漏雨了，下雨天天花板滴水"])
    client = login(world.li)
    page = client.get(url(world)).content.decode()
    assert "加入议题" in page and reverse("voices:topic", args=[topic.pk]) in page
    client.post(
        url(world),
        {"proposals": "1", "accept": "1", "p-1-topic": str(topic.pk), "p-1-voice": [str(new.pk)]},
    )
    new.refresh_from_db()
    assert new.topic_id == topic.pk


def test_voices_of_another_compound_are_never_grouped_from_here(world, login):
    (mine,) = record(world, CANTEEN)
    (theirs,) = record(world, ["马家沟希望办老年食堂"], compound=world.majiagou)
    response = login(world.li).post(
        url(world),
        {"proposals": "1", "accept": "1", "p-1-voice": [str(mine.pk), str(theirs.pk)]},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.topic_id is None and mine.topic_id is not None


def test_nothing_ticked_is_said_plainly(world, login):
    record(world, CANTEEN)
    client = login(world.li)
    page = client.post(url(world), {"proposals": "1", "accept": "1"}, follow=True)
    assert "没有勾选任何意见" in page.content.decode()
    assert not Topic.objects.exists()


def test_who_may_not_sort_the_compound_gets_404(world, login):
    record(world, CANTEEN)
    for who in ("qian", "liu", "sun", "zhou"):
        client = login(world.users[who])
        assert client.get(url(world)).status_code == 404
        assert client.post(url(world), {"proposals": "1", "accept": "all"}).status_code == 404
    assert not Topic.objects.exists()


def test_the_page_runs_the_same_number_of_queries_for_any_number_of_voices(world, login):
    client = login(world.li)

    def count():
        client.get(url(world))  # the similar-index is brought up to date once
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(world)).status_code == 200
        return len(ctx.captured_queries)

    actions.topic_create(actor=world.li, voices=record(world, LAMP))
    record(world, LEAK)
    small = count()
    record(world, [f"{n}栋楼道灯不亮" for n in range(30)] + CANTEEN * 3)
    assert count() == small
