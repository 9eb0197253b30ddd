"""Personal data: validation, encryption at rest, blind index and masking."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laoyuan.core import pii
from laoyuan.registry.models import Resident
from tests.cast import make_id_number


def test_it_accepts_a_valid_id_number_and_derives_birth_and_sex():
    facts = pii.check_id_number(make_id_number("19480312", male=False))
    assert facts.birth_date == dt.date(1948, 3, 12)
    assert facts.sex == "F"


def test_it_accepts_x_check_digit_and_full_width_input():
    # 11010519491231002X is the standard's own example.
    assert (
        pii.check_id_number("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("51010419480312", "18位"),
        ("51010419480312123A", "数字"),
        ("110105194912310021", "校验位"),
        (make_id_number("19490230"), "出生日期"),
    ],
)
def test_it_rejects_bad_id_numbers_in_chinese(raw, reason):
    with pytest.raises(pii.InvalidIdNumber, match=reason):
        pii.check_id_number(raw)


def test_it_rejects_a_birth_date_in_the_future():
    number = make_id_number("20991231")
    with pytest.raises(pii.InvalidIdNumber, match="不合理"):
        pii.check_id_number(number, today=dt.date(2026, 11, 21))


def test_masks_keep_only_what_may_be_shown():
    assert pii.mask_id_number("51010419480312123X") == "5101**********123X"
    assert pii.mask_phone("13812345678") == "138****5678"


def test_phone_normalisation():
    assert pii.check_phone("+86 138-1234-5678") == "13812345678"
    assert pii.check_phone("13812345678.0") == "13812345678"
    with pytest.raises(pii.InvalidPhone):
        pii.check_phone("12345")


@given(st.text(max_size=40))
def test_encryption_round_trips_and_never_repeats(value):
    sealed = pii.encrypt(value)
    assert pii.decrypt(sealed) == value
    assert pii.encrypt(value) != sealed


def test_values_are_encrypted_in_the_database(world):
    row = (
        Resident.objects.filter(pk=world.liu_guilan.pk)
        .values("id_number_cipher", "phone_cipher", "id_number_masked", "phone_masked")
        .get()
    )
    assert "13812345678" not in str(row)
    assert row["phone_masked"] == "138****5678"
    assert pii.decrypt(row["phone_cipher"]) == "13812345678"


def test_blind_index_finds_by_exact_value(world):
    index = pii.blind_index("id", make_id_number("19480312", male=False))
    assert Resident.objects.get(id_number_index=index) == world.liu_guilan
