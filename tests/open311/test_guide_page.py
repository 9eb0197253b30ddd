"""Given li, the community worker of 沙河社区, when she opens "Open311 接入说明" (the page she
hands to the city's 12345 integrator), then it tells her the endpoint, the jurisdiction ids of
her street and district, the codes of the compounds she may file cases in (and no others), the
service codes with their service levels and attributes, how to make a key, and the requests
received so far in her place, with links to their cases. Someone who may not open cases is
told so; a signed-out visitor is sent to the login page."""

from django.urls import reverse

from laoyuan.cases.models import Case, Category
from tests.open311.helpers import good_request, post

GUIDE = "/open311/"


def test_the_guide_tells_everything_the_integrator_needs(world, login, key):
    page = login(world.li).get(GUIDE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://testserver/open311/v2" in html
    assert "<code>SH</code>" in html and "<code>JJ</code>" in html  # street and district
    assert "<code>WFY</code>" in html and "<code>MJG</code>" in html
    assert "<code>DG</code>" not in html and "GHXC" not in html  # not li's compounds
    for code in Category.objects.filter(is_active=True).values_list("code", flat=True):
        assert f"<code>{code}</code>" in html
    assert "attribute[scope]" in html and "一个单元" in html
    assert reverse("core:tokens") in html
    assert "还没有通过 Open311 收到的工单" in html


def test_the_requests_received_are_listed_with_links_to_their_cases(world, login, key):
    rid = post(good_request(world, key, media_url="https://img.example.com/1.jpg"))[1][0][
        "service_request_id"
    ]
    case = Case.objects.get(request_id=rid)
    html = login(world.li).get(GUIDE).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in html and rid in html
    assert "12345热线平台对接" in html and "https://img.example.com/1.jpg" in html
    # The outsider's guide lists nothing of 沙河.
    assert rid not in login(world.qian).get(GUIDE).content.decode()


def test_someone_who_may_not_open_cases_is_told_so(world, login):
    page = login(world.zhao).get(GUIDE)
    assert page.status_code == 403
    assert "只有可以登记工单" in page.content.decode()


def test_a_signed_out_visitor_is_sent_to_login(world, client):
    response = client.get(GUIDE)
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_the_token_page_points_to_the_guide(world, login):
    html = login(world.li).get(reverse("core:tokens")).content.decode()
    assert reverse("open311:guide") in html
