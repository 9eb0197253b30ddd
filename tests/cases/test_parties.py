"""Given the registry of responsible parties, when street officials and community workers
register parties, their contacts and the accounts acting for them, then each manages only what
her place allows, phones are kept sealed and shown masked, every reveal is logged, and an
account added to a party sees its cases from then on."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.cases import actions, queries
from laoyuan.cases.models import Party, PartyContact
from laoyuan.core.models import AuditEvent
from tests.cases.helpers import open_case


def test_a_street_official_registers_a_utility_for_her_street(world, login):
    response = login(world.wang).post(
        "/cases/parties/new/",
        {
            "name": "国网锦江供电沙河服务站",
            "kind": "power",
            "street": world.shahe.pk,
            "serves": "",
            "aliases": "供电公司、电力公司",
            "service_phone": "95598",
        },
    )
    party = Party.objects.get(name="国网锦江供电沙河服务站")
    assert response.status_code == 302 and party.aliases == ["供电公司", "电力公司"]
    assert party.community is None and party.serves == "沙河街道"


def test_a_community_worker_registers_only_for_her_community(world):
    party = actions.party_create(
        actor=world.li,
        street=world.shahe,
        name="沙河社区居委会",
        kind="community",
        community=world.shahe_community,
    )
    assert party.community == world.shahe_community
    with pytest.raises(PermissionDenied):
        actions.party_create(actor=world.li, street=world.shahe, name="城管办", kind="department")
    with pytest.raises(PermissionDenied):
        actions.party_create(
            actor=world.li,
            street=world.shahe,
            name="东光物业",
            kind="property",
            community=world.dongguang_community,
        )


def test_two_parties_of_a_street_may_not_share_a_name(world, parties):
    with pytest.raises(ValidationError, match="同名"):
        actions.party_create(
            actor=world.wang, street=world.shahe, name="沙河街道城管办", kind="department"
        )


def test_a_contacts_phone_is_sealed_masked_and_revealed_with_a_log(world, parties, login):
    response = login(world.wang).post(
        f"/cases/parties/{parties.water.pk}/contacts/",
        {"name": "周调度", "post": "调度员", "phone": "13711112222"},
    )
    assert response.status_code == 302
    contact = PartyContact.objects.get(name="周调度")
    assert contact.phone_masked == "137****2222" and "13711112222" not in contact.phone_cipher
    page = login(world.li).get(f"/cases/parties/{parties.water.pk}/").content.decode()
    assert "137****2222" in page and "13711112222" not in page
    revealed = login(world.li).post(f"/cases/contacts/{contact.pk}/reveal/").content.decode()
    assert "13711112222" in revealed
    assert AuditEvent.objects.filter(
        action="pii.reveal.party_contact_phone", actor=world.li, object_id=str(contact.pk)
    ).exists()
    # the party's own staff see their colleagues masked, and may not reveal
    assert login(parties.shui).post(f"/cases/contacts/{contact.pk}/reveal/").status_code == 404


def test_an_account_added_to_a_party_sees_its_cases(world, parties, login):
    case = open_case(world, party=parties.chengguan)
    assert not queries.cases_for(world.zhou).filter(pk=case.pk).exists()
    response = login(world.wang).post(
        f"/cases/parties/{parties.chengguan.pk}/members/", {"username": "zhou"}
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    zhou = get_user_model().objects.get(username="zhou")
    assert list(queries.cases_for(zhou)) == [case]
    login(world.wang).post(
        f"/cases/parties/{parties.chengguan.pk}/members/", {"username": "zhou", "remove": "1"}
    )
    zhou = get_user_model().objects.get(username="zhou")
    assert not queries.cases_for(zhou).exists()
    response = login(world.wang).post(
        f"/cases/parties/{parties.chengguan.pk}/members/", {"username": "nosuchuser"}
    )
    assert response.status_code == 400 and "没有这个账号" in response.content.decode()


def test_a_retired_party_gets_no_new_cases(world, parties):
    actions.party_update(
        actor=world.wang,
        party=parties.chengguan,
        name="沙河街道城管办",
        kind="department",
        is_active=False,
    )
    case = open_case(world)
    with pytest.raises(ValidationError, match="不负责这个小区"):
        actions.case_dispatch(
            actor=world.li, case=case, party=Party.objects.get(pk=parties.chengguan.pk)
        )
