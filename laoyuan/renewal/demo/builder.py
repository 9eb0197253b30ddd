"""Taking a compound's projects through their demo stories with the demo accounts (演示改造的
执行者): a clock of story dates, and each step given what it needs, through the actions."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laoyuan.core.models import User
from laoyuan.decisions import actions as meeting_actions
from laoyuan.decisions.models import AttendeeKind, Decision, MeetingKind
from laoyuan.registry.models import Building, Compound, Household, Relation, Resident
from laoyuan.renewal import actions
from laoyuan.renewal.demo import links
from laoyuan.renewal.demo.stories import GOV, Story
from laoyuan.renewal.models import (
    LIFECYCLE,
    AttachmentKind,
    Project,
    ProjectState,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def users_by_name() -> dict[str, User]:
    names = ["jiedao", "shequ", "shuji", "yeweihui", "wuye", "jumin", "canglang"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


class Clock:
    """Dates of one project's story: from when it entered the library until yesterday."""

    def __init__(self, today: dt.date, months_ago: int, steps: int) -> None:
        self.start = today - dt.timedelta(days=30 * months_ago)
        self.end = today - dt.timedelta(days=3)
        self.step = max((self.end - self.start).days // max(steps, 1), 1)
        self.day = self.start
        self.steps: list[dt.date] = []  # the day of each change of state, in order

    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time(10)))

    def next(self) -> dt.date:
        self.day = min(self.day + dt.timedelta(days=self.step), self.end)
        return self.day


class Builder:
    """Takes the projects of one compound through their stories with the demo accounts."""

    def __init__(self, compound: Compound, users: dict[str, User], today: dt.date) -> None:
        self.compound = compound
        self.users = users
        self.today = today
        self.rng = random.Random(f"laoyuan-demo:renewal:{compound.code}")
        self.meeting = None
        self.cases = links.Cases(compound, today)
        self.residents = list(
            Resident.objects.filter(compound=compound, is_active=True, relation=Relation.HEAD)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    @property
    def staff(self) -> User:
        """The community worker of the compound's community, or the street official."""
        community = self.compound.community.code
        if community == "510104-SH-01":
            return self.users["shequ"]
        if community.startswith("510104"):
            return self.users["jiedao"]
        return self.users["canglang"]

    def fields(self, project: Project, **changes) -> actions.ProjectFields:
        values = {
            "title": project.title,
            "item_type": project.item_type,
            "description": project.description,
            "budget": project.budget,
            "planned_start": project.planned_start,
            "planned_end": project.planned_end,
            "designer": project.designer,
            "contractor": project.contractor,
            "vote_matter": project.vote_matter,
            "buildings": list(project.buildings.all()),
            "quantities": [
                actions.QuantityEntry(q.item, q.amount, q.unit, q.building)
                for q in project.quantities.order_by("id")
            ],
        }
        return actions.ProjectFields(**(values | changes))

    def council(self, topics: list, on: dt.date):
        """The residents' council (居民议事会) that adopted the compound's renovation plans."""
        A = meeting_actions.AttendeeEntry
        return meeting_actions.meeting_record(
            actor=self.users["jiedao"],
            compound=self.compound,
            kind=MeetingKind.ONSITE,
            title=f"{self.compound.name}老旧小区改造居民议事会",
            held_on=on,
            place="党群服务站",
            attendees=[
                A("王建华", AttendeeKind.STAFF, "沙河街道办事处"),
                A("李晓梅", AttendeeKind.STAFF, "社区居委会"),
                A("陈德明", AttendeeKind.STAFF, "小区党支部"),
                A("城管办负责人", AttendeeKind.DEPARTMENT, "沙河街道城管办"),
                A("孙志刚", AttendeeKind.PROPERTY, "物业服务中心"),
                A("赵国强", AttendeeKind.RESIDENT, "业主代表"),
            ],
            topics=topics,
            minutes="逐项审议改造方案、预算和资金来源，居民代表举手表决通过，会后公示。",
        )

    def decision(self, project: Project) -> Decision | None:
        """The council's decision on the project's topic. The topics were decided and moved to
        the library by the voices story before the plans existed, so the council's decisions
        are written here rather than by meeting_decide, which would decide them again."""
        topic = project.topics.order_by("pk").first()
        if topic is None or self.meeting is None:
            return None
        return Decision.objects.create(
            meeting=self.meeting,
            topic=topic,
            responsible_party="沙河街道城管办",
            solution=f"通过“{project.title}”改造方案，预算{project.budget}元",
            deadline=self.meeting.held_on + dt.timedelta(days=365),
            decided_by=self.users["jiedao"],
        )

    def members(self, project: Project, on: dt.date, n: int = 9, draw: bool = True) -> None:
        picks = self.rng.sample(self.residents, min(len(self.residents), n + 3))
        volunteers = [
            actions.volunteer_add(
                actor=self.staff, project=project, resident=Resident.objects.get(pk=pk)
            )
            for pk in picks
        ]
        if draw and len(volunteers) > 5:
            actions.group_draw(
                actor=self.staff,
                project=project,
                seats=5,
                seed=f"{on:%Y%m%d}-{self.rng.randint(100, 999)}",
                witnesses="陈德明（小区党支部书记）、赵国强（业主代表）",
                formed_on=on,
            )
        else:
            actions.group_elect(
                actor=self.staff,
                project=project,
                volunteers=volunteers[:3],
                leader=volunteers[0],
                formed_on=on,
            )

    def to_state(
        self,
        project: Project,
        story: Story,
        clock: Clock,
        pay: Callable[[Project], None] | None = None,
    ) -> Project:
        """Walk the project to its state, giving each step what it needs on the way; `pay` pays
        the builders while the work goes on: before acceptance, or once it has begun when the
        story stops before."""
        paid = False
        while LIFECYCLE.index(project.state) < LIFECYCLE.index(story.state):
            nxt = LIFECYCLE[LIFECYCLE.index(project.state) + 1]
            if pay and nxt == ProjectState.ACCEPTED:
                pay(project)
                paid = True
            self.prepare(project, story, nxt, clock)
            clock.steps.append(clock.day)
            project = actions.project_transition(
                actor=self.users["jiedao"] if nxt in ("decided", "funded") else self.staff,
                project=project,
                to_state=nxt,
            )
            clock.next()
        if pay and not paid:
            pay(project)
        return project

    def prepare(self, project: Project, story: Story, state: str, clock: Clock) -> None:
        project.refresh_from_db()
        day = clock.day
        if state == ProjectState.DESIGNED:
            for kind, title in (
                (AttachmentKind.PLAN, "改造方案"),
                (AttachmentKind.DRAWING, "设计图纸"),
            ):
                actions.attachment_add(
                    actor=self.staff,
                    project=project,
                    kind=kind,
                    title=f"{project.title}{title}",
                    upload=pdf(f"{title}.pdf"),
                )
        elif state == ProjectState.DECIDED:
            decision = self.decision(project)
            if decision is not None:
                actions.project_set_resolution(
                    actor=self.users["jiedao"], project=project, decision=decision
                )
            if project.vote_matter and project.vote_id is None:
                self.owners_vote(project, day - dt.timedelta(days=max(clock.step // 2, 1)))
        elif state == ProjectState.PUBLISHED:
            links.plan_notice(
                self.staff, project, day, objection=project.title.startswith(("雨污", "楼道"))
            )
        elif state == ProjectState.FUNDED:
            self.fund(project, story, day)
        elif state == ProjectState.TENDERING:
            # Building starts on the day the walk reaches 施工中 and, in a story that goes on to
            # acceptance, ends on the day it reaches 已验收; still building, it has 150 days.
            start = min(day + dt.timedelta(days=clock.step), clock.end)
            finishes = LIFECYCLE.index(story.state) > LIFECYCLE.index(ProjectState.CONSTRUCTION)
            length = clock.step if finishes else 150
            end = start + dt.timedelta(days=length)
            actions.project_edit(
                actor=self.staff,
                project=project,
                fields=self.fields(project, planned_start=start, planned_end=end),
            )
            for name, part in (("进场施工", 0), ("主体完工", 2 / 3), ("竣工验收", 1)):
                actions.milestone_add(
                    actor=self.staff,
                    project=project,
                    name=name,
                    planned_on=start + dt.timedelta(days=round(length * part)),
                )
        elif state == ProjectState.CONSTRUCTION:
            if not project.contractor:
                project = actions.project_edit(
                    actor=self.staff,
                    project=project,
                    fields=self.fields(project, contractor=story.contractor),
                )
            self.members(project, day, draw=project.title.startswith(("雨污", "增设")))
            for q in project.quantities.order_by("id"):
                actions.work_item_add(
                    actor=self.staff,
                    project=project,
                    name=q.item,
                    weight=max(1, int(q.amount)),
                    planned_quantity=q.amount,
                    unit=q.unit,
                )
        elif state == ProjectState.ACCEPTED:
            self.build_and_accept(project, story, clock)
        elif state == ProjectState.MAINTENANCE:
            actions.maintenance_add(
                actor=self.staff,
                project=project,
                name=f"{project.title}定期巡查",
                responsible_party="五福苑物业服务中心（信托制物业）",
                interval_months=6,
                first_due=self.today + dt.timedelta(days=45),
            )

    def owners_vote(self, project: Project, day: dt.date) -> None:
        """The owners' vote that decides the project's matter: the votes demo's lift vote for
        the lift of building 5, else a vote of the project's building on using its fund."""
        if project.vote_matter == "rebuild":
            vote = links.lift_vote(self.compound)
        else:
            building = project.buildings.order_by("number").first()
            vote = links.fund_vote(self.users, self.compound, building, day)
        if vote is not None:
            actions.project_set_vote(actor=self.staff, project=project, vote=vote)

    def fund(self, project: Project, story: Story, day: dt.date) -> None:
        for m in story.money:
            source = actions.source_add(
                actor=self.staff,
                project=project,
                kind=m.kind,
                funder=m.funder,
                reference=m.reference,
                pledged=m.pledged or None,
                booked_on=day,
                document=pdf("资金文件.pdf") if m.kind == GOV else None,
            )
            if m.kind == "residents" and story.extra.get("water_meter_share"):
                self.water_meters(project, source, story.extra["water_meter_share"], day)
            if m.received:
                actions.receipt_record(
                    actor=self.staff,
                    source=source,
                    amount=m.received,
                    booked_on=day + dt.timedelta(days=10),
                    description=f"{m.funder}资金到位",
                    voucher=pdf("到账回单.pdf"),
                )

    def water_meters(self, project, source, per_household: Decimal, day: dt.date) -> None:
        """One meter per household (一户一表): every unit pays the same; most have paid."""
        buildings = list(Building.objects.filter(compound=self.compound))
        total = per_household * self.compound.units.count()
        scheme = actions.share_scheme_create(
            actor=self.staff,
            project=project,
            source=source,
            basis="equal",
            total=total,
            buildings=buildings,
            agreed_at=f"{day:%Y年%m月%d日}五福夜话协商确定",
        )
        shares = list(scheme.shares.select_related("unit").order_by("pk"))
        jumin_units = set(
            Household.objects.filter(residents__in=self._jumin_residents()).values_list(
                "unit_id", flat=True
            )
        )
        for i, share in enumerate(shares):
            if share.unit_id in jumin_units or self.rng.random() < 0.93:
                actions.receipt_record(
                    actor=self.users["wuye"],
                    source=source,
                    amount=share.amount,
                    booked_on=day + dt.timedelta(days=3 + i % 20),
                    share=share,
                )

    def _jumin_residents(self):
        jumin = self.users.get("jumin")
        if jumin is None:
            return Resident.objects.none()
        return Resident.objects.filter(pk__in=jumin.assignments.values("resident_id"))

    def build_and_accept(self, project: Project, story: Story, clock: Clock) -> None:
        day = clock.day
        items = list(project.work_items.order_by("id"))
        for item in items:
            actions.work_item_report(
                actor=self.staff, item=item, done_quantity=item.planned_quantity
            )
        for m in project.milestones.filter(done_on__isnull=True).order_by("planned_on"):
            actions.milestone_done(actor=self.staff, milestone=m, done_on=min(m.planned_on, day))
        if project.title.startswith("雨污"):
            self.inspect(project, day - dt.timedelta(days=40), close=True)
        actions.attachment_add(
            actor=self.staff,
            project=project,
            kind=AttachmentKind.ACCEPTANCE,
            title=f"{project.title}竣工验收报告",
            upload=pdf("验收报告.pdf"),
        )
        for member in project.group.members.order_by("pk"):
            actions.signoff_record(
                actor=self.staff,
                project=project,
                member=member,
                agrees=True,
                remark="同意验收" if self.rng.random() < 0.7 else "",
            )
        survey = actions.survey_open(actor=self.staff, project=project, closes_on=self.today)
        households = list(
            Household.objects.filter(compound=self.compound, is_active=True).order_by("pk")
        )
        picked = self.rng.sample(households, min(story.answers or 30, len(households)))
        jumin = self.users.get("jumin")
        mine = set(jumin.assignments.values_list("household_id", flat=True)) if jumin else set()
        for household in picked:
            if household.pk in mine:
                continue
            roll = self.rng.random()
            choice = "satisfied" if roll < 0.78 else "fairly" if roll < 0.95 else "dissatisfied"
            actions.survey_answer(
                actor=self.staff,
                survey=survey,
                household=household,
                choice=choice,
                channel="paper",
            )
        if jumin and mine and project.title.startswith("雨污"):
            actions.survey_answer(
                actor=jumin,
                survey=survey,
                household=Household.objects.get(pk=min(mine)),
                choice="satisfied",
                comment="水管换了，下雨再也不冒水了，谢谢！",
            )
        actions.survey_close(actor=self.staff, survey=survey)

    def inspect(self, project: Project, on: dt.date, *, close: bool) -> None:
        """A supervision inspection that finds a problem; closed after the fix when `close`."""
        inspection = actions.inspection_record(
            actor=self.users["yeweihui"],
            project=project,
            inspected_on=on,
            inspectors="改造监督小组（5人）、五福苑业委会赵国强",
            findings="沟槽回填未分层夯实，3栋门口检查井周边路面下沉约3厘米；施工围挡完好。",
            problems=[
                actions.ProblemEntry(
                    title="3栋门口检查井周边路面下沉",
                    responsible_party="四川蜀安建设工程有限公司",
                    work_days=5,
                    location="3栋1单元门口",
                    description="回填不实，需重新夯实并恢复路面",
                )
            ],
        )
        # The owners' committee may not open cases: the community worker opens the problem's
        # case the next morning and gives it to the street's housing office, which follows the
        # contractor's fix; closed after the residents' check (or still being fixed).
        item = inspection.problems.get()
        moment = links._at(on + dt.timedelta(days=1), 9)
        item = self.cases.open(item, moment)
        self.cases.play(
            item.case, moment, party="沙河街道住建办", stop="closed" if close else "in_progress"
        )
