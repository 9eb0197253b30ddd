"""Given the demo scenario loaded, then Wufuyuan looks like the case in the seed documents, every
number is valid and sealed, each demo account sees its own place, and loading again changes
nothing.

The demo is loaded once for this module inside a transaction that is rolled back at the end;
each test runs in a savepoint inside it (pytest-django's `db`), so tests cannot see each other's
changes.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client

from laoyuan.core import pii
from laoyuan.core.models import Role, RoleAssignment, User
from laoyuan.core.scopes import visible
from laoyuan.registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, WUFUYUAN, load_demo
from laoyuan.registry.models import (
    Building,
    Compound,
    District,
    Grid,
    Household,
    Owner,
    OwnerKind,
    Ownership,
    PropertyMode,
    Resident,
    Street,
    Tenure,
    Unit,
    years_ago,
)

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo(today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def wufuyuan(demo, db) -> Compound:
    return Compound.objects.get(code=WUFUYUAN.code)


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_wufuyuan_is_the_compound_of_the_case(wufuyuan):
    assert wufuyuan.name == "五福苑"
    assert "马家沟1号" in wufuyuan.address
    assert wufuyuan.year_built == 1994 and wufuyuan.is_old
    assert wufuyuan.property_mode == PropertyMode.TRUST
    assert wufuyuan.community.name == "沙河社区"
    assert wufuyuan.community.street.name == "沙河街道"
    assert wufuyuan.community.street.district.name == "锦江区"
    assert wufuyuan.buildings.count() == 9
    assert wufuyuan.households.count() == 497 == wufuyuan.registered_households
    assert 1400 <= wufuyuan.residents.count() <= 1600


def test_wufuyuan_ages_one_old_one_young(wufuyuan):
    residents = wufuyuan.residents
    elderly = residents.filter(birth_date__lte=years_ago(TODAY, 65)).count()
    infants = residents.filter(birth_date__gt=years_ago(TODAY, 3)).count()
    # "about 30% aged 65+" in the case; exact arithmetic, no floats.
    assert 27 * residents.count() <= elderly * 100 <= 34 * residents.count()
    assert infants >= 10
    assert residents.filter(lives_alone=True).exists()
    for flag in ("disabled", "low_income", "party_member"):
        share = residents.filter(**{flag: True}).count()
        assert 0 < share < residents.count() // 5, flag


def test_wufuyuan_floor_area_adds_up_to_the_case(wufuyuan):
    areas = list(wufuyuan.units.values_list("area", flat=True))
    assert len(areas) == 497
    assert sum(areas, Decimal("0")) == Decimal("33000.00")
    assert all(Decimal("38") <= a <= Decimal("120") for a in areas)
    assert all(a == a.quantize(Decimal("0.01")) for a in areas)
    assert len(set(areas)) > 300  # a realistic spread, not a handful of sizes


def test_wufuyuan_grids_heads_and_workers(wufuyuan):
    grids = list(Grid.objects.filter(compound=wufuyuan).annotate(n=Count("households")))
    assert 6 <= len(grids) <= 8
    assert all(30 <= g.n <= 100 for g in grids)
    assert sum(g.n for g in grids) == 497
    assert all(g.worker_id and g.group_head_id for g in grids)
    assert all(g.group_head.compound_id == wufuyuan.pk for g in grids)
    buildings = Building.objects.filter(compound=wufuyuan)
    assert all(b.head_id and b.head.household.building_id == b.pk for b in buildings)
    # No one heads two places.
    heads = [b.head_id for b in buildings] + [g.group_head_id for g in grids]
    assert len(heads) == len(set(heads))


def test_wufuyuan_ownership_has_the_awkward_cases(wufuyuan):
    units = Unit.objects.filter(compound=wufuyuan).annotate(n=Count("ownerships"))
    assert not units.filter(n=0).exists()
    assert units.filter(n=2).count() >= 20  # co-owned by a couple
    developer = Owner.objects.get(compound=wufuyuan, kind=OwnerKind.DEVELOPER)
    assert developer.ownerships.count() >= 2  # several unsold flats, ONE voting owner
    two_flats = Owner.objects.filter(compound=wufuyuan, kind=OwnerKind.PERSON).annotate(
        n=Count("ownerships")
    )
    assert two_flats.filter(n=2, resident__isnull=False).exists()
    # Renting households live in flats owned by someone else.
    tenants = Household.objects.filter(compound=wufuyuan, residents__tenure=Tenure.TENANT)
    assert tenants.distinct().count() >= 40
    for household in tenants.distinct()[:20]:
        owners_living_here = Ownership.objects.filter(
            unit=household.unit, owner__resident__household=household
        )
        assert not owners_living_here.exists()


def test_every_id_number_and_phone_is_valid_sealed_and_unique(demo, db):
    seen: set[str] = set()
    regions = {"锦江区": "510104", "姑苏区": "320508"}
    residents = Resident.objects.select_related("compound__community__street__district")
    for resident in residents:
        number = pii.decrypt(resident.id_number_cipher)
        facts = pii.check_id_number(number, today=TODAY)
        assert number[:6] == regions[resident.compound.community.street.district.name]
        assert (facts.birth_date, facts.sex) == (resident.birth_date, resident.sex)
        assert resident.id_number_masked == pii.mask_id_number(number)
        assert resident.id_number_index == pii.blind_index("id", number)
        assert number not in seen
        seen.add(number)
        if resident.phone_cipher:
            phone = pii.decrypt(resident.phone_cipher)
            assert pii.check_phone(phone) == phone
            assert resident.phone_masked == pii.mask_phone(phone)
    assert len(seen) > 3000


def test_the_other_compounds_give_lists_content(demo, db):
    shahe = Street.objects.get(name="沙河街道")
    names = set(Compound.objects.filter(community__street=shahe).values_list("name", flat=True))
    assert {"五福苑", "马家沟2号院", "沙河苑", "东光小区"} <= names
    assert not Compound.objects.get(name="沙河苑").is_old
    canglang = Street.objects.get(name="沧浪街道")
    assert canglang.district.name == "姑苏区"
    assert canglang.communities.count() >= 2
    jinshi = Compound.objects.get(name="金狮河沿5号")
    assert jinshi.property_mode == PropertyMode.SELF
    assert jinshi.community.name == "金狮社区"
    guihua = Compound.objects.get(name="桂花新村")
    assert guihua.residents.count() > 100


def test_each_demo_account_signs_in_and_sees_its_place(wufuyuan):
    for spec in DEMO_ACCOUNTS:
        assert authenticate(username=spec.username, password=DEMO_PASSWORD), spec.username
    shahe_residents = Resident.objects.filter(compound__community__street__name="沙河街道")
    assert visible(user("jiedao"), Resident).count() == shahe_residents.count()
    shequ = set(visible(user("shequ"), Compound).values_list("name", flat=True))
    assert shequ == {"五福苑", "马家沟2号院", "沙河苑"}
    wangge = user("wangge")
    grid = Grid.objects.get(worker=wangge)
    assert grid.compound_id == wufuyuan.pk
    assert (
        visible(wangge, Resident).count() == Resident.objects.filter(household__grid=grid).count()
    )
    canglang = visible(user("canglang"), Resident)
    assert canglang.exists()
    assert not canglang.filter(compound__community__street__name="沙河街道").exists()
    for staff in ("shuji", "yeweihui", "wuye"):
        assert set(visible(user(staff), Compound)) == {wufuyuan}


def test_resident_account_is_an_elderly_woman_of_wufuyuan(wufuyuan):
    jumin = user("jumin")
    assignment = RoleAssignment.objects.get(user=jumin, role=Role.RESIDENT)
    resident = assignment.resident
    assert resident.compound_id == wufuyuan.pk and resident.household_id == assignment.household_id
    assert resident.sex == "F" and 75 <= resident.age(TODAY) <= 82
    assert jumin.display_name == resident.name
    own = visible(jumin, Resident, "portal.view")
    assert set(own) == set(resident.household.residents.all())
    assert not visible(jumin, Resident).exists()  # no staff view


def test_superuser_reaches_the_admin(demo, db):
    client = Client()
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_loading_again_duplicates_nothing(demo, db):
    before = {m.__name__: m.objects.count() for m in (District, Compound, Resident, Owner, User)}
    masks = list(Resident.objects.order_by("pk").values_list("id_number_masked", flat=True)[:50])

    report = load_demo(today=TODAY)

    after = {m.__name__: m.objects.count() for m in (District, Compound, Resident, Owner, User)}
    assert after == before
    assert report.created_compounds == []
    assert "五福苑" in report.kept_compounds
    assert masks == list(
        Resident.objects.order_by("pk").values_list("id_number_masked", flat=True)[:50]
    )
    assert RoleAssignment.objects.filter(user__username="jiedao").count() == 1


def test_reset_reloads_the_same_people(demo, db):
    wufuyuan = Compound.objects.get(code=WUFUYUAN.code)
    people = list(wufuyuan.residents.order_by("pk").values_list("name", "id_number_masked"))
    old_pk = wufuyuan.pk

    load_demo(reset=True, today=TODAY)

    reloaded = Compound.objects.get(code=WUFUYUAN.code)
    assert reloaded.pk != old_pk  # really removed and written again
    assert list(reloaded.residents.order_by("pk").values_list("name", "id_number_masked")) == (
        people
    )
    assert Compound.objects.filter(code=WUFUYUAN.code).count() == 1
    # Accounts survive a reset and are assigned again.
    assert visible(user("shequ"), Compound).filter(pk=reloaded.pk).exists()


def test_reset_leaves_other_districts_alone(demo, world):
    load_demo(reset=True, today=TODAY)
    assert Resident.objects.filter(pk=world.liu_guilan.pk).exists()
    assert District.objects.filter(code="JJ").exists()


def test_command_prints_the_accounts_table(demo, db):
    out = io.StringIO()
    call_command("load-demo", stdout=out)
    text = out.getvalue()
    for spec in DEMO_ACCOUNTS:
        assert spec.username in text
    for label in ("街道干部", "社区工作者", "网格员", "居民", "沙河街道", "桂花社区", "五福苑"):
        assert label in text
    assert DEMO_PASSWORD in text
    assert "已存在" in text


def test_demo_area_total_is_exact_in_the_database(wufuyuan):
    total = Unit.objects.filter(compound=wufuyuan).aggregate(t=Sum("area"))["t"]
    assert Decimal(total).quantize(Decimal("0.01")) == Decimal("33000.00")
