"""Given cases of several parties, when the staff of a party (责任单位人员) look at cases, then
they see the cases assigned to their party and nothing else — not other parties' cases, not a
case after they transferred it away, not the registry or the residents' voices — exactly as if
the rest did not exist; and they get what they need of the reporter (a name as written, a
masked phone, revealed on a logged click), never her resident record."""

from laoyuan.cases import actions, queries
from laoyuan.cases.models import Case
from laoyuan.core.models import AuditEvent
from laoyuan.core.scopes import has_permission, visible
from laoyuan.registry.models import Compound, Resident
from tests.cases.helpers import fresh, get, open_case


def test_party_staff_see_only_the_cases_of_their_party(world, parties, login):
    mine = open_case(world, party=parties.water)
    theirs = open_case(world, party=parties.property)
    waiting = open_case(world)
    assert list(queries.cases_for(parties.shui)) == [mine]
    client = login(parties.shui)
    assert client.get(f"/cases/{mine.pk}/").status_code == 200
    for other in (theirs, waiting):
        assert client.get(f"/cases/{other.pk}/").status_code == 404
        assert get(client, f"/cases/{other.pk}")[0] == 404
    status, listed = get(client, "/cases")
    assert status == 200 and [c["id"] for c in listed["items"]] == [mine.pk]


def test_a_party_that_transferred_a_case_no_longer_sees_it(world, parties, login):
    case = open_case(world, party=parties.water)
    actions.case_transfer(actor=parties.shui, case=case, party=parties.property, reason="楼内管道")
    assert login(parties.shui).get(f"/cases/{case.pk}/").status_code == 404
    assert login(world.sun).get(f"/cases/{case.pk}/").status_code == 200


def test_party_staff_see_nothing_of_the_registry_or_the_voices(world, parties, login):
    shui = parties.shui
    assert not visible(shui, Resident).exists() and not visible(shui, Compound).exists()
    assert not has_permission(shui, "registry.view") and not has_permission(shui, "voices.view")
    client = login(shui)
    assert client.get("/").url == "/cases/"
    for url in ("/workspace/", "/topics/", "/voices/", f"/residents/{world.liu_guilan.pk}/"):
        assert client.get(url).status_code in (302, 404), url
    assert client.get("/cases/board/").status_code == 404
    assert client.get("/cases/stats/").status_code == 404


def test_the_party_sees_the_reporters_name_and_masked_phone_not_her_record(world, parties, login):
    case = actions.case_submit(
        actor=world.liu,
        compound=world.wufuyuan,
        category=Case._meta.get_field("category").related_model.objects.get(code="pipe.water"),
        description="家里没水了",
        phone="13812345678",
    )
    actions.case_dispatch(actor=world.li, case=case, party=parties.water)
    page = login(parties.shui).get(f"/cases/{case.pk}/").content.decode()
    assert "刘桂兰" in page and "138****5678" in page and "13812345678" not in page
    assert f"/residents/{world.liu_guilan.pk}/" not in page
    staff = login(world.li).get(f"/cases/{case.pk}/").content.decode()
    assert f"/residents/{world.liu_guilan.pk}/" in staff
    # when the party reveals the phone to call her back: shown once and logged
    revealed = login(parties.shui).post(f"/cases/{case.pk}/reveal/").content.decode()
    assert "13812345678" in revealed
    log = AuditEvent.objects.get(action="pii.reveal.case_reporter_phone")
    assert log.actor == parties.shui and log.object_id == str(case.pk)


def test_a_party_of_another_street_sees_nothing_here(world, parties, login):
    case = open_case(world, party=parties.water)
    assert login(parties.gui).get(f"/cases/{case.pk}/").status_code == 404
    assert not queries.cases_for(parties.gui).exists()
    assert fresh(case).party == parties.water
