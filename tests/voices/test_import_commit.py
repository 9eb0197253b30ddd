"""Committing a voice import: all valid voices or none, classified, audited; re-running the
same file creates nothing new; the caller's phone of a 12345 export is never stored in clear."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from laoyuan.core.models import AuditEvent
from laoyuan.voices.importing import actions
from laoyuan.voices.models import ImportStatus, Voice
from tests.voices.import_files import (
    CALLER_PHONE,
    answer,
    case,
    hotline_xlsx,
    import_file,
    xlsx_bytes,
)


def test_a_commit_records_every_valid_voice_with_its_batch_and_category(world):
    # given a questionnaire with two valid answers and one bad row
    data = xlsx_bytes([answer(), answer(姓名="李阿姨", 是否匿名="是"), answer(楼栋="9")])
    # when li imports it for the 2024 spring round
    batch = import_file(world.li, world.wufuyuan, data, occasion="2024年春季问卷")
    # then the two voices are recorded, categorised, in the batch; the anonymous one nameless
    assert (batch.status, batch.done_create) == (ImportStatus.COMMITTED, 2)
    voices = list(Voice.objects.filter(import_batch=batch).order_by("id"))
    assert [v.speaker_name for v in voices] == ["王大爷", ""]
    assert voices[1].anonymous
    assert all(v.category and v.occasion == "2024年春季问卷" for v in voices)
    assert all(v.recorded_by == world.li and v.compound == world.wufuyuan for v in voices)
    assert AuditEvent.objects.filter(action="voice_import.commit", actor=world.li).exists()


def test_the_same_questionnaire_twice_creates_nothing_new(world):
    # given a questionnaire already imported
    data = xlsx_bytes([answer(), answer(姓名="李阿姨"), answer(姓名="", 意见内容="楼道灯坏了")])
    first = import_file(world.li, world.wufuyuan, data)
    # when li uploads the same file again
    again = import_file(world.li, world.wufuyuan, data, commit=False)
    # then the preview counts every row as already imported and there is nothing to commit
    assert first.done_create == 3
    assert (again.rows_valid, again.rows_already) == (0, 3)
    assert actions.layout(again)["voices_new"] == 0
    assert not actions.voice_import_request_commit(actor=world.li, batch=again)
    assert Voice.objects.count() == 3


def test_two_identical_anonymous_answers_stay_two_voices(world):
    # given two respondents who wrote the same words on the same day, without names
    same = answer(姓名="", 是否匿名="是", 意见内容="希望加装电梯")
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([same, same]))
    # then both are voices (two people said it)
    assert batch.done_create == 2


def test_a_hotline_export_run_again_with_a_new_case_adds_only_the_new_one(world):
    # given a 12345 export imported once
    import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case("C1"), case("C2")]),
        kind="hotline",
        name="a.xlsx",
    )
    # when next week's export repeats those cases and adds one
    batch = import_file(
        world.li,
        world.wufuyuan,
        hotline_xlsx([case("C1"), case("C2"), case("C3", 诉求内容="2栋屋顶漏雨")]),
        kind="hotline",
        name="b.xlsx",
    )
    # then only the new case is recorded
    assert (batch.rows_already, batch.done_create) == (2, 1)
    assert sorted(Voice.objects.values_list("external_ref", flat=True)) == ["C1", "C2", "C3"]


def test_the_commit_checks_the_file_again_against_the_compound_as_it_is_now(world):
    # given a previewed batch, and meanwhile a building it names was renumbered
    data = xlsx_bytes([answer(), answer(楼栋="2栋", 姓名="赵师傅")])
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    assert actions.voice_import_request_commit(actor=world.li, batch=batch)
    world.b2.number = "22"
    world.b2.save()
    # when the commit runs
    batch = actions.voice_import_commit(batch_id=batch.pk)
    # then only the row still valid is recorded, and the result says so
    assert (batch.status, batch.done_create) == (ImportStatus.COMMITTED, 1)
    assert list(Voice.objects.values_list("speaker_name", flat=True)) == ["王大爷"]
    audit = AuditEvent.objects.get(action="voice_import.commit")
    assert audit.changes["rows_rejected"] == 1


def test_the_callers_phone_is_never_stored_in_clear(world):
    # given a 12345 export whose phone column and text carry the caller's number
    data = hotline_xlsx(
        [case("P1"), case("", 联系电话=CALLER_PHONE)]  # the second row is rejected
    )
    # when li imports it
    batch = import_file(world.li, world.wufuyuan, data, kind="hotline", name="12345.xlsx")
    assert batch.done_create == 1
    # then no text column of any table holds the digits
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s',
                    [f"%{CALLER_PHONE}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    assert found == []
    voice = Voice.objects.get()
    assert "[电话]" in voice.text_redacted and voice.speaker_name == "张女士"


def test_importing_needs_the_permission_on_the_compound(world):
    # given the grid worker zhang (may record voices, may not import) and qian (other district)
    for outsider in (world.zhang, world.qian):
        with pytest.raises(PermissionDenied):
            actions.voice_import_create(
                actor=outsider,
                compound=world.wufuyuan,
                kind="questionnaire",
                file=io.BytesIO(xlsx_bytes([answer()])),
                name="问卷.xlsx",
                said_on=dt.date(2024, 5, 3),
            )


def test_a_batch_cannot_be_committed_twice(world):
    # given a committed batch
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([answer()]))
    # when it is asked to commit again
    assert not actions.voice_import_request_commit(actor=world.li, batch=batch)
    assert actions.voice_import_commit(batch_id=batch.pk).status == ImportStatus.COMMITTED
    # then there is still one voice
    assert Voice.objects.count() == 1
