"""Given residents with ID numbers and phones, when anyone reads the API, then only masked
numbers appear; the full value comes only from the reveal endpoint, to those allowed, and every
reveal is logged (查看留痕)."""

import json

import pytest

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent
from laoyuan.registry.api import router
from laoyuan.registry.models import Owner, Resident, Unit
from tests.cast import make_id_number

API = "/api/v1"


def full_numbers() -> set[str]:
    """Every full ID number and phone in the database, decrypted here for the check only."""
    values = set()
    for model in (Resident, Owner):
        for cipher_id, cipher_phone in model.objects.values_list(
            "id_number_cipher", "phone_cipher"
        ):
            values |= {pii.decrypt(c) for c in (cipher_id, cipher_phone) if c}
    return values


def every_get_answer(client, world) -> list[str]:
    """The text of every GET endpoint of the registry router, for every object of the world."""
    fill = {
        "compound_id": [c.pk for c in (world.wufuyuan, world.majiagou, world.guihuaxincun)],
        "unit_id": list(Unit.objects.values_list("pk", flat=True)),
        "resident_id": list(Resident.objects.values_list("pk", flat=True)),
    }
    answers = []
    for path, view in router.path_operations.items():
        if not any("GET" in op.methods for op in view.operations):
            continue
        params = [p[1:-1] for p in path.split("/") if p.startswith("{")]
        assert len(params) <= 1, path
        urls = (
            [path]
            if not params
            else [path.replace(f"{{{params[0]}}}", str(pk)) for pk in fill[params[0]]]
        )
        for url in urls:
            response = client.get(f"{API}{url}", {"limit": 200})
            assert response.status_code in {200, 404}, url
            answers.append(response.content.decode())
    return answers


@pytest.mark.parametrize("viewer", ["wang", "li", "zhang", "chen", "sun", "liu", "qian"])
def test_no_answer_contains_a_full_id_number_or_phone(world, login, viewer):
    numbers = full_numbers()
    assert make_id_number("19480312", male=False) in numbers and "13812345678" in numbers
    answers = every_get_answer(login(getattr(world, viewer)), world)
    text = "\n".join(answers)
    assert "**" in text  # masked numbers are there: the check is not vacuous
    for number in numbers:
        assert number not in text, f"{viewer} saw a full number"
    assert "cipher" not in text and "_index" not in text


def reveal(client, resident, field):
    return client.post(
        f"{API}/residents/{resident.pk}/reveal",
        {"field": field},
        content_type="application/json",
    )


def test_a_community_worker_reveals_a_number_and_it_is_logged(world, login):
    response = reveal(login(world.li), world.liu_guilan, "id_number")
    assert response.status_code == 200
    assert response.json() == {
        "resident_id": world.liu_guilan.pk,
        "field": "id_number",
        "value": make_id_number("19480312", male=False),
    }
    event = AuditEvent.objects.get(action="pii.reveal.id_number")
    assert (event.actor, event.object_id) == (world.li, str(world.liu_guilan.pk))
    assert event.changes == {"field": "id_number", "own": False}


def test_each_reveal_is_logged_again(world, login):
    client = login(world.zhang)
    for _ in range(3):
        assert reveal(client, world.zhao_dahai, "phone").json()["value"] == "13900001111"
    assert AuditEvent.objects.filter(action="pii.reveal.phone", actor=world.zhang).count() == 3


def test_a_resident_reveals_her_own_household_and_that_is_logged_as_own(world, login):
    response = reveal(login(world.liu), world.liu_xiaoming, "id_number")
    assert response.status_code == 200
    assert response.json()["value"] == pii.decrypt(world.liu_xiaoming.id_number_cipher)
    event = AuditEvent.objects.get(action="pii.reveal.id_number")
    assert event.actor == world.liu and event.changes["own"] is True


def test_revealing_an_empty_number_gives_an_empty_value(world, login):
    response = reveal(login(world.li), world.liu_xiaoming, "phone")
    assert response.status_code == 200 and response.json()["value"] == ""


@pytest.mark.parametrize(
    ("viewer", "resident"),
    [
        ("chen", "liu_guilan"),  # sees residents, may not reveal
        ("zhao", "liu_guilan"),
        ("sun", "liu_guilan"),
        ("zhou", "liu_guilan"),
        ("zhang", "sun_li"),  # the other grid
        ("qian", "liu_guilan"),  # another district
        ("liu", "zhao_dahai"),  # a neighbour, not her household
        ("nobody", "liu_guilan"),
    ],
)
def test_others_get_404_and_nothing_is_logged(world, login, viewer, resident):
    response = reveal(login(getattr(world, viewer)), getattr(world, resident), "id_number")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    assert not AuditEvent.objects.filter(action__startswith="pii.reveal").exists()


def test_only_the_two_numbers_can_be_revealed(world, login):
    client = login(world.li)
    for body in ({"field": "name"}, {"field": "id_number_cipher"}, {}, {"field": "phone", "x": 1}):
        response = client.post(
            f"{API}/residents/{world.liu_guilan.pk}/reveal",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 422, body
    assert not AuditEvent.objects.exists()


def test_numbers_written_through_the_api_are_stored_sealed_and_audited_masked(world, login):
    number = make_id_number("19560708", seq="90", male=False)
    response = login(world.li).post(
        f"{API}/households/{world.h2.pk}/residents",
        {"name": "赵阿姨", "id_number": number, "phone": "13900003333"},
        content_type="application/json",
    )
    assert response.status_code == 201
    text = response.content.decode()
    assert number not in text and "13900003333" not in text
    assert response.json()["id_number"] == number[:4] + "*" * 10 + number[-4:]
    resident = Resident.objects.get(pk=response.json()["id"])
    assert number not in resident.id_number_cipher
    assert pii.decrypt(resident.id_number_cipher) == number
    event = AuditEvent.objects.get(action="resident.create")
    assert number not in json.dumps(event.changes) and "13900003333" not in json.dumps(
        event.changes
    )


def test_the_portal_household_shows_only_masked_numbers(world, login):
    text = login(world.liu).get(f"{API}/me/household").content.decode()
    assert "5101**********" in text
    for number in full_numbers():
        assert number not in text
