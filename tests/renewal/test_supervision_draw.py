"""Given residents who volunteered to supervise a project, when the supervision group is drawn
in public, then the seed, the witnesses and every candidate's key are recorded, the members are
those with the smallest SHA-256 keys of "seed:number", and anyone running the draw again with
the same seed and list gets the same members; a resident may volunteer once, from her phone."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laoyuan.renewal import actions
from laoyuan.renewal.draw import run_draw
from laoyuan.renewal.models import GroupMember
from tests.renewal import given


@pytest.fixture
def volunteers(world):
    project = given.project(world)
    made = [
        actions.volunteer_add(
            actor=world.li,
            project=project,
            resident=given.resident(world, world.wufuyuan, f"志愿者{i}"),
        )
        for i in range(7)
    ]
    return project, made


def test_the_draw_is_recorded_and_can_be_run_again_by_anyone(world, volunteers):
    project, made = volunteers
    group = actions.group_draw(
        actor=world.li,
        project=project,
        seats=3,
        seed="2026-05-12 福彩3D 4 1 7",
        witnesses="社区党委书记陈德明、业主代表赵国强",
        formed_on=given.TODAY,
    )
    # every candidate's key is the SHA-256 of "seed:number", recorded with the result
    for row in group.draw:
        expected = hashlib.sha256(f"2026-05-12 福彩3D 4 1 7:{row['number']}".encode()).hexdigest()
        assert row["key"] == expected
    chosen = sorted(group.draw, key=lambda r: r["key"])[:3]
    members = set(
        GroupMember.objects.filter(group=group).values_list("volunteer__number", flat=True)
    )
    assert members == {r["number"] for r in chosen}
    # anyone with the seed and the list of numbers gets the same members
    again = run_draw(group.seed, [v.number for v in made], 3)
    assert {t.number for t in again if t.chosen} == members
    assert group.witnesses.startswith("社区党委书记")


def test_a_draw_with_as_many_seats_as_volunteers_is_refused(world, volunteers):
    project, _made = volunteers
    with pytest.raises(ValidationError, match="无须抽签，请直接推选"):
        actions.group_draw(
            actor=world.li,
            project=project,
            seats=7,
            seed="1",
            witnesses="甲",
            formed_on=given.TODAY,
        )


def test_a_group_is_formed_once(world, volunteers):
    project, made = volunteers
    actions.group_elect(
        actor=world.li, project=project, volunteers=made[:3], leader=made[0], formed_on=given.TODAY
    )
    with pytest.raises(ValidationError, match="已经成立"):
        actions.group_draw(
            actor=world.li,
            project=project,
            seats=2,
            seed="1",
            witnesses="甲",
            formed_on=given.TODAY,
        )


def test_a_resident_volunteers_from_her_phone_once_and_gets_her_number(world):
    project = given.project(world)
    first = actions.volunteer_signup(actor=world.liu, project=project)
    assert (first.number, first.resident, first.via) == (1, world.liu_guilan, "portal")
    with pytest.raises(ValidationError, match="已经报名了"):
        actions.volunteer_signup(actor=world.liu, project=project)


def test_a_resident_of_another_compound_cannot_volunteer(world):
    project = given.project(world, compound=world.majiagou)
    with pytest.raises(PermissionDenied):
        actions.volunteer_signup(actor=world.liu, project=project)
    with pytest.raises(ValidationError, match="只有本小区在住的居民"):
        actions.volunteer_add(actor=world.li, project=project, resident=world.zhao_dahai)
