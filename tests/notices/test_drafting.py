"""Given the cast, when staff write a draft notice for a community, a compound or some of its
buildings, then it is stored with its period counted, its place and a signature; bad input is
refused in Chinese with every problem named and nothing stored; and only those who may publish
on the place can write there."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.core.models import AuditEvent
from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeEvent, NoticeKind, NoticeState, TargetLevel
from tests.notices.helpers import PLAN_BODY, draft, today


def test_a_community_worker_drafts_a_notice_for_a_compound(world):
    # when li drafts the renovation plan of 五福苑 for 7 calendar days from today
    notice = draft(world, days=7, working_days=False)
    # then it is a draft of the compound, with its end counted and signed by the committee
    assert notice.state == NoticeState.DRAFT
    assert (notice.target_level, notice.target_label) == (TargetLevel.COMPOUND, "五福苑")
    assert (notice.community, notice.street_id) == (world.shahe_community, world.shahe.pk)
    assert notice.ends_on == today() + dt.timedelta(days=6)
    assert notice.issuer == "沙河社区居民委员会"
    assert NoticeEvent.objects.filter(notice=notice, kind="created").count() == 1
    assert AuditEvent.objects.filter(action="notice.create", object_id=str(notice.pk)).exists()


def test_a_notice_for_some_buildings_names_them_in_order(world):
    notice = draft(world, buildings=[world.b2, world.b1, world.b2])
    assert notice.target_level == TargetLevel.BUILDINGS
    assert notice.target_label == "五福苑 1栋、2栋"
    assert set(notice.buildings.all()) == {world.b1, world.b2}


def test_a_community_wide_notice(world):
    notice = draft(world, place=world.shahe_community, title="沙河社区民生实事项目公示")
    assert (notice.target_level, notice.compound) == (TargetLevel.COMMUNITY, None)
    assert notice.target_label == "沙河社区（全社区）"


@pytest.mark.parametrize(
    ("who", "place"),
    [("li", "wufuyuan"), ("wang", "shahe_community"), ("chen", "wufuyuan"), ("zhao", "wufuyuan")],
)
def test_those_who_may_publish_on_the_place_may_draft_there(world, who, place):
    notice = draft(world, who=who, place=getattr(world, place))
    assert notice.created_by == world.users[who]


def test_the_owners_committee_signs_as_itself(world):
    assert draft(world, who="zhao").issuer == "五福苑业主委员会"
    assert draft(world, who="chen").issuer == "五福苑党支部"
    assert draft(world, who="wang").issuer == "沙河街道办事处"


@pytest.mark.parametrize(
    ("who", "place"),
    [
        ("sun", "wufuyuan"),  # property staff see notices but do not publish
        ("zhou", "wufuyuan"),  # social-organisation staff
        ("zhang", "wufuyuan"),  # the grid worker records paper objections only
        ("chen", "shahe_community"),  # a compound's party secretary, not the community's
        ("zhao", "majiagou"),  # another compound's owners' committee
        ("qian", "wufuyuan"),  # another district
        ("liu", "wufuyuan"),  # a resident
    ],
)
def test_others_may_not(world, who, place):
    with pytest.raises(PermissionDenied):
        draft(world, who=who, place=getattr(world, place))
    assert not Notice.objects.exists()


def test_every_problem_is_named_at_once_and_nothing_is_stored(world):
    with pytest.raises(ValidationError) as caught:
        actions.notice_create_draft(
            actor=world.li,
            place=world.wufuyuan,
            kind="rumour",
            title="   ",
            body="长" * 20_001,
            starts_on=today(),
            period_days=0,
            issuer="名" * 81,
        )
    problems = caught.value.message_dict
    assert problems["kind"] == ["请选择公示类型。"]
    assert problems["title"] == ["请填写标题。"]
    assert "正文太长" in problems["body"][0]
    assert problems["period_days"] == ["公示天数至少为1。"]
    assert "发布单位最多80个字" in problems["issuer"][0]
    assert not Notice.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"body": "  "}, "body", "请填写正文"),
        ({"title": "标" * 121}, "title", "最多120个字"),
        ({"title": "第一行\n第二行"}, "title", "只能写一行"),
        ({"period_days": 400}, "period_days", "公示期太长"),
        ({"starts_on": None}, "starts_on", "请填写公示开始日期"),
        ({"starts_on": dt.date(2020, 1, 6)}, "starts_on", "已经过去"),
        ({"starts_on": dt.date.today() + dt.timedelta(days=400)}, "starts_on", "开始日期太远"),
        ({"period_days": None, "ends_on": dt.date(2020, 1, 1)}, "ends_on", "早于开始日期"),
        ({"body": "正文\x00"}, "body", "控制字符"),
    ],
)
def test_bad_input_is_refused_in_chinese(world, fields, field, words):
    with pytest.raises(ValidationError) as caught:
        draft(world, **fields)
    assert words in caught.value.message_dict[field][0]
    assert not Notice.objects.exists()


def test_buildings_of_another_compound_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        draft(world, place=world.majiagou, buildings=[world.b1])
    assert caught.value.message_dict["buildings"] == ["所选楼栋不在这个小区。"]


def test_a_draft_is_edited_and_its_history_says_so(world):
    notice = draft(world)
    actions.notice_update_draft(
        actor=world.li,
        notice=notice,
        kind=NoticeKind.BUDGET,
        title="五福苑改造预算公示",
        body=PLAN_BODY + "总投资1500万元。",
        starts_on=today(),
        period_days=10,
        buildings=[world.b1],
    )
    notice.refresh_from_db()
    assert (notice.kind, notice.title, notice.period_days) == ("budget", "五福苑改造预算公示", 10)
    assert notice.target_label == "五福苑 1栋"
    edited = NoticeEvent.objects.get(notice=notice, kind="edited")
    assert {"kind", "title", "body", "period_days", "target"} <= set(edited.data["fields"])
    audit = AuditEvent.objects.get(action="notice.edit")
    assert audit.changes["title"] == ["五福苑改造方案公示", "五福苑改造预算公示"]


def test_a_published_notice_is_never_edited(world):
    notice = draft(world, working_days=False)
    actions.notice_publish_draft(actor=world.li, notice=notice)
    with pytest.raises(ValidationError) as caught:
        actions.notice_update_draft(
            actor=world.li,
            notice=notice,
            kind=NoticeKind.PLAN,
            title="改过的标题",
            body=PLAN_BODY,
            starts_on=today(),
            period_days=5,
        )
    assert "撤回后重新发布" in caught.value.messages[0]
    notice.refresh_from_db()
    assert notice.title == "五福苑改造方案公示"


def test_a_subject_the_author_cannot_see_is_refused(world):
    from tests.scope_fills.topics import topic_in

    elsewhere = topic_in(world, world.majiagou)
    with pytest.raises(ValidationError) as caught:
        draft(world, who="chen", subject=elsewhere)
    assert "无权查看" in caught.value.message_dict["subject"][0]
    notice = draft(world, subject=elsewhere)  # li sees 马家沟小区 too
    assert notice.subject == elsewhere and notice.subject_label == elsewhere.title
