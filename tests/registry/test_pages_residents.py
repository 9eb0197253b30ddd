"""The resident list (居民名册): search, filters, pagination that keeps the filters."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from laoyuan.registry import views
from laoyuan.registry.models import Resident
from tests.cast import make_id_number

URL = "registry:residents"


def _names(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>", html.index("居民（身份证号和联系电话已脱敏）")) :]
    body = body[: body.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="/residents/\d+/">([^<]+)</a>', body)


def test_the_community_list_shows_the_residents_of_that_community(world, login):
    client = login(world.wang)
    names = _names(client.get(reverse(URL), {"community": world.shahe_community.pk}))
    assert sorted(names) == sorted(["刘桂兰", "刘小明", "赵大海", "孙丽"])
    assert _names(client.get(reverse(URL), {"community": world.dongguang_community.pk})) == []


def test_a_community_outside_the_scope_shows_nothing(world, login):
    names = _names(login(world.wang).get(reverse(URL), {"community": world.guihua_community.pk}))
    assert names == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"building": "b2"}, ["孙丽"]),
        ({"grid": "grid_a"}, ["刘桂兰", "刘小明", "赵大海"]),
        ({"age": "elderly"}, ["刘桂兰"]),
        ({"age": "infant"}, ["刘小明"]),
        ({"flag": "lives_alone"}, ["赵大海"]),
        ({"flag": "party_member"}, []),
        ({"q": "刘"}, ["刘桂兰", "刘小明"]),
        ({"q": "刘桂"}, ["刘桂兰"]),
        ({"q": "13812345678"}, ["刘桂兰"]),
        ({"q": "138 1234 5678"}, ["刘桂兰"]),
        ({"q": make_id_number("19900215", seq="78", male=False)}, ["孙丽"]),
        ({"q": "1381234"}, []),  # no search by fragments of a number
        ({"q": "桂阿姨"}, []),  # another district
    ],
)
def test_it_filters_and_searches(world, login, params, expected):
    Resident.objects.filter(pk=world.zhao_dahai.pk).update(lives_alone=True)
    params = {
        k: getattr(world, v).pk if k in {"building", "grid"} else v for k, v in params.items()
    }
    params.setdefault("compound", world.wufuyuan.pk)
    names = _names(login(world.li).get(reverse(URL), params, follow=True))
    assert sorted(names) == sorted(expected)


def test_a_full_number_never_stays_in_the_address_or_the_page(world, login):
    client = login(world.li)
    # when she searches by a full phone number, within a compound
    response = client.get(reverse(URL), {"q": "138 1234 5678", "compound": world.wufuyuan.pk})
    # then she is sent to an address that holds only its keyed hash and masked form
    assert response.status_code == 302
    assert "1381234" not in response.url and "q=" not in response.url
    assert f"compound={world.wufuyuan.pk}" in response.url
    page = client.get(response.url)
    html = page.content.decode()
    assert _names(page) == ["刘桂兰"]
    assert "13812345678" not in html
    assert "正在按完整号码 138****5678 查找" in html
    # and changing another filter keeps the number search (hidden fields of the form)
    assert 'name="number" value="phone:' in html
    # a search key that was tampered with finds nobody, rather than everybody
    for key in ("phone:", "phone:abc", "id:" + "0" * 64, "name:" + "0" * 64):
        assert _names(client.get(reverse(URL), {"number": key})) == []


def test_filters_narrow_the_menus(world, login):
    client = login(world.li)
    html = client.get(reverse(URL)).content.decode()
    assert 'name="building"' not in html  # buildings only once a compound is chosen
    html = client.get(reverse(URL), {"compound": world.wufuyuan.pk}).content.decode()
    assert 'name="building"' in html and 'name="grid"' in html
    assert f'<option value="{world.wufuyuan.pk}" selected>五福苑</option>' in html


def test_invalid_filters_are_ignored_and_explained(world, login):
    response = login(world.li).get(reverse(URL), {"compound": "abc", "age": "teen"})
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()
    assert len(_names(response)) == 4


def test_the_list_is_masked_and_paginated_keeping_the_filters(world, login):
    # given 60 more residents in household h2 (50 per page)
    Resident.objects.bulk_create(
        Resident(household=world.h2, compound=world.wufuyuan, name=f"居民{i:02}") for i in range(60)
    )
    client = login(world.li)
    first = client.get(reverse(URL), {"compound": world.wufuyuan.pk, "flag": ""})
    html = first.content.decode()
    assert "第 1 页，共 2 页" in html and "共 64 条" in html
    assert len(_names(first)) == 50
    assert world.liu_guilan.phone_masked in html and "13812345678" not in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert f"compound={world.wufuyuan.pk}" in next_link and "page=2" in next_link
    second = client.get(reverse(URL) + next_link.replace("&amp;", "&"))
    assert "第 2 页，共 2 页" in second.content.decode()
    assert len(_names(second)) == 14


def test_the_count_is_bounded_on_huge_lists(world):
    # given a paginator that counts at most 3 rows (at district scale: RESIDENT_COUNT_CAP)
    paginator = views.BoundedPaginator(Resident.objects.order_by("id"), 2, cap=3)
    # then it stops counting there, and the page says so
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    html = render_to_string("registry/_pagination.html", {"page": paginator.page(1)})
    assert "超过 3 条" in html and "第 1 页，共 2 页" in html
    exact = views.BoundedPaginator(Resident.objects.order_by("id"), 2, cap=100)
    assert (exact.count, exact.capped) == (Resident.objects.count(), False)


def test_residents_get_404_on_the_staff_list(world, login):
    assert login(world.liu).get(reverse(URL)).status_code == 404
