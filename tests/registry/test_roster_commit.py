"""Preview, then commit: the preview writes nothing; the commit writes every valid row and no
bad one, creating buildings, entrances, units, households, grids, owners and ownerships as
needed, all or nothing, with one audit row per preview and per commit."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection

from laoyuan.core import pii
from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import (
    Building,
    Entrance,
    Grid,
    Household,
    ImportBatch,
    ImportRowError,
    ImportStatus,
    Owner,
    Ownership,
    Resident,
    Unit,
)
from laoyuan.registry.roster import actions
from tests.registry.roster_files import (
    LIU_ID,
    TENANT_ID,
    WANG_ID,
    WANG_WIFE_ID,
    import_file,
    person,
    xlsx_bytes,
)

WIFE = {"姓名": "李淑芬", "性别": "女", "出生日期": "1955-06-06", "身份证号": WANG_WIFE_ID}


def roster() -> bytes:
    """Building 3 is new; one row is bad; 刘桂兰 (1-1-101) is already registered."""
    return xlsx_bytes(
        [
            person(楼栋="3", 网格="三网格"),
            person(楼栋="3", 与户主关系="配偶", 网格="三网格", **WIFE),
            person(
                楼栋="3",
                房号="302",
                姓名="周小雨",
                性别="",
                出生日期="",
                身份证号=TENANT_ID,
                居住类型="租户",
                党员="",
                网格="三网格",
                联系电话="",
            ),
            person(楼栋="3", 房号="303", 姓名="坏数据", 身份证号=WANG_ID[:17] + "0"),
            person(
                楼栋="1",
                单元="1",
                房号="101",
                建筑面积="65.40",
                姓名="刘桂兰",
                性别="女",
                出生日期="1948-03-12",
                身份证号=LIU_ID,
                联系电话="13812345678",
                网格="一网格",
                党员="",
            ),
        ],
        title="五福苑居民花名册",
    )


def test_the_preview_counts_what_a_commit_would_do_and_writes_nothing(world):
    residents, units = Resident.objects.count(), Unit.objects.count()
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    assert batch.status == ImportStatus.PREVIEWED
    assert (batch.rows_read, batch.rows_valid, batch.rows_rejected, batch.rows_duplicate) == (
        5,
        4,
        1,
        0,
    )
    assert (batch.plan_create, batch.plan_update, batch.plan_unchanged) == (3, 0, 1)
    details = batch.plan_details
    assert {k: details[k] for k in ("buildings", "entrances", "units", "households", "grids")} == {
        "buildings": 1,
        "entrances": 1,
        "units": 2,
        "households": 2,
        "grids": 1,
    }
    assert (details["owners_create"], details["ownerships"]) == (2, 2)
    (error,) = ImportRowError.objects.filter(batch=batch)
    assert error.row_number == 6  # title row 1, header row 2, data from row 3
    assert (Resident.objects.count(), Unit.objects.count()) == (residents, units)
    assert not Building.objects.filter(number="3").exists()


def test_the_commit_writes_the_valid_rows_and_creates_the_places_they_need(world):
    batch = import_file(world.li, world.wufuyuan, roster())
    assert batch.status == ImportStatus.COMMITTED
    assert (batch.done_create, batch.done_update, batch.done_unchanged) == (3, 0, 1)
    assert batch.committed_by == world.li and batch.committed_at is not None

    building = Building.objects.get(compound=world.wufuyuan, number="3")
    entrance = Entrance.objects.get(building=building, number="1")
    unit = Unit.objects.get(building=building, entrance=entrance, room_number="301")
    assert (unit.area, unit.area_source, unit.floor, unit.compound) == (
        Decimal("70.00"),
        "register",
        3,
        world.wufuyuan,
    )
    grid = Grid.objects.get(compound=world.wufuyuan, name="三网格")
    household = Household.objects.get(unit=unit)
    assert (household.grid, household.building, household.compound) == (
        grid,
        building,
        world.wufuyuan,
    )
    wang = Resident.objects.get(id_number_index=pii.blind_index("id", WANG_ID))
    assert (wang.household, wang.name, wang.sex, str(wang.birth_date)) == (
        household,
        "王建国",
        "M",
        "1952-01-01",
    )
    assert (wang.relation, wang.tenure, wang.party_member, wang.lives_alone) == (
        "head",
        "owner",
        True,
        False,
    )
    # personal data sealed three ways, like a resident typed in by hand
    assert pii.decrypt(wang.id_number_cipher) == WANG_ID
    assert wang.id_number_masked == pii.mask_id_number(WANG_ID)
    assert pii.decrypt(wang.phone_cipher) == "13911112222" and wang.phone_masked == "139****2222"
    tenant = Resident.objects.get(name="周小雨")
    assert (tenant.sex, str(tenant.birth_date), tenant.phone_masked) == ("F", "1992-09-09", "")
    # the bad row did not slip in
    assert not Resident.objects.filter(name="坏数据").exists()
    assert not Unit.objects.filter(building=building, room_number="303").exists()


def test_owner_rows_create_owners_and_ownerships_with_co_owners_and_one_owner_of_two_units(world):
    data = xlsx_bytes(
        [
            person(),  # 王建国, owner of 301
            person(与户主关系="配偶", **WIFE),  # 李淑芬, co-owner of 301
            person(房号="302", 与户主关系="户主", 居住类型="业主", 建筑面积="50"),  # 王建国 again
            person(
                房号="302",
                姓名="周小雨",
                性别="女",
                出生日期="",
                身份证号=TENANT_ID,
                居住类型="租户",
            ),
        ]
    )
    import_file(world.li, world.wufuyuan, data)
    wang = Owner.objects.get(id_number_index=pii.blind_index("id", WANG_ID))
    wife = Owner.objects.get(id_number_index=pii.blind_index("id", WANG_WIFE_ID))
    assert Owner.objects.filter(compound=world.wufuyuan, name="王建国").count() == 1
    assert sorted(o.unit.room_number for o in Ownership.objects.filter(owner=wang)) == [
        "301",
        "302",
    ]
    assert [o.unit.room_number for o in Ownership.objects.filter(owner=wife)] == ["301"]
    unit_301 = Unit.objects.get(building=world.b1, room_number="301")
    assert Ownership.objects.filter(unit=unit_301).count() == 2  # co-owners
    assert wang.id_number_masked == pii.mask_id_number(WANG_ID) and wang.phone_masked
    assert wang.resident.name == "王建国" and wife.resident.name == "李淑芬"
    assert not Owner.objects.filter(name="周小雨").exists()  # tenants are not owners


def test_an_existing_owner_is_found_by_id_number_and_not_duplicated(world):
    row = person(
        单元="1",
        房号="102",
        姓名="刘桂兰",
        性别="女",
        出生日期="",
        身份证号=LIU_ID,
        居住类型="业主",
    )
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([row]))
    assert batch.done_details["owners_create"] == 0
    assert Owner.objects.filter(compound=world.wufuyuan, name="刘桂兰").count() == 1
    assert sorted(o.unit_id for o in world.owner_liu.ownerships.all()) == sorted(
        [world.u101.pk, world.u102.pk]
    )


def test_a_row_without_entrance_finds_the_buildings_only_unit_with_that_room(world):
    headers = ("楼栋", "房号", "姓名", "身份证号", "建筑面积")
    row = {"楼栋": "1", "房号": "102", "姓名": "赵大海", "身份证号": world_id("19700101", "56")}
    row["建筑面积"] = "58.75"
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([row], headers=headers))
    assert (batch.done_create, batch.done_update, batch.done_unchanged) == (0, 0, 1)
    assert batch.done_details["units"] == 0


def world_id(birth: str, seq: str, male: bool = True) -> str:
    from tests.cast import make_id_number

    return make_id_number(birth, seq=seq, male=male)


def test_a_changed_area_is_updated_and_recorded(world):
    row = person(
        单元="1",
        房号="101",
        建筑面积="66.10㎡",
        姓名="刘桂兰",
        性别="女",
        出生日期="",
        身份证号=LIU_ID,
    )
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([row]), commit=False)
    assert batch.plan_details["areas_changed"] == 1
    (change,) = batch.plan_details["area_changes"]
    assert (change["label"], change["old"], change["new"], change["row"]) == (
        "1栋1单元101",
        "65.40",
        "66.10",
        2,
    )
    actions.import_batch_request_commit(actor=world.li, batch=batch)
    actions.import_batch_commit(batch_id=batch.pk)
    world.u101.refresh_from_db()
    assert world.u101.area == Decimal("66.10")
    event = AuditEvent.objects.get(action="import.commit", object_id=str(batch.pk))
    assert event.changes["area_changes"][0]["old"] == "65.40"
    assert event.changes["area_changes"][0]["unit"] == world.u101.pk


def test_the_commit_is_all_or_nothing(world):
    # given a previewed batch, and a database that refuses the commit's last write: its row
    # in the audit log, after every resident, unit and owner has been written
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    residents, units, buildings = (
        Resident.objects.count(),
        Unit.objects.count(),
        Building.objects.count(),
    )
    table = AuditEvent._meta.db_table

    def refuse_the_audit_row(execute, sql, params, many, context):
        if sql.startswith("INSERT") and table in sql and "import.commit" in str(params):
            raise IntegrityError("simulated failure")
        return execute(sql, params, many, context)

    # when it is committed
    assert actions.import_batch_request_commit(actor=world.li, batch=batch)
    with connection.execute_wrapper(refuse_the_audit_row):
        batch = actions.import_batch_commit(batch_id=batch.pk)
    # then nothing at all was written, and the batch can be committed again
    assert (Resident.objects.count(), Unit.objects.count(), Building.objects.count()) == (
        residents,
        units,
        buildings,
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert "没有写入任何数据" in batch.error_message
    assert not AuditEvent.objects.filter(action="import.commit").exists()
    assert actions.import_batch_request_commit(actor=world.li, batch=batch)
    batch = actions.import_batch_commit(batch_id=batch.pk)
    assert batch.status == ImportStatus.COMMITTED and batch.done_create == 3
    assert Ownership.objects.filter(unit__building__number="3").count() == 2


def test_one_audit_row_per_upload_preview_and_commit_with_the_counts(world):
    before = AuditEvent.objects.count()
    batch = import_file(world.li, world.wufuyuan, roster())
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == ["import.upload", "import.preview", "import.commit"]
    assert all(e.object_id == str(batch.pk) and e.actor == world.li for e in events)
    preview, commit = events[1].changes, events[2].changes
    assert (preview["rows_read"], preview["rows_valid"], preview["rows_rejected"]) == (5, 4, 1)
    assert (commit["done_create"], commit["done_unchanged"], commit["units"]) == (3, 1, 2)
    assert WANG_ID not in str([e.changes for e in events])


def test_a_batch_is_committed_once_only(world):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    assert actions.import_batch_request_commit(actor=world.li, batch=batch)
    stale = ImportBatch.objects.get(pk=batch.pk)
    stale.status = ImportStatus.PREVIEWED  # a second click that loaded the page before
    assert not actions.import_batch_request_commit(actor=world.li, batch=stale)
    actions.import_batch_commit(batch_id=batch.pk)
    actions.import_batch_commit(batch_id=batch.pk)  # a repeated task does nothing
    assert Resident.objects.filter(name="王建国").count() == 1


def test_only_roles_with_the_import_permission_in_scope_may_import(world):
    data = roster()
    for user in (world.chen, world.zhang, world.qian, world.nobody):
        with pytest.raises(PermissionDenied):
            actions.import_batch_create(
                actor=user, compound=world.wufuyuan, file=io.BytesIO(data), name="x.xlsx"
            )
    batch = import_file(world.li, world.wufuyuan, data, commit=False)
    with pytest.raises(PermissionDenied):
        actions.import_batch_request_commit(actor=world.qian, batch=batch)
    assert import_file(world.wang, world.wufuyuan, data, commit=False).status == "previewed"


def test_an_unreadable_stored_file_fails_the_preview_with_its_reason(world):
    batch = import_file(world.li, world.wufuyuan, roster(), commit=False)
    storage = batch.original.storage

    def batch_for(name: str) -> ImportBatch:
        return ImportBatch.objects.create(
            compound=world.wufuyuan,
            created_by=world.li,
            original=name,
            original_name="坏文件.xlsx",
            file_kind="xlsx",
            file_size=7,
            file_sha256="0" * 64,
        )

    # a stored file that decrypts but is no spreadsheet
    not_excel = batch_for(storage.save("imports/bad.xlsx", ContentFile(b"garbage")))
    not_excel = actions.import_batch_preview(batch_id=not_excel.pk)
    assert not_excel.status == ImportStatus.FAILED
    assert "不是 Excel 文件" in not_excel.error_message
    assert AuditEvent.objects.filter(action="import.preview", object_id=str(not_excel.pk)).exists()
    # a sealed file damaged on disk
    Path(storage.path(batch.original.name)).write_bytes(b"LYS1" + b"\0" * 40)
    damaged = actions.import_batch_preview(batch_id=batch_for(batch.original.name).pk)
    assert damaged.status == ImportStatus.FAILED
    assert "已损坏" in damaged.error_message


def test_a_row_without_entrance_is_rejected_when_several_entrances_have_that_room(world):
    # given building 1 now has a second entrance with its own room 101
    entrance_2 = Entrance.objects.create(building=world.b1, number="2")
    Unit.objects.create(
        building=world.b1, entrance=entrance_2, compound=world.wufuyuan, room_number="101"
    )
    headers = ("楼栋", "房号", "姓名", "身份证号")
    rows = [
        {"楼栋": "01", "房号": "101", "姓名": "刘桂兰", "身份证号": LIU_ID},
        {"楼栋": "1", "房号": "102", "姓名": "赵大海", "身份证号": world_id("19700101", "56")},
    ]
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes(rows, headers=headers), commit=False)
    # then the ambiguous row says what is missing, and the clear one is matched
    (error,) = ImportRowError.objects.filter(batch=batch)
    assert (error.row_number, error.problems[0]["column"]) == (2, "房号")
    assert error.problems[0]["reason"] == "1栋有几个单元都有101房，请填写单元号"
    assert (batch.rows_valid, batch.plan_unchanged, batch.plan_details["units"]) == (1, 1, 0)
