"""The meetings and owners' votes of the demo (演示表决): Wufuyuan's (五福苑) lift for building 5.

The story goes on from the residents' voices ("盼着早点装电梯", the project "加装电梯（有意愿的
单元）"): two months ago a residents' deliberation meeting (居民议事会) resolved to put a lift for
building 5 to its owners; the owners' committee called an owners' assembly of building 5
(业主大会), noticed it 20 days ahead on the stairwell boards and in the WeChat group; the owners
voted for two weeks on their phones and on paper, one by her son with a written proxy, one
changed her mind, one voted online and then handed in a signed paper ballot (the paper counts);
the assembly met, signed in on paper and on phones, and the vote was closed and counted a month
ago: passed under Civil Code art. 278 item (7) (at least 3/4). Now an advisory poll (意见征询)
on the opening hours of 知福堂 is open, and the demo resident `jumin` has not voted yet.

Everything is written through the actions (chain, audit log, notifications), then moved back
to when it happened in the story; a vote's chain covers its timestamps, so the demo seals the
chain again after moving them (`_shift`), and `verify-votes` finds it intact. Some owners of
building 5 get portal accounts without a password, so that their online ballots have an
account behind them. Loading is idempotent (a compound with votes is left alone);
`reset_votes_demo` removes the votes, resolutions and notices of the demo places.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.decisions import actions as meeting_actions
from laoyuan.decisions import plan_actions, resolutions
from laoyuan.decisions.models import (
    AttendeeKind,
    Decision,
    MeetingEvent,
    MeetingKind,
    MeetingNotice,
    NoticeChannel,
    Resolution,
    ResolutionKind,
)
from laoyuan.decisions.votes import actions, ballots, chain
from laoyuan.decisions.votes.models import (
    Ballot,
    Matter,
    Proxy,
    RollOwner,
    RollUnit,
    Vote,
    VoteEvent,
    VoteStatus,
    VotingPerson,
)
from laoyuan.registry.models import Building, Compound, Resident
from laoyuan.voices.models import LIVE_STATES, Topic

WUFUYUAN_CODE = "510104-SH-01-WFY"
DEMO_DISTRICT_CODES = ("510104", "320508")
LIFT_BUILDING = "5"
ACCOUNT_PREFIX = "yezhu-"
LIFT_QUESTION = (
    "是否同意在5栋各单元加装电梯：\n"
    "1. 每个单元在楼道北侧加装一部电梯（平层入户），由街道统一招标施工；\n"
    "2. 费用在政府补贴后由本单元业主按楼层系数分摊（一楼不分摊，二楼0.6，三楼及以上逐层递增）；\n"
    "3. 一楼住户因采光受影响，按方案给予补偿；\n"
    "4. 电梯建成后由五福苑物业服务中心维保，费用按月收取。"
)


def _scan(number: str) -> SimpleUploadedFile:
    """A stand-in for the scan of a signed paper (a grey page with its number)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 594), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 400, 574), outline=(90, 90, 90), width=2)
    draw.text((40, 40), f"No. {number}", fill=(20, 20, 20))
    for y in range(120, 520, 40):
        draw.line((40, y, 380, y), fill=(160, 160, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{number}.png", out.getvalue(), content_type="image/png")


def _users() -> dict[str, User]:
    names = ["jiedao", "shequ", "wangge", "shuji", "yeweihui", "jumin"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _account(resident: Resident) -> User:
    """A portal account of an owner (no password: nobody signs in as her in the demo), named
    after her flat so that a reloaded demo finds it again."""
    unit = resident.household.unit
    room = f"{unit.building.number}-{unit.entrance.number if unit.entrance_id else 0}-{unit.room_number}"
    user, made = User.objects.get_or_create(
        username=f"{ACCOUNT_PREFIX}{room}", defaults={"display_name": resident.name}
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.RESIDENT,
        level="household",
        household_id=resident.household_id,
        defaults={"resident": resident},
    )
    return user


def _seal_again(vote: Vote) -> None:
    """Seal the vote's chain again in order after its timestamps were moved (demo only)."""
    prev = chain.GENESIS
    for row in chain.rows_of(vote):
        row.prev_hash = prev
        row.hash = chain.seal(chain.content_of(row), prev)
        type(row).objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
        prev = row.hash
    Vote.objects.filter(pk=vote.pk).update(chain_head=prev)


def _retime(vote: Vote, *, created: dt.datetime, opens: dt.datetime, closes: dt.datetime):
    """Date the vote's story: created, opened, ballots and proxies spread over the voting
    period in the order of the chain, closed and counted at the end; then seal it again."""
    closed = vote.status == VoteStatus.CLOSED
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=opens,
        closes_at=closes,
        created_at=created,
        status_changed_at=closes + dt.timedelta(minutes=30) if closed else opens,
    )
    rows = chain.rows_of(vote)
    middle = [r for r in rows if not isinstance(r, VoteEvent)]
    span = (closes - opens) - dt.timedelta(hours=1)
    for i, row in enumerate(middle, start=1):
        at = opens + span * i / (len(middle) + 1)
        if isinstance(row, Ballot):
            Ballot.objects.filter(pk=row.pk).update(
                at=at, received_at=at if row.received_at else None
            )
        else:
            Proxy.objects.filter(pk=row.pk).update(at=at)
    for event in (r for r in rows if isinstance(r, VoteEvent)):
        at = {
            "created": created,
            "opened": opens,
            "closed": closes + dt.timedelta(minutes=30),
        }.get(event.kind, closes)
        for key, value in (("opens_at", opens), ("closes_at", closes)):
            if key in event.data:
                event.data[key] = value.isoformat()
        VoteEvent.objects.filter(pk=event.pk).update(at=at, data=event.data)
    for person in VotingPerson.objects.filter(vote=vote).exclude(counted_ballot=None):
        at = Ballot.objects.filter(pk=person.counted_ballot_id).values_list("at", flat=True)[0]
        VotingPerson.objects.filter(pk=person.pk).update(counted_at=at)
    _seal_again(vote)


def _date_meeting(meeting, *, held_on: dt.date, noticed_on: dt.date) -> None:
    """Date an assembly's story: planned two days before its notice, noticed, held in the
    evening with the sign-ins at its start (the actions stamped them with the time of loading)."""

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    type(meeting).objects.filter(pk=meeting.pk).update(
        held_on=held_on, created_at=at(noticed_on - dt.timedelta(days=2), 10)
    )
    for notice in MeetingNotice.objects.filter(meeting=meeting):
        MeetingNotice.objects.filter(pk=notice.pk).update(
            noticed_on=noticed_on, for_date=held_on, created_at=at(noticed_on, 10)
        )
    for event in MeetingEvent.objects.filter(meeting=meeting):
        when = {
            "planned": at(noticed_on - dt.timedelta(days=2), 10),
            "noticed": at(noticed_on, 10, 30),
        }.get(event.kind, at(held_on, 21))
        note = event.note
        if event.kind == "noticed":
            note = note.replace(note[:10], f"{noticed_on:%Y-%m-%d}", 1)
            event.data["for_date"] = f"{held_on:%Y-%m-%d}"
        if event.kind == "held":
            event.data.update(held_on=f"{held_on:%Y-%m-%d}", planned_for=f"{held_on:%Y-%m-%d}")
        MeetingEvent.objects.filter(pk=event.pk).update(at=when, note=note, data=event.data)
    for n, attendee in enumerate(meeting.attendees.order_by("pk")):
        type(attendee).objects.filter(pk=attendee.pk).update(
            signed_at=at(held_on, 18, 40) + dt.timedelta(minutes=n % 20)
        )


def _grid_worker(person: VotingPerson, users: dict[str, User]) -> User:
    """The grid worker (网格员) of the person's first unit, who collected her paper ballot."""
    unit = RollUnit.objects.filter(person=person).select_related("grid__worker").first()
    if unit is not None and unit.grid is not None and unit.grid.worker is not None:
        return unit.grid.worker
    return users["shequ"]


def _owners_of(vote: Vote) -> list[tuple[VotingPerson, RollOwner, int]]:
    """Each voting person with her first owner and the floor of her first unit."""
    floors = {u.person_id: u.label for u in RollUnit.objects.filter(vote=vote).order_by("position")}
    out = []
    for person in VotingPerson.objects.filter(vote=vote).order_by("number"):
        owner = RollOwner.objects.filter(person=person).order_by("pk").first()
        room = floors.get(person.pk, "").rsplit("单元", 1)[-1]
        floor = int(room[0]) if room[:1].isdigit() else 3
        out.append((person, owner, floor))
    return out


def _lift_vote(compound: Compound, users: dict[str, User], rng: random.Random) -> Vote:
    today = timezone.localdate()
    building = Building.objects.get(compound=compound, number=LIFT_BUILDING)
    # The project "加装电梯（有意愿的单元）" of the voices demo, whatever state it is in now.
    lift_topic = (
        Topic.objects.filter(compound=compound, title__contains="电梯").order_by("pk").first()
    )
    agenda_topic = lift_topic if lift_topic and lift_topic.state in LIVE_STATES else None
    # 1. A residents' deliberation meeting two months ago resolves to put it to the owners.
    deliberation = meeting_actions.meeting_record(
        actor=users["shequ"],
        compound=compound,
        kind=MeetingKind.DELIBERATION,
        title="5栋加装电梯居民议事会",
        held_on=today - dt.timedelta(days=62),
        place="知福堂",
        attendees=[
            meeting_actions.AttendeeEntry(name="李晓梅", organisation="沙河社区"),
            meeting_actions.AttendeeEntry(name="赵国强", organisation="五福苑业委会"),
            meeting_actions.AttendeeEntry(
                name="街道城管办", kind=AttendeeKind.DEPARTMENT, organisation="沙河街道"
            ),
            *[
                meeting_actions.AttendeeEntry(name=name, kind=AttendeeKind.RESIDENT)
                for name in ("何婆婆", "罗师傅", "周阿姨", "王嬢嬢", "刘大爷")
            ],
        ],
        topics=[lift_topic] if lift_topic else [],
        minutes="介绍加装电梯方案和费用分摊办法；一楼住户代表提出采光补偿，方案已写入。"
        "与会代表同意提交5栋业主表决。",
    )
    resolution = resolutions.resolution_record(
        actor=users["shequ"],
        meeting=deliberation,
        kind=ResolutionKind.VOTE,
        text="5栋加装电梯方案提交5栋业主大会表决",
        topics=[lift_topic] if lift_topic else [],
        vote=actions.VoteDraft(
            title="5栋加装电梯表决",
            question=LIFT_QUESTION,
            matter=Matter.REBUILD,
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(hours=2),
            buildings=[building],
        ),
    )
    vote = resolution.vote
    # 2. The owners' committee calls the building's owners' assembly, noticed 20 days ahead.
    assembly = plan_actions.meeting_plan(
        actor=users["yeweihui"],
        compound=compound,
        kind=MeetingKind.OWNERS_ASSEMBLY,
        title="五福苑5栋业主大会（加装电梯）",
        held_on=today,
        starts_at=dt.time(19, 0),
        place="5栋前院坝",
        buildings=[building],
        agenda=[
            plan_actions.AgendaEntry(title="说明加装电梯方案和费用分摊", topic=agenda_topic),
            plan_actions.AgendaEntry(title="现场投票、收取纸质表决票"),
            plan_actions.AgendaEntry(title="结束投票并当场计票"),
        ],
        notice=plan_actions.NoticeEntry(
            noticed_on=today - dt.timedelta(days=20),
            channels=[NoticeChannel.BOARD, NoticeChannel.WECHAT, NoticeChannel.DOOR],
            posted_where="5栋各单元公告栏、小区大门",
            text="请5栋业主参加业主大会，对加装电梯方案表决。不能到会的可在手机上投票，"
            "或书面委托他人投票。",
        ),
    )
    now = timezone.now()
    vote = actions.vote_update(
        actor=users["yeweihui"],
        vote=vote,
        draft=actions.VoteDraft(
            title=vote.title,
            question=vote.question,
            matter=vote.matter,
            opens_at=now - dt.timedelta(minutes=1),
            closes_at=now + dt.timedelta(hours=2),
            buildings=[building],
            meeting=assembly,
        ),
    )
    vote = actions.vote_open(actor=users["yeweihui"], vote=vote)
    # 3. The owners vote: ground and first floors mostly against, the rest mostly for.
    people = _owners_of(vote)
    rng.shuffle(people)
    received = timezone.now()
    number = 0

    def paper(person, owner, choice, who="", **kwargs):
        nonlocal number
        number += 1
        code = f"5-{number:03d}"
        return ballots.ballot_enter_paper(
            actor=users[who] if who else _grid_worker(person, users),
            vote=vote,
            paper=ballots.PaperBallot(
                owner=owner,
                choice=choice,
                ballot_number=code,
                received_at=received,
                scan=_scan(code),
                **kwargs,
            ),
        )

    voters = people[: len(people) * 9 // 10]  # nine in ten take part
    for i, (person, owner, floor) in enumerate(voters):
        low = floor <= 2
        choice = (
            rng.choice(["no", "no", "abstain", "yes"]) if low else rng.choice(["yes"] * 11 + ["no"])
        )
        resident = (
            Resident.objects.filter(pk=owner.resident_id)
            .select_related("household__unit__building", "household__unit__entrance")
            .first()
        )
        online = resident is not None and i % 3 == 0
        if i == 1 and resident is not None:
            # Changed her mind: first against, then for (both ballots stay).
            account = _account(resident)
            ballots.ballot_cast_online(actor=account, vote=vote, person=person, choice="no")
            ballots.ballot_cast_online(actor=account, vote=vote, person=person, choice="yes")
        elif i == 2:
            # Her son votes for her with a written proxy.
            proxy = ballots.proxy_record(
                actor=users["shequ"],
                vote=vote,
                owner=owner,
                proxy_name="何建军（儿子）",
                scan=_scan("WT-1"),
                note="业主行动不便，书面委托儿子代为投票",
            )
            paper(person, owner, "yes", who="shequ", proxy=proxy)
        elif i == 3 and resident is not None:
            # Voted on her phone, then also handed in a signed paper: the paper counts.
            account = _account(resident)
            ballots.ballot_cast_online(actor=account, vote=vote, person=person, choice="abstain")
            paper(person, owner, "yes")
        elif online:
            account = _account(resident)
            ballots.ballot_cast_online(actor=account, vote=vote, person=person, choice=choice)
        else:
            paper(person, owner, choice, who=rng.choice(["", "", "shequ", "yeweihui"]))
    # 4. The assembly meets: sign-ins on paper and on phones; the vote is closed and counted.
    plan_actions.attendance_record(
        actor=users["yeweihui"],
        meeting=assembly,
        attendees=[
            meeting_actions.AttendeeEntry(name=p.label[:60], kind=AttendeeKind.RESIDENT)
            for p, _o, _f in voters[:18]
        ]
        + [meeting_actions.AttendeeEntry(name="李晓梅", organisation="沙河社区")],
    )
    plan_actions.meeting_hold(
        actor=users["yeweihui"],
        meeting=assembly,
        held_on=today,
        minutes="到会业主和委托代理人在签到表上签到。业委会说明方案，回答一楼住户的补偿问题。"
        "投票截止后当场计票，结果在各单元公告栏公示。",
    )
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    vote.refresh_from_db()
    vote = actions.vote_close(actor=users["yeweihui"], vote=vote)
    # 5. It all happened a month ago: two weeks of voting ending on the assembly's evening.
    evening = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=30), dt.time(21, 0))
    )
    _retime(
        vote,
        created=evening - dt.timedelta(days=32),
        opens=evening - dt.timedelta(days=14, hours=12),
        closes=evening,
    )
    # The assembly resolves on what the count said.
    from laoyuan.decisions.votes.results import result_of

    sheet = result_of(vote)
    area = next(t.share for t in sheet.tests if t.key == "pass_area")
    owners = next(t.share for t in sheet.tests if t.key == "pass_owners")
    resolutions.resolution_record(
        actor=users["yeweihui"],
        meeting=assembly,
        kind=ResolutionKind.RECORD,
        text=f"5栋加装电梯方案经业主表决{sheet.outcome_label}（同意的面积占{area}%、人数占{owners}%），"
        "结果在各单元公告栏公示；报街道纳入加装电梯项目，由业委会和社区组织施工前的协调。",
    )
    _date_meeting(
        assembly,
        held_on=today - dt.timedelta(days=30),
        noticed_on=today - dt.timedelta(days=50),
    )
    for made in Resolution.objects.filter(meeting=assembly):
        Resolution.objects.filter(pk=made.pk).update(created_at=evening + dt.timedelta(minutes=40))
    Resolution.objects.filter(pk=resolution.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(deliberation.held_on, dt.time(21)))
    )
    return vote


def _poll(compound: Compound, users: dict[str, User], rng: random.Random) -> Vote:
    """The open advisory poll on 知福堂's opening hours, a few days into its fortnight."""
    now = timezone.now()
    vote = actions.vote_create(
        actor=users["shequ"],
        compound=compound,
        draft=actions.VoteDraft(
            title="知福堂周末开放时间意见征询",
            question="知福堂（老年活动室）周末想在什么时间开放？请选一个您最方便的时间。"
            "结果供社区和物业安排值班参考。",
            matter=Matter.ADVISORY,
            opens_at=now - dt.timedelta(days=3),
            closes_at=(timezone.localtime(now) + dt.timedelta(days=11)).replace(
                hour=18, minute=0, second=0, microsecond=0
            ),
            options=["上午 8:30—11:30", "下午 2:00—5:30", "全天开放", "周末不用开"],
        ),
    )
    vote = actions.vote_open(actor=users["shequ"], vote=vote)
    jumin_resident = (
        RoleAssignment.objects.filter(user=users.get("jumin"), role=Role.RESIDENT)
        .values_list("resident_id", flat=True)
        .first()
    )
    people = [p for p in _owners_of(vote) if p[1].resident_id != jumin_resident]
    rng.shuffle(people)
    number = 0
    for person, owner, _floor in people[:60]:
        choice = rng.choice(["o1", "o1", "o2", "o3", "o3", "o3", "o4"])
        resident = (
            Resident.objects.filter(pk=owner.resident_id)
            .select_related("household__unit__building", "household__unit__entrance")
            .first()
        )
        if resident is not None and rng.random() < 0.5:
            ballots.ballot_cast_online(
                actor=_account(resident), vote=vote, person=person, choice=choice
            )
        else:
            number += 1
            code = f"Z-{number:03d}"
            ballots.ballot_enter_paper(
                actor=_grid_worker(person, users),
                vote=vote,
                paper=ballots.PaperBallot(
                    owner=owner,
                    choice=choice,
                    ballot_number=code,
                    received_at=timezone.now(),
                    scan=_scan(code),
                ),
            )
    # The ballots came in over the three days since it opened.
    opened = timezone.localtime(vote.opens_at).replace(hour=9, minute=0, second=0, microsecond=0)
    _retime(vote, created=opened - dt.timedelta(days=1), opens=opened, closes=vote.closes_at)
    # Spread over the days so far, not up to the closing time still ahead.
    now = timezone.now()
    rows = list(Ballot.objects.filter(vote=vote).order_by("seq"))
    for i, row in enumerate(rows, start=1):
        at = opened + (now - dt.timedelta(hours=1) - opened) * i / (len(rows) + 1)
        Ballot.objects.filter(pk=row.pk).update(at=at, received_at=at if row.received_at else None)
    for person in VotingPerson.objects.filter(vote=vote).exclude(counted_ballot=None):
        at = Ballot.objects.filter(pk=person.counted_ballot_id).values_list("at", flat=True)[0]
        VotingPerson.objects.filter(pk=person.pk).update(counted_at=at)
    _seal_again(vote)
    return vote


@transaction.atomic
def load_votes_demo(*, today: dt.date | None = None) -> list[str]:
    """Load Wufuyuan's lift vote and the open poll (after the voices demo); a compound that
    already has votes is kept. Returns lines for the load-demo report."""
    compound = Compound.objects.filter(code=WUFUYUAN_CODE).select_related("community").first()
    users = _users()
    if compound is None or not {"shequ", "wangge", "yeweihui"} <= set(users):
        return []
    if not Vote.objects.filter(compound=compound).exists():
        rng = random.Random("laoyuan-demo:votes")
        _lift_vote(compound, users, rng)
        _poll(compound, users, rng)
    lines = []
    for vote in Vote.objects.filter(compound=compound).order_by("pk"):
        voted = VotingPerson.objects.filter(vote=vote).exclude(counted_choice="").count()
        state = vote.get_status_display()
        if vote.status == VoteStatus.CLOSED:
            state += "：" + (
                "通过" if vote.passed else "未通过" if vote.passed is False else "意见征询"
            )
        lines.append(
            f"五福苑表决「{vote.title}」（{state}），{voted}/{vote.total_persons} 位表决权人已投票"
        )
    return lines


def reset_votes_demo() -> None:
    """Remove the votes, resolutions and meeting notices of the demo places, so that their
    meetings, topics, owners and units can go (run before the voices demo's reset)."""
    votes = Vote.objects.filter(compound__community__street__district__code__in=DEMO_DISTRICT_CODES)
    VotingPerson.objects.filter(vote__in=votes).update(counted_ballot=None)
    Ballot.objects.filter(vote__in=votes).update(replaces=None)
    for model in (Ballot, Proxy, VoteEvent, RollOwner, RollUnit, VotingPerson):
        model.objects.filter(vote__in=votes).delete()
    votes.delete()
    in_demo = Q(meeting__compound__community__street__district__code__in=DEMO_DISTRICT_CODES)
    Decision.objects.filter(in_demo).update(resolution=None)
    Resolution.objects.filter(in_demo).delete()
    MeetingNotice.objects.filter(in_demo).delete()
