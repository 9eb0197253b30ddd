"""Given the cast, when each asks for residents and places, then each sees exactly their scope."""

import pytest
from django.http import Http404

from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.registry.models import Compound, Household, Owner, Resident, Unit


def names(qs):
    return sorted(r.name for r in qs)


def test_street_official_sees_whole_street_only(world):
    assert names(visible(world.wang, Compound)) == ["东光小区", "五福苑", "马家沟小区"]
    assert world.gui_resident not in visible(world.wang, Resident)


def test_community_worker_sees_her_community(world):
    assert names(visible(world.li, Compound)) == ["五福苑", "马家沟小区"]
    assert names(visible(world.li, Resident)) == ["刘小明", "刘桂兰", "孙丽", "赵大海"]


def test_grid_worker_sees_only_her_grid(world):
    assert names(visible(world.zhang, Resident)) == ["刘小明", "刘桂兰", "赵大海"]
    assert list(visible(world.zhang, Compound)) == []
    # Units reached through households of the grid, without duplicate rows.
    assert sorted(u.pk for u in visible(world.zhang, Unit)) == sorted(
        [world.u101.pk, world.u102.pk]
    )


def test_resident_role_has_no_staff_view(world):
    assert list(visible(world.liu, Resident)) == []
    assert names(visible(world.liu, Resident, "portal.view")) == ["刘小明", "刘桂兰"]
    assert list(visible(world.liu, Household, "portal.view")) == [world.h1]


def test_outsider_gets_404(world):
    with pytest.raises(Http404):
        get_visible_or_404(world.qian, Resident, pk=world.liu_guilan.pk)
    with pytest.raises(Http404):
        get_visible_or_404(world.qian, Compound, pk="not-a-number")


def test_reveal_permission_follows_role_and_scope(world):
    assert has_permission(world.li, "pii.reveal", world.liu_guilan)
    assert not has_permission(world.chen, "pii.reveal", world.liu_guilan)
    assert not has_permission(world.zhang, "pii.reveal", world.sun_li)  # other grid
    assert not has_permission(world.nobody, "registry.view")


def test_owner_scoped_by_units(world):
    assert list(visible(world.li, Owner)) == [world.owner_liu]
    assert list(visible(world.qian, Owner)) == []
