"""Given residents' own contributions (居民自筹) to a project of 五福苑, when a share scheme is
adopted by area, equally or by floor, then every unit of the chosen buildings gets its share
to the fen, the shares add up to the total, the total is pledged on the source, households pay
against their share (never beyond it) and the collection list says who has paid."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.models import HouseholdShare, LedgerEntry
from laoyuan.renewal.queries.funding import accounts_statement, collection_list, payers_of
from tests.renewal import given


@pytest.fixture
def residents_source(world):
    project = given.project(world, budget="100000.00")
    return actions.source_add(
        actor=world.li, project=project, kind="residents", funder="五福苑居民自筹"
    )


def test_it_shares_by_registered_area_to_the_fen(world, residents_source):
    # given units of 65.40, 58.75 (building 1) and 72.10 m² (building 2)
    scheme = actions.share_scheme_create(
        actor=world.li,
        project=residents_source.project,
        source=residents_source,
        basis="area",
        total=Decimal("1000.00"),
        buildings=[world.b1, world.b2],
    )
    shares = {s.unit_id: s for s in HouseholdShare.objects.filter(scheme=scheme)}
    # then 1000 × area / 196.25, to the fen, adding up exactly
    assert shares[world.u101.pk].amount == Decimal("333.25")
    assert shares[world.u102.pk].amount == Decimal("299.36")
    assert shares[world.u201.pk].amount == Decimal("367.39")
    assert sum(s.amount for s in shares.values()) == Decimal("1000.00")
    # 99,998 fen by the floors; the two fen left go to the largest remainders (.85 and .84)
    assert [shares[u.pk].extra_fen for u in (world.u101, world.u102, world.u201)] == [
        True,
        False,
        True,
    ]
    assert (scheme.weight_total, scheme.unit_count) == ("196.25", 3)
    # and the total is pledged on the source
    assert scheme.pledge.amount == Decimal("1000.00")
    assert actions.source_balances(residents_source).pledged == Decimal("1000.00")


def test_a_unit_without_registered_area_stops_an_area_scheme_and_is_named(world, residents_source):
    world.u102.area = None
    world.u102.save()
    with pytest.raises(ValidationError) as refused:
        actions.share_scheme_create(
            actor=world.li,
            project=residents_source.project,
            source=residents_source,
            basis="area",
            total="500",
            buildings=[world.b1],
        )
    assert "1栋1单元102" in str(refused.value)
    assert not HouseholdShare.objects.exists()
    assert not LedgerEntry.objects.filter(source=residents_source).exists()


def test_a_floor_without_a_coefficient_is_named(world, residents_source):
    world.u102.floor = 2
    world.u102.save()
    with pytest.raises(ValidationError, match="以下楼层没有系数：2"):
        actions.share_scheme_create(
            actor=world.li,
            project=residents_source.project,
            source=residents_source,
            basis="floor",
            total="500",
            buildings=[world.b1, world.b2],
            coefficients={"1": "0"},
        )


def test_households_pay_against_their_share_and_never_beyond_it(world, residents_source):
    scheme = actions.share_scheme_create(
        actor=world.li,
        project=residents_source.project,
        source=residents_source,
        basis="equal",
        total="300.00",
        buildings=[world.b1, world.b2],
    )
    share = HouseholdShare.objects.get(scheme=scheme, unit=world.u101)
    actions.receipt_record(
        actor=world.li, source=residents_source, amount="60", booked_on=given.TODAY, share=share
    )
    with pytest.raises(ValidationError, match=re.escape("这户应缴100.00元，还差40.00元")):
        actions.receipt_record(
            actor=world.li,
            source=residents_source,
            amount="40.01",
            booked_on=given.TODAY,
            share=share,
        )
    actions.receipt_record(
        actor=world.li, source=residents_source, amount="40", booked_on=given.TODAY, share=share
    )
    rows = {s.unit_id: s.collected for s in collection_list(scheme)}
    assert rows[world.u101.pk] == Decimal("100.00")
    assert rows[world.u102.pk] == Decimal("0")
    assert [s.unit_id for s in collection_list(scheme, status="paid")] == [world.u101.pk]
    summary = accounts_statement(residents_source.project).schemes[0]
    assert (summary.paid_in_full, summary.paid_some, summary.unpaid) == (1, 0, 2)
    # the statement sums households' payments per day and names nobody
    line = [e for e in accounts_statement(residents_source.project).entries if e.households]
    assert [(e.households, e.amount, e.description) for e in line] == [(2, Decimal("100.00"), "")]


def test_the_collection_list_names_owners_as_registered_with_phones_masked(world, residents_source):
    scheme = actions.share_scheme_create(
        actor=world.li,
        project=residents_source.project,
        source=residents_source,
        basis="equal",
        total="300.00",
        buildings=[world.b1, world.b2],
    )
    payers = payers_of(list(collection_list(scheme)))
    # 101 has an owner in the registry; 102 and 201 only heads of household
    assert payers[world.u101.pk].names == ["刘桂兰"]
    assert payers[world.u102.pk].names == ["赵大海"]
    assert payers[world.u102.pk].phone_masked == "139****1111"
    assert payers[world.u201.pk].phone_masked == "137****2222"


def test_only_a_residents_source_of_the_same_project_can_carry_a_scheme(world, residents_source):
    other = actions.source_add(
        actor=world.li, project=residents_source.project, kind="government", funder="区财政"
    )
    with pytest.raises(ValidationError, match="居民自筹"):
        actions.share_scheme_create(
            actor=world.li,
            project=residents_source.project,
            source=other,
            basis="equal",
            total="10",
            buildings=[world.b1],
        )


def test_property_staff_keep_the_funds_but_the_owners_committee_does_not(world, residents_source):
    actions.share_scheme_create(
        actor=world.sun,
        project=residents_source.project,
        source=residents_source,
        basis="equal",
        total="10",
        buildings=[world.b1],
    )
    with pytest.raises(PermissionDenied):
        actions.share_scheme_create(
            actor=world.zhao,
            project=residents_source.project,
            source=residents_source,
            basis="equal",
            total="10",
            buildings=[world.b1],
        )
