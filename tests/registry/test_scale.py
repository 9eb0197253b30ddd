"""Given the district-scale generator's small preset, then the counts, the numbers, the grids and
the owners are right, scoping works on generated data, and running it again is refused.

The small district is generated once for this module inside a transaction that is rolled back
at the end; each test runs in a savepoint inside it. On PostgreSQL this exercises the COPY path of
the bulk writer, on SQLite its executemany path.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404

from laoyuan.core import pii
from laoyuan.core.models import Level, Role, RoleAssignment, User
from laoyuan.core.scopes import get_visible_or_404, visible
from laoyuan.registry import scale
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Owner,
    OwnerKind,
    Ownership,
    Resident,
    Street,
    Unit,
)
from laoyuan.registry.scale.generate import plan_compounds
from laoyuan.registry.scale.people import People

SEED = 7
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = scale.seed_scale(preset="small", seed=SEED, today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def district(generated, db):
    return generated.district


def in_district(district) -> dict:
    return {"compound__community__street__district": district}


def make_user(username: str, role: str, level: str, node) -> User:
    user = User.objects.create_user(username=username, password="x")
    RoleAssignment.objects.create(user=user, role=role, level=level, **{level: node})
    return user


def test_counts_match_the_preset(generated, district):
    preset = scale.PRESETS["small"]
    counts = generated.counts
    assert counts["streets"] == preset.streets
    assert counts["communities"] == preset.communities
    assert counts["compounds"] == preset.compounds
    assert abs(counts["households"] - preset.households) <= preset.households // 10
    # 2.2–2.9 people per household, as in Chinese cities.
    assert 22 * counts["households"] <= counts["residents"] * 10 <= 29 * counts["households"]
    assert counts["old_compounds"] == round(preset.compounds * preset.old_share)
    assert counts["elderly"] > 0 and counts["infants"] > 0
    assert counts["residents"] == Resident.objects.filter(**in_district(district)).count()
    assert generated.elapsed_seconds > 0
    assert generated.sealed_values >= counts["residents"]


def test_codes_are_prefixed_apart_from_everything_else(district):
    assert district.code == f"SCALE-small-{SEED}"
    codes = list(Street.objects.filter(district=district).values_list("code", flat=True))
    codes += Community.objects.filter(street__district=district).values_list("code", flat=True)
    codes += Compound.objects.filter(community__street__district=district).values_list(
        "code", flat=True
    )
    assert all(code.startswith(district.code + "-") for code in codes)


def test_compound_sizes_span_the_range(district):
    preset = scale.PRESETS["small"]
    sizes = sorted(
        Compound.objects.filter(community__street__district=district)
        .annotate(n=Count("units"))
        .values_list("n", flat=True)
    )
    assert sizes[0] == preset.smallest and sizes[-1] == preset.largest


def test_every_resident_has_a_valid_sealed_unique_id(district):
    seen: set[str] = set()
    for resident in Resident.objects.filter(**in_district(district)):
        number = pii.decrypt(resident.id_number_cipher)
        facts = pii.check_id_number(number, today=TODAY)
        assert (facts.birth_date, facts.sex) == (resident.birth_date, resident.sex)
        assert number[:6] in scale.SCALE_REGIONS  # never the demo's 510104 or 320508
        assert resident.id_number_masked == pii.mask_id_number(number)
        assert resident.id_number_index == pii.blind_index("id", number)
        if resident.phone_cipher:
            assert resident.phone_masked == pii.mask_phone(pii.decrypt(resident.phone_cipher))
        assert number not in seen
        seen.add(number)


def test_every_household_is_in_a_grid_of_its_compound(district):
    households = Household.objects.filter(**in_district(district))
    assert not households.filter(grid__isnull=True).exists()
    assert not households.exclude(grid__compound_id=F("compound_id")).exists()
    for compound in Compound.objects.filter(community__street__district=district):
        sizes = list(
            Grid.objects.filter(compound=compound)
            .annotate(n=Count("households"))
            .values_list("n", flat=True)
        )
        total = compound.households.count()
        assert sum(sizes) == total
        assert all(n <= Grid.RECOMMENDED_MAX for n in sizes)
        if total >= Grid.RECOMMENDED_MIN:
            assert all(n >= Grid.RECOMMENDED_MIN for n in sizes)
        else:
            assert len(sizes) == 1  # a grid never spans two compounds


def test_heads_are_residents_of_their_place(district):
    for building in Building.objects.filter(**in_district(district)).select_related("head"):
        if building.head_id:
            assert building.head.household.building_id == building.pk
    grids = Grid.objects.filter(**in_district(district)).select_related("group_head__household")
    assert all(g.group_head_id for g in grids)
    assert all(g.group_head.household.grid_id == g.pk for g in grids)


def test_every_unit_has_owners_and_the_awkward_cases_occur(district):
    units = Unit.objects.filter(**in_district(district)).annotate(n=Count("ownerships"))
    assert not units.filter(n=0).exists()
    assert units.filter(n=2).exists()  # co-owned
    owners = Owner.objects.filter(**in_district(district))
    assert owners.filter(kind__in=[OwnerKind.DEVELOPER, OwnerKind.ORGANISATION]).exists()
    assert owners.annotate(n=Count("ownerships")).filter(kind=OwnerKind.PERSON, n__gte=2).exists()
    # An owner who lives there is a resident of that very flat.
    living = Ownership.objects.filter(
        unit__compound__community__street__district=district, owner__resident__isnull=False
    ).select_related("owner__resident__household")
    assert all(o.owner.resident.household.unit_id == o.unit_id for o in living)
    # Owner and resident carry the same sealed number, not a second copy of the person.
    owner = living.first().owner
    assert owner.id_number_index == owner.resident.id_number_index


def test_scoping_works_on_generated_data(district, world):
    street = Street.objects.filter(district=district).order_by("code").first()
    community = Community.objects.filter(street__district=district).order_by("-code").first()
    official = make_user("scale-official", Role.STREET_OFFICIAL, Level.STREET, street)
    worker = make_user("scale-worker", Role.COMMUNITY_WORKER, Level.COMMUNITY, community)

    in_street = Resident.objects.filter(compound__community__street=street)
    assert visible(official, Resident).count() == in_street.count() > 0
    assert visible(worker, Resident).count() == (
        Resident.objects.filter(compound__community=community).count()
    )
    elsewhere = Resident.objects.filter(**in_district(district)).exclude(
        compound__community=community
    )
    with pytest.raises(Http404):
        get_visible_or_404(worker, Resident, pk=elsewhere.first().pk)
    # The cast of the hand-made world sees none of the generated district, and vice versa.
    assert not visible(world.wang, Resident).filter(**in_district(district)).exists()
    assert not visible(official, Resident).filter(pk=world.liu_guilan.pk).exists()


def test_running_again_with_the_same_seed_is_refused(district):
    with pytest.raises(scale.AlreadyGenerated):
        scale.seed_scale(preset="small", seed=SEED)
    with pytest.raises(CommandError, match="已经生成过了"):
        call_command("seed-scale", "--preset", "small", "--seed", str(SEED), "--no-progress")


def test_bad_preset_or_seed_is_refused_in_chinese(db):
    with pytest.raises(ValueError, match="未知的规模预设"):
        scale.seed_scale(preset="city", seed=1)
    with pytest.raises(ValueError, match="种子须在"):
        scale.seed_scale(preset="small", seed=-1)


def test_command_adds_another_district_and_prints_counts(generated, db):
    out = io.StringIO()
    call_command("seed-scale", "--preset", "small", "--seed", "8", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "SCALE-small-8" in text and "居民" in text and "总耗时" in text and "加密" in text
    # Two generated districts side by side; the first one is untouched.
    assert Compound.objects.filter(code__startswith="SCALE-small-8-").count() == 12
    assert Compound.objects.filter(code__startswith=f"SCALE-small-{SEED}-").count() == 12


def test_the_plan_is_deterministic():
    preset = scale.PRESETS["district"]
    first = plan_compounds(preset, "P", random.Random("same"))
    again = plan_compounds(preset, "P", random.Random("same"))
    assert first == again
    assert len(first) == 1200
    old = [p for p in first if p.year_built < 2001]
    assert round(len(old) / len(first), 2) == 0.63
    units = sum(p.units for p in first)
    assert 355_000 <= units <= 370_000  # ~350,000 households after ~3% vacancy
    assert min(p.units for p in first) == 10 and max(p.units for p in first) == 5000


@pytest.mark.parametrize(("aging", "low", "high"), [(0.0, 4, 12), (0.85, 26, 34), (1.0, 30, 38)])
def test_household_mix_gives_the_age_structure_of_old_and_new_compounds(aging, low, high):
    rng = random.Random(aging)
    people = elderly = 0
    for _ in range(6000):
        members = scale.household_members(rng, aging=aging, tenant=rng.random() < 0.2)
        people += len(members)
        elderly += sum(m.age >= 65 for m in members)
    assert low * people <= elderly * 100 <= high * people


def test_id_ranges_of_two_factories_never_overlap():
    birth = dt.date(1950, 5, 5)
    a = People(random.Random(1), regions=["510104"], today=TODAY, seq_base=0, seq_span=20)
    b = People(random.Random(2), regions=["510104"], today=TODAY, seq_base=20, seq_span=20)
    numbers_a = {a.id_number(birth, "F") for _ in range(30)}  # more than the span: spills a day
    numbers_b = {b.id_number(birth, "F") for _ in range(30)}
    assert len(numbers_a) == len(numbers_b) == 30
    assert not numbers_a & numbers_b
    assert all(pii.check_id_number(n, today=TODAY).sex == "F" for n in numbers_a | numbers_b)


def test_grid_slices_and_chinese_numbers():
    rng = random.Random(3)
    for count in range(1, 1500, 7):
        slices = scale.grid_slices(count, rng)
        assert slices[0][0] == 0 and slices[-1][1] == count
        assert all(a[1] == b[0] for a, b in pairwise(slices))
        sizes = [end - start for start, end in slices]
        assert max(sizes) <= 100
        assert count < 30 or min(sizes) >= 30
    assert [scale.chinese_number(n) for n in (1, 10, 11, 20, 23, 100, 105, 110, 999)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十三",
        "一百",
        "一百零五",
        "一百一十",
        "九百九十九",
    ]
