"""Given the demo loaded, then Wufuyuan has its public notices: the renovation plan, closed by
the system with both objections answered (one adopted), the owners' committee's statement,
closed, and the east-gate e-bike shed open now, which the demo resident sees on her portal and
can object to; a community draft waits unpublished; the lift vote's result was published the
day after the count and closed; loading again changes nothing and a reset removes them.

The demo is loaded once for this module inside a transaction rolled back at the end."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laoyuan.decisions.votes.models import Vote
from laoyuan.notices.demo import load_notices_demo, reset_notices_demo
from laoyuan.notices.models import Notice, NoticeState, Objection
from laoyuan.registry.demo import DEMO_PASSWORD, WUFUYUAN, load_demo
from laoyuan.registry.models import Compound

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


def test_the_renovation_plan_was_closed_with_its_objections_answered(wufuyuan):
    plan = Notice.objects.get(compound=wufuyuan, title="五福苑老旧小区改造实施方案公示")
    assert plan.state == NoticeState.CLOSED and plan.ends_on < TODAY
    assert plan.subject is not None and plan.subject.state == "project"
    assert sorted(plan.attachments.values_list("kind", flat=True)) == ["image", "pdf", "xlsx"]
    closing = plan.closing
    assert (closing.objections, closing.answered, closing.unresolved) == (2, 2, 0)
    closed_on = timezone.localtime(closing.closed_at).date()
    assert closed_on == plan.ends_on + dt.timedelta(days=1)
    online, paper = Objection.objects.filter(notice=plan).order_by("received_on")
    assert online.author.username == "jumin" and online.answers.get().outcome == "adopted"
    assert paper.phone_masked == "135****5678"
    assert [a.outcome for a in paper.answers.order_by("at")] == ["follow_up", "explained"]
    assert plan.starts_on <= online.received_on <= plan.ends_on


def test_jumin_sees_the_open_notice_on_her_phone_and_may_object(wufuyuan):
    shed = Notice.objects.get(compound=wufuyuan, title__contains="东门电动自行车充电棚")
    assert shed.state == NoticeState.PUBLISHED and shed.starts_on <= TODAY <= shed.ends_on
    client = signed_in("jumin")
    listing = client.get(reverse("notices:portal_list")).content.decode()
    assert shed.title in listing
    page = client.get(reverse("notices:portal_notice", args=[shed.pk])).content.decode()
    assert "提交异议" in page


def test_the_public_pages_show_the_story_without_names(wufuyuan):
    client = Client()
    compound = client.get(reverse("notices:public_compound", args=[wufuyuan.pk])).content.decode()
    assert "五福苑东门电动自行车充电棚建设方案公示" in compound
    assert "五福苑老旧小区改造实施方案公示" in compound
    assert "民生实事项目征求意见公示" not in compound  # still a draft
    plan = Notice.objects.get(compound=wufuyuan, title="五福苑老旧小区改造实施方案公示")
    page = client.get(reverse("notices:public_notice", args=[plan.pk])).content.decode()
    assert "东门停车场旁" in page and "张秀英" not in page and "13512345678" not in page
    for objection in Objection.objects.filter(notice=plan):
        assert objection.objector_name not in page


def test_the_community_worker_has_a_draft_and_the_list(wufuyuan):
    draft = Notice.objects.get(state=NoticeState.DRAFT, community=wufuyuan.community)
    text = signed_in("shequ").get(reverse("notices:list")).content.decode()
    assert draft.title in text and "五福苑东门电动自行车充电棚建设方案公示" in text


def test_the_lift_votes_result_was_published_the_day_after_the_count(wufuyuan):
    vote = Vote.objects.get(compound=wufuyuan, title="5栋加装电梯表决")
    notice = Notice.objects.get(kind="vote_result", compound=wufuyuan)
    assert notice.subject == vote and notice.issuer == "五福苑业主委员会"
    counted_on = timezone.localtime(vote.closes_at).date()
    assert notice.starts_on == counted_on + dt.timedelta(days=1)
    assert timezone.localtime(notice.published_at).date() == notice.starts_on
    assert [b.number for b in notice.buildings.all()] == ["5"]
    assert notice.state == NoticeState.CLOSED and notice.closing.objections == 0
    assert notice.attachments.get().name == f"表决结果-{vote.pk}.pdf"
    assert "结果：通过" in notice.body
    # the owners' committee sees it on the vote's page, and the notice links back
    client = signed_in("yeweihui")
    page = client.get(reverse("decisions:vote", args=[vote.pk])).content.decode()
    assert reverse("notices:notice", args=[notice.pk]) in page
    page = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert reverse("decisions:vote", args=[vote.pk]) in page


def test_loading_again_changes_nothing_and_a_reset_removes_them(demo, wufuyuan):
    before = list(Notice.objects.order_by("pk").values_list("pk", "state", "ends_on"))
    # its own four, the lift vote's result, and the renovation demo's notices about the
    # community's projects
    about_projects = Notice.objects.filter(
        community=wufuyuan.community,
        subject_type__app_label="renewal",
        subject_type__model="project",
    ).count()
    assert load_notices_demo(today=TODAY)[0].startswith(f"五福苑公示：{5 + about_projects} 条")
    assert list(Notice.objects.order_by("pk").values_list("pk", "state", "ends_on")) == before
    assert any(line.startswith("五福苑公示") for line in demo.lines())
    reset_notices_demo()
    assert not Notice.objects.exists() and not Objection.objects.exists()
