"""The demo renovation's links to the other apps (演示改造的表决、公示与工单): each plan publicised
before the project is 已公示 (its period over, objections answered, closed by the sweep the
night after), the owners' vote that lets the maintenance fund pay for a roof, the building-5
lift project decided by the votes demo's lift vote, the drainage project's accounts published as
a notice, and the rectification items carried by cases to their closure.

Everything goes through the apps' actions at loading time, then is dated back into the story
with the notices and votes demos' own helpers (they re-count a period and re-seal a vote's
chain after moving it), and cases are written with the cases app's clock at the story's moment
(`cases.clocks.frozen_at`, through the cases demo's `Story`).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from laoyuan.cases.demo import Story as CaseStory
from laoyuan.cases.demo import _users as case_users
from laoyuan.cases.models import Case, Party
from laoyuan.core.models import User
from laoyuan.decisions import plan_actions
from laoyuan.decisions.models import MeetingKind, NoticeChannel
from laoyuan.decisions.votes import actions as vote_actions
from laoyuan.decisions.votes import ballots
from laoyuan.decisions.votes.demo import _date_meeting, _owners_of, _retime, _scan
from laoyuan.decisions.votes.models import Matter, Vote, VoteStatus
from laoyuan.notices import actions as notice_actions
from laoyuan.notices.demo import _answer_back, _close_back, _move_back, _object_back
from laoyuan.notices.models import AnswerOutcome, Notice
from laoyuan.registry.models import Building, Compound
from laoyuan.renewal import actions
from laoyuan.renewal.models import Project

LIFT_VOTE_TITLE = "5栋加装电梯表决"
FUND_QUESTION = (
    "是否同意使用本栋住宅专项维修资金实施屋面防水改造：\n"
    "1. 铲除旧防水层，新做SBS改性沥青防水层并加保温；\n"
    "2. 费用从本栋维修资金分户账中按专有部分面积分摊列支；\n"
    "3. 施工单位公开招标，业委会和居民监督小组全程监督，完工后公示账目。"
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def plan_notice(staff: User, project: Project, day: dt.date, *, objection: bool = False) -> Notice:
    """The project's plan publicised for seven working days ending before `day`, closed by the
    sweep the night after; with one paper objection answered when `objection`."""
    notice = actions.project_publish_plan(
        actor=staff, project=project, starts_on=timezone.localdate(), period_days=7
    )
    start = day - dt.timedelta(days=14)
    answered = None
    if objection:
        paper = notice_actions.objection_record_paper(
            actor=staff,
            notice=notice,
            objector_name="居民（书面）",
            text="施工期间噪音和停水怎么安排？希望提前通知到每个单元。",
        )
        answered = notice_actions.objection_answer(
            actor=staff,
            objection=paper,
            text="施工单位将提前三天在各单元公告栏和业主群通知停水时间，夜间不施工。",
            outcome=AnswerOutcome.EXPLAINED,
        )
    notice = _move_back(notice, start)
    if answered is not None:
        _object_back(answered.objection, start + dt.timedelta(days=2), 15)
        _answer_back(answered, start + dt.timedelta(days=3), 10)
    _close_back(notice)
    return notice


def accounts_notice(staff: User, project: Project, day: dt.date) -> Notice:
    """The accounts publicised (with the A4 PDF) for seven working days from `day`, closed."""
    notice = actions.project_publish_accounts(
        actor=staff, project=project, starts_on=timezone.localdate(), period_days=7
    )
    notice = _move_back(notice, day)
    if notice.ends_on < timezone.localdate():
        _close_back(notice)
    return notice


def fund_vote(users: dict[str, User], compound: Compound, building: Building, day: dt.date) -> Vote:
    """The owners of one building vote to use its maintenance fund for the roof (民法典第278条
    item 5: more than half of the participating area and owners), at an owners' assembly held
    on `day`, noticed 20 days ahead; nine in ten take part, on paper, collected by the owners'
    committee; counted and closed that evening."""
    rng = random.Random(f"laoyuan-demo:renewal:fund-vote:{compound.code}")
    committee = users["yeweihui"]
    today = timezone.localdate()
    assembly = plan_actions.meeting_plan(
        actor=committee,
        compound=compound,
        kind=MeetingKind.OWNERS_ASSEMBLY,
        title=f"五福苑{building.number}栋业主大会（使用维修资金维修屋面）",
        held_on=today,
        starts_at=dt.time(19, 0),
        place=f"{building.number}栋前院坝",
        buildings=[building],
        notice=plan_actions.NoticeEntry(
            noticed_on=today - dt.timedelta(days=20),
            channels=[NoticeChannel.BOARD, NoticeChannel.WECHAT],
            posted_where=f"{building.number}栋各单元公告栏",
            text="请本栋业主参加业主大会，对使用维修资金维修屋面表决。",
        ),
    )
    now = timezone.now()
    vote = vote_actions.vote_create(
        actor=committee,
        compound=compound,
        draft=vote_actions.VoteDraft(
            title=f"{building.number}栋使用维修资金维修屋面表决",
            question=FUND_QUESTION,
            matter=Matter.FUND_USE,
            opens_at=now - dt.timedelta(minutes=1),
            closes_at=now + dt.timedelta(hours=2),
            buildings=[building],
            meeting=assembly,
        ),
    )
    vote = vote_actions.vote_open(actor=committee, vote=vote)
    people = _owners_of(vote)
    received = timezone.now()
    for n, (_person, owner, _floor) in enumerate(people[: len(people) * 9 // 10], start=1):
        code = f"W{building.number}-{n:03d}"
        ballots.ballot_enter_paper(
            actor=committee,
            vote=vote,
            paper=ballots.PaperBallot(
                owner=owner,
                choice=rng.choice(["yes"] * 8 + ["no", "abstain"]),
                ballot_number=code,
                received_at=received,
                scan=_scan(code),
            ),
        )
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    vote.refresh_from_db()
    vote = vote_actions.vote_close(actor=committee, vote=vote)
    evening = _at(day, 21)
    _retime(
        vote,
        created=evening - dt.timedelta(days=25),
        opens=evening - dt.timedelta(days=14, hours=12),
        closes=evening,
    )
    _date_meeting(assembly, held_on=day, noticed_on=day - dt.timedelta(days=20))
    return Vote.objects.get(pk=vote.pk)


def lift_vote(compound: Compound) -> Vote | None:
    """The votes demo's building-5 lift vote, when it was counted and passed."""
    return (
        Vote.objects.filter(compound=compound, title=LIFT_VOTE_TITLE, matter=Matter.REBUILD)
        .filter(status=VoteStatus.CLOSED, passed=True)
        .order_by("pk")
        .first()
    )


class Cases:
    """Rectification items' cases, written at the story's moments with the cases app's clock."""

    def __init__(self, compound: Compound, today: dt.date) -> None:
        self.users = case_users()
        parties = Party.objects.filter(street_id=compound.community.street_id)
        self.parties = {p.name: p for p in parties}
        self.story = CaseStory(self.users, self.parties, today)
        self.ready = "shequ" in self.users and bool(self.parties)

    def at(self, moment: dt.datetime, step):
        return self.story.at(moment, step)

    def open(self, item, moment: dt.datetime):
        """Staff open the case of an item recorded by someone who could not."""
        staff = self.users["shequ"]
        return self.at(moment, lambda: actions.rectification_open_case(actor=staff, item=item))

    def play(self, case: Case, start: dt.datetime, *, party: str = "", stop: str = "closed"):
        return self.story.play(
            case, start, party=self.parties.get(party) if party else None, stop=stop
        )
