"""Recording a resolution that publishes a notice, on the meeting's pages: the form offers the
kind with its period (today, 7 working days); a refused notice keeps what was typed and
records nothing; the saved one leads to the notice, and the meeting's page lists it."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from laoyuan.decisions.models import Resolution
from laoyuan.notices.models import Notice
from tests.decisions.pages import page_text
from tests.scope_fills.meetings import meeting_in

TODAY = timezone.localdate()


def _data(**over) -> dict:
    data = {
        "kind": "notice",
        "text": "同意增设电动自行车充电棚，物业一个月内建成。",
        "notice_title": "",
        "notice_starts_on": TODAY.isoformat(),
        "notice_period_days": "7",
        "notice_working_days": "1",
    }
    data.update(over)
    return data


def test_a_resolution_is_published_from_the_meeting(world, login):
    meeting = meeting_in(world)
    client = login(world.li)
    url = reverse("decisions:meeting_resolve", args=[meeting.pk])
    form = page_text(client.get(url))
    assert "公示决定事项" in form and 'name="notice_period_days" value="7"' in form
    response = client.post(url, _data())
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notices:notice", args=[notice.pk])
    page = page_text(client.get(reverse("decisions:meeting", args=[meeting.pk])))
    assert reverse("notices:notice", args=[notice.pk]) in page and notice.title in page
    # the notice links back to the meeting
    page = page_text(client.get(response.url))
    assert reverse("decisions:meeting", args=[meeting.pk]) in page


def test_a_refused_notice_keeps_what_was_typed_and_records_nothing(world, login):
    meeting = meeting_in(world)
    client = login(world.li)
    url = reverse("decisions:meeting_resolve", args=[meeting.pk])
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    page = page_text(client.post(url, _data(notice_starts_on=yesterday)))
    assert "没有保存：请按提示修改。" in page
    assert "同意增设电动自行车充电棚，物业一个月内建成。" in page
    page = page_text(client.post(url, _data(notice_period_days="", notice_title="充电棚公示")))
    assert "公示天数" in page and 'value="充电棚公示"' in page
    assert not Resolution.objects.exists() and not Notice.objects.exists()


def test_the_owners_committee_may_not_choose_the_whole_community(world, login):
    meeting = meeting_in(world)
    url = reverse("decisions:meeting_resolve", args=[meeting.pk])
    page = page_text(login(world.zhao).post(url, _data(notice_community_wide="on")))
    assert "您不能发布全社区的公示" in page
    assert not Notice.objects.exists()
