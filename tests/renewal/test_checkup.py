"""Given a compound's inventory (pipes, lifts, parking, chargers …), when check-ups rate the
assets, then the indicators say which buildings need an age-friendly retrofit, the parking gap,
whether e-bikes can charge and whether the compound has property management; and a poor rating
proposes a project (into the library, linked) or a rectification item — once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.queries.checkup import indicators, inventory
from tests.renewal import given


def _asset(world, kind, name, quantity=None, building=None):
    return actions.asset_add(
        actor=world.li,
        compound=world.wufuyuan,
        asset_type=kind,
        name=name,
        quantity_value=quantity,
        building=building,
    )


def test_the_indicators_read_the_inventory_the_check_up_and_the_registry(world):
    # given building 1 (6 floors) with a lift, building 2 (6 floors) without
    _asset(world, "lift", "1栋加装电梯", "1", world.b1)
    _asset(world, "parking", "院内车位", "40")
    charger = _asset(world, "charger", "东门充电桩", "12")
    actions.checkup_record(
        actor=world.sun,
        compound=world.wufuyuan,
        checked_on=given.TODAY,
        inspector="区住建局",
        parking_demand=95,
        ratings=[actions.RatingEntry(charger, "dangerous", "线路老化")],
    )
    found = indicators(world.wufuyuan)
    assert [b.number for b in found.needing_lift] == ["2"]
    assert found.parking_gap == 55
    # the only chargers are rated dangerous: no e-bike charging
    assert found.no_ebike_charging
    assert not found.no_property_management  # trust-model property management
    world.wufuyuan.property_mode = "none"
    assert indicators(world.wufuyuan).no_property_management


def test_a_poor_rating_proposes_a_project_once(world):
    pipe = _asset(world, "drain_pipe", "3栋雨水管", "120", world.b2)
    checkup = actions.checkup_record(
        actor=world.li,
        compound=world.wufuyuan,
        checked_on=given.TODAY,
        inspector="体检组",
        ratings=[actions.RatingEntry(pipe, "poor", "塌陷两处")],
    )
    rating = checkup.ratings.get()
    project = actions.rating_to_project(actor=world.li, rating=rating)
    assert (project.item_type, project.renewal_class, project.from_rating) == (
        "drainage",
        "basic",
        rating,
    )
    assert list(project.buildings.all()) == [world.b2]
    assert "塌陷两处" in project.description
    with pytest.raises(ValidationError, match="已经转为项目或整治事项"):
        actions.rating_to_rectification(
            actor=world.li, rating=rating, responsible_party="物业", work_days=5
        )


def test_a_poor_rating_may_instead_become_a_rectification_item(world):
    light = _asset(world, "street_light", "院坝路灯")
    checkup = actions.checkup_record(
        actor=world.li,
        compound=world.wufuyuan,
        checked_on=given.TODAY,
        inspector="体检组",
        ratings=[actions.RatingEntry(light, "poor")],
    )
    item = actions.rating_to_rectification(
        actor=world.li, rating=checkup.ratings.get(), responsible_party="物业", work_days=5
    )
    assert (item.origin, item.rating.asset) == ("checkup", light)
    assert inventory(world.wufuyuan).get(pk=light.pk).latest_condition == "poor"


def test_a_good_rating_proposes_nothing(world):
    light = _asset(world, "street_light", "院坝路灯")
    checkup = actions.checkup_record(
        actor=world.li,
        compound=world.wufuyuan,
        checked_on=given.TODAY,
        inspector="体检组",
        ratings=[actions.RatingEntry(light, "good")],
    )
    with pytest.raises(ValidationError, match="较差"):
        actions.rating_to_project(actor=world.li, rating=checkup.ratings.get())


def test_the_check_up_is_kept_by_staff_and_property_staff_not_by_the_grid_worker(world):
    with pytest.raises(PermissionDenied):
        actions.asset_add(
            actor=world.zhang, compound=world.wufuyuan, asset_type="road", name="主干道"
        )
    with pytest.raises(ValidationError, match="请选择设施类型"):
        actions.asset_add(actor=world.sun, compound=world.wufuyuan, asset_type="ufo", name="x")
