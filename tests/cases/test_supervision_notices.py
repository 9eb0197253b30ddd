"""Given a case with a party, when a supervisor issues a supervision notice (督办单), then it is
numbered per street and year, names the issuer at her level, puts the case on her board, tells
the party, prints as an A4 PDF with a QR code, and the party answers it once in writing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.cases import actions
from laoyuan.cases.models import EventKind, SupervisionLevel
from laoyuan.core.models import Notification
from tests.cases.helpers import fresh, open_case

SOON = dt.date.today() + dt.timedelta(days=3)


def test_a_street_notice_is_numbered_and_lifts_the_case_to_the_street(world, parties, login):
    case = open_case(world, party=parties.property)
    first = actions.notice_issue(
        actor=world.wang, case=case, demand="三日内办结并书面反馈", due_on=SOON
    )
    second = actions.notice_issue(actor=world.li, case=fresh(case), demand="请尽快", due_on=SOON)
    year = dt.date.today().year
    assert first.number == f"沙河督〔{year}〕1号" and second.number == f"沙河督〔{year}〕2号"
    assert first.issuer == "沙河街道办事处" and first.level == SupervisionLevel.STREET
    assert second.issuer == "沙河社区居民委员会" and second.level == SupervisionLevel.COMMUNITY
    assert fresh(case).level == SupervisionLevel.STREET
    assert Notification.objects.filter(user=world.sun, title__contains=first.number).exists()
    response = login(world.wang).get(f"/cases/notices/{first.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert login(world.sun).get(f"/cases/notices/{first.pk}.pdf").status_code == 200
    assert login(world.qian).get(f"/cases/notices/{first.pk}.pdf").status_code == 404


def test_the_party_answers_a_notice_once(world, parties, login):
    case = open_case(world, party=parties.property)
    notice = actions.notice_issue(actor=world.li, case=case, demand="限期办结", due_on=SOON)
    response = login(world.sun).post(
        f"/cases/notices/{notice.pk}/answer/", {"answer": "已安排维修班组，周五前完成"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.answered_by == world.sun and notice.answer.startswith("已安排")
    assert case.events.filter(kind=EventKind.NOTICE_ANSWERED, on_time=True).exists()
    with pytest.raises(ValidationError, match="已经反馈过了"):
        actions.notice_answer(actor=world.sun, notice=notice, answer="再说一次")


def test_only_supervisors_issue_notices_and_only_to_a_party(world, parties):
    waiting = open_case(world)
    with pytest.raises(ValidationError, match="不能发督办单"):
        actions.notice_issue(actor=world.li, case=waiting, demand="快", due_on=SOON)
    assigned = open_case(world, party=parties.property)
    for who in ("zhang", "sun"):
        with pytest.raises(PermissionDenied):
            actions.notice_issue(actor=world.users[who], case=assigned, demand="快", due_on=SOON)
    assert not assigned.notices.exists()


def test_the_receipt_prints_with_the_public_address(world, parties, login):
    case = open_case(world, reporter_name="刘桂兰", reporter_phone="13812345678")
    response = login(world.li).get(f"/cases/{case.pk}/receipt.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # the party staff never print it (it is handed to the resident by the community)
    actions.case_dispatch(actor=world.li, case=case, party=parties.water)
    assert login(parties.shui).get(f"/cases/{case.pk}/receipt.pdf").status_code == 404
