"""Given cases with the reporter's phone and parties with contacts' phones, when any case page,
export or endpoint is read, then every phone appears masked only (138****5678), never in clear;
the public progress page shows neither names nor phones; the full number comes only from the
logged reveals."""

import pytest

from laoyuan.cases import actions
from laoyuan.core.models import AuditEvent
from tests.cases.helpers import API, category, fresh

PHONE, CONTACT = "13812345678", "13711112222"


@pytest.fixture
def case(world, parties):
    actions.party_contact_add(
        actor=world.wang, party=parties.property, name="孙经理", phone=CONTACT
    )
    case = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=category("pipe.water"),
        description="家里停水两天了",
        phone=PHONE,
    )
    actions.case_dispatch(actor=world.li, case=case, party=parties.property)
    actions.case_accept(actor=world.sun, case=fresh(case))
    return fresh(case)


def urls(case, parties):
    return [
        ("li", "/cases/"),
        ("li", f"/cases/{case.pk}/"),
        ("sun", f"/cases/{case.pk}/"),
        ("wang", "/cases/board/?all=1"),
        ("wang", "/cases/stats/"),
        ("wang", "/cases/stats.xlsx"),
        ("li", "/cases/parties/"),
        ("li", f"/cases/parties/{parties.property.pk}/"),
        ("sun", f"/cases/parties/{parties.property.pk}/"),
        ("liu", "/portal/cases/"),
        ("liu", f"/portal/cases/{case.pk}/"),
        ("li", f"{API}/cases"),
        ("li", f"{API}/cases/{case.pk}"),
        ("sun", f"{API}/cases/{case.pk}"),
        ("li", f"{API}/parties/{parties.property.pk}"),
        ("liu", f"{API}/portal/cases/{case.pk}"),
    ]


def test_no_page_export_or_endpoint_shows_a_phone_in_clear(world, parties, login, case):
    for who, url in urls(case, parties):
        response = login(world.users[who]).get(url)
        assert response.status_code == 200, (who, url)
        body = response.content
        assert PHONE.encode() not in body and CONTACT.encode() not in body, (who, url)
    detail = login(world.li).get(f"/cases/{case.pk}/").content.decode()
    assert "138****5678" in detail
    party = login(world.li).get(f"/cases/parties/{parties.property.pk}/").content.decode()
    assert "137****2222" in party
    assert not AuditEvent.objects.filter(action__startswith="pii.reveal").exists()


def test_the_public_progress_page_shows_no_personal_data(world, parties, client, case):
    actions.case_progress(actor=world.sun, case=case, note=f"已联系住户，回电{PHONE}")
    html = client.get(f"/p/{case.public_token}/").content.decode()
    assert case.request_id in html and "供水与二次供水" in html and "五福苑物业服务中心" in html
    for secret in (PHONE, "138****5678", "刘桂兰", "家里停水两天了", "孙物业", "李社工"):
        assert secret not in html, secret
    assert "已联系住户" in html  # the redacted progress note, its phone replaced
    assert client.get("/p/not-a-real-token/").status_code == 404


def test_the_receipt_names_no_one(world, parties, login, case):
    from laoyuan.core.pdf import render_pdf

    html = render_pdf.__globals__["render_to_string"](
        "cases/print/receipt.html", {"case": case, "url": "http://x/p/t/", "qr": ""}
    )
    assert "刘桂兰" not in html and PHONE not in html and "138****5678" not in html
