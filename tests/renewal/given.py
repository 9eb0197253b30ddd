"""Given-steps of the renewal tests (no tests here): topics, projects and everything a project
needs to reach a state, all written through the real actions by the cast of tests/cast.py."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laoyuan.decisions import actions as meeting_actions
from laoyuan.registry.models import Building, Household, Resident, Unit
from laoyuan.renewal import actions
from laoyuan.renewal.models import (
    LIFECYCLE,
    AttachmentKind,
    Project,
    ProjectState,
    SourceKind,
)
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import Channel, Topic, TopicState

TODAY = dt.date.today()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name: str = "现场.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def topic(
    world,
    texts=("下雨就冒水，下水道堵了", "化粪池返臭味"),
    *,
    compound=None,
    state=TopicState.DECIDED,
    who="li",
    title="雨污管网改造",
) -> Topic:
    """Voices heard at an evening talk, grouped into a topic, decided (unless told)."""
    compound = compound or world.wufuyuan
    actor = world.users[who]
    voices = voice_actions.voices_record(
        actor=actor,
        compound=compound,
        channel=Channel.EVENING_TALK,
        said_on=TODAY,
        occasion="五福夜话",
        entries=[voice_actions.VoiceEntry(text=t, speaker_name="王大爷") for t in texts],
    )
    made = voice_actions.topic_create(actor=actor, voices=voices, title=title)
    if state == TopicState.DECIDED:
        made = voice_actions.topic_transition(
            actor=actor,
            topic=made,
            to_state=TopicState.DECIDED,
            outcome=voice_actions.Outcome(decision="纳入改造", responsible_party="街道"),
        )
    return made


def project(world, *, compound=None, who="", topics=(), **fields) -> Project:
    """A project in the compound's library (五福苑 unless told), put there by li (by wang, the
    street official, outside 沙河社区)."""
    compound = compound or world.wufuyuan
    who = who or ("li" if compound.community_id == world.shahe_community.pk else "wang")
    values = {"title": "雨污分流改造", "item_type": "drainage"} | fields
    return actions.project_create(
        actor=world.users[who],
        compound=compound,
        fields=actions.ProjectFields(**values),
        topics=list(topics),
    )


def fields_of(p: Project, **changes) -> actions.ProjectFields:
    """The project's current fields, with some changed (for project_edit)."""
    values = {
        "title": p.title,
        "item_type": p.item_type,
        "description": p.description,
        "budget": p.budget,
        "planned_start": p.planned_start,
        "planned_end": p.planned_end,
        "designer": p.designer,
        "contractor": p.contractor,
        "vote_matter": p.vote_matter,
        "fund_emergency": p.fund_emergency,
        "fund_emergency_reason": p.fund_emergency_reason,
        "buildings": list(p.buildings.all()),
        "quantities": [
            actions.QuantityEntry(q.item, q.amount, q.unit, q.building)
            for q in p.quantities.order_by("id")
        ],
    }
    return actions.ProjectFields(**(values | changes))


def decision(world, about: Topic | None = None, *, compound=None, who: str = "li"):
    """An on-site meeting of the compound (五福苑 unless told) that decided a topic."""
    about = about or topic(
        world, ["路面坑洼积水"], state=TopicState.OPEN, compound=compound, who=who, title="路面整修"
    )
    meeting = meeting_actions.meeting_record(
        actor=world.users[who],
        compound=about.compound,
        kind="onsite",
        title="五福苑现场办公会",
        held_on=TODAY,
        place="知福堂",
        attendees=[meeting_actions.AttendeeEntry(name="李社工")],
        topics=[about],
    )
    return meeting_actions.meeting_decide(
        actor=world.users[who],
        meeting=meeting,
        topic=about,
        responsible_party="街道城管办",
        solution="纳入老旧小区改造",
        deadline=TODAY + dt.timedelta(days=90),
    )


def home(world, compound) -> Household:
    """A household of the compound: h1 in 五福苑, a new flat elsewhere."""
    if compound.pk == world.wufuyuan.pk:
        return world.h1
    building, _ = Building.objects.get_or_create(
        compound=compound, number="1", defaults={"floors": 6}
    )
    n = Unit.objects.filter(building=building).count() + 1
    unit = Unit.objects.create(
        building=building, compound=compound, room_number=f"{n}01", floor=n, area=Decimal("60.00")
    )
    return Household.objects.create(unit=unit, compound=compound, building=building)


def resident(world, compound, name: str) -> Resident:
    from tests.cast import _resident

    if compound.pk == world.wufuyuan.pk:
        return _resident(world.h2, name)
    return _resident(home(world, compound), name)


def members(world, p: Project, n: int = 3, actor=None):
    """n residents of the project's compound volunteer and are elected its supervision group."""
    actor = actor or world.li
    volunteers = []
    for i in range(n):
        person = resident(world, p.compound, f"监督员{i}")
        volunteers.append(actions.volunteer_add(actor=actor, project=p, resident=person))
    actions.group_elect(
        actor=actor, project=p, volunteers=volunteers, leader=volunteers[0], formed_on=TODAY
    )
    return volunteers


def passed_vote(world, p: Project, *, yes: bool = True, close: bool = True):
    """An owners' vote of the project's matter in building 9 of its compound (two owners, both
    voting yes unless told), opened by li and closed; the project is narrowed to building 9
    (a vote of some buildings decides only for them)."""
    from laoyuan.decisions.votes.models import Vote
    from laoyuan.renewal.models import VOTE_MATTERS
    from tests.votes import helpers as vh

    units = Unit.objects.filter(compound=p.compound, building__number="9").order_by("pk")
    if not units.exists():
        units = vh.units(
            p.compound, "9", [("101", "80.00", ["业主甲"]), ("102", "60.00", ["业主乙"])]
        )
    units = list(units)
    building = vh.building(p.compound, "9")
    vote = vh.open_vote(
        world, VOTE_MATTERS[p.vote_matter], compound=p.compound, buildings=[building]
    )
    if close:
        for unit, name in zip(units, ("业主甲", "业主乙"), strict=False):
            vh.paper(world, vote, unit, name, "yes" if yes else "no")
        vote = vh.close(world, vote)
    if set(p.buildings.all()) != {building}:
        actions.project_edit(actor=world.li, project=p, fields=fields_of(p, buildings=[building]))
    return Vote.objects.get(pk=vote.pk)


def link_passed_vote(world, p: Project, *, actor=None, yes: bool = True):
    vote = passed_vote(world, p, yes=yes)
    actions.project_set_vote(actor=actor or world.li, project=p, vote=vote)
    return vote


def plan_notice(world, p: Project, *, actor=None):
    """The project's plan published today for one calendar day by li (unless told)."""
    return actions.project_publish_plan(
        actor=actor or world.li,
        project=p,
        starts_on=TODAY,
        period_days=1,
        working_days=False,
    )


def period_over(notice):
    """Time passes: the notice's period ended yesterday (its dates moved back)."""
    from tests.notices.helpers import end_period

    return end_period(notice)


def close_notice(notice):
    from laoyuan.notices import actions as notice_actions

    notice_actions.notice_close(notice_id=notice.pk)
    notice.refresh_from_db()
    return notice


def plan_notice_closed(world, p: Project, *, actor=None):
    """The plan published, its period over without objections, closed by the system."""
    return close_notice(period_over(plan_notice(world, p, actor=actor)))


def advance(world, p: Project, to_state: str, *, who: str = "") -> Project:
    """Give the project what each step needs and take it there, step by step, as li would (as
    wang, the street official, outside 沙河社区)."""
    who = who or ("li" if p.compound.community_id == world.shahe_community.pk else "wang")
    target = LIFECYCLE.index(to_state)
    while LIFECYCLE.index(p.state) < target:
        nxt = LIFECYCLE[LIFECYCLE.index(p.state) + 1]
        _prepare(world, p, nxt, world.users[who])
        p = actions.project_transition(actor=world.users[who], project=p, to_state=nxt)
    return p


def _prepare(world, p: Project, state: str, actor) -> None:
    p.refresh_from_db()
    if state == ProjectState.CONSULTED and not p.topics.exists():
        actions.project_link_topics(
            actor=actor, project=p, topics=[topic(world, compound=p.compound, who=actor.username)]
        )
    elif state == ProjectState.DESIGNED:
        actions.attachment_add(
            actor=actor, project=p, kind=AttachmentKind.PLAN, title="方案", upload=pdf()
        )
        actions.attachment_add(
            actor=actor, project=p, kind=AttachmentKind.DRAWING, title="图纸", upload=pdf()
        )
        actions.project_edit(
            actor=actor,
            project=p,
            fields=fields_of(
                p,
                budget=p.budget or Decimal("1000000.00"),
                quantities=[actions.QuantityEntry("更换地下管网", "200", "米")],
            ),
        )
    elif state == ProjectState.DECIDED:
        actions.project_set_resolution(
            actor=actor,
            project=p,
            decision=decision(world, compound=p.compound, who=actor.username),
        )
        if p.vote_matter and p.vote_id is None:
            link_passed_vote(world, p, actor=actor)
    elif state == ProjectState.PUBLISHED:
        plan_notice_closed(world, p, actor=actor)
    elif state == ProjectState.FUNDED:
        actions.source_add(
            actor=actor,
            project=p,
            kind=SourceKind.GOVERNMENT,
            funder="锦江区财政局",
            pledged=p.budget,
            booked_on=TODAY,
        )
    elif state == ProjectState.TENDERING:
        actions.project_edit(
            actor=actor,
            project=p,
            fields=fields_of(p, planned_start=TODAY, planned_end=TODAY + dt.timedelta(days=120)),
        )
        actions.milestone_add(
            actor=actor, project=p, name="完工", planned_on=TODAY + dt.timedelta(days=120)
        )
    elif state == ProjectState.CONSTRUCTION:
        actions.project_edit(actor=actor, project=p, fields=fields_of(p, contractor="蜀安建设"))
        members(world, p, actor=actor)
        actions.work_item_add(
            actor=actor, project=p, name="管网", weight=3, planned_quantity="200", unit="米"
        )
    elif state == ProjectState.ACCEPTED:
        for item in p.work_items.all():
            actions.work_item_report(actor=actor, item=item, done_quantity=item.planned_quantity)
        actions.attachment_add(
            actor=actor,
            project=p,
            kind=AttachmentKind.ACCEPTANCE,
            title="验收报告",
            upload=pdf("验收.pdf"),
        )
        for member in p.group.members.all():
            actions.signoff_record(actor=actor, project=p, member=member, agrees=True)
        survey = actions.survey_open(actor=actor, project=p, closes_on=TODAY)
        actions.survey_answer(
            actor=actor,
            survey=survey,
            household=home(world, p.compound),
            choice="satisfied",
            channel="paper",
        )
        actions.survey_close(actor=actor, survey=survey)
    elif state == ProjectState.MAINTENANCE:
        actions.maintenance_add(
            actor=actor,
            project=p,
            name="管网疏通",
            responsible_party="五福苑物业",
            interval_months=6,
            first_due=TODAY + dt.timedelta(days=180),
        )
