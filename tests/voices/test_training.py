"""Retraining a street's classifier from its own confirmed and corrected voices: the task behind
the taxonomy page's button and `laoyuan voices train --street`. With too few labels the street
keeps its model and is told why; with enough, a new model is saved and used."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from laoyuan.core.models import AuditEvent
from laoyuan.voices import actions, services, training
from laoyuan.voices.models import Channel

# Two concerns the starter model knows, phrased the way residents say them.
LEAKS = [f"{n}栋顶楼下雨就漏水，天花板都泡烂了" for n in range(1, 16)]
LAMPS = [f"{n}号路口的路灯坏了，晚上出门黑黢黢的" for n in range(1, 16)]


@pytest.fixture(autouse=True)
def no_street_models(world):
    """Model files live on disk under VAR_DIR, beyond the database's rollback."""

    def clear():
        for street in (world.shahe, world.canglang):
            services.model_path(street.pk).unlink(missing_ok=True)
            training.status_path(street.pk).unlink(missing_ok=True)

    clear()
    yield
    clear()


def label(world, texts: list[str], category: str) -> None:
    """Record the texts at 五福苑 and have li set their category (confirm or correct)."""
    voices = actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel=Channel.EVENING_TALK,
        said_on=dt.date.today(),
        entries=[actions.VoiceEntry(text=t) for t in texts],
    )
    for voice in voices:
        actions.voice_set_category(actor=world.li, voice=voice, category=category)


def run(*args: str) -> str:
    out = StringIO()
    call_command("voices", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_with_too_few_labels_the_street_keeps_its_model_and_says_why(world):
    # given three corrected voices
    label(world, LEAKS[:3], "房屋本体")
    # when the street's classifier is retrained
    status = training.train_street(street_id=world.shahe.pk)
    # then nothing is saved, and the notes say how many labels there are and how many it needs
    assert status.fallback and not status.saved
    assert status.own_labels == 3
    assert "只有3条" in " ".join(status.notes) and "20" in " ".join(status.notes)
    assert not services.model_path(world.shahe.pk).exists()
    assert training.training_status(world.shahe.pk).notes == status.notes


def test_with_enough_labels_a_street_model_is_saved_and_used(world):
    # given 30 confirmed or corrected voices in 沙河街道
    label(world, LEAKS, "房屋本体")
    label(world, LAMPS, "安防消防")  # the street files street lamps under safety
    # when the street's classifier is retrained (the starter set included)
    status = training.train_street(street_id=world.shahe.pk, by="wang")
    # then the model is saved where the street's classifier is looked for, with its figures
    assert status.saved and not status.fallback
    assert status.own_labels == 30 and status.starter_labels > 300
    assert 0 < status.macro_f1 <= 1 and status.model_at == status.at
    classifier = services.classifier_for(world.shahe.pk)
    assert classifier.n_labelled == status.model_labels
    # and another street still has the starter model
    assert not services.model_path(world.canglang.pk).exists()


def test_a_voice_corrected_twice_counts_once_as_last_corrected(world):
    label(world, LEAKS[:1], "房屋本体")
    (voice,) = list(world.wufuyuan.voices.all())
    actions.voice_set_category(actor=world.li, voice=voice, category="管网")
    assert training.street_labels(world.shahe.pk) == [(voice.text_redacted, "管网")]
    assert training.street_labels(world.canglang.pk) == []


def test_a_fallback_after_a_trained_model_keeps_the_model_and_its_figures(world):
    label(world, LEAKS, "房屋本体")
    label(world, LAMPS, "安防消防")
    trained = training.train_street(street_id=world.shahe.pk)
    # when retrained without the starter set (30 labels are too few for a model alone)
    again = training.train_street(street_id=world.shahe.pk, with_starter=False)
    # then the rules fallback is not saved over the street's model
    assert again.fallback and not again.saved
    assert "太少" in " ".join(again.notes)
    assert services.model_path(world.shahe.pk).exists()
    assert (again.model_at, again.model_f1) == (trained.model_at, trained.model_f1)


def test_the_retrain_request_is_audited_and_runs_the_task(world):
    label(world, LEAKS[:2], "房屋本体")
    training.retrain_request(actor=world.wang, street=world.shahe)
    # tests run tasks immediately: the outcome is there at once
    status = training.training_status(world.shahe.pk)
    assert status.state == "done" and status.fallback and status.by == str(world.wang)
    assert AuditEvent.objects.filter(action="voices.retrain_request").count() == 1


@pytest.mark.parametrize("who", ["li", "qian", "liu"])
def test_only_the_street_official_may_ask_for_retraining(world, who):
    with pytest.raises(PermissionDenied):
        training.retrain_request(actor=world.users[who], street=world.shahe)
    assert training.training_status(world.shahe.pk) is None


def test_the_command_trains_a_street_from_the_database(world):
    label(world, LEAKS, "房屋本体")
    label(world, LAMPS, "安防消防")
    output = run("train", "--street", str(world.shahe.pk))
    assert "人工确认或更正的意见30条" in output
    assert "宏平均 F1" in output and "模型已保存" in output
    assert services.model_path(world.shahe.pk).exists()
    assert training.training_status(world.shahe.pk).by == "manage.py"


def test_the_command_falls_back_with_too_few_labels(world):
    label(world, LEAKS[:4], "房屋本体")
    output = run("train", "--street", str(world.shahe.pk))
    assert "只有4条" in output and "继续使用现有模型" in output
    assert not services.model_path(world.shahe.pk).exists()


def test_the_command_without_the_starter_set_falls_back_to_the_keyword_rules(world):
    label(world, LEAKS, "房屋本体")
    label(world, LAMPS, "安防消防")
    output = run("train", "--street", str(world.shahe.pk), "--without-starter")
    assert "关键词规则" in output and "未训练新模型" in output
    assert not services.model_path(world.shahe.pk).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--street", "999999"], "没有编号为 999999 的街道"),
        (["train", "--street", "1", "some.csv"], "不要同时给出文件"),
        (["train", "--without-starter", "x.csv", "--text-col", "a"], "只能和 --street 一起用"),
        (["train", "x.csv", "--text-col", "a"], "--label-col"),
        (["train"], "FILE"),
    ],
)
def test_the_command_explains_bad_arguments(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
