"""The resident portal (居民端): my household, my details, my compound; nobody else's."""

import re

from django.urls import reverse

from laoyuan.registry.models import Building


def _portal(world, login) -> str:
    response = login(world.liu).get(reverse("registry:portal"))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_resident_sees_her_household_masked(world, login):
    html = _portal(world, login)
    assert "我的家" in html and "我的资料" in html
    assert "刘桂兰" in html and "刘小明" in html  # both members of h1
    assert "138****5678" in html and world.liu_xiaoming.id_number_masked in html
    for other in ("赵大海", "孙丽", "桂阿姨", "139****1111"):
        assert other not in html


def test_a_resident_sees_her_compound_grid_worker_and_building_head(world, login):
    Building.objects.filter(pk=world.b1.pk).update(head=world.zhao_dahai)
    html = _portal(world, login)
    assert "五福苑" in html and "马家沟1号" in html and "信托制物业" in html
    assert "张网格" in html  # her grid worker
    assert "赵大海" in html  # her building head (楼栋长): a name, nothing more
    assert "139****1111" not in html and "1970" not in html


def test_the_portal_offers_her_own_reveal_only(world, login):
    html = _portal(world, login)
    assert reverse("registry:portal_reveal", args=[world.liu_guilan.pk]) in html
    assert reverse("registry:portal_reveal", args=[world.liu_xiaoming.pk]) not in html


def test_staff_have_no_portal_and_residents_no_workspace(world, login):
    assert login(world.li).get(reverse("registry:portal")).status_code == 404
    liu = login(world.liu)
    assert liu.get(reverse("core:home")).url == reverse("registry:portal")
    for url in (
        reverse("registry:compound", args=[world.wufuyuan.pk]),
        reverse("registry:resident", args=[world.liu_guilan.pk]),
        reverse("registry:unit", args=[world.u101.pk]),
        reverse("registry:residents"),
    ):
        assert liu.get(url).status_code == 404, url
