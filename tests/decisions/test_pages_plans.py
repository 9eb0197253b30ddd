"""Planned-meeting pages (计划会议): planning with agenda and notice (a refused form keeps what
was typed and says why an assembly is too early), the meeting page with its notice, agenda and
sign-in QR code on the day, the notice PDF, paper sign-in, holding it, its resolutions, and the
resident's meeting page where she signs in on her phone."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import Attendee, Meeting, MeetingKind, MeetingStatus, Resolution
from laoyuan.decisions.votes.models import Vote
from tests.decisions.pages import page_text, topic

TODAY = timezone.localdate()


def _agenda(*rows) -> dict:
    data = {
        "agenda-TOTAL_FORMS": str(len(rows)),
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "50",
    }
    for i, (title, topic_pk) in enumerate(rows):
        data[f"agenda-{i}-title"] = title
        data[f"agenda-{i}-topic"] = topic_pk or ""
    return data


def _plan_data(**over) -> dict:
    data = {
        "kind": MeetingKind.OWNERS_ASSEMBLY,
        "title": "五福苑业主大会",
        "held_on": (TODAY + dt.timedelta(days=10)).isoformat(),
        "starts_at": "19:00",
        "place": "院坝",
        **_agenda(("选聘物业服务企业", None), ("", None)),
    }
    data.update(over)
    return data


def test_an_assembly_planned_too_early_is_refused_and_the_form_keeps_everything(world, login):
    client = login(world.zhao)
    url = reverse("decisions:meeting_plan", args=[world.wufuyuan.pk])
    assert "业主大会须至少提前15日通知全体业主" in page_text(client.get(url))
    page = page_text(client.post(url, _plan_data()))
    assert "没有保存：请按提示修改。" in page
    assert f"会议最早可在{TODAY + dt.timedelta(days=15):%Y-%m-%d}召开" in page
    assert 'value="五福苑业主大会"' in page and 'value="选聘物业服务企业"' in page
    assert not Meeting.objects.exists()


def test_an_assembly_noticed_in_time_is_planned_with_its_agenda(world, login):
    client = login(world.zhao)
    url = reverse("decisions:meeting_plan", args=[world.wufuyuan.pk])
    lights = topic(world, ["路灯坏了"], "路灯不亮")
    data = _plan_data(
        noticed="on",
        noticed_on=(TODAY - dt.timedelta(days=5)).isoformat(),
        channels=["board", "wechat"],
        posted_where="各单元公告栏",
        **_agenda(("选聘物业服务企业", None), ("", lights.pk)),
    )
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "decisions:meeting", args=[meeting.pk]
    )
    assert meeting.status == MeetingStatus.PLANNED and meeting.starts_at == dt.time(19, 0)
    page = page_text(client.get(response.url))
    assert "计划中" in page and "公告栏张贴、业主微信群" in page and "路灯不亮" in page
    assert "记为已召开" in page and "打印会议通知（PDF）" in page
    notice = client.get(reverse("decisions:meeting_notice_pdf", args=[meeting.pk]))
    assert notice["Content-Type"] == "application/pdf" and notice.content.startswith(b"%PDF-")


def test_on_the_day_the_page_shows_a_sign_in_qr_code_and_takes_paper_sign_ins(world, login):
    meeting = plan_actions.meeting_plan(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.DELIBERATION,
        title="居民议事会",
        held_on=TODAY,
        place="知福堂",
    )
    client = login(world.li)
    page = page_text(client.get(reverse("decisions:meeting", args=[meeting.pk])))
    assert "手机签到" in page and "<svg" in page
    url = reverse("decisions:meeting_attendance", args=[meeting.pk])
    response = client.post(
        url,
        {
            "attendees-TOTAL_FORMS": "2",
            "attendees-INITIAL_FORMS": "0",
            "attendees-0-name": "王大爷",
            "attendees-0-kind": "resident",
            "attendees-1-name": "",
            "attendees-1-kind": "staff",
        },
    )
    assert response.status_code == 302
    assert list(Attendee.objects.values_list("name", "signed_in")) == [("王大爷", "paper")]


def test_holding_it_and_recording_a_resolution_that_calls_a_vote(world, login):
    meeting = plan_actions.meeting_plan(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.DELIBERATION,
        title="居民议事会",
        held_on=TODAY,
        place="知福堂",
    )
    client = login(world.li)
    response = client.post(
        reverse("decisions:meeting_hold", args=[meeting.pk]),
        {"held_on": TODAY.isoformat(), "minutes": "大家同意提交业主表决。"},
    )
    assert response.status_code == 302
    page = page_text(client.get(reverse("decisions:meeting", args=[meeting.pk])))
    assert "已召开" in page and "记录决议" in page and "大家同意提交业主表决。" in page
    url = reverse("decisions:meeting_resolve", args=[meeting.pk])
    assert "提交业主表决" in page_text(client.get(url))
    refused = page_text(client.post(url, {"kind": "vote", "text": "加装电梯提交表决"}))
    assert "请填写提交表决的事项" in refused
    response = client.post(url, {"kind": "vote", "text": "加装电梯提交表决", "matter": "rebuild"})
    vote = Vote.objects.get()
    assert response.url == reverse("decisions:vote_edit", args=[vote.pk])
    assert Resolution.objects.get().vote == vote


def test_the_resident_signs_in_on_her_phone(world, login):
    meeting = plan_actions.meeting_plan(
        actor=world.li,
        compound=world.wufuyuan,
        kind=MeetingKind.DELIBERATION,
        title="五福苑居民议事会",
        held_on=TODAY,
        place="知福堂",
        agenda=[plan_actions.AgendaEntry(title="知福堂开放时间")],
    )
    client = login(world.liu)
    listing = page_text(client.get(reverse("decisions:portal_meetings")))
    assert "五福苑居民议事会" in listing and "今天开会：去签到" in listing
    url = reverse("decisions:portal_meeting", args=[meeting.pk])
    page = page_text(client.get(url))
    assert "知福堂开放时间" in page and "我到了，签到" in page
    page = page_text(client.post(url, follow=True))
    assert "签到成功" in page and "您已签到" in page
    assert Attendee.objects.get().resident == world.liu_guilan


def test_the_meeting_list_offers_planning(world, login):
    page = page_text(
        login(world.zhao).get(reverse("decisions:meetings"), {"compound": world.wufuyuan.pk})
    )
    assert reverse("decisions:meeting_plan", args=[world.wufuyuan.pk]) in page
