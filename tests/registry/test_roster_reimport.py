"""Importing the same roster again changes nothing; importing a corrected roster updates the
same people in place (the key is the unit and the ID number), never duplicates them."""

from laoyuan.core import pii
from laoyuan.registry.models import (
    Building,
    Grid,
    Household,
    Owner,
    Ownership,
    Resident,
    Unit,
)
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
LIU = {"单元": "1", "房号": "101", "姓名": "刘桂兰", "性别": "女", "出生日期": "1948-03-12"}
LIU |= {"身份证号": LIU_ID, "联系电话": "13812345678", "建筑面积": "65.40", "党员": ""}
LIU |= {"居住类型": "业主"}


def rows(**wife_changes) -> list[dict]:
    return [
        person(),
        person(与户主关系="配偶", **(WIFE | wife_changes)),
        person(
            房号="302", 姓名="周小雨", 性别="女", 出生日期="", 身份证号=TENANT_ID, 居住类型="租户"
        ),
        person(**LIU),
    ]


def snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Building, Unit, Household, Grid, Resident, Owner, Ownership)
    }


def test_importing_the_same_file_again_changes_nothing(world):
    data = xlsx_bytes(rows())
    first = import_file(world.li, world.wufuyuan, data)
    assert (first.done_create, first.done_update, first.done_unchanged) == (3, 0, 1)
    before = snapshot()
    stamps = dict(Resident.objects.values_list("pk", "updated_at"))
    # when the very same file is imported again
    again = import_file(world.li, world.wufuyuan, data)
    # then the preview promised nothing and the commit did nothing
    assert (again.plan_create, again.plan_update, again.plan_unchanged) == (0, 0, 4)
    assert (again.done_create, again.done_update, again.done_unchanged) == (0, 0, 4)
    details = again.done_details
    assert [details[k] for k in ("buildings", "units", "households", "grids")] == [0, 0, 0, 0]
    assert [details[k] for k in ("owners_create", "owners_update", "ownerships")] == [0, 0, 0]
    assert details["areas_changed"] == 0 and details["grid_assignments"] == 0
    assert snapshot() == before
    assert dict(Resident.objects.values_list("pk", "updated_at")) == stamps


def test_the_same_file_as_csv_is_also_unchanged(world):
    from tests.registry.roster_files import csv_bytes

    import_file(world.li, world.wufuyuan, xlsx_bytes(rows()))
    again = import_file(
        world.li, world.wufuyuan, csv_bytes(rows(), encoding="gb18030"), name="x.csv"
    )
    assert (again.done_create, again.done_update, again.done_unchanged) == (0, 0, 4)


def test_a_corrected_file_updates_the_same_people_in_place(world):
    import_file(world.li, world.wufuyuan, xlsx_bytes(rows()))
    wife = Resident.objects.get(id_number_index=pii.blind_index("id", WANG_WIFE_ID))
    before = snapshot()
    # when the roster comes back with her phone corrected, a flag set and a note
    corrected = rows(联系电话="13900009999", 残疾="是", 备注="腿脚不便")
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes(corrected))
    # then she is updated in place: same record, new values, nobody added
    assert (batch.done_create, batch.done_update, batch.done_unchanged) == (0, 1, 3)
    assert snapshot() == before
    wife.refresh_from_db()
    assert (wife.disabled, wife.note, wife.phone_masked) == (True, "腿脚不便", "139****9999")
    assert pii.decrypt(wife.phone_cipher) == "13900009999"
    assert wife.phone_index == pii.blind_index("phone", "13900009999")
    owner = Owner.objects.get(id_number_index=pii.blind_index("id", WANG_WIFE_ID))
    assert owner.phone_masked == "139****9999"  # the owner record follows
    assert batch.done_details["owners_update"] == 1


def test_columns_missing_from_the_file_leave_stored_values_alone(world):
    # given 刘桂兰 flagged by hand as living alone, with a note
    liu = world.liu_guilan
    Resident.objects.filter(pk=liu.pk).update(lives_alone=True, note="每周探访")
    # when a short roster without those columns lists her
    headers = ("楼栋", "单元", "房号", "姓名", "身份证号")
    short = {"楼栋": "1", "单元": "1", "房号": "101", "姓名": "刘桂兰", "身份证号": LIU_ID}
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([short], headers=headers))
    # then nothing about her changes
    assert (batch.done_update, batch.done_unchanged) == (0, 1)
    liu.refresh_from_db()
    assert (liu.lives_alone, liu.note, liu.phone_masked, liu.relation) == (
        True,
        "每周探访",
        "138****5678",
        "head",
    )


def test_people_missing_from_the_roster_are_not_removed(world):
    import_file(world.li, world.wufuyuan, xlsx_bytes(rows()))
    assert Resident.objects.filter(pk=world.liu_xiaoming.pk, is_active=True).exists()
    assert Resident.objects.filter(pk=world.zhao_dahai.pk, is_active=True).exists()


def test_someone_marked_moved_out_who_is_on_the_roster_again_is_living_here(world):
    Resident.objects.filter(pk=world.liu_guilan.pk).update(is_active=False)
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([person(**LIU)]))
    assert batch.done_update == 1
    world.liu_guilan.refresh_from_db()
    assert world.liu_guilan.is_active


def test_a_new_grid_on_the_roster_moves_the_household_to_it(world):
    batch = import_file(world.li, world.wufuyuan, xlsx_bytes([person(**LIU, 网格="二网格")]))
    assert batch.done_details["grid_assignments"] == 1
    world.h1.refresh_from_db()
    assert world.h1.grid == world.grid_b
    again = import_file(world.li, world.wufuyuan, xlsx_bytes([person(**LIU, 网格="二网格")]))
    assert again.done_details["grid_assignments"] == 0


def test_the_same_id_number_in_another_compound_is_another_record(world):
    # the key is the unit: a roster of 马家沟小区 never touches 五福苑's residents
    import_file(world.li, world.wufuyuan, xlsx_bytes(rows()))
    batch = import_file(world.li, world.majiagou, xlsx_bytes(rows()))
    assert batch.done_create == 4
    assert Resident.objects.filter(id_number_index=pii.blind_index("id", WANG_ID)).count() == 2
