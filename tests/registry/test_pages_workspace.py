"""The workspace (工作台): each role lands on the place tree of its own scope, with counts."""

from django.urls import reverse

from laoyuan.registry.models import Resident


def _text(response) -> str:
    return response.content.decode()


def test_a_community_worker_sees_the_compounds_of_her_community_with_counts(world, login):
    # given li, community worker of 沙河社区
    # when she opens the workspace
    response = login(world.li).get(reverse("registry:workspace"))
    # then she sees 五福苑 and 马家沟小区 with households, residents and the 65+ share
    html = _text(response)
    assert response.status_code == 200
    assert "五福苑" in html and "马家沟小区" in html
    assert "东光小区" not in html and "桂花新村" not in html
    # 五福苑: 3 households, 4 residents, one of them 65+ (刘桂兰): 25.0%
    row = html[html.index(reverse("registry:compound", args=[world.wufuyuan.pk])) :]
    row = row[: row.index("</tr>")]
    assert ">3<" in row and ">4<" in row and "25.0%" in row
    assert "第 1 页，共 1 页" in html


def test_a_street_official_sees_every_community_of_her_street_only(world, login):
    response = login(world.wang).get(reverse("registry:workspace"))
    html = _text(response)
    assert "沙河社区" in html and "东光社区" in html
    assert "桂花社区" not in html
    assert reverse("registry:community", args=[world.dongguang_community.pk]) in html


def test_a_grid_worker_sees_her_micro_grid(world, login):
    html = _text(login(world.zhang).get(reverse("registry:workspace")))
    assert "一网格" in html and "二网格" not in html
    assert reverse("registry:grid", args=[world.grid_a.pk]) in html


def test_a_party_secretary_sees_her_compound(world, login):
    html = _text(login(world.chen).get(reverse("registry:workspace")))
    assert "五福苑" in html and "马家沟小区" not in html


def test_residents_and_people_without_a_role_are_sent_home(world, login):
    assert login(world.liu).get(reverse("registry:workspace")).url == reverse("core:home")
    assert login(world.nobody).get(reverse("registry:workspace")).url == reverse("core:home")


def test_home_sends_staff_to_the_workspace(world, login):
    assert login(world.li).get(reverse("core:home")).url == reverse("registry:workspace")


def test_the_community_page_lists_its_compounds_and_totals(world, login):
    # given an inactive resident, who no longer counts
    Resident.objects.filter(pk=world.sun_li.pk).update(is_active=False)
    response = login(world.wang).get(reverse("registry:community", args=[world.shahe_community.pk]))
    html = _text(response)
    assert "五福苑" in html and "马家沟小区" in html
    assert "33.3%" in html  # 1 of the 3 active residents is 65+
    assert f"?community={world.shahe_community.pk}" in html  # link to its resident list


def test_pagination_keeps_its_place_and_marks_the_current_page(world, login):
    # given 30 more compounds in 沙河社区 (25 per page)
    from laoyuan.registry.models import Compound

    Compound.objects.bulk_create(
        Compound(community=world.shahe_community, code=f"X{i:02}", name=f"新小区{i:02}")
        for i in range(30)
    )
    client = login(world.li)
    first = _text(client.get(reverse("registry:workspace")))
    assert "第 1 页，共 2 页" in first and "共 32 条" in first
    second = _text(client.get(reverse("registry:workspace"), {"page": 2}))
    assert "第 2 页，共 2 页" in second
    assert 'href="?page=2" aria-current="page"' in second
    # nonsense page numbers fall back to a real page instead of failing
    assert client.get(reverse("registry:workspace"), {"page": "abc"}).status_code == 200
    assert "第 2 页" in _text(client.get(reverse("registry:workspace"), {"page": 99}))
