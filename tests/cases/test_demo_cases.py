"""Given the demo loaded, then Wufuyuan's case work tells the story with its voices: Shahe's
parties with contacts and accounts; cases from the topics turned into cases, the 12345 work
orders, the grid worker's rounds and the resident's reports; most solved and rated, a few still
being worked on, two escalated to the street's overdue board with a supervision notice; and
loading again changes nothing, resetting removes and reloads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from laoyuan.cases.models import Case, CaseSource, CaseState, Party, SupervisionNotice
from laoyuan.core.models import RoleAssignment
from laoyuan.registry.demo import DEMO_PASSWORD, WUFUYUAN, load_demo
from laoyuan.registry.models import Compound
from laoyuan.voices.models import Channel, Topic, TopicState, Voice

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo(today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def wufuyuan(demo, db) -> Compound:
    return Compound.objects.get(code=WUFUYUAN.code)


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_every_way_in_is_told(wufuyuan):
    cases = Case.objects.filter(compound=wufuyuan)
    sources = set(cases.values_list("source", flat=True))
    assert {CaseSource.HOTLINE, CaseSource.MEETING, CaseSource.STAFF, CaseSource.PORTAL} <= sources
    hotline = Voice.objects.filter(compound=wufuyuan, channel=Channel.HOTLINE).count()
    assert cases.filter(source=CaseSource.HOTLINE).count() == hotline == 13
    topics = Topic.objects.filter(compound=wufuyuan, state=TopicState.CASE).count()
    assert cases.filter(topic__isnull=False).count() == topics == 10


def test_most_are_solved_and_rated_a_few_still_worked_on(wufuyuan):
    cases = Case.objects.filter(compound=wufuyuan)
    closed = cases.filter(state=CaseState.CLOSED)
    assert closed.count() >= cases.count() * 2 // 3
    assert closed.exclude(rating="").count() == closed.count()
    assert cases.filter(state__in=[CaseState.IN_PROGRESS, CaseState.PAUSED]).exists()
    assert cases.filter(reopen_count__gt=0, state=CaseState.CLOSED).exists()


def test_two_late_cases_are_on_the_streets_board_with_a_notice(wufuyuan):
    html = signed_in("jiedao").get("/cases/board/").content.decode()
    late = Case.objects.filter(compound=wufuyuan, level=2, state=CaseState.ASSIGNED)
    assert late.count() == 2
    for case in late:
        assert case.request_id in html
    notice = SupervisionNotice.objects.get(case__compound=wufuyuan)
    assert notice.issuer == "沙河街道办事处" and notice.answered_at is None
    pdf = signed_in("jiedao").get(f"/cases/notices/{notice.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_water_dispatcher_sees_the_water_companys_cases_only(wufuyuan):
    water = Party.objects.get(name="成都自来水锦江片区沙河营业所")
    client = signed_in("gongshui")
    assert client.get("/").url == "/cases/"
    html = client.get("/cases/").content.decode()
    mine = Case.objects.filter(party=water)
    assert mine.exists() and all(c.request_id in html for c in mine[:25])
    other = Case.objects.exclude(party=water).first()
    assert client.get(f"/cases/{other.pk}/").status_code == 404


def test_the_demo_resident_follows_her_cases(wufuyuan):
    client = signed_in("jumin")
    html = client.get("/portal/cases/").content.decode()
    assert "请您确认并评价" in html
    assert Case.objects.filter(reporter_account__username="jumin").count() >= 2


def test_parties_have_contacts_and_accounts(wufuyuan):
    parties = Party.objects.filter(street__code="510104-SH")
    assert parties.count() == 10
    assert all(p.contacts.exists() for p in parties)
    assert RoleAssignment.objects.filter(role="party_staff", party__in=parties).count() >= 10


def test_the_statistics_and_timeline_pages_answer(wufuyuan):
    client = signed_in("jiedao")
    assert client.get("/cases/stats/?period=365").status_code == 200
    case = Case.objects.filter(compound=wufuyuan, state=CaseState.CLOSED).first()
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_loading_again_duplicates_nothing(demo, db):
    before = (Case.objects.count(), Party.objects.count(), RoleAssignment.objects.count())
    load_demo(today=TODAY)
    assert (Case.objects.count(), Party.objects.count(), RoleAssignment.objects.count()) == before


def test_reset_removes_and_reloads_the_cases(demo, db):
    load_demo(reset=True, today=TODAY)
    wufuyuan = Compound.objects.get(code=WUFUYUAN.code)
    assert Case.objects.filter(compound=wufuyuan, source=CaseSource.HOTLINE).count() == 13
    assert Party.objects.filter(street__code="510104-SH").count() == 10
