"""Given objections to a notice, when staff answer them, then each answer is a new row (a
further answer follows, nothing is edited away), the objection's state follows the latest
answer, and the resident who filed online is told; those without permission are refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent, Notification
from laoyuan.notices import actions
from laoyuan.notices.models import ObjectionAnswer, ObjectionState
from tests.notices.helpers import paper_objection, published


def answer(
    world,
    objection,
    outcome="explained",
    text="经核实，充电棚距3栋外墙8米，符合消防规范。",
    who="li",
):
    return actions.objection_answer(
        actor=world.users[who], objection=objection, text=text, outcome=outcome
    )


def test_answers_follow_one_another_and_the_state_follows_the_latest(world):
    objection = paper_objection(world, published(world))
    first = answer(world, objection, "follow_up", "已转物业核实距离，三个工作日内答复。")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.FOLLOW_UP and objection.answered_at == first.at
    second = answer(world, objection, "adopted", "采纳：充电棚改建在东门停车场旁。")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.RESOLVED
    assert (second.from_state, second.to_state) == ("follow_up", "resolved")
    third = answer(world, objection, "explained", "补充：东门位置已征得周边住户同意。")
    assert [a.pk for a in objection.answers.order_by("at", "id")] == [first.pk, second.pk, third.pk]
    assert ObjectionAnswer.objects.get(pk=first.pk).text.startswith("已转物业")
    assert AuditEvent.objects.filter(action="objection.answer").count() == 3


def test_the_resident_who_objected_online_is_told(world):
    notice = published(world)
    objection = actions.objection_file(actor=world.liu, notice=notice, text="充电棚太近")
    Notification.objects.all().delete()
    answer(world, objection)
    (note,) = Notification.objects.all()
    assert note.user == world.liu and "有了答复" in note.title and "符合消防规范" in note.body


@pytest.mark.parametrize("who", ["zhang", "sun", "zhou", "qian", "liu"])
def test_those_who_may_not_publish_may_not_answer(world, who):
    objection = paper_objection(world, published(world))
    with pytest.raises(PermissionDenied):
        answer(world, objection, who=who)
    assert not ObjectionAnswer.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "text", "field", "words"),
    [
        ("explained", "  ", "text", "请写下答复的内容"),
        ("explained", "答" * 5001, "text", "最多5000个字"),
        ("ignored", "好的", "outcome", "请选择处理结果"),
    ],
)
def test_bad_answers_are_refused(world, outcome, text, field, words):
    objection = paper_objection(world, published(world))
    with pytest.raises(ValidationError) as caught:
        answer(world, objection, outcome, text)
    assert words in caught.value.message_dict[field][0]
    objection.refresh_from_db()
    assert objection.state == ObjectionState.PENDING and not ObjectionAnswer.objects.exists()


def test_an_objection_is_still_answered_after_the_notice_closed(world):
    from laoyuan.notices.actions import notices_close_due
    from tests.notices.helpers import end_period

    notice = published(world)
    objection = paper_objection(world, notice)
    end_period(notice)
    notices_close_due()
    answer(world, objection)
    objection.refresh_from_db()
    assert objection.state == ObjectionState.RESOLVED
