"""Wufuyuan's renovation (五福苑改造) and the other compounds' projects, built by the Builder and
dated back into the story."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from functools import partial

from django.urls import reverse
from django.utils import timezone

from laoyuan.core.models import Notification, User
from laoyuan.registry.models import Building, Compound
from laoyuan.renewal import actions
from laoyuan.renewal.demo import links
from laoyuan.renewal.demo.builder import Builder, Clock, pdf
from laoyuan.renewal.demo.stories import (
    GOV,
    OTHER_STORIES,
    REF,
    WUFUYUAN_CODE,
    WUFUYUAN_STORIES,
    G,
    Money,
    Story,
    Y,
)
from laoyuan.renewal.models import (
    LIFECYCLE,
    Checkup,
    FundingSource,
    GroupMember,
    Inspection,
    InspectionPhoto,
    LedgerEntry,
    MaintenanceTask,
    Milestone,
    PaymentRequest,
    ProgressReport,
    Project,
    ProjectAttachment,
    ProjectEvent,
    ProjectState,
    RectificationEvent,
    RectificationItem,
    ShareScheme,
    SignOff,
    SupervisionGroup,
    Survey,
    SurveyAnswer,
    Volunteer,
    WorkItem,
)
from laoyuan.voices.models import Topic


def _backdate(project: Project, clock: Clock) -> None:
    """Date the project's timeline by its story: each change of state on the day the Builder
    walked it (the day its money, milestones and inspections carry too), the events between two
    changes spread between their days, the first event a little before the first change and the
    last ones until yesterday. Whatever else the actions stamped "now" (uploads, payments,
    sign-offs, answers) takes the date of the project event recorded with it."""
    project.refresh_from_db()
    events = list(ProjectEvent.objects.filter(project=project).order_by("id"))
    if not events:
        return
    anchors: dict[int, dt.date] = {}
    changes = [i for i, e in enumerate(events) if e.kind == "state"]
    for i, day in zip(changes, clock.steps, strict=False):
        anchors[i] = day
    first = clock.steps[0] - dt.timedelta(days=max(clock.step // 2, 1)) if clock.steps else None
    anchors.setdefault(0, first or clock.start)
    anchors.setdefault(len(events) - 1, clock.end)
    known = sorted(anchors)
    for a, b in itertools.pairwise(known):
        span = (anchors[b] - anchors[a]).days
        for i in range(a + 1, b):
            anchors[i] = anchors[a] + dt.timedelta(days=span * (i - a) // (b - a))
    real = [e.at for e in events]
    for i, e in enumerate(events):
        at = dt.datetime.combine(anchors[i], dt.time(10)) + dt.timedelta(seconds=10 * i)
        e.at = timezone.make_aware(at)
    ProjectEvent.objects.bulk_update(events, ["at"])

    def warp(at: dt.datetime | None) -> dt.datetime | None:
        """The story's time of something the actions stamped at real time `at`: that of the
        first project event recorded with it or after it."""
        if at is None:
            return None
        i = min(bisect.bisect_left(real, at), len(events) - 1)
        return events[i].at

    _warp_rows(project, warp, clock)
    states = [e for e in events if e.kind == "state"]
    Project.objects.filter(pk=project.pk).update(
        created_at=events[0].at,
        state_changed_at=states[-1].at if states else events[0].at,
        accounts_published_at=warp(project.accounts_published_at),
        started_on=(
            next((e.at.date() for e in states if e.to_state == "construction"), None)
            if project.started_on
            else None
        ),
        accepted_on=(
            next((e.at.date() for e in states if e.to_state == "accepted"), None)
            if project.accepted_on
            else None
        ),
    )
    # The residents behind its topics were told of each step when it happened, and read it.
    url = reverse("renewal:portal_project", kwargs={"pk": project.pk})
    notes = list(Notification.objects.filter(url=url).order_by("user_id", "id"))
    by_user: dict[int, list[Notification]] = {}
    for note in notes:
        by_user.setdefault(note.user_id, []).append(note)
    for mine in by_user.values():
        for note, step in zip(mine, states, strict=False):
            note.created_at = step.at + dt.timedelta(minutes=5)
            note.read_at = note.created_at + dt.timedelta(hours=20)
    Notification.objects.bulk_update(notes, ["created_at", "read_at"])


def _warp_rows(project: Project, warp, clock: Clock) -> None:
    """Move the project's rows stamped at real time into the story's time."""
    stamped = (
        (FundingSource.objects.filter(project=project), ("created_at",)),
        (ShareScheme.objects.filter(project=project), ("created_at",)),
        (PaymentRequest.objects.filter(project=project), ("created_at", "decided_at")),
        (LedgerEntry.objects.filter(project=project), ("created_at",)),
        (ProjectAttachment.objects.filter(project=project), ("created_at",)),
        (Milestone.objects.filter(project=project), ("created_at",)),
        (WorkItem.objects.filter(project=project), ("created_at",)),
        (ProgressReport.objects.filter(work_item__project=project), ("at",)),
        (MaintenanceTask.objects.filter(project=project), ("created_at",)),
        (Volunteer.objects.filter(project=project), ("created_at",)),
        (SupervisionGroup.objects.filter(project=project), ("created_at",)),
        (GroupMember.objects.filter(group__project=project), ("created_at",)),
        (Inspection.objects.filter(project=project), ("created_at",)),
        (InspectionPhoto.objects.filter(inspection__project=project), ("created_at",)),
        (SignOff.objects.filter(project=project), ("created_at",)),
        (Survey.objects.filter(project=project), ("created_at", "opened_at", "closed_at")),
        (SurveyAnswer.objects.filter(survey__project=project), ("answered_at",)),
    )
    for rows, fields in stamped:
        rows = list(rows)
        for row in rows:
            for name in fields:
                setattr(row, name, warp(getattr(row, name)))
        if rows:
            type(rows[0]).objects.bulk_update(rows, fields, batch_size=500)
    # Dates the actions took as today: a payment is booked when approved, a survey closes when
    # closed; a problem found was fixed and closed a day a step.
    for entry in LedgerEntry.objects.filter(project=project, booked_on__gt=clock.end):
        LedgerEntry.objects.filter(pk=entry.pk).update(booked_on=entry.created_at.date())
    for survey in Survey.objects.filter(project=project, closed_at__isnull=False):
        Survey.objects.filter(pk=survey.pk).update(closes_on=survey.closed_at.date())
    for item in RectificationItem.objects.filter(inspection__project=project):
        _backdate_item(item)


def _pay(builder: Builder, project: Project, story: Story) -> None:
    """Payments out of each source, asked for by the community and approved by the street
    (the second key), up to the amount the story says was spent."""
    for m in story.money:
        if not m.spent:
            continue
        source = FundingSource.objects.get(project=project, funder=m.funder)
        left = m.spent
        parts = [left * Y("0.4"), left * Y("0.4")]
        parts.append(left - sum(p.quantize(Y("0.01")) for p in parts))
        for n, part in enumerate(parts, start=1):
            part = part.quantize(Y("0.01"))
            payment = actions.payment_request(
                actor=builder.staff,
                source=source,
                amount=part,
                payee=project.contractor or "施工单位",
                purpose=f"{project.title}工程款（第{n}期）",
                voucher=pdf("付款申请.pdf"),
            )
            # The owners' committee holds the second key in Wufuyuan (信托制物业), the street
            # elsewhere.
            wufuyuan = project.compound.code == WUFUYUAN_CODE
            approver = builder.users["yeweihui" if n == 3 and wufuyuan else "jiedao"]
            actions.payment_decide(actor=approver, payment=payment, approve=True, note="同意支付")


def _council_day(today: dt.date) -> dt.date:
    """A week before the first project the council's decision let reach 已决策."""
    days = []
    for story in WUFUYUAN_STORIES:
        steps = LIFECYCLE.index(story.state)
        if steps >= LIFECYCLE.index(ProjectState.DECIDED):
            clock = Clock(today, story.months_ago, steps + 3)
            days.append(clock.start + dt.timedelta(days=clock.step * 2))
    return min(days, default=today) - dt.timedelta(days=7)


def build_wufuyuan(compound: Compound, users: dict[str, User], today: dt.date) -> list[Project]:
    builder = Builder(compound, users, today)
    decided = [
        t
        for story in WUFUYUAN_STORIES
        if LIFECYCLE.index(story.state) >= LIFECYCLE.index(ProjectState.DECIDED)
        for t in Topic.objects.filter(compound=compound, title=story.title, state="project")
    ]
    builder.meeting = builder.council(decided, _council_day(today))
    made = []
    for story in WUFUYUAN_STORIES:
        project = (
            Project.objects.filter(compound=compound, topics__title=story.title)
            .order_by("pk")
            .first()
        )
        if project is None:
            continue
        clock = Clock(today, story.months_ago, LIFECYCLE.index(story.state) + 3)
        buildings = list(
            Building.objects.filter(compound=compound, number__in=story.buildings).order_by(
                "number"
            )
        )
        project = actions.project_edit(
            actor=builder.staff,
            project=project,
            fields=builder.fields(
                project,
                title=story.rename or project.title,
                budget=story.budget or None,
                designer=story.designer if story.budget else "",
                contractor=story.contractor
                if LIFECYCLE.index(story.state) >= LIFECYCLE.index("tendering")
                else "",
                vote_matter=story.vote_matter,
                buildings=buildings,
                quantities=[actions.QuantityEntry(*q) for q in story.quantities],
            ),
        )
        project = builder.to_state(project, story, clock, pay=partial(_pay, builder, story=story))
        if story.extra.get("lift"):
            _lift_shares(builder, project, buildings)
        if story.state == ProjectState.CONSTRUCTION:
            _under_construction(builder, project, story, today)
        if story.published:
            links.accounts_notice(builder.staff, project, clock.end - dt.timedelta(days=20))
        _backdate(project, clock)
        made.append(project)
    made.append(_checkup(builder, compound, today))
    _rectification_list(builder, compound, today)
    return made


def _lift_shares(builder: Builder, project: Project, buildings: list[Building]) -> None:
    """The lift of her stairwell, shared by floor: the ground floor pays nothing."""
    source = actions.source_add(
        actor=builder.staff, project=project, kind="residents", funder="加装电梯单元业主自筹"
    )
    actions.source_add(
        actor=builder.staff,
        project=project,
        kind=GOV,
        funder="成都市既有住宅增设电梯补贴",
        pledged="200000.00",
    )
    actions.share_scheme_create(
        actor=builder.staff,
        project=project,
        source=source,
        basis="floor",
        total=Y("450000.00"),
        buildings=buildings,
        coefficients={
            "1": "0",
            "2": "0.5",
            "3": "0.8",
            "4": "1",
            "5": "1.2",
            "6": "1.4",
            "7": "1.6",
        },
        agreed_at="单元业主协商会（按楼层系数）",
    )


def _under_construction(builder: Builder, project: Project, story: Story, today) -> None:
    """Work partly done, one milestone reached, an inspection with a problem still open."""
    for item in project.work_items.order_by("id"):
        done = (item.planned_quantity * story.done_share).quantize(Y("0.01"))
        actions.work_item_report(actor=builder.staff, item=item, done_quantity=done)
    first = project.milestones.order_by("planned_on").first()
    if first is not None and first.planned_on <= today:
        actions.milestone_done(actor=builder.staff, milestone=first, done_on=first.planned_on)
    builder.inspect(project, today - dt.timedelta(days=5), close=False)


def _checkup(builder: Builder, compound: Compound, today: dt.date) -> Project:
    """The inventory and two check-ups: before renovation (poor pipes, walls, roofs) and last
    month; a poor rating of the fire equipment proposes a project, a broken light an item."""
    staff = builder.users["wuye"]
    spec = [
        ("drain_pipe", "雨污管网", "1200", None, 1994),
        ("water_pipe", "供水管网", "1500", None, 1994),
        ("road", "主干道及院坝", "6800", None, 1994),
        ("wall", "外墙", "25000", None, 1994),
        ("roof", "屋面", "9600", None, 1994),
        ("street_light", "院坝路灯", "24", None, 2008),
        ("fire", "各栋消防栓与灭火器", "54", None, 2010),
        ("camera", "监控", "64", None, 2023),
        ("charger", "东门充电桩（旧）", "12", None, 2016),
        ("parking", "院内车位", "86", None, 2024),
    ]
    assets = [
        actions.asset_add(
            actor=staff,
            compound=compound,
            asset_type=kind,
            name=name,
            quantity_value=q,
            building=b,
            installed_year=year,
        )
        for kind, name, q, b, year in spec
    ]
    before = {
        "drain_pipe": "dangerous",
        "water_pipe": "poor",
        "road": "poor",
        "wall": "poor",
        "roof": "poor",
        "street_light": "fair",
        "fire": "fair",
        "camera": "good",
        "charger": "poor",
        "parking": "fair",
    }
    after = before | {
        "drain_pipe": "good",
        "water_pipe": "good",
        "road": "good",
        "wall": "good",
        "street_light": "poor",
        "fire": "poor",
        "parking": "good",
    }
    first = actions.checkup_record(
        actor=staff,
        compound=compound,
        checked_on=today - dt.timedelta(days=900),
        inspector="锦江区城市体检工作组",
        parking_demand=260,
        ratings=[actions.RatingEntry(a, before[a.asset_type]) for a in assets],
        note="改造前体检：管网、外墙、屋面老化严重。",
    )
    last = actions.checkup_record(
        actor=staff,
        compound=compound,
        checked_on=today - dt.timedelta(days=30),
        inspector="锦江区城市体检工作组",
        parking_demand=240,
        ratings=[
            actions.RatingEntry(
                a, after[a.asset_type], "灭火器过期、消防栓锈蚀" if a.asset_type == "fire" else ""
            )
            for a in assets
        ],
    )
    Checkup.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=900))
    fire = last.ratings.get(asset__asset_type="fire")
    light = last.ratings.get(asset__asset_type="street_light")
    project = actions.rating_to_project(actor=builder.staff, rating=fire)
    builder.cases.at(
        links._at(last.checked_on, 15),
        lambda: actions.rating_to_rectification(
            actor=builder.staff, rating=light, responsible_party="五福苑物业服务中心", work_days=5
        ),
    )
    return project


def _rectification_list(builder: Builder, compound: Compound, today: dt.date) -> None:
    """A few small items on the list, each carried by its case to the property service
    centre: two closed (so the items count as closed), one being fixed."""
    staff = builder.staff
    items = [
        ("5栋旁垃圾桶满溢", "", 2, 120, "closed"),
        ("2栋单元门闭门器损坏", "", 3, 60, "closed"),
        ("后门井盖松动", "后门", 5, 2, "in_progress"),
    ]
    for title, where, days, ago, stop in items:
        found = today - dt.timedelta(days=ago)
        moment = links._at(found, 9, 30)
        item = builder.cases.at(
            moment,
            lambda title=title, where=where, days=days, found=found: actions.rectification_create(
                actor=staff,
                compound=compound,
                title=title,
                responsible_party="五福苑物业服务中心",
                found_on=found,
                work_days=days,
                location=where,
            ),
        )
        builder.cases.play(item.case, moment, stop=stop)
    for item in RectificationItem.objects.filter(compound=compound, inspection__isnull=True):
        _backdate_item(item)


def _backdate_item(item: RectificationItem) -> None:
    """An item was entered on the day it was found, and each later step came a day
    after the one before."""
    events = list(item.events.order_by("id"))
    start = timezone.make_aware(dt.datetime.combine(item.found_on, dt.time(9)))
    for n, event in enumerate(events):
        event.at = start + dt.timedelta(days=n, minutes=5)
    RectificationEvent.objects.bulk_update(events, ["at"])

    def day(state: str) -> dt.date | None:
        return next((e.at.date() for e in reversed(events) if e.to_state == state), None)

    RectificationItem.objects.filter(pk=item.pk).update(
        created_at=start,
        state_changed_at=events[-1].at if events else start,
        rectified_on=item.rectified_on and day("rectified"),
        closed_on=item.closed_on and day("closed"),
    )


def build_others(users: dict[str, User], today: dt.date) -> list[Project]:
    made = []
    for code, title, item_type, state, months, budget in OTHER_STORIES:
        compound = Compound.objects.filter(code=code).select_related("community").first()
        if compound is None or Project.objects.filter(compound=compound).exists():
            continue
        builder = Builder(compound, users, today)
        clock = Clock(today, months, LIFECYCLE.index(state) + 3)
        project = actions.project_create(
            actor=builder.staff,
            compound=compound,
            fields=actions.ProjectFields(
                title=title,
                item_type=item_type,
                budget=budget or None,
                quantities=[actions.QuantityEntry(title, "1", "项")] if budget else [],
            ),
        )
        if state != ProjectState.PROPOSED:
            topic = _topic_for(builder, compound, title, clock.start)
            actions.project_link_topics(actor=builder.staff, project=project, topics=[topic])
            builder.meeting = builder.council([topic], clock.start + dt.timedelta(days=60))
        story = Story(
            title,
            state,
            months,
            budget,
            (),
            (Money(GOV, G, budget, budget, budget if state == "accepted" else Y(0), REF),),
        )
        project = builder.to_state(project, story, clock, pay=partial(_pay, builder, story=story))
        if code.endswith("-DG"):
            late = today - dt.timedelta(days=25)
            actions.milestone_add(
                actor=builder.staff, project=project, name="进场施工", planned_on=late
            )
        _backdate(project, clock)
        made.append(project)
    return made


def _topic_for(builder: Builder, compound: Compound, title: str, on: dt.date):
    """A decided topic of the other compounds' residents, for their projects."""
    from laoyuan.voices import actions as voice_actions

    voices = voice_actions.voices_record(
        actor=builder.staff,
        compound=compound,
        channel="courtyard",
        said_on=on,
        occasion="坝坝会",
        entries=[voice_actions.VoiceEntry(text=f"希望尽快{title}", speaker_name="居民代表")],
    )
    topic = voice_actions.topic_create(actor=builder.staff, voices=voices, title=title)
    return voice_actions.topic_transition(
        actor=builder.users["jiedao"] if compound.code.startswith("510104") else builder.staff,
        topic=topic,
        to_state="decided",
        outcome=voice_actions.Outcome(
            decision=f"纳入老旧小区改造：{title}", allow_past_deadline=True
        ),
    )
