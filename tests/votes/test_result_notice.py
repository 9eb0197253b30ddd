"""A closed vote's result is published as a public notice (表决结果公示): kind "vote_result",
for the vote's buildings, the vote as subject, the result PDF attached, the figures and the
outcome in its text. Refused, with nothing stored, for a vote not counted, a cancelled vote,
a result already published (a withdrawn notice may be replaced), and for those who may not
organise the vote.

By hand: building 5 holds 101 甲 70.00 m², 102 乙 50.00 m², 201 丙 60.05 m²: 180.05 m², 3
persons. 甲 and 乙 vote yes, 丙 no: all three take part (180.05 m², 3 persons); yes 120.00 m²
(66.65%) and 2 persons (66.67%), at least 3/4 required for matter (7): rejected."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.decisions.votes import actions, publishing
from laoyuan.decisions.votes.models import Matter
from laoyuan.notices import actions as notice_actions
from laoyuan.notices.models import Notice, NoticeAttachment, NoticeKind, NoticeState
from tests.notices.pdf_text import pdf_text
from tests.votes import helpers as h


@pytest.fixture
def lift(world):
    units = h.units(
        world.wufuyuan,
        "5",
        [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"]), ("201", "60.05", ["丙"])],
    )
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(world.wufuyuan, "5")])
    h.paper(world, vote, units[0], "甲", "yes")
    h.paper(world, vote, units[1], "乙", "yes")
    h.paper(world, vote, units[2], "丙", "no")
    return vote


def _stored():
    return (
        Notice.objects.count(),
        NoticeAttachment.objects.count(),
        AuditEvent.objects.filter(action="vote.publish_result").count(),
    )


def _publish(world, vote, who="li", **kwargs):
    return publishing.vote_publish_result(actor=world.users[who], vote=vote, **kwargs)


def test_the_result_of_a_closed_vote_is_published_as_a_notice(world, lift):
    # given the lift vote of building 5, closed and counted
    vote = h.close(world, lift)
    # when li publishes its result with a note
    notice = _publish(world, vote, note="书面异议请交五福苑党群服务站。")
    # then a published vote-result notice of building 5 points at the vote
    assert notice.state == NoticeState.PUBLISHED
    assert notice.kind == NoticeKind.VOTE_RESULT
    assert notice.title == "屋面维修方案表决结果公示"
    assert notice.compound == world.wufuyuan
    assert [b.number for b in notice.buildings.all()] == ["5"]
    assert notice.subject == vote and notice.subject_label == vote.title
    # seven working days from today, the default
    assert notice.starts_on == timezone.localdate() and notice.period_days == 7
    assert notice.working_days is True
    # its text states the figures and the outcome, and ends with the note
    assert "表决范围内全部业主：专有部分面积 180.05 ㎡，3 人。" in notice.body
    assert "同意：面积 120.00 ㎡（66.65%），2 人（66.67%）" in notice.body
    assert "结果：未通过：同意的面积或人数未达到要求" in notice.body
    assert notice.body.endswith("书面异议请交五福苑党群服务站。")
    assert AuditEvent.objects.filter(action="vote.publish_result", object_id=str(vote.pk)).exists()


def test_the_attached_pdf_is_the_votes_result(world, lift):
    vote = h.close(world, lift)
    notice = _publish(world, vote)
    attachment = notice.attachments.get()
    assert attachment.name == f"表决结果-{vote.pk}.pdf" and attachment.kind == "pdf"
    with attachment.file.open("rb") as f:
        text = pdf_text(f.read())
    assert "屋面维修方案表决" in text
    assert "180.05" in text and "120.00" in text
    assert "未通过" in text
    assert vote.chain_head[:16] in text.replace("\n", "")


def test_the_owners_of_the_buildings_are_told(world, lift):
    # given an owner of building 5 with an account, and liu, who lives in building 1
    jia = h.account_for(h.owner_named(world.wufuyuan, "甲"), lift.roll_units.first().unit, "jia")
    vote = h.close(world, lift)
    _publish(world, vote)
    assert Notification.objects.filter(user=jia, title__startswith="新的公示").count() == 1
    assert not Notification.objects.filter(user=world.liu, title__startswith="新的公示").exists()


def test_a_calendar_day_period_from_a_later_day(world, lift):
    vote = h.close(world, lift)
    start = timezone.localdate() + dt.timedelta(days=3)
    notice = _publish(world, vote, starts_on=start, period_days=10, working_days=False)
    assert (notice.starts_on, notice.ends_on) == (start, start + dt.timedelta(days=9))


def test_it_refuses_a_vote_not_counted_yet(world, lift):
    before = _stored()
    with pytest.raises(ValidationError, match="结束投票并计票后才能公示结果"):
        _publish(world, lift)
    assert _stored() == before


def test_it_refuses_a_cancelled_vote(world, lift):
    vote = actions.vote_cancel(actor=world.li, vote=lift, reason="方案要重新设计")
    before = _stored()
    with pytest.raises(ValidationError, match="已取消"):
        _publish(world, vote)
    assert _stored() == before


def test_it_refuses_a_second_notice_while_the_first_stands(world, lift):
    vote = h.close(world, lift)
    first = _publish(world, vote)
    before = _stored()
    with pytest.raises(ValidationError, match="已经公示"):
        _publish(world, vote, who="chen")
    assert _stored() == before
    # a closed notice still stands
    Notice.objects.filter(pk=first.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() - dt.timedelta(days=20),
    )
    notice_actions.notice_close(notice_id=first.pk)
    with pytest.raises(ValidationError, match="已结束"):
        _publish(world, vote)


def test_a_withdrawn_notice_may_be_replaced(world, lift):
    vote = h.close(world, lift)
    first = _publish(world, vote)
    notice_actions.notice_withdraw(actor=world.li, notice=first, reason="公示天数写错了")
    second = _publish(world, vote, period_days=10)
    assert second.pk != first.pk and second.state == NoticeState.PUBLISHED
    assert publishing.result_notice(vote) == second
    assert list(publishing.vote_notices(vote)) == [second, first]


def test_bad_periods_and_notes_are_refused_and_nothing_is_stored(world, lift):
    vote = h.close(world, lift)
    before = _stored()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _publish(world, vote, starts_on=yesterday)
    assert "starts_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _publish(world, vote, period_days=0)
    assert "period_days" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _publish(world, vote, note="长" * 2001)
    assert refused.value.message_dict["note"] == ["补充说明最多2000个字。"]
    assert _stored() == before


@pytest.mark.parametrize("who", ["zhang", "sun", "zhou", "liu", "nobody"])
def test_those_who_do_not_organise_votes_may_not_publish_the_result(world, lift, who):
    vote = h.close(world, lift)
    with pytest.raises(PermissionDenied):
        _publish(world, vote, who=who)
    assert not Notice.objects.exists()


def test_an_organiser_elsewhere_may_not_publish_it(world, lift):
    vote = h.close(world, lift)
    with pytest.raises(PermissionDenied):
        _publish(world, vote, who="qian")
    assert not Notice.objects.exists()
