"""Given a resident who speaks anonymously (匿名), when staff read anything of the voices and
meetings API, then no answer names her: not the voice, not its topic's voices or timeline, not
the grouping proposals. Phone and ID numbers typed into a voice never come back either. She
herself still follows her anonymous voice on the portal."""

import pytest

from laoyuan.core import pii
from laoyuan.registry.models import Resident
from laoyuan.voices import actions
from laoyuan.voices.models import Voice
from tests.voices.test_api_scope import CALLS, objects_of
from tests.voices.test_api_support import get, record, send

NAME = "刘桂兰"


def every_get_answer(client, objects: dict) -> str:
    """The text of every GET endpoint of both routers, on the objects given."""
    answers = []
    for (method, _path), call in CALLS.items():
        if method != "GET":
            continue
        url, _ = call(objects)
        status, answer = get(client, url, {"limit": 200} if "?" not in url else None)
        assert status == 200, url
        answers.append(str(answer))
    return "\n".join(answers)


def _anonymous_in_a_topic(world, login):
    objects = objects_of(world, world.wufuyuan)
    status, answer = send(
        login(world.liu),
        "POST",
        "/portal/voices",
        {
            "compound_id": world.wufuyuan.pk,
            "text": "路灯坏了，我晚上下楼摔了一跤",
            "anonymous": True,
            "building_id": world.b1.pk,
            "topic_id": objects["topic_a"].pk,
        },
    )
    assert status == 201 and answer["anonymous"] is True
    return objects, Voice.objects.get(pk=answer["id"])


def test_staff_never_see_who_said_an_anonymous_voice(world, login):
    objects, voice = _anonymous_in_a_topic(world, login)
    assert (voice.author, voice.resident) == (world.liu, world.liu_guilan)  # kept, for her
    for viewer in ("li", "wang", "zhang", "chen"):
        client = login(world.users[viewer])
        status, answer = get(client, f"/voices/{voice.pk}")
        assert status == 200
        assert (answer["who"], answer["resident_id"], answer["recorded_by"]) == ("匿名", None, None)
        text = every_get_answer(client, objects)
        assert voice.text_redacted in text  # her voice is there ...
        assert NAME not in text, viewer  # ... but not her name
        assert "'liu'" not in text


def test_her_step_in_the_timeline_is_unnamed(world, login):
    objects, voice = _anonymous_in_a_topic(world, login)
    events = get(login(world.li), f"/topics/{objects['topic_a'].pk}")[1]["events"]["items"]
    joined = [e for e in events if voice.pk in e["voice_ids"]]
    assert joined and all(e["actor"] is None for e in joined)
    # Staff steps keep their names.
    assert events[0]["actor"] == "李社工"


def test_a_named_voice_does_name_her_so_the_check_above_can_fail(world, login):
    objects = objects_of(world, world.wufuyuan)
    send(
        login(world.liu),
        "POST",
        "/portal/voices",
        {"compound_id": world.wufuyuan.pk, "text": "路灯坏了", "topic_id": objects["topic_a"].pk},
    )
    client = login(world.li)
    assert NAME in every_get_answer(client, objects)
    (voice,) = get(client, "/voices", {"q": "路灯坏了", "channel": "online"})[1]["items"]
    assert (voice["who"], voice["resident_id"]) == (NAME, world.liu_guilan.pk)


def test_a_worker_recording_anonymously_keeps_no_name(world, login):
    status, answer = send(
        login(world.li),
        "POST",
        "/voices",
        {
            "compound_id": world.wufuyuan.pk,
            "channel": "visit",
            "said_on": "2025-01-06",
            "entries": [{"text": "楼上噪音", "speaker_name": "赵大海", "anonymous": True}],
        },
    )
    assert status == 201 and answer[0]["who"] == "匿名"
    assert Voice.objects.get(pk=answer[0]["id"]).speaker_name == ""


def test_she_follows_her_anonymous_voice_on_the_portal(world, login):
    objects, voice = _anonymous_in_a_topic(world, login)
    actions.topic_transition(
        actor=world.li,
        topic=objects["topic_a"],
        to_state="answered",
        outcome=actions.Outcome(answer="路灯已更换"),
    )
    mine = get(login(world.liu), "/portal/voices")[1]["items"]
    assert [v["id"] for v in mine] == [voice.pk]
    assert mine[0]["anonymous"] is True and mine[0]["topic"]["answer"] == "路灯已更换"
    # Nobody else's portal lists it.
    assert get(login(world.li), "/portal/voices")[1]["count"] == 0


@pytest.mark.parametrize("viewer", ["li", "zhang", "chen", "liu"])
def test_no_answer_contains_a_full_phone_or_id_number(world, login, viewer):
    numbers = {
        pii.decrypt(c)
        for pair in Resident.objects.values_list("id_number_cipher", "phone_cipher")
        for c in pair
        if c
    }
    typed = " ".join(sorted(numbers))
    record(world, [f"有事找我 {typed} 路灯坏了"], speaker_name=f"王 {sorted(numbers)[0]}")
    objects = objects_of(world, world.wufuyuan)
    actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text=f"我的电话 {typed}", spot=typed[:90]
    )
    client = login(world.users[viewer])
    if viewer == "liu":
        text = str(get(client, "/portal/voices")[1])
        assert "[电话]" in text
    else:
        text = every_get_answer(client, objects)
        assert "[电话]" in text and "[证件号]" in text  # the numbers were there, redacted
    for number in numbers:
        assert number not in text, viewer
    assert "cipher" not in text and "_index" not in text
