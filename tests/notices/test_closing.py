"""Given notices whose period has ended, when the closing task (or `laoyuan notices close-due`)
runs, then each is closed once, with a closing record of its objections — how many, how many
answered, how many unresolved — and the time; running it again changes nothing; notices still
running, upcoming, withdrawn or drafts are left alone."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeClosing, NoticeEvent, NoticeState
from laoyuan.notices.tasks import close_due_notices
from tests.notices.helpers import draft, end_period, paper_objection, published, today


def test_the_task_closes_a_due_notice_with_its_record(world):
    # given a notice with three objections: one resolved, one being checked, one unanswered
    notice = published(world)
    resolved, checking, _waiting = (paper_objection(world, notice, text=t) for t in "甲乙丙")
    actions.objection_answer(actor=world.li, objection=resolved, text="采纳", outcome="adopted")
    actions.objection_answer(actor=world.li, objection=checking, text="核实中", outcome="follow_up")
    end_period(notice)
    Notification.objects.all().delete()
    # when the task runs
    result = close_due_notices.enqueue()
    # then the notice is closed with its record
    assert result.return_value == 1
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED and notice.closed_at is not None
    closing = NoticeClosing.objects.get(notice=notice)
    assert (closing.objections, closing.answered, closing.unresolved) == (3, 2, 2)
    assert not closing.all_resolved and closing.closed_at == notice.closed_at
    event = NoticeEvent.objects.get(notice=notice, kind="closed")
    assert event.actor is None and event.data == {"objections": 3, "answered": 2, "unresolved": 2}
    assert AuditEvent.objects.get(action="notice.close").actor is None
    (note,) = Notification.objects.all()
    assert note.user == world.li and "未办结2条" in note.body


def test_running_it_again_closes_nothing_twice(world):
    notice = end_period(published(world))
    assert actions.notices_close_due() == [notice.pk]
    assert actions.notices_close_due() == []
    assert close_due_notices.enqueue().return_value == 0
    assert NoticeClosing.objects.count() == 1
    assert NoticeEvent.objects.filter(kind="closed").count() == 1


def test_only_notices_whose_last_day_is_over_are_closed(world):
    running = published(world, title="今天最后一天")
    Notice.objects.filter(pk=running.pk).update(ends_on=today())  # its last day is today
    upcoming = published(world, title="下周开始", starts_on=today() + dt.timedelta(days=7))
    due = end_period(published(world, title="昨天期满"))
    withdrawn = end_period(published(world, title="已撤回"))
    actions.notice_withdraw(actor=world.li, notice=withdrawn, reason="撤回")
    a_draft = draft(world, title="草稿")
    assert actions.notices_close_due() == [due.pk]
    states = dict(Notice.objects.values_list("title", "state"))
    assert states == {
        "今天最后一天": "published",
        "下周开始": "published",
        "昨天期满": "closed",
        "已撤回": "withdrawn",
        "草稿": "draft",
    }
    assert upcoming.pk and a_draft.pk


def test_a_notice_without_objections_closes_all_resolved(world):
    notice = end_period(published(world))
    closing = actions.notice_close(notice_id=notice.pk)
    assert (closing.objections, closing.answered, closing.unresolved) == (0, 0, 0)
    assert closing.all_resolved
    assert actions.notice_close(notice_id=notice.pk) is None


def test_many_due_notices_are_closed_in_batches(world, monkeypatch):
    from laoyuan.notices.actions import closing

    monkeypatch.setattr(closing, "BATCH", 3)
    due = [end_period(published(world, title=f"第{i}条")).pk for i in range(7)]
    assert sorted(actions.notices_close_due()) == sorted(due)
    assert NoticeClosing.objects.count() == 7


def test_the_command_says_what_it_closed(world):
    notice = published(world)
    paper_objection(world, notice)
    end_period(notice)
    out = StringIO()
    call_command("notices", "close-due", stdout=out)
    assert "已结束 1 条公示" in out.getvalue()
    assert "异议 1 条，已答复 0 条，未办结 1 条" in out.getvalue()
    out = StringIO()
    call_command("notices", "close-due", stdout=out)
    assert "没有到期的公示" in out.getvalue()
