"""Given the small generated district, when renewal data is seeded into it for the benchmarks,
then every old compound gets projects with balanced funding, the portfolio's counts add up,
seeding twice is refused, and only generated districts are touched."""

import io

import pytest
from django.core.management import CommandError, call_command

from laoyuan.registry import scale as registry_scale
from laoyuan.registry.models import District
from laoyuan.renewal.ledger import balances
from laoyuan.renewal.models import LedgerEntry, Project
from laoyuan.renewal.queries.portfolio import portfolio


@pytest.fixture
def district(db):
    registry_scale.seed_scale(preset="small", seed=7)
    return District.objects.get(code=registry_scale.district_code("small", 7))


def test_the_generated_district_gets_renewal_data_that_adds_up(district):
    out = io.StringIO()
    call_command("renewal", "seed-scale", "--district", district.code, stdout=out)
    assert "个项目" in out.getvalue()
    p = portfolio(district)
    assert p.old_compounds > 0
    assert p.renovated + p.under_way + p.waiting == p.old_compounds
    assert p.projects == Project.objects.filter(street__district=district).count() > 0
    assert balances(LedgerEntry.objects.values_list("debit", "credit", "amount")).balanced
    assert p.money_total.spent <= p.money_total.received <= p.money_total.pledged
    with pytest.raises(CommandError, match="已有改造项目"):
        call_command("renewal", "seed-scale", "--district", district.code)


def test_only_generated_districts_are_seeded(world):
    with pytest.raises(CommandError, match="SCALE-"):
        call_command("renewal", "seed-scale", "--district", world.jinjiang.code)
