"""Given the endpoint, when anyone opens /open311/v2/ in a browser, then the discovery document
reads as a page: the endpoint, the specification, the formats, how to get a key, every
jurisdiction (districts and their streets) and every service code; no login, no personal
data."""

from django.test import Client

from laoyuan.cases.models import Category


def test_the_public_index_lists_jurisdictions_and_services(world):
    response = Client().get("/open311/v2/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("JJ", "SH", "GS", "CL"):
        assert f"<code>{code}</code>" in html
    assert "锦江区" in html and "沧浪街道" in html
    assert "http://wiki.open311.org/GeoReport_v2" in html
    for code in Category.objects.filter(is_active=True).values_list("code", flat=True):
        assert f"<code>{code}</code>" in html
    assert "刘桂兰" not in html and "WFY" not in html
    assert Client().get("/open311/v2").status_code in (301, 302)
