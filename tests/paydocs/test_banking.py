import pytest

from paydocs.banking import account_key_holds, correspondent_key_holds

SBER_CHELYABINSK = "047501602"


@pytest.mark.parametrize(
    ("account", "bik"),
    [
        # Published correspondent accounts of two Sberbank offices.
        ("30101810400000000225", "044525225"),
        ("30101810700000000602", SBER_CHELYABINSK),
    ],
)
def test_real_correspondent_accounts_hold(account, bik):
    assert correspondent_key_holds(account, bik)


def test_a_settlement_account_is_checked_against_its_bank():
    assert account_key_holds("40702810672000012345", SBER_CHELYABINSK)
    # Any other key digit (the ninth) breaks it.
    for key in "012345789":
        assert not account_key_holds(f"40702810{key}72000012345", SBER_CHELYABINSK)
    # The same account at another bank does not hold.
    assert not account_key_holds("40702810672000012345", "044525225")


@pytest.mark.parametrize(
    ("account", "bik"),
    [("4070281067200001234", SBER_CHELYABINSK), ("4070281067200001234x", SBER_CHELYABINSK), ("", ""),
     ("40702810672000012345", "14750160"), ("40702810672000012345", "147501602")],
)  # fmt: skip
def test_malformed_values_do_not_hold(account, bik):
    assert not account_key_holds(account, bik)
    assert not correspondent_key_holds(account, bik)


def test_a_treasury_account_holds_against_the_treasury_bik():
    # Treasury БИКs start with 01 since 2021 (Челябинск: 017501500).
    assert account_key_holds("03100643000000016900", "017501500")


@pytest.mark.django_db
def test_staff_cannot_save_a_company_account_that_does_not_hold():
    from django.core.exceptions import ValidationError

    from paydocs.models import SupplierBankAccount
    from tests.paydocs.conftest import SUPPLIER_BANK

    SupplierBankAccount(**SUPPLIER_BANK).full_clean()
    with pytest.raises(ValidationError) as refused:
        SupplierBankAccount(**{**SUPPLIER_BANK, "account": "40702810572000012345"}).full_clean()
    assert refused.value.message_dict == {
        "account": ["Расчетный счет: 20 цифр, ключ должен сходиться с БИК."]
    }
    with pytest.raises(ValidationError) as refused:
        SupplierBankAccount(**{**SUPPLIER_BANK, "bik": "147501602"}).full_clean()
    assert list(refused.value.message_dict) == ["bik"]
