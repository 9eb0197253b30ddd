"""The named cast and the small world they live in. Every test reads from here.

World (synthetic; no real person):
  锦江区 (district JJ)
    沙河街道 (street SH)
      沙河社区 (community SH01)
        五福苑 (compound WFY, built 1994): buildings 1 and 2; grid 一网格 (building 1),
          grid 二网格 (building 2); households h1 (1-1-101), h2 (1-1-102), h3 (2-1-101)
        马家沟小区 (compound MJG, built 2008)
      东光社区 (community SH02)
        东光小区 (compound DG)
  姑苏区 (district GS)
    沧浪街道 (street CL)
      桂花社区 (community CL01)
        桂花新村 (compound GHXC): building 1, household g1

Cast (user → role @ node):
  wang    street official      @ 沙河街道
  li      community worker     @ 沙河社区
  zhang   grid worker          @ 一网格 (五福苑)
  chen    party secretary      @ 五福苑
  zhao    owners' committee    @ 五福苑
  sun     property staff       @ 五福苑
  zhou    social-org staff     @ 沙河社区
  liu     resident             @ household h1 (刘桂兰)
  qian    community worker     @ 桂花社区 (the outsider: another district)
  nobody  no role at all
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from laoyuan.core import pii
from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.registry.actions import apply_id_number, apply_phone
from laoyuan.registry.models import (
    AreaSource,
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    Owner,
    Ownership,
    Relation,
    Resident,
    Street,
    Tenure,
    Unit,
)

PASSWORD = "laoyuan-test-pw"


def make_id_number(
    birth: str, *, region: str = "510104", seq: str = "12", male: bool = True
) -> str:
    """A valid 18-digit ID number (GB 11643) for a birth date like '19480312'."""
    sex_digit = "1" if male else "2"
    first17 = f"{region}{birth}{seq}{sex_digit}"
    return first17 + pii.id_check_digit(first17)


@dataclass
class World:
    jinjiang: District
    shahe: Street
    shahe_community: Community
    wufuyuan: Compound
    majiagou: Compound
    dongguang_community: Community
    dongguang: Compound
    gusu: District
    canglang: Street
    guihua_community: Community
    guihuaxincun: Compound
    b1: Building
    b2: Building
    grid_a: Grid
    grid_b: Grid
    u101: Unit
    u102: Unit
    u201: Unit
    h1: Household
    h2: Household
    h3: Household
    g1: Household
    liu_guilan: Resident  # 78, lives alone flag off, head of h1
    liu_xiaoming: Resident  # under 3, in h1
    zhao_dahai: Resident  # h2
    sun_li: Resident  # h3, tenant
    gui_resident: Resident  # 桂花新村
    owner_liu: Owner
    users: dict[str, User]

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _resident(
    household: Household, name: str, *, id_number: str = "", phone: str = "", **fields
) -> Resident:
    r = Resident(household=household, compound_id=household.compound_id, name=name, **fields)
    if id_number:
        apply_id_number(r, id_number)
    if phone:
        apply_phone(r, phone)
    r.save()
    return r


def _user(username: str, display: str, role: str | None = None, **node) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display)
    if role:
        ((level, target),) = [(k, v) for k, v in node.items() if k != "resident"]
        RoleAssignment.objects.create(
            user=user, role=role, level=level, resident=node.get("resident"), **{level: target}
        )
    return user


def build_world() -> World:
    jinjiang = District.objects.create(code="JJ", name="锦江区")
    shahe = Street.objects.create(district=jinjiang, code="SH", name="沙河街道")
    shahe_c = Community.objects.create(street=shahe, code="SH01", name="沙河社区")
    wufuyuan = Compound.objects.create(
        community=shahe_c,
        code="WFY",
        name="五福苑",
        address="马家沟1号",
        year_built=1994,
        registered_households=497,
        property_mode="trust",
    )
    majiagou = Compound.objects.create(
        community=shahe_c, code="MJG", name="马家沟小区", year_built=2008
    )
    dongguang_c = Community.objects.create(street=shahe, code="SH02", name="东光社区")
    dongguang = Compound.objects.create(
        community=dongguang_c, code="DG", name="东光小区", year_built=1988
    )
    gusu = District.objects.create(code="GS", name="姑苏区")
    canglang = Street.objects.create(district=gusu, code="CL", name="沧浪街道")
    guihua_c = Community.objects.create(street=canglang, code="CL01", name="桂花社区")
    ghxc = Compound.objects.create(
        community=guihua_c, code="GHXC", name="桂花新村", year_built=1985
    )

    b1 = Building.objects.create(compound=wufuyuan, number="1", floors=6)
    b2 = Building.objects.create(compound=wufuyuan, number="2", floors=6)
    gb = Building.objects.create(compound=ghxc, number="1", floors=5)
    e1 = Entrance.objects.create(building=b1, number="1")
    e2 = Entrance.objects.create(building=b2, number="1")
    grid_a = Grid.objects.create(compound=wufuyuan, name="一网格")
    grid_b = Grid.objects.create(compound=wufuyuan, name="二网格")

    def unit(b, e, room, area):
        return Unit.objects.create(
            building=b,
            entrance=e,
            compound=b.compound,
            room_number=room,
            floor=int(room[0]),
            area=Decimal(area),
            area_source=AreaSource.REGISTER,
        )

    u101 = unit(b1, e1, "101", "65.40")
    u102 = unit(b1, e1, "102", "58.75")
    u201 = unit(b2, e2, "101", "72.10")
    ug = unit(gb, None, "201", "50.00")

    def household(u, grid):
        return Household.objects.create(unit=u, compound=u.compound, building=u.building, grid=grid)

    h1, h2, h3 = household(u101, grid_a), household(u102, grid_a), household(u201, grid_b)
    g1 = household(ug, None)

    liu = _resident(
        h1,
        "刘桂兰",
        id_number=make_id_number("19480312", male=False),
        phone="13812345678",
        relation=Relation.HEAD,
        tenure=Tenure.OWNER,
    )
    today = dt.date.today()
    baby_birth = (today - dt.timedelta(days=400)).strftime("%Y%m%d")
    xiaoming = _resident(
        h1,
        "刘小明",
        id_number=make_id_number(baby_birth, seq="34"),
        relation=Relation.GRANDCHILD,
        tenure=Tenure.OWNER_FAMILY,
    )
    zhao_r = _resident(
        h2,
        "赵大海",
        id_number=make_id_number("19700101", seq="56"),
        phone="13900001111",
        tenure=Tenure.OWNER,
    )
    sun_r = _resident(
        h3,
        "孙丽",
        id_number=make_id_number("19900215", seq="78", male=False),
        phone="13700002222",
        tenure=Tenure.TENANT,
    )
    gui = _resident(
        g1,
        "桂阿姨",
        id_number=make_id_number("19500505", region="320508", male=False),
        phone="13600003333",
    )

    owner_liu = Owner(compound=wufuyuan, name="刘桂兰", resident=liu)
    apply_id_number(owner_liu, make_id_number("19480312", male=False))
    owner_liu.save()
    Ownership.objects.create(unit=u101, owner=owner_liu)

    users = {
        "wang": _user("wang", "王街道", Role.STREET_OFFICIAL, street=shahe),
        "li": _user("li", "李社工", Role.COMMUNITY_WORKER, community=shahe_c),
        "zhang": _user("zhang", "张网格", Role.GRID_WORKER, grid=grid_a),
        "chen": _user("chen", "陈书记", Role.PARTY_SECRETARY, compound=wufuyuan),
        "zhao": _user("zhao", "赵委员", Role.OWNERS_COMMITTEE, compound=wufuyuan),
        "sun": _user("sun", "孙物业", Role.PROPERTY_STAFF, compound=wufuyuan),
        "zhou": _user("zhou", "周社工", Role.SOCIAL_ORG_STAFF, community=shahe_c),
        "liu": _user("liu", "刘桂兰", Role.RESIDENT, household=h1, resident=liu),
        "qian": _user("qian", "钱社工", Role.COMMUNITY_WORKER, community=guihua_c),
        "nobody": _user("nobody", "无角色"),
    }
    grid_a.worker = users["zhang"]
    grid_a.save()
    return World(
        jinjiang=jinjiang,
        shahe=shahe,
        shahe_community=shahe_c,
        wufuyuan=wufuyuan,
        majiagou=majiagou,
        dongguang_community=dongguang_c,
        dongguang=dongguang,
        gusu=gusu,
        canglang=canglang,
        guihua_community=guihua_c,
        guihuaxincun=ghxc,
        b1=b1,
        b2=b2,
        grid_a=grid_a,
        grid_b=grid_b,
        u101=u101,
        u102=u102,
        u201=u201,
        h1=h1,
        h2=h2,
        h3=h3,
        g1=g1,
        liu_guilan=liu,
        liu_xiaoming=xiaoming,
        zhao_dahai=zhao_r,
        sun_li=sun_r,
        gui_resident=gui,
        owner_liu=owner_liu,
        users=users,
    )


STAFF = ["wang", "li", "zhang", "chen", "zhao", "sun", "zhou", "qian"]
