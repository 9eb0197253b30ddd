"""The admin shows notices, objections and closing records read only: no phone in clear, no
sealed text, nothing to add, change or delete."""

import pytest
from django.urls import reverse

from laoyuan.core.models import User
from laoyuan.notices import actions
from tests.notices.helpers import end_period, paper_objection, pdf_file, published


@pytest.fixture
def admin_client(world, client):
    User.objects.create_superuser("root", password="pw-for-tests")
    client.login(username="root", password="pw-for-tests")
    return client


@pytest.mark.parametrize("model", ["notices_notice", "notices_objection", "notices_noticeclosing"])
def test_admin_lists_open_read_only_without_phones(admin_client, world, model):
    notice = published(world, attachments=[pdf_file()])
    objection = paper_objection(world, notice, text="打我电话13812345678")
    actions.objection_answer(
        actor=world.li, objection=objection, text="已答复", outcome="explained"
    )
    end_period(notice)
    actions.notices_close_due()
    listing = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "13911112222" not in text and "13812345678" not in text
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_an_objection_page_shows_the_masked_phone_only(admin_client, world):
    objection = paper_objection(world, published(world), text="打我电话13812345678")
    page = admin_client.get(reverse("admin:notices_objection_change", args=[objection.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "139****2222" in html and "13911112222" not in html and "13812345678" not in html
    assert "text_sealed" not in html and "phone_cipher" not in html
