"""The case work of the demo (演示工单), told with Wufuyuan's (五福苑) voices.

Shahe street's responsible parties (责任方): the trust-model property company of Wufuyuan, the
water, power and gas utilities, the street's 城管办 and 住建办, the community's two committees
(居委会 and 党委), Wufuyuan's owners' committee and a social organisation, each with contacts;
two new accounts act for parties (`gongshui`, the water company's dispatcher; `chengguan`, the
城管办's clerk) and the demo's property, community, party-secretary, owners'-committee and
social-organisation accounts act for theirs.

The cases: the ten topics the voices demo turned into cases (their decisions, parties and
deadlines), the thirteen 12345 work orders among its voices, problems the grid worker found on
her rounds and two reported by the demo resident on the portal. Most were dispatched, accepted,
answered, solved and rated; one was rated dissatisfied and reopened; a few are still being
worked on (one paused, waiting for the resident); two went unaccepted past their deadlines and
climbed to the street's overdue board, and the street issued a supervision notice (督办单) for
one of them.

The history is written through the actions with the clock set back to when each step happened
(`clocks.frozen_at`), and the sweep ran at those moments, so timelines, deadlines on the Chinese
calendar, escalations and notifications are real. Loading is idempotent (a compound with 12345
cases is left alone); `reset_cases_demo` removes the demo's cases and parties.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from laoyuan.cases import actions, clocks
from laoyuan.cases.models import (
    Case,
    CaseEvent,
    CaseSource,
    CaseState,
    Party,
    PartyKind,
    SupervisionNotice,
)
from laoyuan.cases.queries import match_party
from laoyuan.cases.sweep import sweep
from laoyuan.core.models import Level, Notification, Role, RoleAssignment, User
from laoyuan.registry.models import Building, Compound, Street
from laoyuan.voices.models import Channel, TopicEvent, TopicState, Voice

WUFUYUAN_CODE = "510104-SH-01-WFY"
SHAHE_CODE = "510104-SH"
DEMO_DISTRICT_CODES = ("510104", "320508")

# name, kind, serves ("street" / "community" / "compound"), aliases, duty, service phone,
# contacts [(name, post, phone)], accounts acting for it.
PARTIES = [
    ("五福苑物业服务中心", PartyKind.PROPERTY, "compound", ["五福物业", "物业", "五福苑物业"],
     "信托制物业受托人：保洁、绿化、秩序维护、共用部位和设施设备的日常维修。", "",
     [("孙志刚", "项目经理", "13980010001"), ("刘师傅", "维修班长", "13980010002")], ["wuye"]),
    ("成都自来水锦江片区沙河营业所", PartyKind.WATER, "street", ["自来水公司", "供水公司"],
     "市政供水管网、二次供水设施、水表。", "028-96516",
     [("何建国", "调度员", "13980020001")], ["gongshui"]),
    ("国网锦江供电沙河供电所", PartyKind.POWER, "street", ["供电公司", "电力公司"],
     "供电线路、配电设施、电表。", "95598", [("郑立军", "台区经理", "13980030001")],
     ["gongdian"]),
    ("成都燃气锦江服务站", PartyKind.GAS, "street", ["燃气公司", "天然气公司"],
     "燃气管道、燃气表、安全检查。", "028-96577", [("罗敏", "安检员", "13980040001")],
     ["ranqi"]),
    ("沙河街道城管办", PartyKind.DEPARTMENT, "street", ["街道城管办", "城管办", "城管"],
     "市容环境、占道和违章搭建、道路、照明、垃圾清运的监管。", "",
     [("吴涛", "城管办主任", "13980050001")], ["chengguan"]),
    ("沙河街道住建办", PartyKind.DEPARTMENT, "street", ["住建办", "区住建局"],
     "房屋安全、老旧小区改造、专项维修资金。", "", [("冯丽", "住建办干事", "13980060001")],
     ["zhujian"]),
    ("沙河社区居委会", PartyKind.COMMUNITY, "community", ["社区居委会", "社区", "居委会"],
     "邻里纠纷调解、为民服务代办、协调各方。", "", [("李晓梅", "社区工作者", "13980070001")],
     ["shequ"]),
    ("沙河社区党委", PartyKind.COMMUNITY, "community", ["小区党支部", "社区党委", "党支部"],
     "党员志愿服务、五福夜话、党员中心户联系群众。", "",
     [("陈德明", "小区党支部书记", "13980080001")], ["shuji"]),
    ("五福苑业主委员会", PartyKind.OTHER, "compound", ["业主委员会", "业委会"],
     "监督信托制物业、公共收益和维修资金的使用。", "", [("赵国强", "业委会主任", "13980090001")],
     ["yeweihui"]),
    ("锦江区乐福社工服务中心", PartyKind.SOCIAL_ORG, "community", ["社工机构", "社会组织"],
     "味福堂老年助餐、独居老人探访、儿童四点半课堂。", "",
     [("周雨婷", "社工", "13980100001")], ["shegong"]),
]  # fmt: skip
# New accounts that act for a party: username, display name, party.
PARTY_ACCOUNTS = [
    ("gongshui", "何建国", "成都自来水锦江片区沙河营业所"),
    ("gongdian", "郑立军", "国网锦江供电沙河供电所"),
    ("ranqi", "罗敏", "成都燃气锦江服务站"),
    ("chengguan", "吴涛", "沙河街道城管办"),
    ("zhujian", "冯丽", "沙河街道住建办"),
]
GRID_FINDINGS = [
    ("env.light", "3", "3栋门口路灯不亮，晚上老人出门看不见", 120, "五福苑物业服务中心"),
    ("road.firelane", "", "后门消防通道堆放建筑垃圾，车进不来", 75, "沙河街道城管办"),
    ("nbr.clutter", "6", "6栋2单元楼道堆满纸箱，有火灾隐患", 40, "五福苑物业服务中心"),
    ("pipe.gas", "8", "8栋外墙燃气管锈蚀严重，闻到轻微异味", 12, "成都燃气锦江服务站"),
]
JUMIN_CASES = [
    ("house.stairs", "我们单元三楼的楼道灯不亮，晚上上下楼看不见", 60),
    ("pipe.drain", "我家楼下门口的下水道又冒水了，臭得很", 3),
]
PROGRESS = ["已安排人员上门查看", "已到现场，正在维修", "材料已到，明天施工", "已联系住户约定时间"]
SOLUTIONS = ["已修复，请居民监督", "已处理完毕并清理现场", "已更换损坏部件，恢复正常"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _daytime(moment: dt.datetime) -> dt.datetime:
    """People work by day: a step drawn at night happens at 8 in the morning (or 8 at night)."""
    local = timezone.localtime(moment)
    if local.hour < 8:
        return local.replace(hour=8)
    if local.hour >= 21:
        return local.replace(hour=20)
    return local


def _users() -> dict[str, User]:
    names = ["jiedao", "shequ", "wangge", "shuji", "wuye", "yeweihui", "shegong", "jumin"]
    names += [u for u, _d, _p in PARTY_ACCOUNTS]
    return {u.username: u for u in User.objects.filter(username__in=names)}


# --- parties and accounts ------------------------------------------------------------------------


def _ensure_parties(street: Street, compound: Compound, report) -> dict[str, Party]:
    from laoyuan.core import pii
    from laoyuan.registry.demo.loading import AccountRow, _ensure_user
    from laoyuan.registry.demo.scenario import DEMO_PASSWORD

    community = compound.community
    parties: dict[str, Party] = {}
    for name, kind, serves, aliases, duty, phone, contacts, _accounts in PARTIES:
        party, created = Party.objects.get_or_create(
            street=street,
            name=name,
            defaults={
                "kind": kind,
                "community": community if serves != "street" else None,
                "compound": compound if serves == "compound" else None,
                "aliases": aliases,
                "duty": duty,
                "service_phone": phone,
            },
        )
        if created:
            for person, post, number in contacts:
                sealed = pii.seal_phone(number)
                party.contacts.create(
                    name=person,
                    post=post,
                    phone_cipher=sealed.ciphertext,
                    phone_index=sealed.index,
                    phone_masked=sealed.masked,
                )
        parties[name] = party
    for username, display, _party in PARTY_ACCOUNTS:
        _ensure_user(username, display)
    by_name = _users()
    for name, *_rest, accounts in PARTIES:
        for username in accounts:
            if username in by_name:
                RoleAssignment.objects.get_or_create(
                    user=by_name[username],
                    role=Role.PARTY_STAFF,
                    level=Level.PARTY,
                    party=parties[name],
                )
    for username, _display, party_name in PARTY_ACCOUNTS:
        report.accounts.append(
            AccountRow(username, DEMO_PASSWORD, str(Role.PARTY_STAFF.label), party_name)
        )
    return parties


# --- the story --------------------------------------------------------------------------------


class Story:
    """Writes the history step by step at the moments it happened, through the actions."""

    def __init__(self, users: dict[str, User], parties: dict[str, Party], today: dt.date):
        self.users, self.parties, self.today = users, parties, today
        self.rng = random.Random("laoyuan-demo:cases")
        self.staff_of = {
            p.pk: next(
                (u for u in users.values() if any(a.party_id == p.pk for a in u.assignments.all())),
                None,
            )
            for p in parties.values()
        }
        self.now = timezone.now()

    def at(self, moment: dt.datetime, step: Callable[[], object]):
        """Do `step` with the clock at `moment`, and date its notifications then."""
        moment = min(_daytime(moment), self.now - dt.timedelta(minutes=5))
        last = Notification.objects.aggregate(m=Max("id"))["m"] or 0
        with clocks.frozen_at(moment):
            result = step()
        # Read a few hours later: the demo's unread notifications stay the voices demo's few.
        read = min(moment + dt.timedelta(hours=6), self.now - dt.timedelta(minutes=1))
        Notification.objects.filter(id__gt=last).update(created_at=moment, read_at=read)
        return result

    def handler(self, case: Case) -> User:
        return self.staff_of.get(case.party_id) or self.users["wuye"]

    def play(
        self,
        case: Case,
        start: dt.datetime,
        *,
        party: Party | None = None,
        stop: str = "closed",
        rating: str = "satisfied",
        reopen: bool = False,
    ) -> Case:
        """Dispatch (when waiting), accept, answer, solve and rate a case, each a few hours to
        days after the last, within its deadlines; `stop` leaves it at an earlier step."""
        rng = self.rng
        t = start + dt.timedelta(hours=rng.randint(1, 3))
        case = Case.objects.get(pk=case.pk)
        if case.state == CaseState.DISPATCH:
            party = party or self._default_party(case)
            self.at(
                t, lambda: actions.case_dispatch(actor=self.users["shequ"], case=case, party=party)
            )
            t += dt.timedelta(hours=rng.randint(1, 4))
        if stop == "assigned":
            return case
        case = Case.objects.get(pk=case.pk)
        worker = self.handler(case)
        self.at(t, lambda: actions.case_accept(actor=worker, case=case))
        t += dt.timedelta(hours=rng.randint(2, 20))
        self.at(
            t,
            lambda: actions.case_progress(
                actor=worker, case=Case.objects.get(pk=case.pk), note=rng.choice(PROGRESS)
            ),
        )
        if stop == "in_progress":
            return Case.objects.get(pk=case.pk)
        if stop == "paused":
            self.at(
                t + dt.timedelta(hours=2),
                lambda: actions.case_pause(
                    actor=worker,
                    case=Case.objects.get(pk=case.pk),
                    reason="resident",
                    note="住户外出，约好下周入户",
                ),
            )
            return Case.objects.get(pk=case.pk)
        due = Case.objects.get(pk=case.pk).solve_due_at
        t = min(t + dt.timedelta(days=rng.randint(1, 4)), due - dt.timedelta(hours=2))
        t = max(t, start + dt.timedelta(hours=6))
        self.at(
            t,
            lambda: actions.case_solve(
                actor=worker, case=Case.objects.get(pk=case.pk), note=rng.choice(SOLUTIONS)
            ),
        )
        rater = Case.objects.get(pk=case.pk).reporter_account or self.users["shequ"]
        if reopen:
            t += dt.timedelta(days=1)
            self.at(
                t,
                lambda: actions.case_rate(
                    actor=rater,
                    case=Case.objects.get(pk=case.pk),
                    rating="dissatisfied",
                    comment="修了两天又坏了",
                ),
            )
            t += dt.timedelta(days=1)
            self.at(
                t,
                lambda: actions.case_solve(
                    actor=worker, case=Case.objects.get(pk=case.pk), note="更换了整段线路"
                ),
            )
        if stop == "solved":
            return Case.objects.get(pk=case.pk)
        t += dt.timedelta(hours=rng.randint(4, 30))
        self.at(
            t,
            lambda: actions.case_rate(
                actor=rater, case=Case.objects.get(pk=case.pk), rating=rating
            ),
        )
        return Case.objects.get(pk=case.pk)

    def _default_party(self, case: Case) -> Party:
        kind = case.category.usual_party_kind
        for party in self.parties.values():
            if party.kind == kind:
                return party
        return self.parties["五福苑物业服务中心"]


def _rebase(case: Case, opened: dt.datetime) -> Case:
    """A case the voices demo opened (at load time) as of when its topic became a case."""
    deadline = case.decision.deadline if case.decision_id else case.topic.deadline
    clocks.start(case, opened, fixed_deadline=deadline)
    case.deadline_fixed = deadline is not None
    clocks.plan(case, opened)
    case.save()
    CaseEvent.objects.filter(case=case).update(at=opened)
    Notification.objects.filter(url=f"/cases/{case.pk}/").update(
        created_at=opened, read_at=opened + dt.timedelta(hours=6)
    )
    return case


def _topic_cases(story: Story, compound: Compound) -> int:
    cases = list(
        Case.objects.filter(compound=compound, topic__isnull=False)
        .select_related("topic", "decision", "category")
        .order_by("pk")
    )
    for n, case in enumerate(cases):
        moved = (
            TopicEvent.objects.filter(topic=case.topic, to_state=TopicState.CASE)
            .order_by("-at")
            .first()
        )
        opened = moved.at if moved else timezone.now() - dt.timedelta(days=30)
        case = _rebase(case, opened)
        named = (
            case.decision.responsible_party if case.decision_id else case.topic.responsible_party
        )
        party = match_party(named, compound) if named else None
        recent = opened.date() > story.today - dt.timedelta(days=12)
        story.play(case, opened, party=party, stop="in_progress" if recent else "closed",
                   rating="basic" if n % 4 == 1 else "satisfied")  # fmt: skip
    return len(cases)


def _hotline_cases(story: Story, compound: Compound) -> int:
    voices = list(
        Voice.objects.filter(compound=compound, channel=Channel.HOTLINE)
        .exclude(external_ref="")
        .order_by("said_on", "pk")
    )
    done = 0
    for n, voice in enumerate(voices):
        moment = _at(voice.said_on, 10, 30)
        opened = story.at(
            moment,
            lambda v=voice: actions.cases_open_from_hotline(actor=story.users["shequ"], voices=[v]),
        )
        for case in opened:
            recent = voice.said_on > story.today - dt.timedelta(days=25)
            story.play(
                case,
                moment,
                stop="paused" if recent else "closed",
                reopen=n == 3,
                rating="basic" if n % 3 == 2 else "satisfied",
            )
            done += 1
    return done


def _grid_cases(story: Story, compound: Compound) -> int:
    buildings = {b.number: b for b in Building.objects.filter(compound=compound)}
    for code, number, text, days, party_name in GRID_FINDINGS:
        day = story.today - dt.timedelta(days=days)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        moment = _at(day, 9, 40)
        case = story.at(
            moment,
            lambda c=code, n=number, t=text: actions.case_open(
                actor=story.users["wangge"],
                compound=compound,
                category=_category(c),
                description=t,
                building=buildings.get(n),
                spot="网格巡查发现",
            ),
        )
        story.play(
            case,
            moment,
            party=story.parties[party_name],
            stop="in_progress" if days < 20 else "closed",
        )
    return len(GRID_FINDINGS)


def _category(code: str):
    from laoyuan.cases.models import Category

    return Category.objects.get(code=code)


def _jumin_cases(story: Story, compound: Compound) -> int:
    jumin = story.users.get("jumin")
    if jumin is None:
        return 0
    home = (
        RoleAssignment.objects.filter(user=jumin, role=Role.RESIDENT)
        .select_related("household__building")
        .first()
    )
    for code, text, days in JUMIN_CASES:
        moment = _at(story.today - dt.timedelta(days=days), 19, 10)
        case = story.at(
            moment,
            lambda c=code, t=text: actions.case_submit(
                actor=jumin,
                compound=compound,
                category=_category(c),
                description=t,
                building=home.household.building if home else None,
            ),
        )
        story.play(case, moment, stop="solved" if days < 10 else "closed")
    return len(JUMIN_CASES)


def _overdue_cases(story: Story, compound: Compound) -> list[Case]:
    """Two cases nobody accepted: they climbed to the community, then to the street."""
    found = []
    for code, text, party_name, days in [
        ("pipe.water", "9栋二次供水水箱漏水，顶楼住户水压不足", "成都自来水锦江片区沙河营业所", 9),
        ("env.illegal", "2栋一楼住户在公共绿地上搭建棚子", "沙河街道城管办", 14),
    ]:
        day = story.today - dt.timedelta(days=days)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        moment = _at(day, 10, 0)
        case = story.at(
            moment,
            lambda c=code, t=text, p=party_name: actions.case_open(
                actor=story.users["shequ"],
                compound=compound,
                category=_category(c),
                description=t,
                reporter_name="网格员张红英转报",
                party=story.parties[p],
            ),
        )
        case = Case.objects.get(pk=case.pk)
        # The sweep ran when the deadline passed, and again when the community had had its day.
        for moment in (
            case.accept_due_at + dt.timedelta(minutes=1),
            clocks.due(case.accept_due_at, clocks.ESCALATE_AFTER) + dt.timedelta(minutes=2),
        ):
            if moment < story.now:
                story.at(moment, lambda m=moment: sweep(now=m))
        found.append(Case.objects.get(pk=case.pk))
    first = found[0]
    issued = first.escalated_at + dt.timedelta(hours=2) if first.escalated_at else story.now
    story.at(
        issued,
        lambda: actions.notice_issue(
            actor=story.users["jiedao"],
            case=Case.objects.get(pk=first.pk),
            demand="该工单已超过受理时限仍未签收。请立即签收并安排检修，"
            "三个工作日内恢复9栋顶楼正常供水，书面反馈办理情况。",
            due_on=min(
                timezone.localdate(issued) + dt.timedelta(days=5),
                story.today + dt.timedelta(days=3),
            ),
        ),
    )
    return found


def _finish(compound: Compound) -> None:
    """Case rows dated as their history (the actions stamp created_at with the real time)."""
    for case in Case.objects.filter(compound=compound).annotate(last=Max("events__at")):
        Case.objects.filter(pk=case.pk).update(
            created_at=case.opened_at, updated_at=case.last or case.opened_at
        )


@transaction.atomic
def load_cases_demo(*, report, today: dt.date | None = None) -> list[str]:
    """Load the parties and the case history of the demo (after the voices demo). Adds the
    party accounts to the report's table; returns lines for the load-demo report."""
    today = today or dt.date.today()
    compound = (
        Compound.objects.filter(code=WUFUYUAN_CODE).select_related("community__street").first()
    )
    street = Street.objects.filter(code=SHAHE_CODE).first()
    if compound is None or street is None:
        return []
    parties = _ensure_parties(street, compound, report)
    if not Case.objects.filter(compound=compound, source=CaseSource.HOTLINE).exists():
        story = Story(_users(), parties, today)
        _topic_cases(story, compound)
        _hotline_cases(story, compound)
        _grid_cases(story, compound)
        _jumin_cases(story, compound)
        _overdue_cases(story, compound)
        _finish(compound)
    cases = Case.objects.filter(compound=compound)
    closed = cases.filter(state=CaseState.CLOSED).count()
    late = cases.filter(level__gt=0, state__in=("assigned", "dispatch")).count()
    return [
        f"五福苑工单：{cases.count()} 张（{closed} 张已评价结案，{late} 张逾期升级督办），"
        f"{len(parties)} 个责任方"
    ]


def reset_cases_demo() -> None:
    """Remove the cases and parties of the demo places (before the voices they point to)."""
    in_demo = Q(compound__community__street__district__code__in=DEMO_DISTRICT_CODES)
    cases = Case.objects.filter(in_demo)
    ids = list(cases.values_list("pk", flat=True))
    SupervisionNotice.objects.filter(case_id__in=ids).delete()
    urls = [f"/cases/{pk}/" for pk in ids] + [f"/portal/cases/{pk}/" for pk in ids]
    for start in range(0, len(urls), 500):
        Notification.objects.filter(url__in=urls[start : start + 500]).delete()
    cases.delete()
    Party.objects.filter(street__district__code__in=DEMO_DISTRICT_CODES).delete()
