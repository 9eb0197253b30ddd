"""`laoyuan verify-votes` finds every row of a vote's records changed, inserted or deleted behind
the system's back: given a counted vote, when its rows are edited with raw SQL (the way someone
with database access would), then the command names what changed and exits with status 1."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from laoyuan.decisions.votes import chain
from laoyuan.decisions.votes.models import Ballot, Matter, RollUnit, VoteEvent, VotingPerson
from laoyuan.decisions.votes.verification import verify
from tests.votes import helpers as h


@pytest.fixture
def counted(world):
    c = world.wufuyuan
    u = h.units(
        c, "5", [("101", "60.00", ["甲"]), ("102", "40.00", ["乙"]), ("201", "50.00", ["丙"])]
    )
    vote = h.open_vote(world, Matter.MANAGER, buildings=[h.building(c, "5")])
    h.paper(world, vote, u[0], "甲", "yes", number="V-1")
    h.paper(world, vote, u[1], "乙", "no", number="V-2")
    h.paper(world, vote, u[2], "丙", "yes", number="V-3")
    return h.close(world, vote)


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-votes", *[str(a) for a in args], stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def table(model) -> str:
    return model._meta.db_table


def test_an_untouched_vote_verifies(counted):
    status, text = run(counted.pk)
    assert status == 0
    assert "正常，6 条记录" in text and "0 次有问题" in text


def test_a_ballots_choice_changed_in_the_database_is_found(counted):
    ballot = Ballot.objects.get(vote=counted, ballot_number="V-2")
    sql(f"UPDATE {table(Ballot)} SET choice = 'yes' WHERE id = %s", ballot.pk)
    status, text = run(counted.pk)
    assert status == 1
    assert f"第{ballot.seq}条表决票（编号{ballot.pk}）的内容被改动过" in text


def test_a_counted_choice_flipped_behind_the_chain_is_found(counted):
    person = VotingPerson.objects.get(vote=counted, label="乙")
    sql(f"UPDATE {table(VotingPerson)} SET counted_choice = 'yes' WHERE id = %s", person.pk)
    status, text = run(counted.pk)
    assert status == 1
    assert f"第{person.number}号表决权人计入的票与表决票记录不符" in text
    assert "现在的计票结果与结束时封存的结果不符" in text


def test_a_deleted_ballot_is_found(counted):
    ballot = Ballot.objects.get(vote=counted, ballot_number="V-1")
    sql(
        f"UPDATE {table(VotingPerson)} SET counted_ballot_id = NULL WHERE counted_ballot_id = %s",
        ballot.pk,
    )
    sql(f"DELETE FROM {table(Ballot)} WHERE id = %s", ballot.pk)
    status, text = run(counted.pk)
    assert status == 1
    assert f"第{ballot.seq}条记录不见了（被删除）" in text


def test_a_deleted_last_row_is_found(counted):
    closing = VoteEvent.objects.get(vote=counted, kind="closed")
    sql(f"DELETE FROM {table(VoteEvent)} WHERE id = %s", closing.pk)
    status, text = run(counted.pk)
    assert status == 1
    assert f"最后的第{closing.seq}至{closing.seq}条记录不见了（被删除）" in text


def test_an_inserted_ballot_is_found(counted):
    # Someone copies a ballot row into the chain's next place, with a made-up hash.
    ballot = Ballot.objects.get(vote=counted, ballot_number="V-3")
    sql(
        f"INSERT INTO {table(Ballot)} (vote_id, seq, at, prev_hash, hash, person_id, owner_id,"
        " choice, channel, ballot_number, scan, scan_sha256, cast_by_id)"
        f" SELECT vote_id, {counted.chain_length + 1}, at, %s, %s, person_id, owner_id, 'yes',"
        f" channel, 'V-9', scan, scan_sha256, cast_by_id FROM {table(Ballot)} WHERE id = %s",
        counted.chain_head,
        "f" * 64,
        ballot.pk,
    )
    problems = [p.message for p in verify(counted)]
    assert any("内容被改动过" in m for m in problems)
    assert any("链尾与记录不符" in m for m in problems)


def test_an_area_changed_on_the_frozen_roll_is_found(counted):
    unit = RollUnit.objects.filter(vote=counted).order_by("position").first()
    sql(f"UPDATE {table(RollUnit)} SET area_cents = 9900 WHERE id = %s", unit.pk)
    status, text = run(counted.pk)
    assert status == 1
    assert "开始投票后，表决名册（房屋、面积、业主）被改动过" in text


def test_a_row_resealed_without_the_key_still_fails(counted):
    # A forger recomputes a plain SHA-256 over the row: the chain is keyed, so it does not fit.
    import hashlib
    import json

    ballot = Ballot.objects.get(vote=counted, ballot_number="V-2")
    ballot.choice = "yes"
    content = json.dumps(chain.content_of(ballot), sort_keys=True, ensure_ascii=False)
    forged = hashlib.sha256(f"{ballot.prev_hash}\n{content}".encode()).hexdigest()
    sql(f"UPDATE {table(Ballot)} SET choice = 'yes', hash = %s WHERE id = %s", forged, ballot.pk)
    assert any("内容被改动过" in p.message for p in verify(counted))


def test_an_unknown_vote_is_an_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到这些表决"):
        call_command("verify-votes", "999999")
