"""The demo's renovation stories (演示改造剧情), as data: where each of Wufuyuan's projects goes,
with its budget, scope and money; and the few projects of the other old compounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from laoyuan.renewal.models import ProjectState

WUFUYUAN_CODE = "510104-SH-01-WFY"
DEMO_DISTRICT_CODES = ("510104", "320508")
Y = Decimal


@dataclass(frozen=True)
class Money:
    kind: str
    funder: str
    pledged: Decimal
    received: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    reference: str = ""


@dataclass
class Story:
    """Where one project of the library goes in the demo."""

    title: str  # as the voices demo named its topic (or the new project's title)
    state: str
    months_ago: int  # when it entered the library
    budget: Decimal
    quantities: tuple[tuple[str, str, str], ...]
    money: tuple[Money, ...] = ()
    rename: str = ""
    designer: str = "成都市建筑设计研究院"
    contractor: str = "四川蜀安建设工程有限公司"
    buildings: tuple[str, ...] = ()
    vote_matter: str = ""
    done_share: Decimal = Decimal(1)  # of the work, when under construction
    answers: int = 0  # survey answers at acceptance
    published: bool = False
    extra: dict = field(default_factory=dict)


GOV = "government"
G = "锦江区住房和城乡建设局（老旧小区改造专项资金）"
REF = "锦住建〔2023〕老旧小区改造补助资金"

WUFUYUAN_STORIES: tuple[Story, ...] = (
    Story(
        "雨污分流改造",
        ProjectState.MAINTENANCE,
        30,
        Y("4818800.00"),
        (
            ("修复地下管网塌陷", "3", "处"),
            ("更换地下管网", "200", "米"),
            ("自来水一户一表", "497", "户"),
        ),
        (
            Money(GOV, G, Y("4620000.00"), Y("4620000.00"), Y("4620000.00"), REF),
            Money("residents", "五福苑居民自筹（一户一表）", Y(0)),
        ),
        rename="雨污分流与供水管网改造（含一户一表）",
        answers=186,
        published=True,
        extra={"water_meter_share": Y("400.00")},
    ),
    Story(
        "外立面整治",
        ProjectState.ACCEPTED,
        28,
        Y("5650000.00"),
        (("外立面整治", "25000", "平方米"),),
        (Money(GOV, G, Y("5650000.00"), Y("5650000.00"), Y("5380000.00"), REF),),
        answers=158,
    ),
    Story(
        "小区道路黑化",
        ProjectState.ACCEPTED,
        27,
        Y("2280000.00"),
        (("主干道及院坝路面黑化", "6800", "平方米"),),
        (Money(GOV, G, Y("2280000.00"), Y("2280000.00"), Y("2280000.00"), REF),),
        answers=140,
    ),
    Story(
        "增设停车位",
        ProjectState.CONSTRUCTION,
        20,
        Y("1600000.00"),
        (("划线车位", "86", "个"), ("后门空地停车场", "1200", "平方米")),
        (Money(GOV, G, Y("1600000.00"), Y("960000.00"), Y("640000.00"), REF),),
        done_share=Y("0.6"),
    ),
    Story(
        "监控全覆盖",
        ProjectState.ACCEPTED,
        26,
        Y("880000.00"),
        (("高清监控", "64", "个"), ("门禁", "12", "个")),
        (Money(GOV, G, Y("880000.00"), Y("880000.00"), Y("880000.00"), REF),),
        answers=120,
    ),
    Story(
        "健身设施更新",
        ProjectState.ACCEPTED,
        24,
        Y("500000.00"),
        (("院坝活动场地打造", "900", "平方米"), ("健身器材", "18", "处")),
        (
            Money(
                "alliance",
                "沙河街道党建联盟成员单位（活动场地）",
                Y("500000.00"),
                Y("500000.00"),
                Y("486000.00"),
            ),
        ),
        rename="活动场地打造与健身设施更新",
        answers=96,
    ),
    Story(
        "老年食堂（味福堂）",
        ProjectState.MAINTENANCE,
        25,
        Y("200000.00"),
        (("味福堂改造", "160", "平方米"),),
        (
            Money(
                "alliance",
                "沙河街道党建联盟成员单位（味福堂）",
                Y("200000.00"),
                Y("200000.00"),
                Y("200000.00"),
            ),
        ),
        answers=88,
    ),
    Story(
        "电动车集中充电棚",
        ProjectState.TENDERING,
        10,
        Y("450000.00"),
        (("智能充电车棚", "2", "个"), ("充电口", "120", "个")),
        (
            Money(
                "social",
                "成都锦沙悦薇文化艺术交流有限公司（社会资本）",
                Y("450000.00"),
                Y("150000.00"),
            ),
        ),
    ),
    # The roofs leak worst on building 7: its owners voted to use its maintenance fund.
    Story(
        "屋面防水改造",
        ProjectState.FUNDED,
        12,
        Y("320000.00"),
        (("屋面防水层（含保温）", "1100", "平方米"),),
        (Money("maintenance_fund", "五福苑7栋住宅专项维修资金", Y("320000.00")),),
        rename="7栋屋面防水改造（使用维修资金）",
        buildings=("7",),
        vote_matter="use_fund",
    ),
    # Building 5's owners voted for their lift (the votes demo): decided by that vote.
    Story(
        "加装电梯（有意愿的单元）",
        ProjectState.DECIDED,
        8,
        Y("650000.00"),
        (("加装电梯", "1", "部"),),
        rename="5栋加装电梯",
        buildings=("5",),
        vote_matter="rebuild",
        extra={"lift": True},
    ),
    Story(
        "楼道灯改造",
        ProjectState.PUBLISHED,
        6,
        Y("126000.00"),
        (("感应LED灯", "420", "盏"),),
        designer="五福苑物业服务中心",
    ),
    Story("绿化提升", ProjectState.CONSULTED, 4, Y("0"), ()),
    Story("适老化扶手加装", ProjectState.PROPOSED, 2, Y("0"), ()),
)

# The rest of the demo's old compounds: (code, title, item type, state, months ago, budget).
OTHER_STORIES = (
    ("510104-SH-01-MJG2", "屋面防水维修", "roof", ProjectState.ACCEPTED, 14, Y("420000.00")),
    ("510104-SH-01-MJG2", "加装电梯", "lift", ProjectState.DECIDED, 5, Y("600000.00")),
    ("510104-SH-02-DG", "雨污分流改造", "drainage", ProjectState.FUNDED, 9, Y("1350000.00")),
    ("320508-CL-01-GHXC", "3幢屋面防水", "roof", ProjectState.PROPOSED, 1, Y("0")),
)
