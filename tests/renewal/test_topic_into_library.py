"""Given residents' voices grouped into a topic and decided, when the topic moves to "已入项目库"
(from the topic page, the API or a project's page), then it lands in the project library: in a
new project made from it, or in the project named; its authors are told; and a resident can
trace her own voice from "我的意见" to the project and where it stands."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laoyuan.core.models import Notification
from laoyuan.renewal import actions
from laoyuan.renewal.models import Project, ProjectEvent
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import TopicEvent, TopicState
from tests.renewal import given


def _to_library(world, topic, **extra):
    return voice_actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.PROJECT,
        outcome=voice_actions.Outcome(note="列入改造项目库", extra=extra),
    )


def test_a_topic_moved_to_the_library_becomes_a_proposed_project(world):
    topic = given.topic(world)
    _to_library(world, topic)
    project = Project.objects.get(topics=topic)
    assert (project.title, project.state, project.item_type, project.renewal_class) == (
        "雨污管网改造",
        "proposed",
        "drainage",  # the topic's category asks for drainage (排水与化粪池)
        "basic",
    )
    assert project.compound == world.wufuyuan and project.description == "纳入改造"
    created = ProjectEvent.objects.get(project=project, kind="created")
    assert created.data == {"topic": topic.pk}


def test_a_topic_may_join_a_project_already_in_the_library(world):
    project = given.project(world)
    topic = given.topic(world)
    _to_library(world, topic, project=project.pk)
    assert list(project.topics.all()) == [topic]
    assert Project.objects.count() == 1
    assert TopicEvent.objects.filter(topic=topic, to_state="project").get().data == {
        "project": project.pk
    }


def test_a_topic_cannot_join_a_project_of_another_compound(world):
    elsewhere = given.project(world, compound=world.majiagou)
    topic = given.topic(world)
    with pytest.raises(ValidationError):
        _to_library(world, topic, project=elsewhere.pk)
    topic.refresh_from_db()
    assert topic.state == TopicState.DECIDED  # nothing half-done


def test_linking_from_the_project_moves_decided_topics_and_refuses_open_ones(world):
    project = given.project(world)
    decided = given.topic(world)
    still_open = given.topic(world, ["路灯不亮"], state=TopicState.OPEN)
    with pytest.raises(ValidationError, match="须先作出决定"):
        actions.project_link_topics(actor=world.li, project=project, topics=[decided, still_open])
    actions.project_link_topics(actor=world.li, project=project, topics=[decided])
    decided.refresh_from_db()
    assert decided.state == TopicState.PROJECT
    assert list(project.topics.all()) == [decided]


def test_a_resident_traces_her_voice_to_the_project_and_hears_of_each_step(world, login):
    # given liu said something on her phone, and it was decided and put in the library
    voice = voice_actions.voice_submit(
        actor=world.liu, compound=world.wufuyuan, text="下水道老是堵"
    )
    topic = voice_actions.topic_create(actor=world.li, voices=[voice], title="下水道堵塞")
    voice_actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state="decided",
        outcome=voice_actions.Outcome(decision="纳入雨污分流改造"),
    )
    _to_library(world, topic)
    project = Project.objects.get(topics=topic)
    given.advance(world, project, "consulted")
    # when she opens "我的意见"
    page = login(world.liu).get(reverse("voices:portal_voices")).content.decode()
    # then the project and its state are there, linked to its page
    assert reverse("renewal:portal_project", args=[project.pk]) in page
    assert "已征求意见" in page
    # and she was told when it moved on
    assert Notification.objects.filter(
        user=world.liu, title__contains="所在的改造项目“下水道堵塞”：已征求意见"
    ).exists()
    detail = login(world.liu).get(reverse("renewal:portal_project", args=[project.pk]))
    assert "其中1条是您提的" in detail.content.decode()
