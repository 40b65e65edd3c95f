import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    MaximumLengthValidator,
    inn_is_valid,
    normalize_contract_number,
    validate_inn,
    validate_kpp,
)


@pytest.mark.parametrize("inn", ["7453012342", "7456009877", "7707083893", "500100732259"])
def test_valid_inns_pass(inn):
    assert inn_is_valid(inn)
    validate_inn(inn)


@pytest.mark.parametrize(
    "inn, code",
    [
        ("7453012343", "inn_checksum"),
        ("500100732258", "inn_checksum"),
        ("745301234", "inn_format"),
        ("74530123421", "inn_format"),
        ("74530l2342", "inn_format"),
        ("７４５３０１２３４２", "inn_format"),
    ],
)
def test_invalid_inns_are_refused(inn, code):
    assert not inn_is_valid(inn)
    with pytest.raises(ValidationError) as error:
        validate_inn(inn)
    assert error.value.code == code


@pytest.mark.parametrize("kpp", ["745301001", "7701AB001"])
def test_valid_kpp_passes(kpp):
    validate_kpp(kpp)


@pytest.mark.parametrize("kpp", ["74530100", "7453010011", "745301ab1", "ABCD01001"])
def test_invalid_kpp_is_refused(kpp):
    with pytest.raises(ValidationError):
        validate_kpp(kpp)


@pytest.mark.parametrize(
    "typed",
    [
        "12345-ЭС",
        "12345-эс",
        "12345ЭС",
        " 12345 - ЭС ",
        "12345 эс",
        "12345–ЭС",
        "12345-Эc",  # Latin c
        "12345-ES",
        "12345-es",
        "12345-ЕС",  # Cyrillic Е
        "12345EC",  # both Latin
    ],
)
def test_contract_number_is_accepted_as_people_type_it(typed):
    assert normalize_contract_number(typed) == "12345-ЭС"


@pytest.mark.parametrize("typed", ["", "12345", "1234-ЭС", "123456-ЭС", "12345-ЭХ", "abcde-ЭС", "12345-ЭСС"])
def test_malformed_contract_numbers_are_refused(typed):
    assert normalize_contract_number(typed) is None


def test_password_over_the_maximum_is_refused_not_truncated():
    validator = MaximumLengthValidator(max_length=20)
    validator.validate("a" * 20)
    with pytest.raises(ValidationError) as error:
        validator.validate("a" * 21)
    assert "не более 20 символов" in error.value.messages[0]
