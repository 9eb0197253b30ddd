"""Given a superuser, when she opens the admin of case work, then she sees cases, parties,
categories, service levels and notices, and can change none of them (the actions keep the
timeline and the audit log); phones show masked."""

from django.test import Client

from laoyuan.core.models import User
from tests.cases.helpers import open_case


def test_the_admin_shows_case_work_read_only(world, parties):
    case = open_case(world, party=parties.property, reporter_phone="13812345678")
    User.objects.create_superuser("root", password="pw-root-123")
    client = Client()
    client.login(username="root", password="pw-root-123")
    for url in (
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        "/admin/cases/party/",
        f"/admin/cases/party/{parties.water.pk}/change/",
        "/admin/cases/category/",
        "/admin/cases/servicelevel/",
        "/admin/cases/supervisionnotice/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"13812345678" not in response.content
    assert client.get("/admin/cases/case/add/").status_code == 403
    assert client.post(f"/admin/cases/case/{case.pk}/delete/").status_code == 403
