import pytest

from backend.core import districts
from backend.core.masking import mask_name, mask_phone
from backend.registry.validators import licence_kind, normalise_phone, uscc_check_character, uscc_problem


def test_glossary_example_uscc_passes():
    assert uscc_problem("91350100M000100Y43") is None


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M0001O0Y43",  # O is not in the alphabet
        "91350100m000100Y43",  # lower case
        "",
    ],
)
def test_bad_uscc_is_explained(value):
    assert uscc_problem(value)


def test_check_character_of_31_is_zero():
    # find a prefix whose weighted sum is a multiple of 31, then its check character must be "0"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for ch in alphabet:
        first17 = "9132068200000000" + ch
        if uscc_check_character(first17) == "0":
            assert uscc_problem(first17 + "0") is None
            return
    pytest.fail("no prefix gave check value 31")


@pytest.mark.parametrize(
    "number,kind",
    [
        ("JY23206820012345", "JY"),
        ("JY13205820004215", "JY"),
        ("SC10632068200123", "SC"),
        ("YB13206820001", "YB"),
        ("JY4320682001234", None),
        ("JY9320682001234X", None),
        ("JY232068200123456", None),
        ("XX23206820012345", None),
    ],
)
def test_licence_shapes(number, kind):
    assert licence_kind(number) == kind


@pytest.mark.parametrize(
    "raw,normalised",
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0513-87654321", "0513-87654321"),
        ("12812345678", None),
        ("1381234567", None),
        ("phone", None),
    ],
)
def test_phone_numbers(raw, normalised):
    assert normalise_phone(raw) == normalised


def test_masking():
    assert mask_name("张晓明") == "张*明"
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳晓明") == "欧**明"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_district_list_has_the_seed_cities():
    assert districts.full_name("310112") == "上海市闵行区"
    assert districts.full_name("320682") == "江苏省南通市如皋市"
    assert all(districts.is_known(code) for code in ("320582", "350600", "150600"))
    assert districts.unknown_codes(["320682", "999999", "abc"]) == ["999999", "abc"]
