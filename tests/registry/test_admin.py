"""The admin lists registry objects, masked, for a superuser; it never shows clear numbers."""

import pytest
from django.urls import reverse

from laoyuan.core.models import User
from tests.cast import make_id_number
from tests.registry.roster_files import csv_bytes, import_file, person


@pytest.fixture
def admin_client(world, client):
    User.objects.create_superuser("root", password="pw-for-tests")
    client.login(username="root", password="pw-for-tests")
    return client


@pytest.mark.parametrize(
    "model",
    ["resident", "owner", "unit", "household", "compound", "building", "grid", "importbatch"],
)
def test_admin_lists_open_and_mask(admin_client, world, model):
    import_file(world.li, world.wufuyuan, csv_bytes([person()]), name="r.csv")
    listing = admin_client.get(reverse(f"admin:registry_{model}_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert make_id_number("19480312", male=False) not in html and "13812345678" not in html


def test_resident_change_page_shows_masked_numbers_only(admin_client, world):
    page = admin_client.get(reverse("admin:registry_resident_change", args=[world.liu_guilan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.liu_guilan.phone_masked in html and "13812345678" not in html
