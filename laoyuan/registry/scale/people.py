"""Synthetic people (合成人口): names, birth dates, ID numbers (身份证号), phones and households.

Nothing here is a real person. Names come from lists of common surnames and of given names in
fashion when each generation was born; ID numbers are valid under GB 11643 (region, birth date,
sequence number, check digit) and unique within a factory; phones are random mobile numbers.
Households (住户) are drawn from kinds — elderly living alone, elderly couples, three
generations under one roof, young families, tenants (租户) … — whose mix shifts with how old a
compound is: that is what makes a compound "double-aged" (双老化).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from laoyuan.core import pii
from laoyuan.registry.models import ELDERLY_AGE, Relation, Sex, Tenure, years_ago

# Common surnames, roughly by frequency: earlier ones weigh more.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM_WEIGHTS = list(accumulate(max(1, 40 - i // 3) for i in range(len(SURNAMES))))

# Given names by generation and sex: names follow fashions, so a 1940s woman is 桂兰, not 梓涵.
GIVEN_NAMES: dict[tuple[int, str], tuple[str, ...]] = {
    (1920, "M"): tuple(
        "建国 国庆 德明 志华 福林 明德 树林 光明 永福 国强 文华 长富 家福 世明 守仁 德福 "
        "振华 宝山 金山 玉堂 炳南 绍先 德胜 庆云 万福 树清 洪".split()
    ),
    (1920, "F"): tuple(
        "桂兰 秀英 玉兰 淑芬 素珍 秀珍 凤英 玉珍 淑英 桂芳 翠华 兰英 秀兰 玉梅 德芳 桂英 "
        "素华 淑贞 玉芬 秀芳 凤兰 桂珍 惠珍 秀琴 翠英".split()
    ),
    (1960, "M"): tuple(
        "伟 勇 军 强 斌 磊 涛 刚 建华 志刚 海波 晓东 红军 建军 卫东 小平 宏伟 永红 建平 "
        "志勇 国华 德全 明 健 云峰 俊 立新 朝阳 文斌".split()
    ),
    (1960, "F"): tuple(
        "丽 艳 敏 静 霞 红 燕 芳 丽华 晓燕 红梅 小红 雪梅 春梅 丽萍 晓红 丽娟 秀梅 "
        "玉洁 桂香 红英 建英 慧 琼 萍 蓉 莉 晓玲".split()
    ),
    (1985, "M"): tuple(
        "浩 鹏 宇 杰 超 翔 俊杰 浩然 子豪 宇航 博文 家豪 鑫 思远 天宇 一凡 晨 凯 "
        "文博 嘉伟 志远 皓 明轩 睿 泽宇".split()
    ),
    (1985, "F"): tuple(
        "婷 倩 琳 雪 佳 婷婷 思雨 欣怡 佳怡 雨婷 梦瑶 诗涵 晓雯 丹 璐 颖 佳琪 雨萱 "
        "梦琪 静怡 思琪 玥 欣然 雅琪 悦".split()
    ),
    (2005, "M"): tuple(
        "子轩 梓豪 浩宇 一鸣 宇轩 俊熙 梓睿 沐宸 奕辰 睿泽 浩然 子墨 皓轩 铭泽 宇辰 "
        "嘉懿 煜祺 承泽 景行 知远 安然 一诺".split()
    ),
    (2005, "F"): tuple(
        "梓涵 一诺 欣妍 梓萱 雨桐 诗琪 可馨 若汐 语桐 思琪 梓琪 欣怡 芷若 依诺 "
        "佳宁 沐晴 雨彤 安琪 心怡 语嫣 书瑶".split()
    ),
}

MOBILE_PREFIXES = tuple(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 177 180 181 182 183 185 186 187 188 189 191 198 199".split()
)

_MALE_DIGITS = "13579"
_FEMALE_DIGITS = "02468"
SEQ_CAPACITY = 500  # 100 two-digit sequences × 5 sex digits, per (region, birth date, sex)
# Sequence numbers are handed out in a fixed shuffled order, so they look like real ones rather
# than 00, 01, 02 …; a permutation keeps disjoint ranges disjoint.
_SEQ_ORDER = random.Random("laoyuan-id-sequence").sample(range(100), 100)


def _generation(birth_year: int) -> int:
    if birth_year < 1960:
        return 1920
    if birth_year < 1985:
        return 1960
    if birth_year < 2005:
        return 1985
    return 2005


class People:
    """Makes synthetic people: names, birth dates, unique valid ID numbers and unique phones.

    `seq_base`/`seq_span` carve the ID sequence numbers (顺序码) into disjoint ranges, so that
    factories working on different compounds never issue the same number. Sealing (encryption,
    blind index, mask) is timed, because at district scale it is the one costly step per person.
    """

    def __init__(
        self,
        rng: random.Random,
        *,
        regions: Sequence[str],
        today: dt.date,
        seq_base: int = 0,
        seq_span: int = SEQ_CAPACITY,
    ) -> None:
        if seq_base < 0 or seq_span < 1 or seq_base + seq_span > SEQ_CAPACITY:
            raise ValueError("ID sequence range out of bounds")
        self.rng = rng
        self.regions = tuple(regions)
        self.today = today
        self.seq_base = seq_base
        self.seq_span = seq_span
        self._seq: dict[tuple[str, str, str], int] = {}
        self._phones: set[str] = set()
        self.sealing_seconds = 0.0
        self.sealed_values = 0

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]

    def name(self, sex: str, birth_year: int, surname: str | None = None) -> str:
        given = self.rng.choice(GIVEN_NAMES[(_generation(birth_year), sex)])
        return (surname or self.surname()) + given

    def birth_date(self, age: int) -> dt.date:
        """A birth date at which the person is exactly `age` today."""
        return years_ago(self.today, age) - dt.timedelta(days=self.rng.randrange(0, 365))

    def id_number(self, birth: dt.date, sex: str, region: str | None = None) -> str:
        """A valid GB 11643 number, unique within this factory (and its disjoint range)."""
        region = region or self.rng.choice(self.regions)
        while True:
            ymd = birth.strftime("%Y%m%d")
            key = (region, ymd, sex)
            used = self._seq.get(key, 0)
            if used < self.seq_span:
                self._seq[key] = used + 1
                index = self.seq_base + used
                digits = _MALE_DIGITS if sex == Sex.MALE else _FEMALE_DIGITS
                first17 = f"{region}{ymd}{_SEQ_ORDER[index // 5]:02d}{digits[index % 5]}"
                return first17 + pii.id_check_digit(first17)
            # That birthday is full in this range: the day before is just as plausible.
            birth -= dt.timedelta(days=1)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def seal_id(self, number: str) -> pii.Sealed:
        started = time.perf_counter()
        sealed = pii.seal_id_number(number)
        self.sealing_seconds += time.perf_counter() - started
        self.sealed_values += 1
        return sealed

    def seal_phone(self, number: str) -> pii.Sealed:
        started = time.perf_counter()
        sealed = pii.seal_phone(number)
        self.sealing_seconds += time.perf_counter() - started
        self.sealed_values += 1
        return sealed

    def sealed_fields(self, *, id_number: str, phone: str | None) -> dict[str, str]:
        """The stored columns of an ID number and a phone: cipher, blind index, masked copy."""
        sealed_id = self.seal_id(id_number)
        fields = {
            "id_number_cipher": sealed_id.ciphertext,
            "id_number_index": sealed_id.index,
            "id_number_masked": sealed_id.masked,
            "phone_cipher": "",
            "phone_index": "",
            "phone_masked": "",
        }
        if phone:
            sealed_phone = self.seal_phone(phone)
            fields["phone_cipher"] = sealed_phone.ciphertext
            fields["phone_index"] = sealed_phone.index
            fields["phone_masked"] = sealed_phone.masked
        return fields

    def absent_owner(self, *, min_age: int = 35, max_age: int = 80) -> dict[str, Any]:
        """Name and sealed numbers of an owner (业主) who lives elsewhere, e.g. a landlord."""
        sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
        birth = self.birth_date(self.rng.randint(min_age, max_age))
        return {
            "name": self.name(sex, birth.year),
            **self.sealed_fields(id_number=self.id_number(birth, sex), phone=self.phone()),
        }


@dataclass(frozen=True)
class Member:
    """One person of a generated household, before names and numbers are given."""

    age: int
    sex: str
    relation: str
    co_owner: bool = False  # the head's spouse, who may be on the title deed too


# Household kinds and their weights at aging 0 (young compound) and aging 1 (very old one).
# Calibrated so that aging 0 gives about 8% aged 65+, aging 0.5 about 20%, aging 0.85 about 30%
# and aging 1 about 34%, with 2.5–2.6 people per household (China's 2020 census: 2.62).
HOUSEHOLD_KINDS: dict[str, tuple[float, float]] = {
    "elder_alone": (0.02, 0.17),
    "elder_couple": (0.03, 0.26),
    "three_generations": (0.09, 0.25),
    "family": (0.40, 0.10),
    "young_family": (0.14, 0.04),
    "couple": (0.17, 0.13),
    "single": (0.15, 0.05),
}
TENANT_KINDS = {"tenant_single": 0.40, "tenant_couple": 0.40, "tenant_shared": 0.20}


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _other(sex: str) -> str:
    return Sex.FEMALE if sex == Sex.MALE else Sex.MALE


def household_members(
    rng: random.Random,
    *,
    aging: float,
    tenant: bool,
    mix: dict[str, float] | None = None,
) -> list[Member]:
    """The people of one household: ages, sexes and relations to the head (户主).

    `aging` (0–1) shifts the mix from young families towards elderly couples and elderly people
    living alone. `mix` replaces the weights of the owner-occupier kinds for a compound with a
    history of its own (Wufuyuan's relief housing holds many three-generation families)."""
    if tenant:
        kind = rng.choices(list(TENANT_KINDS), weights=list(TENANT_KINDS.values()))[0]
    elif mix:
        kind = rng.choices(list(mix), weights=list(mix.values()))[0]
    else:
        weights = [young + (old - young) * aging for young, old in HOUSEHOLD_KINDS.values()]
        kind = rng.choices(list(HOUSEHOLD_KINDS), weights=weights)[0]
    return _KIND_MAKERS[kind](rng)


def _spouse_age(rng: random.Random, age: int) -> int:
    return _clamp(age + rng.randint(-4, 3), 20, 99)


def _elder_alone(rng: random.Random) -> list[Member]:
    # Women outlive men: most who live alone in old age are widows.
    sex = Sex.FEMALE if rng.random() < 0.68 else Sex.MALE
    return [Member(_clamp(int(rng.triangular(65, 96, 80)), 65, 99), sex, Relation.HEAD)]


def _elder_couple(rng: random.Random) -> list[Member]:
    age = _clamp(int(rng.triangular(65, 92, 74)), 65, 95)
    return [
        Member(age, Sex.MALE, Relation.HEAD),
        Member(_clamp(_spouse_age(rng, age), 63, 95), Sex.FEMALE, Relation.SPOUSE, True),
    ]


def _three_generations(rng: random.Random) -> list[Member]:
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    age = _clamp(int(rng.triangular(60, 90, 72)), 60, 95)
    people = [Member(age, sex, Relation.HEAD)]
    if rng.random() < 0.65:
        people.append(Member(_spouse_age(rng, age), _other(sex), Relation.SPOUSE, True))
    child_age = _clamp(age - rng.randint(24, 34), 26, 65)
    child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
    people.append(Member(child_age, child_sex, Relation.CHILD))
    if rng.random() < 0.8:  # the child's spouse (儿媳/女婿): "other" among our relations
        people.append(Member(_spouse_age(rng, child_age), _other(child_sex), Relation.OTHER))
    for _ in range(rng.choice((1, 1, 2))):
        grandchild_age = child_age - rng.randint(24, 36)
        if grandchild_age >= 0:
            people.append(Member(grandchild_age, rng.choice("MF"), Relation.GRANDCHILD))
    return people


def _family(rng: random.Random) -> list[Member]:
    age = rng.randint(34, 62)
    people = [
        Member(age, Sex.MALE, Relation.HEAD),
        Member(_spouse_age(rng, age), Sex.FEMALE, Relation.SPOUSE, True),
    ]
    for _ in range(rng.choice((1, 1, 2))):
        child_age = age - rng.randint(24, 36)
        if 0 <= child_age <= 30:
            people.append(Member(child_age, rng.choice("MF"), Relation.CHILD))
    return people


def _young_family(rng: random.Random) -> list[Member]:
    age = rng.randint(26, 38)
    people = [
        Member(age, Sex.MALE, Relation.HEAD),
        Member(_spouse_age(rng, age), Sex.FEMALE, Relation.SPOUSE, True),
        Member(rng.randint(0, 5), rng.choice("MF"), Relation.CHILD),
    ]
    if rng.random() < 0.35:  # a grandparent who came to help raise the child
        people.append(Member(rng.randint(54, 72), Sex.FEMALE, Relation.PARENT))
    return people


def _couple(rng: random.Random) -> list[Member]:
    age = rng.randint(24, 64)
    return [
        Member(age, Sex.MALE, Relation.HEAD),
        Member(_spouse_age(rng, age), Sex.FEMALE, Relation.SPOUSE, True),
    ]


def _single(rng: random.Random) -> list[Member]:
    return [Member(rng.randint(22, 64), rng.choice("MF"), Relation.HEAD)]


def _tenant_single(rng: random.Random) -> list[Member]:
    return [Member(rng.randint(20, 45), rng.choice("MF"), Relation.HEAD)]


def _tenant_couple(rng: random.Random) -> list[Member]:
    age = rng.randint(22, 42)
    people = [
        Member(age, Sex.MALE, Relation.HEAD),
        Member(_spouse_age(rng, age), Sex.FEMALE, Relation.SPOUSE),
    ]
    if rng.random() < 0.4:
        people.append(Member(rng.randint(0, 9), rng.choice("MF"), Relation.CHILD))
    return people


def _tenant_shared(rng: random.Random) -> list[Member]:
    """Young people sharing a flat (合租)."""
    return [Member(rng.randint(20, 32), rng.choice("MF"), Relation.HEAD)] + [
        Member(rng.randint(20, 32), rng.choice("MF"), Relation.OTHER)
        for _ in range(rng.choice((1, 2)))
    ]


_KIND_MAKERS = {
    "elder_alone": _elder_alone,
    "elder_couple": _elder_couple,
    "three_generations": _three_generations,
    "family": _family,
    "young_family": _young_family,
    "couple": _couple,
    "single": _single,
    "tenant_single": _tenant_single,
    "tenant_couple": _tenant_couple,
    "tenant_shared": _tenant_shared,
}


@dataclass(frozen=True)
class CareRates:
    """How often residents carry each care flag; old compounds have more of each."""

    party_member_elderly: float = 0.14
    party_member_adult: float = 0.07
    disabled_elderly: float = 0.08
    disabled_other: float = 0.015
    low_income_household: float = 0.03
    phone_elderly: float = 0.75  # share of people of 75+ with a phone of their own


NEW_COMPOUND_RATES = CareRates(low_income_household=0.01, disabled_elderly=0.06)


def resident_values(
    people: People, members: list[Member], *, tenant: bool, rates: CareRates, low_income: bool
) -> list[dict[str, Any]]:
    """Field values of a household's residents (居民), with sealed ID numbers and phones.

    Returned as plain dicts so the demo can make model instances of them and the district
    generator database rows, without paying for model instances it does not need."""
    rng = people.rng
    head_surname = people.surname()
    lives_alone = len(members) == 1 and members[0].age >= ELDERLY_AGE
    values: list[dict[str, Any]] = []
    for member in members:
        birth = people.birth_date(member.age)
        # Children and grandchildren carry the head's surname; spouses and others their own.
        shares_surname = member.relation in (Relation.HEAD, Relation.CHILD, Relation.GRANDCHILD)
        name = people.name(member.sex, birth.year, head_surname if shares_surname else None)
        has_phone = member.age >= 16 and (member.age < 75 or rng.random() < rates.phone_elderly)
        elderly = member.age >= ELDERLY_AGE
        if tenant:
            tenure = Tenure.TENANT
        elif member.relation == Relation.HEAD:
            tenure = Tenure.OWNER
        else:
            tenure = Tenure.OWNER_FAMILY
        if elderly:
            party_rate = rates.party_member_elderly
        elif member.age >= 22:
            party_rate = rates.party_member_adult
        else:
            party_rate = 0.0
        values.append(
            {
                "name": name,
                "sex": member.sex,
                "birth_date": birth,
                **people.sealed_fields(
                    id_number=people.id_number(birth, member.sex),
                    phone=people.phone() if has_phone else None,
                ),
                "relation": member.relation,
                "tenure": tenure,
                "lives_alone": lives_alone,
                "disabled": rng.random()
                < (rates.disabled_elderly if elderly else rates.disabled_other),
                "low_income": low_income,
                "party_member": rng.random() < party_rate,
            }
        )
    return values


OWNER_PII_FIELDS = (
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "phone_cipher",
    "phone_index",
    "phone_masked",
)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def pick_head(
    candidates: list[dict[str, Any]], taken: set[int], rng: random.Random, today: dt.date
) -> dict[str, Any] | None:
    """A building head (楼栋长) or group head (居民小组长): preferably a party member aged 45–75
    who owns their flat; never the same person twice. Candidates are resident value dicts
    carrying an "id"."""
    fitting = [
        r
        for r in candidates
        if r["id"] not in taken
        and r["tenure"] != Tenure.TENANT
        and 45 <= age_on(r["birth_date"], today) <= 75
    ]
    pool = [r for r in fitting if r["party_member"]] or fitting
    if not pool:
        pool = [r for r in candidates if r["id"] not in taken and r["tenure"] != Tenure.TENANT]
    if not pool:
        return None
    chosen = rng.choice(pool)
    taken.add(chosen["id"])
    return chosen
