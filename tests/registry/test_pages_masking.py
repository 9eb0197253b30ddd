"""Personal data on the pages (PIPL): masked everywhere; a full number appears only on the answer
to an explicit reveal, by a role that may, and every reveal is logged (查看留痕)."""

from django.urls import reverse

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Owner,
    Resident,
    Unit,
)


def _full_numbers() -> set[str]:
    """Every full ID number and phone stored in the world, read back from the ciphertext."""
    values = set()
    for model in (Resident, Owner):
        for row in model.objects.values("id_number_cipher", "phone_cipher"):
            values |= {pii.decrypt(c) for c in row.values() if c}
    return values


def _every_page(world) -> list[str]:
    urls = [
        reverse("registry:workspace"),
        reverse("registry:residents"),
        reverse("registry:portal"),
        reverse("core:home"),
    ]
    urls += [reverse("registry:residents") + f"?community={c.pk}" for c in Community.objects.all()]
    urls += [reverse("registry:residents") + f"?compound={c.pk}" for c in Compound.objects.all()]
    urls += [reverse("registry:residents") + f"?age={a}" for a in ("elderly", "infant")]
    for name, model in [
        ("community", Community),
        ("compound", Compound),
        ("age_structure", Compound),
        ("building", Building),
        ("grid", Grid),
        ("unit", Unit),
        ("resident", Resident),
        ("resident_edit", Resident),
        ("resident_create", Household),
    ]:
        urls += [
            reverse(f"registry:{name}", args=[pk])
            for pk in model.objects.values_list("pk", flat=True)
        ]
    return urls


def test_no_page_shows_a_full_number_to_anyone_who_has_not_revealed_it(world, login):
    # given the full numbers of everyone in the world
    secrets = _full_numbers()
    # (5 ID numbers and 4 phones; the owner's ID number is 刘桂兰's): the check below is not empty
    assert len(secrets) == 9 and "13812345678" in secrets
    pages = _every_page(world)
    for username, user in world.users.items():
        client = login(user)
        opened = 0
        for url in pages:
            response = client.get(url, follow=True)
            html = response.content.decode()
            leaked = [s for s in secrets if s in html]
            assert not leaked, f"{username} sees a full number on {url}"
            opened += response.status_code == 200
        # every member of the cast with a role opened pages, so the check above did run
        assert opened >= (0 if username == "nobody" else 3), username


def test_reveal_shows_the_full_phone_once_and_logs_it(world, login):
    # given li, who holds pii.reveal on 刘桂兰
    client = login(world.li)
    page = client.get(reverse("registry:resident", args=[world.liu_guilan.pk])).content.decode()
    assert "查看完整号码" in page and "会记录查看人和时间" in page
    # when she reveals the phone
    response = client.post(
        reverse("registry:resident_reveal", args=[world.liu_guilan.pk]), {"field": "phone"}
    )
    # then the full phone is on this answer, once, and not cached
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("13812345678") == 1
    assert "查看已记录" in html
    assert "no-store" in response["Cache-Control"]
    # and the ID number stays masked
    assert world.liu_guilan.id_number_masked in html
    event = AuditEvent.objects.get(action="pii.reveal.phone")
    assert (event.actor, event.object_id) == (world.li, str(world.liu_guilan.pk))
    # and the next ordinary visit is masked again
    again = client.get(reverse("registry:resident", args=[world.liu_guilan.pk])).content.decode()
    assert "13812345678" not in again


def test_reveal_of_the_id_number_is_logged_as_such(world, login):
    number = pii.decrypt(world.liu_guilan.id_number_cipher)
    response = login(world.wang).post(
        reverse("registry:resident_reveal", args=[world.liu_guilan.pk]), {"field": "id_number"}
    )
    assert response.content.decode().count(number) == 1
    assert AuditEvent.objects.filter(action="pii.reveal.id_number", actor=world.wang).count() == 1


def test_roles_without_reveal_get_404_and_no_button(world, login):
    url = reverse("registry:resident_reveal", args=[world.liu_guilan.pk])
    for user in (world.chen, world.zhao, world.sun, world.zhou):
        client = login(user)
        assert client.post(url, {"field": "phone"}).status_code == 404
        assert client.get(url).status_code == 404
        page = client.get(reverse("registry:resident", args=[world.liu_guilan.pk]))
        assert page.status_code == 200 and "查看完整号码" not in page.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="pii.reveal").exists()


def test_a_grid_worker_reveals_in_her_grid_only(world, login):
    client = login(world.zhang)
    other = reverse("registry:resident_reveal", args=[world.sun_li.pk])
    assert client.post(other, {"field": "phone"}).status_code == 404
    mine = reverse("registry:resident_reveal", args=[world.zhao_dahai.pk])
    assert "13900001111" in client.post(mine, {"field": "phone"}).content.decode()


def test_reveal_refuses_other_fields_and_get_only_goes_back(world, login):
    client = login(world.li)
    url = reverse("registry:resident_reveal", args=[world.liu_guilan.pk])
    assert client.post(url, {"field": "id_number_cipher"}).status_code == 400
    assert client.get(url).url == reverse("registry:resident", args=[world.liu_guilan.pk])
    assert not AuditEvent.objects.filter(action__startswith="pii.reveal").exists()


def test_a_resident_reveals_her_own_number_on_the_portal(world, login):
    client = login(world.liu)
    portal = client.get(reverse("registry:portal")).content.decode()
    assert "138****5678" in portal and "13812345678" not in portal
    response = client.post(
        reverse("registry:portal_reveal", args=[world.liu_guilan.pk]), {"field": "phone"}
    )
    assert response.content.decode().count("13812345678") == 1
    event = AuditEvent.objects.get(action="pii.reveal.phone", actor=world.liu)
    assert event.changes == {"field": "phone", "own": True}


def test_the_portal_reveal_is_for_her_own_household_only(world, login):
    liu = login(world.liu)
    assert (
        liu.post(
            reverse("registry:portal_reveal", args=[world.zhao_dahai.pk]), {"field": "phone"}
        ).status_code
        == 404
    )
    # staff use the staff reveal; the portal one is not theirs
    li = login(world.li)
    assert (
        li.post(
            reverse("registry:portal_reveal", args=[world.liu_guilan.pk]), {"field": "phone"}
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action__startswith="pii.reveal").exists()
