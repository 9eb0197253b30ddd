"""The admin shows voices, topics, meetings and decisions read only, with voices redacted."""

import pytest
from django.urls import reverse

from laoyuan.core.models import User
from tests.decisions.pages import record
from tests.scope_fills.meetings import meeting_in


@pytest.fixture
def admin_client(world, client):
    User.objects.create_superuser("root", password="pw-for-tests")
    client.login(username="root", password="pw-for-tests")
    return client


@pytest.mark.parametrize(
    "model",
    [
        "voices_voice",
        "voices_topic",
        "voices_topicevent",
        "voices_voicephoto",
        "voices_categorycorrection",
        "voices_streettaxonomy",
        "voices_voiceimport",
        "decisions_meeting",
        "decisions_decision",
    ],
)
def test_admin_lists_open_and_show_no_phone_numbers(admin_client, world, model):
    record(world, ["楼顶漏雨，打我电话13812345678"])
    meeting_in(world)
    listing = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    assert "13812345678" not in listing.content.decode()
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_a_voice_page_shows_only_the_redacted_text(admin_client, world):
    (voice,) = record(world, ["楼顶漏雨，打我电话13812345678"])
    page = admin_client.get(reverse("admin:voices_voice_change", args=[voice.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "楼顶漏雨" in html and "13812345678" not in html


def test_a_meeting_page_shows_its_attendees(admin_client, world):
    meeting = meeting_in(world)
    page = admin_client.get(reverse("admin:decisions_meeting_change", args=[meeting.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "李社工" in html


@pytest.mark.parametrize("model", ["decisions_vote", "decisions_ballot", "decisions_ruleset"])
def test_the_vote_admin_lists_and_only_rule_sets_are_edited(admin_client, world, model):
    from tests.scope_fills.votes import ballot_in

    ballot_in(world)
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    expected = 200 if model == "decisions_ruleset" else 403
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == expected
