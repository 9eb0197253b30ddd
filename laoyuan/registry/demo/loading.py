"""Loading the demo scenario into the database, idempotently, and the accounts table it prints.

Places are found by code, a compound is filled only while it has no buildings, accounts are
found by username: loading twice duplicates nothing. Rows go in with bulk_create; personal data
is sealed through `laoyuan.core.pii` (via the shared people factory) as the actions seal it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import ProtectedError, Sum

from laoyuan.core.audit import audit_log
from laoyuan.core.models import Level, Role, RoleAssignment, User
from laoyuan.registry.demo.scenario import (
    DEMO_ACCOUNTS,
    DEMO_DISTRICTS,
    DEMO_PASSWORD,
    EXTRA_GRID_WORKER_PREFIX,
    WUFUYUAN,
    CompoundSpec,
)
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
    OwnerKind,
    Ownership,
    Relation,
    Resident,
    Street,
    Tenure,
    Unit,
    years_ago,
)
from laoyuan.registry.scale import (
    CareRates,
    People,
    chinese_number,
    district_counts,
    household_members,
    pick_head,
    quantize_area,
    resident_values,
)
from laoyuan.registry.scale.people import OWNER_PII_FIELDS

# Each compound issues ID sequence numbers (顺序码) from a range of its own, so two compounds
# never share an ID number whichever of them were loaded first.
_SEQ_RANGE = 20


@dataclass
class AccountRow:
    username: str
    password: str
    role: str
    place: str


@dataclass
class DemoReport:
    created_compounds: list[str] = field(default_factory=list)
    kept_compounds: list[str] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    extra_grid_workers: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    wufuyuan: dict[str, int] = field(default_factory=dict)
    wufuyuan_area: Decimal = Decimal("0.00")
    voices: list[str] = field(default_factory=list)  # lines from laoyuan.voices.demo

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.created_compounds:
            out.append("已载入小区：" + "、".join(self.created_compounds))
        if self.kept_compounds:
            out.append("已存在、未重复载入：" + "、".join(self.kept_compounds))
        for district, c in self.counts.items():
            out.append(
                f"{district}：{c['streets']} 个街道，{c['communities']} 个社区，"
                f"{c['compounds']} 个小区，{c['households']:,} 户，{c['residents']:,} 人"
                f"（65岁及以上 {c['elderly']:,} 人，3岁以下 {c['infants']:,} 人）"
            )
        w = self.wufuyuan
        if w:
            share = w["elderly"] * 1000 // max(1, w["residents"])
            out.append(
                f"五福苑：{w['buildings']} 栋，{w['households']} 户，{w['residents']:,} 人，"
                f"65岁及以上占 {share // 10}.{share % 10}%，"
                f"登记建筑面积 {self.wufuyuan_area:,} ㎡，{w['grids']} 个微网格"
            )
        out.extend(self.voices)
        out.append("")
        out.append(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        out.extend(format_accounts(self.accounts))
        if self.extra_grid_workers:
            out.append(
                "五福苑其他网格的网格员：" + "、".join(self.extra_grid_workers) + "（密码相同）"
            )
        return out


def _display_width(text: str) -> int:
    # CJK characters and full-width punctuation take two columns in a terminal.
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def format_accounts(rows: list[AccountRow]) -> list[str]:
    """A plain-text table that stays aligned with Chinese (double-width) characters."""
    table = [AccountRow("用户名", "密码", "角色", "范围"), *rows]
    widths = [
        max(_display_width(getattr(row, column)) for row in table)
        for column in ("username", "password", "role")
    ]
    lines = []
    for row in table:
        cells = [row.username, row.password, row.role]
        lines.append(
            "  ".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True))
            + "  "
            + row.place
        )
        if row is table[0]:
            lines.append("  ".join("-" * width for width in [*widths, 12]))
    return lines


# --- places and people ----------------------------------------------------------------------


def _scale_areas(units: list[Unit], target: Decimal) -> None:
    """Scale the flats' areas so they add up to the compound's registered total, keeping each
    flat's relative size; the rounding remainder (a few cents) goes to the first flat."""
    total = sum((u.area for u in units), Decimal("0"))
    for unit in units:
        unit.area = quantize_area(float(unit.area * target / total))
    units[0].area += target - sum((u.area for u in units), Decimal("0"))


def _flats(compound: Compound, spec: CompoundSpec, rng: random.Random):
    """Buildings, stairwells and flats of a compound, as unsaved model instances."""
    buildings: list[Building] = []
    entrances: list[Entrance] = []
    flats_by_entrance: list[list[Unit]] = []
    for b in spec.buildings:
        building = Building(compound=compound, number=b.number, floors=b.floors)
        buildings.append(building)
        for e in range(1, b.entrances + 1):
            entrance = Entrance(building=building, number=str(e))
            entrances.append(entrance)
            flats = []
            for floor in range(1, b.floors + 1):
                for position in range(1, b.per_floor + 1):
                    # The last stairwells each gave a ground-floor flat to a shared room.
                    shared_room = (
                        floor == 1 and position == 1 and e > b.entrances - b.ground_rooms_removed
                    )
                    if shared_room:
                        continue
                    base = spec.area_types[(position - 1) % len(spec.area_types)]
                    flats.append(
                        Unit(
                            building=building,
                            entrance=entrance,
                            compound=compound,
                            room_number=f"{floor}{position:02d}",
                            floor=floor,
                            area=quantize_area(max(38.0, min(150.0, rng.gauss(base, 3.5)))),
                            area_source=AreaSource.REGISTER,
                        )
                    )
            flats_by_entrance.append(flats)
    return buildings, entrances, flats_by_entrance


def _grid_of_each_entrance(grids: list[Grid], flats_by_entrance: list[list[Unit]]) -> list[Grid]:
    """Grids follow stairwells: a grid never splits a 单元, so each is a few whole ones, cut
    where each stairwell's middle flat falls."""
    total = sum(len(flats) for flats in flats_by_entrance)
    per_grid = total / len(grids)
    seen, out = 0, []
    for flats in flats_by_entrance:
        middle = seen + len(flats) / 2
        out.append(grids[min(len(grids) - 1, int(middle // per_grid))])
        seen += len(flats)
    return out


def _owner_of(compound: Compound, person: dict) -> Owner:
    return Owner(
        compound=compound,
        kind=OwnerKind.PERSON,
        name=person["name"],
        resident_id=person["id"],
        **{key: person[key] for key in OWNER_PII_FIELDS},
    )


@transaction.atomic
def populate_compound(compound: Compound, spec: CompoundSpec, slot: int, today: dt.date) -> None:
    """Buildings, stairwells, flats, grids, households, residents and owners of one compound."""
    rng = random.Random(f"laoyuan-demo:{spec.code}")
    people = People(
        rng,
        regions=(spec.region,),
        today=today,
        seq_base=slot * _SEQ_RANGE,
        seq_span=_SEQ_RANGE,
    )
    rates = CareRates()
    buildings, entrances, flats_by_entrance = _flats(compound, spec, rng)
    units = [unit for flats in flats_by_entrance for unit in flats]
    if spec.target_area:
        _scale_areas(units, spec.target_area)
    Building.objects.bulk_create(buildings)
    Entrance.objects.bulk_create(entrances)
    Unit.objects.bulk_create(units)
    grids = Grid.objects.bulk_create(
        Grid(compound=compound, name=f"{chinese_number(n)}网格") for n in range(1, spec.grids + 1)
    )

    # Which flats are let (租): some by owners living in another flat here (one owner, two
    # flats), most by landlords living elsewhere, and the developer's unsold ones.
    developer_flats = set(range(len(units) - spec.developer_units, len(units)))
    shuffled = [i for i in range(len(units)) if i not in developer_flats]
    rng.shuffle(shuffled)
    landlord_flats = shuffled[: spec.multi_unit_owners + round(len(units) * spec.rental_rate)]
    let_flats = set(landlord_flats) | developer_flats

    households: list[Household] = []
    members_of: list = []
    grid_of_entrance = _grid_of_each_entrance(grids, flats_by_entrance)
    for flats, grid in zip(flats_by_entrance, grid_of_entrance, strict=True):
        for unit in flats:
            households.append(
                Household(unit=unit, compound=compound, building=unit.building, grid=grid)
            )
            tenant = len(members_of) in let_flats
            members_of.append(household_members(rng, aging=spec.aging, tenant=tenant, mix=spec.mix))
    Household.objects.bulk_create(households)
    values_of: list[list[dict]] = []
    residents: list[Resident] = []
    for i, (household, members) in enumerate(zip(households, members_of, strict=True)):
        values = resident_values(
            people,
            members,
            tenant=i in let_flats,
            rates=rates,
            low_income=rng.random() < rates.low_income_household,
        )
        values_of.append(values)
        residents.extend(Resident(household=household, compound=compound, **v) for v in values)
    Resident.objects.bulk_create(residents)
    # Give each value dict its resident's key, for owners and for choosing heads.
    flat_values = [v for values in values_of for v in values]
    for v, resident in zip(flat_values, residents, strict=True):
        v["id"] = resident.pk

    owners: list[Owner] = []
    ownerships: list[Ownership] = []
    owner_of_flat: dict[int, Owner] = {}

    def since() -> dt.date:
        low = max(spec.year_built, 1995)  # 房改: flats were sold to their tenants from the 1990s
        return dt.date(rng.randint(low, 2022), rng.randint(1, 12), rng.randint(1, 28))

    for i, (unit, values, members) in enumerate(zip(units, values_of, members_of, strict=True)):
        if i in let_flats:
            continue
        # Owner-occupied: the head owns it; in some the spouse too, jointly (共同共有) or in
        # shares (按份共有).
        spouses = [v for v, m in zip(values, members, strict=True) if m.co_owner]
        co_owners = spouses[:1] if rng.random() < spec.co_owned_rate else []
        shares = (None, None) if rng.random() < 0.6 else (Decimal("0.5"), Decimal("0.5"))
        when = since()
        for position, person in enumerate([values[0], *co_owners]):
            owner = _owner_of(compound, person)
            owners.append(owner)
            owner_of_flat.setdefault(i, owner)
            share = shares[position] if co_owners else None
            ownerships.append(Ownership(unit=unit, owner=owner, share=share, since=when))
    resident_owners = list(owner_of_flat.values())
    rng.shuffle(resident_owners)
    for n, i in enumerate(landlord_flats):
        if n < spec.multi_unit_owners:
            owner = resident_owners[n]  # already holds the flat they live in
        else:
            owner = Owner(compound=compound, **people.absent_owner(min_age=38))
            owners.append(owner)
        ownerships.append(Ownership(unit=units[i], owner=owner, since=since()))
    if spec.developer_units:
        # All unsold flats of the developer count as ONE voting owner (SPC interpretation art. 9).
        developer = Owner(compound=compound, kind=OwnerKind.DEVELOPER, name=spec.developer)
        owners.append(developer)
        ownerships.extend(Ownership(unit=units[i], owner=developer) for i in developer_flats)
    Owner.objects.bulk_create(owners)
    Ownership.objects.bulk_create(ownerships)

    # A 楼栋长 per building and a 居民小组长 per grid: preferably party members of 45–75.
    taken: set[int] = set()
    by_building: dict[int, list[dict]] = {}
    by_grid: dict[int, list[dict]] = {}
    for household, values in zip(households, values_of, strict=True):
        by_building.setdefault(household.building_id, []).extend(values)
        by_grid.setdefault(household.grid_id, []).extend(values)
    for building in buildings:
        head = pick_head(by_building.get(building.pk, []), taken, rng, today)
        building.head_id = head["id"] if head else None
    for grid in grids:
        head = pick_head(by_grid.get(grid.pk, []), taken, rng, today)
        grid.group_head_id = head["id"] if head else None
    Building.objects.bulk_update(buildings, ["head"])
    Grid.objects.bulk_update(grids, ["group_head"])


def _ensure_places(report: DemoReport, today: dt.date) -> None:
    slot = 0
    for d in DEMO_DISTRICTS:
        district, _ = District.objects.get_or_create(code=d.code, defaults={"name": d.name})
        for s in d.streets:
            street, _ = Street.objects.get_or_create(
                code=s.code, defaults={"district": district, "name": s.name}
            )
            for c in s.communities:
                community, _ = Community.objects.get_or_create(
                    code=c.code, defaults={"street": street, "name": c.name}
                )
                for spec in c.compounds:
                    slot += 1
                    compound, _ = Compound.objects.get_or_create(
                        code=spec.code,
                        defaults={
                            "community": community,
                            "name": spec.name,
                            "address": spec.address,
                            "year_built": spec.year_built,
                            "registered_households": spec.units,
                            "property_mode": spec.property_mode,
                        },
                    )
                    if compound.buildings.exists():
                        report.kept_compounds.append(spec.name)
                    else:
                        populate_compound(compound, spec, slot, today)
                        report.created_compounds.append(spec.name)


# --- accounts -------------------------------------------------------------------------------


def _place_label(assignment: RoleAssignment) -> str:
    node = assignment.node
    if assignment.level == Level.GRID:
        return f"{node.compound.name} {node.name}"
    if assignment.level == Level.HOUSEHOLD:
        return f"{node.compound.name} {node.unit}"
    return str(node)


def _resident_for_account(compound: Compound, today: dt.date) -> Resident:
    """The resident the `jumin` account speaks for: a woman of 75–82 heading a household she
    owns in Wufuyuan — the 78-year-old on her phone that this software must work for."""
    candidates = list(
        Resident.objects.filter(
            compound=compound,
            relation=Relation.HEAD,
            sex="F",
            birth_date__lte=years_ago(today, 75),
            birth_date__gt=years_ago(today, 83),
        )
        .exclude(tenure=Tenure.TENANT)
        .values_list("pk", "household__building_id", "household_id")
    )
    # The first by building number, then household, sorted here: ordering through the joins
    # let PostgreSQL, on tables just filled and not yet analysed, pick nested sequential scans
    # that took minutes.
    if candidates:
        numbers = dict(
            Building.objects.filter(pk__in={c[1] for c in candidates}).values_list("pk", "number")
        )
        pk = min(candidates, key=lambda c: (numbers.get(c[1], ""), c[2]))[0]
        return Resident.objects.get(pk=pk)
    # The generated Wufuyuan always has such a woman; any head will do if a change breaks that.
    return Resident.objects.filter(compound=compound, relation=Relation.HEAD).order_by("pk").first()


def _ensure_user(username: str, display_name: str, *, superuser: bool = False) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.display_name = display_name
    user.is_superuser = user.is_staff = superuser
    user.is_active = True
    # The demo promises a known password: it is set again each time the demo is loaded.
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _ensure_assignment(user: User, role: str, level: str, node, resident=None) -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, level=level, **{level: node}, defaults={"resident": resident}
    )
    return assignment


def _set_grid_worker(grid: Grid, user: User) -> None:
    if grid.worker_id != user.pk:
        grid.worker = user
        grid.save(update_fields=["worker", "updated_at"])


def _ensure_accounts(report: DemoReport, today: dt.date) -> None:
    wufuyuan = Compound.objects.get(code=WUFUYUAN.code)
    for spec in DEMO_ACCOUNTS:
        if spec.role is None:
            _ensure_user(spec.username, spec.display_name, superuser=True)
            report.accounts.append(
                AccountRow(spec.username, DEMO_PASSWORD, "超级管理员（/admin/）", "全部")
            )
            continue
        resident = None
        if spec.level == Level.STREET:
            node = Street.objects.get(code=spec.place_code)
        elif spec.level == Level.COMMUNITY:
            node = Community.objects.get(code=spec.place_code)
        elif spec.level == Level.COMPOUND:
            node = Compound.objects.get(code=spec.place_code)
        elif spec.level == Level.GRID:
            node = Grid.objects.get(compound__code=spec.place_code, name=spec.grid)
        else:
            existing = (
                RoleAssignment.objects.filter(user__username=spec.username, role=Role.RESIDENT)
                .select_related("resident__household")
                .first()
            )
            resident = existing.resident if existing else _resident_for_account(wufuyuan, today)
            node = resident.household
        user = _ensure_user(spec.username, spec.display_name or resident.name)
        assignment = _ensure_assignment(user, spec.role, spec.level, node, resident)
        if spec.level == Level.GRID:
            _set_grid_worker(node, user)
        report.accounts.append(
            AccountRow(
                spec.username, DEMO_PASSWORD, str(Role(spec.role).label), _place_label(assignment)
            )
        )
    # Every other Wufuyuan grid has its worker (网格员) too, with the same password.
    people = People(random.Random("laoyuan-demo:grid-workers"), regions=("510104",), today=today)
    other_grids = Grid.objects.filter(compound=wufuyuan).exclude(worker__username="wangge")
    for number, grid in enumerate(other_grids.order_by("pk"), start=2):
        username = f"{EXTRA_GRID_WORKER_PREFIX}{number}"
        user = _ensure_user(username, people.name("F", 1985))
        _ensure_assignment(user, Role.GRID_WORKER, Level.GRID, grid)
        _set_grid_worker(grid, user)
        report.extra_grid_workers.append(username)


# --- reset and load -------------------------------------------------------------------------


class DemoResetBlocked(Exception):
    """Another part of the system still protects a demo place (the message is in Chinese)."""


def _refresh_statistics() -> None:
    """On PostgreSQL, refresh the planner's statistics of the tables the demo fills or empties
    in bulk: statistics taken while they were (nearly) empty make the planner nest sequential
    scans over thousands of rows, and the next count across the place tree takes minutes.
    ANALYZE runs inside the transaction and sees its own rows. (SQLite plans without them.)"""
    if connection.vendor != "postgresql":
        return
    from django.apps import apps

    tables = [
        m._meta.db_table
        for label in ("registry", "voices", "decisions", "cases", "renewal")
        for m in apps.get_app_config(label).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def reset_demo() -> None:
    """Remove the demo districts with everything under them.

    Deletes bottom-up through the registry. The demo accounts lose their role assignments with
    the places but stay, because the audit log keeps pointing at who did what. Rows of other
    apps that cascade go with the places; a row that protects a place stops the reset with a
    message naming what to remove first. Other districts (e.g. generated ones) are untouched."""
    codes = [d.code for d in DEMO_DISTRICTS]
    in_demo = {"compound__community__street__district__code__in": codes}
    _refresh_statistics()
    try:
        with transaction.atomic():
            # Open311 submissions, the renovation, then the cases (they point at voices, topics
            # and decisions) and the owners' votes (at meetings and topics) go first, then the
            # residents' voices, topics and meetings.
            from laoyuan.cases.demo import reset_cases_demo
            from laoyuan.decisions.votes.demo import reset_votes_demo
            from laoyuan.open311.demo import reset_open311_demo
            from laoyuan.renewal.demo import reset_renewal_demo
            from laoyuan.voices.demo import reset_voices_demo

            reset_open311_demo()
            reset_renewal_demo()
            reset_cases_demo()
            reset_votes_demo()
            reset_voices_demo()
            from laoyuan.notices.demo import reset_notices_demo

            reset_notices_demo()
            Building.objects.filter(**in_demo).update(head=None)
            Grid.objects.filter(**in_demo).update(group_head=None, worker=None)
            Ownership.objects.filter(
                unit__compound__community__street__district__code__in=codes
            ).delete()
            for model in (Owner, Resident, Household, Unit, Grid):
                model.objects.filter(**in_demo).delete()
            Entrance.objects.filter(
                building__compound__community__street__district__code__in=codes
            ).delete()
            Building.objects.filter(**in_demo).delete()
            Compound.objects.filter(community__street__district__code__in=codes).delete()
            Community.objects.filter(street__district__code__in=codes).delete()
            Street.objects.filter(district__code__in=codes).delete()
            District.objects.filter(code__in=codes).delete()
    except ProtectedError as exc:
        blocking = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise DemoResetBlocked(
            "无法重置演示数据：以下记录仍引用演示地点，请先删除它们：" + "、".join(blocking)
        ) from exc


def load_demo(*, reset: bool = False, today: dt.date | None = None) -> DemoReport:
    """Load the demo scenario (idempotent) in one transaction; `reset` first removes it.

    Deterministic: the same code gives the same people and numbers on the same day (ages are
    kept relative to today, so Wufuyuan stays about 30% aged 65+ whenever it is loaded)."""
    today = today or dt.date.today()
    report = DemoReport()
    with transaction.atomic():
        if reset:
            reset_demo()
        _ensure_places(report, today)
        _refresh_statistics()
        _ensure_accounts(report, today)
        # Two years of Wufuyuan's residents' voices (laoyuan.voices.demo), once places and
        # accounts exist; imported here because the voices app builds on the registry.
        from laoyuan.voices.demo import load_voices_demo

        report.voices = load_voices_demo(today=today)
        # Wufuyuan's case work (laoyuan.cases.demo): parties, their accounts, cases told with
        # the voices above; its lines join the voices' lines of the report.
        from laoyuan.cases.demo import load_cases_demo

        report.voices += load_cases_demo(report=report, today=today)
        # Wufuyuan's lift vote and an open poll (laoyuan.decisions.votes.demo), on the voices.
        from laoyuan.decisions.votes.demo import load_votes_demo

        report.voices += load_votes_demo(today=today)
        # Wufuyuan's public notices (laoyuan.notices.demo); their lines join the voices'.
        from laoyuan.notices.demo import load_notices_demo

        report.voices += load_notices_demo(today=today)
        # The street's demo Open311 key and the requests it posted (laoyuan.open311.demo).
        from laoyuan.open311.demo import load_open311_demo

        report.voices += load_open311_demo(today=today)
        # The renovation of the demo (laoyuan.renewal.demo), built on the voices' topics.
        from laoyuan.renewal.demo import load_renewal_demo

        report.voices += load_renewal_demo(today=today)
        _refresh_statistics()
        for d in DEMO_DISTRICTS:
            district = District.objects.get(code=d.code)
            report.counts[district.name] = district_counts(district, today=today)
            if report.created_compounds:
                audit_log(
                    actor=None,
                    action="demo.load",
                    obj=district,
                    changes={"compounds": report.created_compounds},
                )
        wufuyuan = Compound.objects.get(code=WUFUYUAN.code)
        report.wufuyuan = {
            "buildings": wufuyuan.buildings.count(),
            "households": wufuyuan.households.count(),
            "residents": wufuyuan.residents.count(),
            "elderly": wufuyuan.residents.filter(birth_date__lte=years_ago(today, 65)).count(),
            "grids": wufuyuan.grids.count(),
        }
        area = wufuyuan.units.aggregate(total=Sum("area"))["total"] or Decimal("0")
        report.wufuyuan_area = Decimal(area).quantize(Decimal("0.01"))
    return report
