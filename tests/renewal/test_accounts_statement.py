"""Given a project's money, when its accounts are read as a page, an A4 PDF, an .xlsx or — once
published — a public page, then all say the same numbers from one query function; the public
page and the statement name no resident (households' payments are summed), the collection list
for staff names owners as registered with phones masked, and files are sealed."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from laoyuan.renewal import actions
from laoyuan.renewal.models import HouseholdShare
from tests.renewal import given


@pytest.fixture
def project(world):
    p = given.project(world, budget="1000300.00")
    gov = actions.source_add(
        actor=world.li, project=p, kind="government", funder="锦江区财政局", pledged="1000000.00"
    )
    actions.receipt_record(actor=world.li, source=gov, amount="400000.00", booked_on=given.TODAY)
    pay = actions.payment_request(
        actor=world.li, source=gov, amount="150000.00", payee="蜀安建设", purpose="进度款"
    )
    actions.payment_decide(actor=world.wang, payment=pay, approve=True)
    residents = actions.source_add(actor=world.li, project=p, kind="residents", funder="居民自筹")
    scheme = actions.share_scheme_create(
        actor=world.li,
        project=p,
        source=residents,
        basis="equal",
        total="300.00",
        buildings=[world.b1, world.b2],
    )
    for share in HouseholdShare.objects.filter(scheme=scheme, unit__in=[world.u101, world.u102]):
        actions.receipt_record(
            actor=world.li,
            source=residents,
            amount=share.amount,
            booked_on=given.TODAY,
            share=share,
        )
    return p


def test_page_pdf_and_xlsx_say_the_same(world, login, project):
    client = login(world.li)
    page = client.get(reverse("renewal:accounts", args=[project.pk])).content.decode()
    assert "1,000,300.00" in page and "400,200.00" in page and "150,000.00" in page
    assert "居民缴纳分摊（2户）" in page
    pdf = client.get(reverse("renewal:accounts_pdf", args=[project.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    book = load_workbook(
        io.BytesIO(client.get(reverse("renewal:accounts_xlsx", args=[project.pk])).content)
    )
    totals = next(r for r in book["按来源"].iter_rows(values_only=True) if r[0] == "合计")
    assert totals[2:5] == (Decimal("1000300.00"), Decimal("400200.00"), Decimal("150000.00"))


def test_the_public_page_opens_only_once_published_and_names_nobody(world, login, project):
    assert project.accounts_key == ""
    actions.accounts_publish(actor=world.li, project=project)
    project.refresh_from_db()
    url = reverse("renewal:public_accounts", args=[project.accounts_key])
    page = Client().get(url).content.decode()
    assert "公开账目" in page and "1,000,300.00" in page
    for private in ("刘桂兰", "赵大海", "138", "1栋1单元101"):
        assert private not in page
    assert Client().get(reverse("renewal:public_accounts", args=["nope"])).status_code == 404


def test_the_collection_list_names_owners_with_phones_masked(world, login, project):
    scheme = project.share_schemes.get()
    page = login(world.li).get(reverse("renewal:scheme", args=[scheme.pk])).content.decode()
    assert "刘桂兰" in page and "139****1111" in page
    assert "13900001111" not in page and "13812345678" not in page
    response = login(world.li).get(reverse("renewal:scheme_xlsx", args=[scheme.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "139****1111" in cells and not any("13900001111" in c for c in cells)
