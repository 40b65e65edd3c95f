from decimal import Decimal

import pytest
from weasyprint import HTML

from paydocs.qr import Payment, payload, svg
from tests.paydocs.conftest import qr_codes_in_pdf

PAYMENT = Payment(
    name="АО «ЭнСер»",
    account="40702810672000012345",
    bank_name="ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
    bik="047501602",
    correspondent_account="30101810700000000602",
    inn="7415061109",
    kpp="741501001",
    purpose=(
        "Оплата по договору № 12345-ЭС от 27.09.2021 за теплоснабжение и ГВС, в т.ч. НДС 22 % — 4 113,91 руб."
    ),
    amount=Decimal("22813.54"),
)


def fields(data: str) -> list[tuple[str, str]]:
    header, *parts = data.split("|")
    assert header == "ST00012"
    return [tuple(part.split("=", 1)) for part in parts]


def test_the_payload_has_the_required_fields_first_in_the_standards_order():
    assert fields(payload(PAYMENT)) == [
        ("Name", "АО «ЭнСер»"),
        ("PersonalAcc", "40702810672000012345"),
        ("BankName", "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК"),
        ("BIC", "047501602"),
        ("CorrespAcc", "30101810700000000602"),
        ("PayeeINN", "7415061109"),
        ("KPP", "741501001"),
        ("Purpose", PAYMENT.purpose),
        ("Sum", "2281354"),
    ]


def test_separators_are_removed_and_text_cut_to_the_standards_length():
    from dataclasses import replace

    data = payload(replace(PAYMENT, name="ООО |Рога| " + "и" * 300, purpose="a|b\nc " + "я" * 400))
    values = dict(fields(data))
    assert data.count("|") == 9  # the nine separators, none from the values
    assert values["Name"].startswith("ООО Рога и") and len(values["Name"]) == 160
    assert values["Purpose"].startswith("a b c я") and len(values["Purpose"]) == 210


@pytest.mark.parametrize(
    ("field", "value"),
    [("account", "4070281067200001234X"), ("bik", "0475016021"), ("inn", "74150611090000"), ("kpp", "")],
)
def test_a_digits_field_that_does_not_fit_is_refused(field, value):
    from dataclasses import replace

    with pytest.raises(ValueError):
        payload(replace(PAYMENT, **{field: value}))


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_only_a_positive_sum_is_coded(amount):
    from dataclasses import replace

    with pytest.raises(ValueError):
        payload(replace(PAYMENT, amount=Decimal(amount)))


def test_the_code_drawn_in_a_pdf_reads_back_to_the_payload(tmp_path):
    data = payload(PAYMENT)
    pdf = HTML(string=f"<html><body><p>Оплата</p>{svg(data)}</body></html>").write_pdf()
    assert qr_codes_in_pdf(pdf, tmp_path) == [data]
