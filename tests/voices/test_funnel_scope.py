"""Who may open the funnel, and for which places: a place id in the address that the user may
not see answers 404 (page and export alike), exactly as a place that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = ["voices:funnel", "voices:funnel_export"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("who", "param", "place"),
    [
        ("qian", "compound", "wufuyuan"),  # another district
        ("qian", "community", "shahe_community"),
        ("qian", "street", "shahe"),
        ("zhang", "compound", "majiagou"),  # the grid worker's compound is 五福苑 only
        ("zhang", "community", "shahe_community"),
        ("li", "street", "shahe"),  # a community worker does not see her whole street
        ("li", "community", "dongguang_community"),
        ("chen", "compound", "majiagou"),
    ],
)
def test_a_place_out_of_scope_answers_404(world, login, name, who, param, place):
    response = login(world.users[who]).get(reverse(name), {param: getattr(world, place).pk})
    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999", "1.5"])
def test_a_place_id_that_is_not_one_answers_404(world, login, name, value):
    assert login(world.wang).get(reverse(name), {"compound": value}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("who", "param", "place"),
    [
        ("wang", "street", "shahe"),
        ("wang", "compound", "dongguang"),
        ("li", "compound", "majiagou"),
        ("zhang", "compound", "wufuyuan"),
        ("chen", "compound", "wufuyuan"),
        ("sun", "compound", "wufuyuan"),
        ("zhou", "community", "shahe_community"),
        ("qian", "compound", "guihuaxincun"),
    ],
)
def test_places_in_scope_open(world, login, name, who, param, place):
    response = login(world.users[who]).get(reverse(name), {param: getattr(world, place).pk})
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["liu", "nobody"])
def test_residents_and_people_without_a_role_do_not_get_it(world, login, name, who):
    assert login(world.users[who]).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_log_in(world, client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_menus_offer_only_places_in_scope(world, login):
    html = login(world.li).get(reverse("voices:funnel")).content.decode()
    assert "五福苑" in html and "马家沟小区" in html
    assert "东光小区" not in html and "桂花新村" not in html and 'name="street"' not in html
    html = login(world.zhang).get(reverse("voices:funnel")).content.decode()
    assert "五福苑" in html and "马家沟小区" not in html
