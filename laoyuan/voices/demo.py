"""The residents' voices of the demo (演示意见): two years of Wufuyuan's (五福苑) evening talks
(五福夜话), courtyard meetings (坝坝会), door-to-door visits (入户走访), contact days
(社情民意联系日), phone calls, a questionnaire (问卷), online submissions by the demo resident
and 12345 hotline cases — 288 voices grouped into 192 topics (议题), 13 of them in the project
library (改造项目库), the rest decided, answered, rejected with reasons, or still open — and a
handful of voices in Canglang street (沧浪街道), so that its funnel is not empty.

Like the seed documents' story: 288 suggestions → 192 points of consensus → 13 key projects.
The texts are generated from templates × places × phrasings with a seeded random generator
(dialect words and typos here and there): the same code gives the same history on the same day.

The history is written through the actions (recording, grouping, merging, meetings, decisions,
state changes), so timelines, notifications and the audit log are real; afterwards the dates of
voices, timeline entries and notifications are moved back to when they happened in the story.
Loading is idempotent: a compound that already has voices is left alone; `reset_voices_demo`
removes the voices, topics and meetings of the demo places (the registry reset calls it first).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from laoyuan.core.audit import audit_log
from laoyuan.core.models import Notification, RoleAssignment, User
from laoyuan.decisions import actions as meeting_actions
from laoyuan.decisions.models import AttendeeKind, Decision, Meeting, MeetingKind
from laoyuan.registry.models import Building, Compound
from laoyuan.voices import actions, services
from laoyuan.voices.models import (
    DECIDED_STATES,
    CategoryCorrection,
    CategorySource,
    Channel,
    Topic,
    TopicEvent,
    TopicEventKind,
    TopicState,
    Voice,
    VoiceImport,
)

WUFUYUAN_CODE = "510104-SH-01-WFY"
GUIHUA_CODE = "320508-CL-01-GHXC"
DEMO_DISTRICT_CODES = ("510104", "320508")

# The story's figures (the funnel of 五福苑, all time).
VOICES = 288
TOPICS = 192
PROJECTS = 13
UNGROUPED = 6  # the last evening talk's voices, not sorted yet

# --- texts ------------------------------------------------------------------------------------

# Per category: (subcategory, subjects, problems). Voices with the same subject, problem and
# place are the same concern said again.
CONCERNS: dict[str, list[tuple[str, list[str], list[str]]]] = {
    "房屋本体": [
        ("屋面漏水", ["楼顶", "屋面", "顶楼天花板"], ["漏雨", "一下雨就渗水", "墙皮泡起来了"]),
        ("外立面与保温", ["外墙", "外墙瓷砖", "阳台外墙皮"], ["往下掉", "裂了好长的缝"]),
        ("楼梯扶手与楼道灯", ["楼道灯", "楼梯扶手", "声控灯"], ["不亮", "松动摇晃"]),
        ("门窗", ["单元门", "楼道窗户", "单元门锁"], ["关不上", "玻璃碎了"]),
    ],
    "管网": [
        ("排水与化粪池", ["下水道", "化粪池", "雨水井"], ["堵了", "冒水", "返臭味"]),
        ("供水与二次供水", ["自来水", "水压", "水管"], ["发黄", "高楼层上不去", "爆了"]),
        ("供电与弱电", ["电线", "电表箱"], ["老化", "乱拉乱接", "老是跳闸"]),
        ("燃气", ["燃气管", "天然气表"], ["有味道", "锈得厉害"]),
        ("架空线与光纤", ["空中的线缆", "蜘蛛网一样的线"], ["太乱", "垂下来挡路"]),
    ],
    "道路": [
        ("路面破损", ["主干道", "院坝地面"], ["坑坑洼洼", "下雨全是积水"]),
        ("步行道", ["人行道地砖", "步道"], ["翘起来", "松动绊脚"]),
        ("消防通道堵塞", ["消防通道"], ["被车堵死了", "堆满杂物"]),
        ("无障碍通行", ["单元门口台阶", "坡道"], ["太高轮椅上不去", "太陡"]),
    ],
    "停车充电": [
        ("车位不足", ["停车位", "车位"], ["不够", "晚上找不到"]),
        ("乱停乱放", ["外来车辆", "小车"], ["乱停", "占了路"]),
        ("电动车飞线充电", ["电动车", "电瓶车"], ["飞线充电危险", "推进楼道充电"]),
        ("车棚", ["自行车棚", "车棚顶"], ["塌了", "漏雨"]),
    ],
    "加装电梯与适老化": [
        ("加装电梯意愿", ["电梯", "加装电梯"], ["盼着装", "老人下不了楼"]),
        ("费用分摊", ["电梯费用", "分摊方案"], ["谈不拢", "要公开"]),
        ("低楼层补偿", ["一楼住户"], ["担心挡光", "要补偿"]),
        ("适老化扶手", ["扶手", "楼梯"], ["要加扶手", "老人扶不到"]),
    ],
    "环境卫生": [
        ("垃圾分类与清运", ["垃圾桶", "垃圾站", "建渣"], ["满了没人收", "太臭", "堆了好几天"]),
        ("绿化与毁绿种菜", ["绿化带", "花台"], ["被人种了菜", "杂草丛生", "树太密挡光"]),
        ("照明", ["路灯", "院坝的灯"], ["不亮", "晚上黑黢黢的"]),
        ("违建与占用公共空间", ["一楼搭的棚子", "公共空间"], ["是违建", "被占了"]),
        ("病媒生物", ["老鼠", "蟑螂", "蚊子"], ["太多", "到处跑"]),
    ],
    "安防消防": [
        ("监控与门禁", ["监控", "门禁", "摄像头"], ["坏了", "看不清", "没覆盖"]),
        ("消防设施", ["灭火器", "消防栓"], ["过期了", "没水"]),
        ("高空抛物", ["楼上"], ["往下扔东西", "扔烟头"]),
        ("治安", ["电瓶车", "自行车"], ["被偷了", "晚上有陌生人进来"]),
    ],
    "物业服务": [
        ("服务质量", ["物业", "保洁"], ["打扫不干净", "报修没人来"]),
        ("收费与公共收益公开", ["物业费", "停车费收入", "公共收益"], ["要公示", "去向不明"]),
        ("维修资金", ["维修资金"], ["咋个用要说清楚"]),
        ("业委会", ["业委会"], ["好久没开会", "要换届"]),
    ],
    "邻里关系": [
        ("噪音", ["广场舞音响", "楼上装修"], ["太吵", "一大早就开始"]),
        ("楼上漏水", ["楼上卫生间"], ["漏到我家", "渗水"]),
        ("宠物", ["狗", "猫"], ["乱叫", "随地大小便"]),
        ("楼道堆物", ["楼道杂物", "纸箱子"], ["堆满了", "堵路"]),
        ("群租", ["群租房"], ["住了十几个人", "进进出出"]),
    ],
    "一老一小": [
        ("助餐", ["老年人吃饭"], ["不方便", "想要有个食堂"]),
        ("居家照护与探访", ["独居老人"], ["没人探访", "需要上门"]),
        ("老年活动室", ["活动室", "知福堂"], ["太小", "开放时间短"]),
        ("托育与儿童游乐", ["儿童游乐设施", "滑梯"], ["坏了", "没有"]),
        ("课后托管", ["娃娃放学"], ["没人管"]),
    ],
    "公共服务": [
        ("社区卫生", ["卫生站", "量血压"], ["太远", "想要上门"]),
        ("快递柜", ["快递柜"], ["没有", "不够用"]),
        ("商店与菜市场", ["菜市场", "便利店"], ["太远", "关了"]),
        ("文体空间", ["乒乓球台", "健身器材"], ["坏了", "太少"]),
    ],
    "治理参与": [
        ("议事协商", ["议事会"], ["想参加", "多开几次"]),
        ("公示公告", ["公示栏"], ["看不到", "字太小"]),
        ("改造意见", ["改造方案"], ["没征求意见", "想看图纸"]),
        ("监督", ["施工"], ["要监督", "质量不好"]),
        ("志愿服务", ["志愿者"], ["想报名"]),
    ],
}
# How often each category comes up at Wufuyuan (old pipes and roofs, old people, parking).
CATEGORY_WEIGHTS = {
    "房屋本体": 14,
    "管网": 12,
    "道路": 8,
    "停车充电": 10,
    "加装电梯与适老化": 8,
    "环境卫生": 12,
    "安防消防": 7,
    "物业服务": 8,
    "邻里关系": 8,
    "一老一小": 7,
    "公共服务": 4,
    "治理参与": 4,
}
BUILDINGS = [str(n) for n in range(1, 10)]
COMMON_PLACES = ["小区大门口", "院坝", "知福堂门口", "味福堂旁边", "车棚旁边", "后门"]

OPENINGS = ["", "", "", "我说个事，", "反映一下，", "麻烦社区，", "书记，", "我们", "请问"]
TIMES = ["", "", "", "最近", "一直", "好久了都", "天天"]
SINCE_WHEN = ["", "", "好几个月了", "有半年了", "去年就说过"]
ENDINGS = [
    "",
    "。",
    "，希望尽快解决。",
    "，请管一管！",
    "，老人娃娃都受影响。",
    "，谢谢！",
    "，麻烦早点弄嘛。",
    "，没有人管。",
]
WISHES = ["希望尽快解决", "请社区协调一下", "盼望早点弄好", "希望物业来看看", "要个说法"]
WHO = ["我们单元", "楼上的邻居", "好几户人", "我家老人"]
ALREADY = ["说了好多次", "拖了好久", "都没人管"]
# Sichuan words residents use (the engine folds them back: voices/data/normalise.json).
DIALECT = [("没有", "莫得"), ("怎么", "咋个"), ("什么", "啥子"), ("孩子", "娃娃"), ("很", "好")]
TYPOS = [
    ("楼道", "楼到"),
    ("电梯", "电悌"),
    ("垃圾", "拉圾"),
    ("停车", "亭车"),
    ("维修", "维休"),
    ("下水道", "下水到"),
    ("希望", "希往"),
    ("解决", "解绝"),
    ("物业", "务业"),
    ("漏雨", "露雨"),
]


@dataclass(frozen=True)
class Concern:
    """One thing wrong at one place: the seed of a topic and of every voice about it."""

    category: str
    subcategory: str
    subject: str
    problem: str
    place: str

    @property
    def title(self) -> str:
        return f"{self.place}{self.subject}{self.problem}"


def random_concern(rng: random.Random, *, category: str = "") -> Concern:
    category = (
        category or rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    )
    sub, subjects, problems = rng.choice(CONCERNS[category])
    if rng.random() < 0.75:
        building = rng.choice(BUILDINGS)
        place = f"{building}栋" if rng.random() < 0.7 else f"{building}栋{rng.randint(1, 4)}单元"
    else:
        place = rng.choice(COMMON_PLACES)
    return Concern(category, sub, rng.choice(subjects), rng.choice(problems), place)


def voice_text(rng: random.Random, concern: Concern) -> str:
    """One resident's way of saying the concern."""
    c = concern
    pattern = rng.randrange(5)
    if pattern == 0:
        text = f"{rng.choice(OPENINGS)}{c.place}的{c.subject}{rng.choice(TIMES)}{c.problem}"
        text += rng.choice(ENDINGS)
    elif pattern == 1:
        text = f"{c.place}{c.subject}{c.problem}，{rng.choice(SINCE_WHEN) or rng.choice(WISHES)}"
        text += rng.choice(ENDINGS)
    elif pattern == 2:
        text = f"{rng.choice(WHO)}反映：{c.place}{c.subject}{c.problem}，{rng.choice(WISHES)}。"
    elif pattern == 3:
        text = f"{c.subject}{c.problem}的事，{c.place}{rng.choice(ALREADY)}，{rng.choice(WISHES)}"
    else:
        text = f"{rng.choice(OPENINGS)}{c.subject}{c.problem}（{c.place}）{rng.choice(ENDINGS)}"
    dialect = [(plain, local) for plain, local in DIALECT if plain in text]
    if dialect and rng.random() < 0.4:
        plain, local = rng.choice(dialect)
        text = text.replace(plain, local)
    typos = [(right, wrong) for right, wrong in TYPOS if right in text]
    if typos and rng.random() < 0.15:
        right, wrong = rng.choice(typos)
        text = text.replace(right, wrong, 1)
    return text


# --- the plan ---------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
TITLES = ["嬢嬢", "大爷", "阿姨", "师傅", "婆婆", "大哥", "老师"]

# The 13 projects: title, category, subcategory, subject, problems, voices, what was decided,
# who does it.
PROJECT_PLANS: list[tuple[str, str, str, str, list[str], int, str, str]] = [
    ("加装电梯（有意愿的单元）", "加装电梯与适老化", "加装电梯意愿", "加装电梯",
     ["盼着装", "老人下不了楼"], 9, "按单元征求意愿，同意率达标的单元纳入加装电梯项目，费用按楼层系数分摊",
     "街道城管办、社区、各单元业主代表"),
    ("雨污分流改造", "管网", "排水与化粪池", "下水道", ["一下雨就冒水", "返臭味"], 6,
     "纳入老旧小区改造基础类项目，实施雨污分流和化粪池清掏", "区住建局、街道城管办"),
    ("屋面防水改造", "房屋本体", "屋面漏水", "楼顶", ["漏雨", "一下雨就渗水"], 7,
     "9栋楼屋面统一做防水层，先做漏得最重的3栋、5栋", "街道城管办、施工单位"),
    ("增设停车位", "停车充电", "车位不足", "停车位", ["不够", "晚上找不到"], 6,
     "利用后门空地和道路单侧划线增设车位，实行业主优先", "社区、五福苑物业服务中心"),
    ("电动车集中充电棚", "停车充电", "电动车飞线充电", "电动车", ["飞线充电危险", "推进楼道充电"], 6,
     "在车棚旁建集中充电棚，楼道禁止充电", "社区、供电公司"),
    ("老年食堂（味福堂）", "一老一小", "助餐", "老年人吃饭", ["不方便", "想要有个食堂"], 5,
     "利用一楼公共用房开设味福堂老年食堂，社会组织运营", "社区、社会组织"),
    ("小区道路黑化", "道路", "路面破损", "主干道", ["坑坑洼洼", "下雨全是积水"], 5,
     "主干道和院坝路面整体黑化，同步调坡排水", "街道城管办"),
    ("外立面整治", "房屋本体", "外立面与保温", "外墙", ["往下掉", "裂了好长的缝"], 4,
     "外墙空鼓瓷砖全面排查铲除，统一刷外墙涂料", "街道城管办、施工单位"),
    ("楼道灯改造", "房屋本体", "楼梯扶手与楼道灯", "楼道灯", ["不亮", "坏了好久"], 4,
     "全部楼道更换感应LED灯，线路重新敷设", "五福苑物业服务中心"),
    ("监控全覆盖", "安防消防", "监控与门禁", "监控", ["坏了", "没覆盖"], 4,
     "出入口、院坝、车棚加装高清监控，接入社区平台", "社区、派出所"),
    ("绿化提升", "环境卫生", "绿化与毁绿种菜", "绿化带", ["被人种了菜", "杂草丛生"], 3,
     "清理毁绿种菜，补种花木，认领养护", "社区、业主委员会"),
    ("健身设施更新", "公共服务", "文体空间", "健身器材", ["坏了", "太少"], 3,
     "院坝健身器材全部更换，增设乒乓球台", "社区"),
    ("适老化扶手加装", "加装电梯与适老化", "适老化扶手", "扶手", ["要加扶手", "老人扶不到"], 4,
     "各单元楼梯加装靠墙扶手，单元门口加装坡道扶手", "街道城管办、施工单位"),
]  # fmt: skip

# The demo resident's own voices (online): project 0, and four topics of her own.
JUMIN_TOPICS: list[tuple[Concern, str, str]] = [
    (Concern("环境卫生", "垃圾分类与清运", "垃圾桶", "满了没人收", "5栋"), TopicState.ANSWERED,
     "物业已把5栋旁的垃圾清运改为每天早晚两次，并加了一个垃圾桶。"),
    (Concern("环境卫生", "违建与占用公共空间", "院坝里", "想搭个棚子打麻将", "院坝"),
     TopicState.REJECTED, "院坝是消防通道和公共活动空间，不能搭建固定棚子；知福堂活动室每天开放，欢迎去那里活动。"),
    (Concern("一老一小", "老年活动室", "知福堂", "活动能不能多搞点", "知福堂"),
     TopicState.DECIDED, "知福堂每周增加两次活动（书法、健康讲座），由社工机构组织"),
    (Concern("邻里关系", "楼道堆物", "楼道里的纸箱子", "堆满了", "5栋2单元"), TopicState.OPEN, ""),
]  # fmt: skip
JUMIN_TEXTS = [
    "我住5栋，七十八了，每天爬楼好恼火，盼着早点装电梯。",
    "5栋旁边的垃圾桶天天都是满的，没人收，好臭。",
    "想在院坝里搭个棚子，大家打打麻将、摆摆龙门阵。",
    "知福堂的活动能不能多搞点？我们老年人喜欢去。",
    "我们5栋2单元楼道里的纸箱子堆满了，走路都要侧起身子。",
]

ANSWERS = [
    "物业已安排维修，已修复，请居民监督。",
    "已联系相关单位处理完毕，谢谢您的反映。",
    "社区已协调解决，后续由网格员跟踪。",
    "经现场查看已处理，如再出现请随时联系网格员。",
]
REJECTIONS = [
    "属于业主个人专有部分，由业主自行维修；社区可以帮忙联系维修师傅。",
    "涉及的场地不足，且后续无维护资金，暂不纳入；将在下次议事会再议。",
    "不符合消防安全要求，不能实施。",
    "经业主议事会表决未获通过。",
]
PARTIES = [
    "五福苑物业服务中心",
    "社区居委会",
    "街道城管办",
    "小区党支部",
    "业主委员会",
    "供电公司",
    "自来水公司",
    "燃气公司",
]
DECISIONS = [
    "现场查看后，由责任方限期整改",
    "列入本月维修计划，完成后在公示栏公示",
    "由网格员牵头，和住户当面协商解决办法",
    "联系专业单位检修，费用从公共收益中列支",
]


@dataclass
class VoicePlan:
    concern: Concern
    channel: str
    said_on: dt.date
    occasion: str
    recorder: str
    text: str = ""
    speaker: str = ""
    anonymous: bool = False
    external_ref: str = ""
    online: bool = False
    voice: Voice | None = None


@dataclass
class TopicPlan:
    concern: Concern
    voices: list[VoicePlan]
    state: str = TopicState.OPEN
    title: str = ""
    decision: str = ""
    party: str = ""
    answer: str = ""
    reason: str = ""
    merge_into: TopicPlan | None = None
    topic: Topic | None = None
    meeting: Meeting | None = None
    dates: list[dt.date] = field(default_factory=list)  # of its state changes, in order

    @property
    def last_said(self) -> dt.date:
        return max(v.said_on for v in self.voices)


@dataclass
class Occasion:
    channel: str
    said_on: dt.date
    name: str
    recorder: str
    slots: int
    meeting_kind: str = ""


def _occasions(today: dt.date) -> list[Occasion]:
    """Where and when the 288 voices were heard: 24 evening talks about a month apart, and
    the other channels around them."""
    out: list[Occasion] = []
    talks = 24
    for i in range(talks):
        n = 8 if i < 2 else 7  # 170 in all
        out.append(
            Occasion(
                Channel.EVENING_TALK,
                today - dt.timedelta(days=8 + 30 * (talks - 1 - i)),
                f"五福夜话 第{i + 1}期",
                "shuji" if i % 2 else "shequ",
                n,
                MeetingKind.EVENING_TALK,
            )
        )
    for i, days in enumerate((610, 430, 250, 95)):
        out.append(
            Occasion(
                Channel.COURTYARD,
                today - dt.timedelta(days=days),
                f"院坝坝坝会 第{i + 1}次",
                "shuji",
                6,
                MeetingKind.COURTYARD,
            )
        )
    for i, days in enumerate((680, 560, 470, 350, 220, 140, 40)):
        out.append(
            Occasion(
                Channel.VISIT, today - dt.timedelta(days=days), f"入户走访 第{i + 1}轮", "shequ", 4
            )
        )
    for i, days in enumerate((520, 380, 200, 60)):
        out.append(
            Occasion(
                Channel.CONTACT_DAY,
                today - dt.timedelta(days=days),
                f"社情民意联系日 第{i + 1}次",
                "shequ",
                4,
                MeetingKind.CONTACT_DAY,
            )
        )
    for days in (700, 640, 580, 500, 410, 330, 290, 180, 150, 110, 70, 25):
        out.append(Occasion(Channel.PHONE, today - dt.timedelta(days=days), "", "shequ", 1))
    out.append(
        Occasion(Channel.QUESTIONNAIRE, today - dt.timedelta(days=365), "改造意愿问卷", "shequ", 20)
    )
    for days in (690, 600, 520, 445, 380, 300, 260, 190, 160, 120, 85, 50, 20):
        out.append(Occasion(Channel.HOTLINE, today - dt.timedelta(days=days), "", "shequ", 1))
    return out


JUMIN_DAYS = (420, 300, 270, 150, 20)  # when the demo resident wrote her five voices


def build_plan(
    today: dt.date, seed: str = "laoyuan-demo:voices"
) -> tuple[list[TopicPlan], list[VoicePlan]]:
    """The topics with their voices, and the voices not yet grouped: exactly 288 voices,
    195 topics made (3 merged into others later, so 192 hold voices), 13 projects."""
    rng = random.Random(seed)
    slots: list[VoicePlan] = []
    for occ in _occasions(today):
        for _i in range(occ.slots):
            slots.append(
                VoicePlan(None, occ.channel, occ.said_on, occ.name, occ.recorder)  # type: ignore[arg-type]
            )
    online = [
        VoicePlan(None, Channel.ONLINE, today - dt.timedelta(days=d), "", "jumin", online=True)  # type: ignore[arg-type]
        for d in JUMIN_DAYS
    ]
    for slot, text in zip(online, JUMIN_TEXTS, strict=True):
        slot.text = text
    assert len(slots) + len(online) == VOICES
    # The last evening talk's voices (but one) wait to be sorted.
    last_talk = max(s.said_on for s in slots if s.channel == Channel.EVENING_TALK)
    waiting = [s for s in slots if s.channel == Channel.EVENING_TALK and s.said_on == last_talk]
    ungrouped = waiting[1:]
    assert len(ungrouped) == UNGROUPED
    rest = [s for s in slots if not any(s is u for u in ungrouped)]
    # Projects gather voices from the first eighteen months; everything else from any time.
    old = [s for s in rest if s.said_on < today - dt.timedelta(days=150)]
    rng.shuffle(old)
    topics: list[TopicPlan] = []
    taken: set[int] = set()
    for i, (title, cat, sub, subject, problems, n, decision, party) in enumerate(PROJECT_PLANS):
        concern = Concern(cat, sub, subject, rng.choice(problems), "各栋")
        voices = []
        if i == 0:
            voices.append(online[0])
        while len(voices) < n:
            slot = old.pop()
            taken.add(id(slot))
            voices.append(slot)
        for v in voices:
            place = f"{rng.choice(BUILDINGS)}栋"
            v.concern = Concern(cat, sub, subject, rng.choice(problems), place)
        topics.append(
            TopicPlan(
                concern, voices, TopicState.PROJECT, title=title, decision=decision, party=party
            )
        )
    free = [s for s in rest if id(s) not in taken]
    rng.shuffle(free)
    # The demo resident's own topics: her voice, and for the open one a neighbour's too.
    for (concern, state, outcome), slot in zip(JUMIN_TOPICS, online[1:], strict=True):
        voices = [slot]
        if state == TopicState.OPEN:
            voices.append(free.pop())
        for v in voices:
            v.concern = concern
        plan = TopicPlan(concern, voices, state, title=concern.title)
        if state == TopicState.ANSWERED:
            plan.answer = outcome
        elif state == TopicState.REJECTED:
            plan.reason = outcome
        else:
            plan.decision, plan.party = outcome, "社区、社工机构"
        topics.append(plan)
    # 178 more: 151 said once, 21 twice, 6 three times (211 voices).
    sizes = [1] * 151 + [2] * 21 + [3] * 6
    rng.shuffle(sizes)
    titles = {t.title for t in topics}
    others: list[TopicPlan] = []
    for size in sizes:
        concern = random_concern(rng)
        while concern.title in titles:
            concern = random_concern(rng)
        titles.add(concern.title)
        voices = [free.pop() for _ in range(size)]
        for v in voices:
            v.concern = concern
        others.append(TopicPlan(concern, voices, title=concern.title))
    assert not free
    # Three were opened twice by mistake and are merged into the first one (a tombstone each).
    doubles = [t for t in others if len(t.voices) == 1][:3]
    for plan in doubles:
        target = next(
            t for t in others if t.concern.category == plan.concern.category and t not in doubles
        )
        plan.concern = target.concern
        plan.voices[0].concern = target.concern
        plan.title = target.title + "（重复）"
        plan.merge_into = target
    # Older topics are settled; newer ones are still being talked over.
    live = sorted((t for t in others if t.merge_into is None), key=lambda t: t.last_said)
    settled, recent = live[:102], live[102:]
    states = (
        [TopicState.ANSWERED] * 68
        + [TopicState.CASE] * 10
        + [TopicState.DECIDED] * 11
        + [TopicState.REJECTED] * 13
    )
    rng.shuffle(states)
    for plan, state in zip(settled, states, strict=True):
        plan.state = state
    later = [TopicState.DELIBERATION] * 14 + [TopicState.OPEN] * (len(recent) - 14)
    rng.shuffle(later)
    for plan, state in zip(recent, later, strict=True):
        plan.state = state
    for plan in others:
        if plan.state in (TopicState.DECIDED, TopicState.CASE) or (
            plan.state == TopicState.ANSWERED and rng.random() < 0.4
        ):
            plan.decision, plan.party = rng.choice(DECISIONS), rng.choice(PARTIES)
        if plan.state == TopicState.ANSWERED:
            plan.answer = rng.choice(ANSWERS)
        if plan.state == TopicState.REJECTED:
            plan.reason = rng.choice(REJECTIONS)
    topics.extend(others)
    # Words for every voice, who said it, and the hotline's case numbers.
    for plan in topics:
        for v in plan.voices:
            _dress(rng, v)
    for v in ungrouped:
        v.concern = random_concern(rng)
        _dress(rng, v)
    hotline = sorted(
        (v for t in topics for v in t.voices if v.channel == Channel.HOTLINE),
        key=lambda v: v.said_on,
    )
    for n, v in enumerate(hotline, start=1):
        v.external_ref = f"12345-{v.said_on:%Y%m%d}-{n:04d}"
    return topics, ungrouped


def _dress(rng: random.Random, v: VoicePlan) -> None:
    if v.online:  # her own words, set with her slots
        return
    v.text = voice_text(rng, v.concern)
    if v.channel == Channel.HOTLINE or rng.random() < 0.1:
        v.anonymous = True
    else:
        v.speaker = rng.choice(SURNAMES) + rng.choice(TITLES)


# --- loading ----------------------------------------------------------------------------------

RESIDENT_REPS = ["王嬢嬢", "刘大爷", "周阿姨", "罗师傅", "何婆婆"]
PLACES = {
    MeetingKind.EVENING_TALK: "五福苑知福堂",
    MeetingKind.COURTYARD: "五福苑院坝",
    MeetingKind.CONTACT_DAY: "沙河社区党群服务中心",
    MeetingKind.ONSITE: "五福苑党群服务站",
}


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _attendees(kind: str, rng: random.Random) -> list[meeting_actions.AttendeeEntry]:
    A = meeting_actions.AttendeeEntry
    staff = [
        A("陈德明", AttendeeKind.STAFF, "五福苑党支部"),
        A("李晓梅", AttendeeKind.STAFF, "沙河社区居委会"),
        A("张红英", AttendeeKind.STAFF, "沙河社区（网格员）"),
    ]
    if kind == MeetingKind.ONSITE:
        staff = [
            A("王建华", AttendeeKind.STAFF, "沙河街道办事处"),
            *staff,
            A("城管办负责人", AttendeeKind.DEPARTMENT, "沙河街道城管办"),
            A("孙志刚", AttendeeKind.PROPERTY, "五福苑物业服务中心"),
        ]
    elif kind == MeetingKind.CONTACT_DAY:
        staff = [A("王建华", AttendeeKind.STAFF, "沙河街道办事处"), *staff]
    reps = rng.sample(RESIDENT_REPS, 3)
    return [*staff, *(A(name, AttendeeKind.RESIDENT, "五福苑居民") for name in reps)]


def _building_of(place: str, buildings: dict[str, Building]) -> Building | None:
    number = place.split("栋", 1)[0] if "栋" in place else ""
    return buildings.get(number)


def _record(compound: Compound, users: dict[str, User], plans: Sequence[VoicePlan]) -> None:
    """Record the voices occasion by occasion, as the workers did (one batch each)."""
    buildings = {b.number: b for b in Building.objects.filter(compound=compound)}
    batches: dict[tuple, list[VoicePlan]] = {}
    for p in plans:
        batches.setdefault((p.said_on, p.channel, p.occasion, p.recorder), []).append(p)
    for (said_on, channel, occasion, recorder), batch in sorted(
        batches.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
    ):
        # An online voice was the resident's own: written down here as the portal does.
        actor = users["shequ"] if recorder == "jumin" else users[recorder]
        voices = actions.voices_record(
            actor=actor,
            compound=compound,
            channel=channel,
            said_on=said_on,
            occasion=occasion,
            entries=[
                actions.VoiceEntry(
                    text=p.text,
                    speaker_name=p.speaker,
                    anonymous=p.anonymous,
                    building=_building_of(p.concern.place, buildings),
                    external_ref=p.external_ref,
                )
                for p in batch
            ],
        )
        for p, voice in zip(batch, voices, strict=True):
            p.voice = voice


def _categorise(users: dict[str, User], plans: Sequence[VoicePlan], street_id: int) -> None:
    """Staff confirmed or corrected each sorted voice's category (kept as training data)."""
    voices, corrections = [], []
    for n, p in enumerate(plans):
        v = p.voice
        proposed, confidence = v.category, v.category_confidence
        same = proposed == p.concern.category
        v.category, v.subcategory = p.concern.category, p.concern.subcategory
        v.category_source = CategorySource.CONFIRMED if same else CategorySource.CORRECTED
        voices.append(v)
        corrections.append(
            CategoryCorrection(
                voice=v,
                street_id=street_id,
                by=users["wangge"] if n % 3 == 0 else users["shequ"],
                proposed_category=proposed,
                proposed_confidence=confidence,
                category=v.category,
                subcategory=v.subcategory,
                text=v.text_redacted,
            )
        )
    Voice.objects.bulk_update(voices, ["category", "subcategory", "category_source"])
    CategoryCorrection.objects.bulk_create(corrections)


def _transitions(plan: TopicPlan, users: dict[str, User], rng: random.Random, today: dt.date):
    """Walk the topic to its state, as the community did, noting when each step happened."""
    topic = plan.topic
    if plan.dates:  # decided at a meeting: what followed came later
        day = plan.dates[-1] + dt.timedelta(days=rng.randint(5, 20))
    else:
        day = plan.last_said + dt.timedelta(days=rng.randint(3, 10))

    def step(to_state: str, actor: str, **outcome) -> None:
        nonlocal day, topic
        day = min(today - dt.timedelta(days=1), max(day, plan.last_said + dt.timedelta(days=1)))
        topic = actions.topic_transition(
            actor=users[actor],
            topic=topic,
            to_state=to_state,
            outcome=actions.Outcome(allow_past_deadline=True, **outcome),
        )
        plan.dates.append(day)
        day = day + dt.timedelta(days=rng.randint(7, 30))

    deadline = lambda: day + dt.timedelta(days=rng.choice((15, 30, 60)))  # noqa: E731
    state = plan.state
    if state == TopicState.PROJECT:
        step(TopicState.DELIBERATION, "shequ", note="提交居民议事会协商")
        step(
            TopicState.DECIDED,
            "jiedao",
            decision=plan.decision,
            responsible_party=plan.party,
            deadline=day + dt.timedelta(days=365),
        )
        step(TopicState.PROJECT, "jiedao", note="列入五福苑老旧小区改造项目库")
    elif state == TopicState.DELIBERATION:
        step(TopicState.DELIBERATION, "shequ", note="提交居民议事会协商")
    elif state == TopicState.REJECTED:
        if rng.random() < 0.5:
            step(TopicState.DELIBERATION, "shequ", note="提交居民议事会协商")
        step(TopicState.REJECTED, "shequ", reason=plan.reason)
    elif state in (TopicState.DECIDED, TopicState.CASE, TopicState.ANSWERED):
        if plan.decision and plan.meeting is None:
            step(
                TopicState.DECIDED,
                rng.choice(("shequ", "shuji")),
                decision=plan.decision,
                responsible_party=plan.party,
                deadline=deadline(),
            )
        if state == TopicState.CASE:
            step(TopicState.CASE, "shequ", note="转工单，由责任方限期办理")
        elif state == TopicState.ANSWERED:
            step(TopicState.ANSWERED, rng.choice(("shequ", "shuji")), answer=plan.answer)
    plan.topic = topic


def _onsite_meetings(
    compound: Compound, plans: list[TopicPlan], users: dict[str, User], rng: random.Random, today
) -> None:
    """Three on-site office meetings (现场办公会), each deciding four topics with the party
    responsible and a deadline."""
    candidates = sorted(
        (
            p
            for p in plans
            if p.state in (TopicState.DECIDED, TopicState.CASE)
            and p.decision
            and p.merge_into is None
            and p.concern not in [c for c, _s, _o in JUMIN_TOPICS]
        ),
        key=lambda p: p.last_said,
    )
    step = max(1, len(candidates) // 3)
    for n in range(3):
        chosen = candidates[n * step : n * step + 4]
        if not chosen:
            continue
        held_on = min(
            today - dt.timedelta(days=1), max(p.last_said for p in chosen) + dt.timedelta(days=7)
        )
        meeting = meeting_actions.meeting_record(
            actor=users["jiedao"],
            compound=compound,
            kind=MeetingKind.ONSITE,
            title=f"五福苑现场办公会（{held_on.year}年{held_on.month}月）",
            held_on=held_on,
            place=PLACES[MeetingKind.ONSITE],
            attendees=_attendees(MeetingKind.ONSITE, rng),
            topics=[p.topic for p in chosen],
            minutes="街道、社区、物业和居民代表现场查看，逐项明确责任方和完成时限。",
        )
        for p in chosen:
            meeting_actions.meeting_decide(
                actor=users["jiedao"],
                meeting=meeting,
                topic=p.topic,
                responsible_party=p.party,
                solution=p.decision,
                deadline=held_on + dt.timedelta(days=rng.choice((15, 30, 45))),
            )
            p.topic.refresh_from_db()
            p.meeting = meeting
            p.dates.append(held_on)


def _occasion_meetings(
    compound: Compound,
    plans: list[TopicPlan],
    users: dict[str, User],
    rng: random.Random,
    today: dt.date,
) -> list[Meeting]:
    """The evening talks, courtyard meetings and contact days, each with the topics it raised."""
    occasions = {o.name: o for o in _occasions(today) if o.meeting_kind}
    raised: dict[tuple[str, dt.date], list[Topic]] = {}
    for p in plans:
        target = p.merge_into.topic if p.merge_into else p.topic
        for v in p.voices:
            if v.occasion in occasions:
                topics = raised.setdefault((v.occasion, v.said_on), [])
                if target not in topics:
                    topics.append(target)
    meetings = []
    for (name, held_on), topics in sorted(raised.items(), key=lambda kv: kv[0][1]):
        kind = occasions[name].meeting_kind
        recorder = "shuji" if kind != MeetingKind.CONTACT_DAY else "shequ"
        meetings.append(
            meeting_actions.meeting_record(
                actor=users[recorder],
                compound=compound,
                kind=kind,
                title=name,
                held_on=held_on,
                place=PLACES[kind],
                attendees=_attendees(kind, rng),
                topics=topics,
                minutes="居民围坐摆谈，逐条记下大家反映的事，会后归类建议题。",
            )
        )
    return meetings


def _backdate(plans: list[TopicPlan], ungrouped: list[VoicePlan], jumin: User | None) -> None:
    """Move voices, timelines, meetings and notifications back to when they happened in the
    story (the actions stamped them with the time of loading)."""
    voices = []
    for p in [v for t in plans for v in t.voices] + list(ungrouped):
        p.voice.created_at = p.voice.updated_at = _at(p.said_on, 20, 30)
        voices.append(p.voice)
    Voice.objects.bulk_update(voices, ["created_at", "updated_at"])
    meeting_days = dict(
        Meeting.objects.filter(compound=plans[0].topic.compound).values_list("pk", "held_on")
    )
    by_topic = {p.topic.pk: p for p in plans}
    events = list(TopicEvent.objects.filter(topic_id__in=list(by_topic)).order_by("topic_id", "id"))
    topics = []
    state_at: dict[int, list[dt.datetime]] = {}
    for topic_id, plan in by_topic.items():
        created = _at(plan.last_said + dt.timedelta(days=1), 9, 30)
        if plan.merge_into is not None:
            created = _at(plan.last_said, 21, 0)
        dates = iter(plan.dates)
        last = created
        mine = [e for e in events if e.topic_id == topic_id]
        for e in mine:
            if e.kind == TopicEventKind.STATE:
                e.at = _at(next(dates, plan.last_said), 15, 0)
                state_at.setdefault(topic_id, []).append(e.at)
            elif e.kind == TopicEventKind.MEETING:
                e.at = _at(meeting_days.get(e.data.get("meeting"), plan.last_said), 19, 30)
            elif e.kind in (TopicEventKind.MERGED_IN, TopicEventKind.MERGED_INTO):
                e.at = created + dt.timedelta(days=2)
            else:
                e.at = created
            last = max(last, e.at)
        topic = plan.topic
        topic.created_at = created
        topic.updated_at = last
        topic.state_changed_at = max(state_at.get(topic_id, [created]))
        topics.append(topic)
    TopicEvent.objects.bulk_update(events, ["at"])
    Topic.objects.bulk_update(topics, ["created_at", "updated_at", "state_changed_at"])
    for meeting in Meeting.objects.filter(compound=plans[0].topic.compound):
        Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(meeting.held_on, 21, 0))
        Decision.objects.filter(meeting=meeting).update(created_at=_at(meeting.held_on, 21, 0))
    if jumin is None:
        return
    # Her notifications: when each step happened; the older ones already read.
    notes = list(Notification.objects.filter(user=jumin).order_by("id"))
    seen: dict[str, int] = {}
    for note in notes:
        topic_pk = int("".join(ch for ch in note.url if ch.isdigit()) or 0)
        k = seen.get(note.url, 0)
        seen[note.url] = k + 1
        times = state_at.get(topic_pk, [])
        when = times[min(k, len(times) - 1)] if times else timezone.now()
        note.created_at = when + dt.timedelta(minutes=5)
    notes.sort(key=lambda n: n.created_at)
    for note in notes[:-2]:
        note.read_at = note.created_at + dt.timedelta(hours=20)
    Notification.objects.bulk_update(notes, ["created_at", "read_at"])


def _users() -> dict[str, User]:
    names = ["jiedao", "shequ", "wangge", "shuji", "jumin", "canglang"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _load_wufuyuan(compound: Compound, today: dt.date) -> None:
    rng = random.Random("laoyuan-demo:voices-history")
    users = _users()
    plans, ungrouped = build_plan(today)
    _record(compound, users, [v for t in plans for v in t.voices] + ungrouped)
    jumin = users.get("jumin")
    online = [v for t in plans for v in t.voices if v.online]
    if jumin is not None:
        resident = (
            RoleAssignment.objects.filter(user=jumin, role="resident")
            .select_related("resident")
            .first()
        )
        person = resident.resident if resident else None
        Voice.objects.filter(pk__in=[v.voice.pk for v in online]).update(
            author=jumin,
            recorded_by=jumin,
            resident=person,
            speaker_name=person.name if person else "",
        )
    _categorise(users, [v for t in plans for v in t.voices], compound.community.street_id)
    for i, plan in enumerate(plans):
        sorter = users["shuji"] if i % 4 == 3 else users["shequ"]
        plan.topic = actions.topic_create(
            actor=sorter, voices=[v.voice for v in plan.voices], title=plan.title
        )
    for plan in plans:
        if plan.merge_into is not None:
            # The grid worker (网格员) noticed the same thing had two topics.
            actions.topic_merge(
                actor=users["wangge"],
                source=plan.topic,
                target=plan.merge_into.topic,
                note="同一件事重复建了议题，合并",
            )
    _onsite_meetings(compound, plans, users, rng, today)
    for plan in plans:
        if plan.merge_into is None:
            _transitions(plan, users, rng, today)
    _occasion_meetings(compound, plans, users, rng, today)
    _backdate(plans, ungrouped, jumin)


# 桂花新村 (Canglang street, Suzhou): a handful of voices from a contact day and the phone.
GUIHUA_VOICES = [
    ("3幢楼顶漏水，一落雨就滴到床上", Channel.CONTACT_DAY, 40, "屋顶", "桂阿婆"),
    ("3幢顶楼天花板渗水发霉", Channel.CONTACT_DAY, 40, "屋顶", "沈老伯"),
    ("3幢屋顶漏雨，麻烦修一修", Channel.PHONE, 33, "屋顶", ""),
    ("三幢楼顶又漏了", Channel.HOTLINE, 30, "屋顶", ""),
    ("河边那条路的路灯不亮，夜里看不清", Channel.CONTACT_DAY, 40, "路灯", "陆阿姨"),
    ("沿河路灯坏了好几盏", Channel.PHONE, 21, "路灯", "顾师傅"),
    ("垃圾房太臭了，夏天受不了", Channel.HOTLINE, 14, "垃圾房", ""),
    ("想在我们小区加装电梯，老人上楼吃力", Channel.PHONE, 6, "", "吴阿姨"),
]


def _load_guihua(compound: Compound, today: dt.date) -> None:
    worker = User.objects.filter(username="canglang").first()
    if worker is None:
        return
    made: dict[str, list[Voice]] = {}
    for n, (text, channel, days, key, speaker) in enumerate(GUIHUA_VOICES, start=1):
        said_on = today - dt.timedelta(days=days)
        (voice,) = actions.voices_record(
            actor=worker,
            compound=compound,
            channel=channel,
            said_on=said_on,
            occasion="社情民意联系日" if channel == Channel.CONTACT_DAY else "",
            entries=[
                actions.VoiceEntry(
                    text=text,
                    speaker_name=speaker,
                    anonymous=not speaker,
                    external_ref=f"12345-{said_on:%Y%m%d}-{n:04d}"
                    if channel == Channel.HOTLINE
                    else "",
                )
            ],
        )
        Voice.objects.filter(pk=voice.pk).update(created_at=_at(said_on, 10))
        if key:
            made.setdefault(key, []).append(voice)
    roof = actions.topic_create(actor=worker, voices=made["屋顶"], title="3幢屋顶漏水")
    actions.topic_transition(
        actor=worker,
        topic=roof,
        to_state=TopicState.ANSWERED,
        outcome=actions.Outcome(answer="已请房管所修补3幢屋面防水层，雨后复查不再渗漏。"),
    )
    lamps = actions.topic_create(actor=worker, voices=made["路灯"], title="沿河路灯不亮")
    actions.topic_transition(
        actor=worker,
        topic=lamps,
        to_state=TopicState.DELIBERATION,
        outcome=actions.Outcome(note="和市政照明所协商维修"),
    )
    actions.topic_create(actor=worker, voices=made["垃圾房"], title="垃圾房异味")


def demo_figures(compound: Compound) -> dict[str, int]:
    """The funnel of one compound, all time (for the report and the tests)."""
    return Voice.objects.filter(compound=compound).aggregate(
        voices=Count("id"),
        topics=Count("topic", distinct=True),
        decided=Count("topic", distinct=True, filter=Q(topic__state__in=DECIDED_STATES)),
        project=Count("topic", distinct=True, filter=Q(topic__state=TopicState.PROJECT)),
        ungrouped=Count("id", filter=Q(topic__isnull=True)),
    )


@transaction.atomic
def load_voices_demo(*, today: dt.date | None = None) -> list[str]:
    """Load the voices of the demo (after the places and accounts); a compound that already
    has voices is kept as it is. Returns lines for the load-demo report."""
    today = today or dt.date.today()
    lines: list[str] = []
    wufuyuan = Compound.objects.filter(code=WUFUYUAN_CODE).select_related("community").first()
    guihua = Compound.objects.filter(code=GUIHUA_CODE).first()
    loaded = []
    if wufuyuan is not None and not Voice.objects.filter(compound=wufuyuan).exists():
        _load_wufuyuan(wufuyuan, today)
        loaded.append(wufuyuan)
    if guihua is not None and not Voice.objects.filter(compound=guihua).exists():
        _load_guihua(guihua, today)
        loaded.append(guihua)
    # The engine's similar-index caches what it saw during loading: start afresh.
    services.forget_caches()
    for compound in loaded:
        audit_log(
            actor=None,
            action="demo.voices",
            obj=compound,
            changes=demo_figures(compound),
        )
    if wufuyuan is not None:
        f = demo_figures(wufuyuan)
        lines.append(
            f"五福苑社情民意：{f['voices']} 条意见 → {f['topics']} 个议题 → {f['decided']} 个已决定"
            f" → {f['project']} 个入改造项目库（{f['ungrouped']} 条待归类）"
        )
    return lines


def reset_voices_demo() -> None:
    """Remove the voices, topics, meetings and decisions of the demo places (and the demo
    resident's notifications about them), so that the places themselves can go."""
    compounds = Compound.objects.filter(
        community__street__district__code__in=DEMO_DISTRICT_CODES
    ).values("pk")
    topics = Topic.objects.filter(compound__in=compounds)
    topic_ids = list(topics.values_list("pk", flat=True))
    from django.urls import reverse

    urls = [reverse("voices:portal_topic", kwargs={"pk": pk}) for pk in topic_ids]
    for start in range(0, len(urls), 500):
        Notification.objects.filter(url__in=urls[start : start + 500]).delete()
    Decision.objects.filter(Q(meeting__compound__in=compounds) | Q(topic__in=topics)).delete()
    Meeting.objects.filter(compound__in=compounds).delete()
    TopicEvent.objects.filter(Q(topic__in=topics) | Q(other_topic__in=topics)).delete()
    Voice.objects.filter(compound__in=compounds).delete()
    VoiceImport.objects.filter(compound__in=compounds).delete()
    topics.update(merged_into=None)
    topics.delete()
