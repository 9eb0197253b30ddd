"""The public notices of the demo (演示公示), in Wufuyuan (五福苑), told after the voices demo:

- the renovation plan (改造实施方案) publicised two months ago for 10 working days, with its
  summary (PDF), its budget table (.xlsx) and a site sketch (PNG) attached; two objections —
  the demo resident's, online, about the e-bike shed under the windows (adopted: the shed
  moved to the east gate) and a paper one about building noise (checked, then explained) —
  and closed by the system with its closing record;
- the owners' committee's (业委会) quarterly statement of common income, closed without
  objections;
- the east-gate e-bike shed project, open now: the demo resident `jumin` can read it and
  object from her phone; a paper objection already waits for an answer;
- a community-wide draft (沙河社区民生实事项目) not yet published, starting in three weeks (its
  period may run into a year whose holidays are not published yet: the staff see a warning);
- the result of building 5's lift vote (the votes demo, `decisions.votes.demo`), published by the
  owners' committee (业委会) the day after the count through `votes.publishing`, with the
  result PDF attached, for 7 working days: over, and closed by the system without objections.
  It is loaded on its own (a demo loaded before it existed gets it too).

Everything goes through the actions (notifications, histories and the audit log are real);
afterwards the dates are moved back to when it happened in the story. Loading is idempotent: a
Wufuyuan that already has notices is left alone. `reset_notices_demo` removes the notices of
the demo places (the registry's reset calls it before the places go).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from laoyuan.core.audit import audit_log
from laoyuan.core.models import Notification, User
from laoyuan.core.pdf import render_pdf
from laoyuan.decisions.votes import publishing
from laoyuan.decisions.votes.models import Vote, VoteStatus
from laoyuan.notices import actions, periods
from laoyuan.notices.models import (
    Notice,
    NoticeClosing,
    NoticeEvent,
    NoticeKind,
    Objection,
    ObjectionAnswer,
)
from laoyuan.registry.models import Compound
from laoyuan.voices.models import Topic, TopicState

WUFUYUAN_CODE = "510104-SH-01-WFY"
DEMO_DISTRICT_CODES = ("510104", "320508")

PLAN_BODY = """根据居民议事会和“五福夜话”收集的288条意见建议，经民主协商形成改造共识192个、重点改造项目13个。现将《五福苑老旧小区改造实施方案》公示如下：

一、改造范围：五福苑1—9栋及院落公共区域，共497户。
二、基础类改造：雨污分流及化粪池改造，供水管网及二次供水设施更新，强弱电线路规整入地，燃气管道更换。
三、完善类改造：主干道及院坝路面重铺，增设无障碍坡道和单元门扶手，新建电动自行车集中充电棚，规范停车位。
四、提升类改造：外立面及屋面防水整治，院落照明和监控补盲，适老化休憩座椅，党群服务站微更新。
五、资金：政府投入为主，党建联盟单位和社会资本共担，详见附件预算表。
六、工期：自开工之日起约8个月，施工期间设立小区改造监督小组，全程接受居民监督。

公示期内，居民对方案有异议的，可在线或书面提出，社区将逐条答复。"""

ACCOUNT_BODY = """根据信托制物业服务合同，现将五福苑本季度公共收益收支情况公示如下：

一、收入：停车费收入 18,600.00元，广告位收入 2,400.00元，合计 21,000.00元。
二、支出：公共照明电费 3,150.00元，化粪池清掏 2,800.00元，监控维护 1,200.00元，合计 7,150.00元。
三、结余 13,850.00元，全部计入全体业主共有资金账户。

收支凭证可在业委会办公室查阅。"""

SHED_BODY = """根据改造实施方案公示期间居民的意见，电动自行车集中充电棚由3栋与5栋之间调整至东门停车场旁。现将建设方案公示如下：

一、位置：东门停车场北侧，距最近住宅楼（9栋）12米。
二、规模：充电位60个，配智能充电桩、过载断电和烟感报警，24小时视频监控。
三、收费：每度电按成本价收取，收益扣除运维费用后归全体业主所有。
四、工期：约30天，施工时间为工作日8:00—12:00、14:00—20:00。

公示期内，对位置、规模或收费办法有异议的，可在线或书面提出。"""

PROJECTS = [
    ("雨污分流及化粪池改造", "基础类", Decimal("2860000.00")),
    ("供水管网及二次供水设施更新", "基础类", Decimal("1950000.00")),
    ("强弱电线路规整入地", "基础类", Decimal("1380000.00")),
    ("燃气管道更换", "基础类", Decimal("920000.00")),
    ("主干道及院坝路面重铺", "完善类", Decimal("1640000.00")),
    ("无障碍坡道和单元门扶手", "完善类", Decimal("360000.00")),
    ("电动自行车集中充电棚", "完善类", Decimal("480000.00")),
    ("停车位规范", "完善类", Decimal("260000.00")),
    ("外立面整治（25000平方米）", "提升类", Decimal("3750000.00")),
    ("屋面防水", "提升类", Decimal("1120000.00")),
    ("院落照明和监控补盲", "提升类", Decimal("540000.00")),
    ("适老化休憩座椅", "提升类", Decimal("86000.00")),
    ("党群服务站微更新", "提升类", Decimal("420000.00")),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- the attached documents -------------------------------------------------------------------


def _plan_pdf() -> ContentFile:
    total = sum(amount for _n, _k, amount in PROJECTS)
    document = render_pdf("notices/demo/plan_summary.html", {"projects": PROJECTS, "total": total})
    return ContentFile(document, name="五福苑改造实施方案（摘要）.pdf")


def _budget_xlsx() -> ContentFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "改造项目预算"
    sheet.append(["序号", "项目", "类别", "预算（元）"])
    for n, (name, kind, amount) in enumerate(PROJECTS, start=1):
        sheet.append([n, name, kind, amount])
    sheet.append(["", "合计", "", sum(amount for _n, _k, amount in PROJECTS)])
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "#,##0.00"
    sheet.column_dimensions["B"].width = 32
    sheet.column_dimensions["D"].width = 16
    out = io.BytesIO()
    book.save(out)
    return ContentFile(out.getvalue(), name="改造项目预算表.xlsx")


def _sketch_png(*, shed_at_east_gate: bool) -> ContentFile:
    """A site sketch: the nine buildings, the roads, and where the e-bike shed goes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 880, 580), outline="black", width=4)
    draw.rectangle((20, 280, 880, 320), fill=(220, 220, 220))  # the main road
    for i in range(9):
        x = 60 + (i % 5) * 165
        y = 60 if i < 5 else 380
        draw.rectangle((x, y, x + 120, y + 160), outline="black", width=3, fill=(245, 240, 225))
        draw.text((x + 52, y + 70), str(i + 1), fill="black")
    shed = (760, 330, 870, 370) if shed_at_east_gate else (340, 240, 440, 278)
    draw.rectangle(shed, fill=(200, 40, 40))
    draw.polygon([(880, 290), (900, 300), (880, 310)], fill="black")  # the east gate
    out = io.BytesIO()
    image.save(out, format="PNG")
    name = "东门充电棚位置示意图.png" if shed_at_east_gate else "总平面示意图.png"
    return ContentFile(out.getvalue(), name=name)


# --- the story --------------------------------------------------------------------------------


def _users() -> dict[str, User]:
    names = ["shequ", "jumin", "wangge", "yeweihui", "shuji"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _move_back(notice: Notice, starts_on: dt.date, *, published_hour: int = 9) -> Notice:
    """Move a notice published at loading back to `starts_on` (its end counted again there)."""
    ends_on = periods.end_of(starts_on, notice.period_days, working=notice.working_days)
    published = _at(starts_on, published_hour)
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=published - dt.timedelta(hours=20),
        updated_at=published,
        published_at=published,
        state_changed_at=published,
        calendar_provisional=bool(periods.provisional_years(starts_on, ends_on)),
    )
    events = NoticeEvent.objects.filter(notice=notice)
    events.filter(kind="created").update(at=published - dt.timedelta(hours=20))
    events.exclude(kind="created").update(at=published)
    url = reverse("notices:portal_notice", args=[notice.pk])
    told = Notification.objects.filter(url=url, title__startswith="新的公示")
    told.update(created_at=published)
    if ends_on < timezone.localdate():  # long over: read back then
        told.update(read_at=published + dt.timedelta(hours=3))
    notice.refresh_from_db()
    return notice


def _object_back(objection: Objection, day: dt.date, hour: int) -> None:
    when = _at(day, hour)
    Objection.objects.filter(pk=objection.pk).update(
        received_on=day, created_at=when, updated_at=when
    )


def _answer_back(answer: ObjectionAnswer, day: dt.date, hour: int) -> None:
    when = _at(day, hour)
    ObjectionAnswer.objects.filter(pk=answer.pk).update(at=when)
    Objection.objects.filter(pk=answer.objection_id).update(answered_at=when, updated_at=when)
    Notification.objects.filter(
        user_id=answer.objection.author_id, title__contains="有了答复", body=answer.text[:1000]
    ).update(created_at=when + dt.timedelta(minutes=2), read_at=when + dt.timedelta(hours=2))


def _close_back(notice: Notice) -> None:
    """Close a notice whose (moved-back) period is over, as the sweep did the night after."""
    actions.notice_close(notice_id=notice.pk)
    when = _at(notice.ends_on + dt.timedelta(days=1), 0, 5)
    Notice.objects.filter(pk=notice.pk).update(closed_at=when, state_changed_at=when)
    NoticeClosing.objects.filter(notice=notice).update(closed_at=when)
    NoticeEvent.objects.filter(notice=notice, kind="closed").update(at=when)
    Notification.objects.filter(
        url=reverse("notices:notice", args=[notice.pk]), title__contains="期满结束"
    ).update(created_at=when)


def _the_plan(compound: Compound, users: dict[str, User], today: dt.date) -> Notice:
    shequ, jumin = users["shequ"], users.get("jumin")
    project = (
        Topic.objects.filter(compound=compound, state=TopicState.PROJECT).order_by("pk").first()
    )
    notice = actions.notice_publish(
        actor=shequ,
        place=compound,
        kind=NoticeKind.PLAN,
        title="五福苑老旧小区改造实施方案公示",
        body=PLAN_BODY,
        starts_on=today,
        period_days=10,
        working_days=True,
        subject=project,
        attachments=[_plan_pdf(), _budget_xlsx(), _sketch_png(shed_at_east_gate=False)],
        objection_contact="五福苑党群服务站（1栋旁），工作日9:00—17:00",
    )
    start = today - dt.timedelta(days=62)
    objections = []
    if jumin is not None:
        objections.append(
            actions.objection_file(
                actor=jumin,
                notice=notice,
                text="方案里充电棚建在3栋和5栋之间，离我们的窗户太近，晚上充电有安全隐患，"
                "建议换到东门停车场旁边。",
            )
        )
    paper = actions.objection_record_paper(
        actor=users.get("wangge") or shequ,
        notice=notice,
        objector_name="张秀英",
        phone="13512345678",
        text="改造要做8个月，施工噪音太大，家里有老人午睡，希望中午和晚上8点以后不要施工。",
    )
    adopted = (
        actions.objection_answer(
            actor=shequ,
            objection=objections[0],
            outcome="adopted",
            text="采纳。经与施工单位、物业现场勘查，充电棚改建在东门停车场旁，距最近住宅楼12米。"
            "方案已相应调整，充电棚建设方案将另行公示。",
        )
        if objections
        else None
    )
    checking = actions.objection_answer(
        actor=shequ,
        objection=paper,
        outcome="follow_up",
        text="已转施工单位核实施工时间安排，三个工作日内答复。",
    )
    explained = actions.objection_answer(
        actor=shequ,
        objection=paper,
        outcome="explained",
        text="已要求施工单位中午12:00—14:00、晚上20:00以后停止产生噪音的作业，"
        "并写入施工方案；监督小组每周抽查，居民可随时向网格员反映。",
    )
    notice = _move_back(notice, start)
    if objections:
        _object_back(objections[0], start + dt.timedelta(days=2), 20)
        _answer_back(adopted, start + dt.timedelta(days=6), 16)
    _object_back(paper, start + dt.timedelta(days=3), 10)
    _answer_back(checking, start + dt.timedelta(days=3), 15)
    _answer_back(explained, start + dt.timedelta(days=7), 11)
    _close_back(notice)
    return notice


def _the_statement(compound: Compound, users: dict[str, User], today: dt.date) -> Notice | None:
    committee = users.get("yeweihui")
    if committee is None:
        return None
    notice = actions.notice_publish(
        actor=committee,
        place=compound,
        kind=NoticeKind.ACCOUNT,
        title="五福苑本季度公共收益收支公示",
        body=ACCOUNT_BODY,
        starts_on=today,
        period_days=15,
        working_days=False,
    )
    notice = _move_back(notice, today - dt.timedelta(days=40), published_hour=10)
    _close_back(notice)
    return notice


def _the_shed(compound: Compound, users: dict[str, User], today: dt.date) -> Notice:
    shequ = users["shequ"]
    notice = actions.notice_publish(
        actor=shequ,
        place=compound,
        kind=NoticeKind.PROJECT,
        title="五福苑东门电动自行车充电棚建设方案公示",
        body=SHED_BODY,
        starts_on=today,
        period_days=10,
        working_days=True,
        attachments=[_sketch_png(shed_at_east_gate=True)],
        objection_contact="五福苑党群服务站（1栋旁），工作日9:00—17:00",
    )
    paper = actions.objection_record_paper(
        actor=users.get("wangge") or shequ,
        notice=notice,
        objector_name="刘建国",
        phone="028-85551234",
        text="希望充电棚也能给三轮车留几个位置，老年人骑三轮车的多。",
    )
    notice = _move_back(notice, today - dt.timedelta(days=2))
    _object_back(paper, notice.starts_on, 11)
    return notice


def _the_draft(compound: Compound, users: dict[str, User], today: dt.date) -> Notice:
    return actions.notice_create_draft(
        actor=users["shequ"],
        place=compound.community,
        kind=NoticeKind.PROJECT,
        title=f"{compound.community.name}民生实事项目征求意见公示",
        body="拟实施的民生实事项目：老年助餐点扩容、婴幼儿托育点新建、社区健身步道改造。"
        "请居民在公示期内提出意见。",
        starts_on=today + dt.timedelta(days=21),
        period_days=10,
        working_days=True,
    )


LIFT_VOTE_TITLE = "5栋加装电梯表决"


def _the_vote_result(compound: Compound, users: dict[str, User], today: dt.date) -> Notice | None:
    """The lift vote's result, published the day after the count (once: a vote whose result
    has a notice already is left alone)."""
    committee = users.get("yeweihui")
    vote = Vote.objects.filter(
        compound=compound, title=LIFT_VOTE_TITLE, status=VoteStatus.CLOSED
    ).first()
    if committee is None or vote is None or publishing.vote_notices(vote).exists():
        return None
    notice = publishing.vote_publish_result(
        actor=committee,
        vote=vote,
        starts_on=today,
        period_days=7,
        working_days=True,
        note="纸质表决票和授权委托书原件存业委会办公室（1栋旁），业主可在工作日查阅。",
    )
    counted_on = timezone.localtime(vote.closes_at).date()
    notice = _move_back(notice, counted_on + dt.timedelta(days=1), published_hour=10)
    if notice.ends_on < today:
        _close_back(notice)
    return notice


def demo_figures(compound: Compound) -> dict[str, int]:
    notices = Notice.objects.filter(Q(compound=compound) | Q(community_id=compound.community_id))
    return {
        "notices": notices.count(),
        "open": notices.filter(state="published").count(),
        "closed": notices.filter(state="closed").count(),
        "objections": Objection.objects.filter(notice__in=notices).count(),
    }


@transaction.atomic
def load_notices_demo(*, today: dt.date | None = None) -> list[str]:
    """Load the notices of the demo (after places, accounts and voices); a Wufuyuan that has
    notices already is kept as it is. Returns lines for the load-demo report."""
    today = today or timezone.localdate()
    compound = Compound.objects.filter(code=WUFUYUAN_CODE).select_related("community").first()
    users = _users()
    if compound is None or "shequ" not in users:
        return []
    if not Notice.objects.filter(compound=compound).exists():
        _the_plan(compound, users, today)
        _the_statement(compound, users, today)
        _the_shed(compound, users, today)
        _the_draft(compound, users, today)
        audit_log(actor=None, action="demo.notices", obj=compound, changes=demo_figures(compound))
    _the_vote_result(compound, users, today)
    f = demo_figures(compound)
    return [
        f"五福苑公示：{f['notices']} 条（公示中 {f['open']} 条，已结束 {f['closed']} 条），"
        f"异议 {f['objections']} 条"
    ]


def reset_notices_demo() -> None:
    """Remove the notices of the demo places with their objections, answers, attachments and
    the notifications about them, so that the places themselves can go."""
    notices = Notice.objects.filter(community__street__district__code__in=DEMO_DISTRICT_CODES)
    ids = list(notices.values_list("pk", flat=True))
    urls = [reverse("notices:portal_notice", args=[pk]) for pk in ids] + [
        reverse("notices:notice", args=[pk]) for pk in ids
    ]
    for start in range(0, len(urls), 500):
        Notification.objects.filter(url__in=urls[start : start + 500]).delete()
    ObjectionAnswer.objects.filter(objection__notice__in=ids).delete()
    Objection.objects.filter(notice__in=ids).delete()
    for notice in Notice.objects.filter(pk__in=ids):
        for attachment in notice.attachments.all():
            attachment.file.delete(save=False)
    Notice.objects.filter(pk__in=ids).delete()
