"""Demo charges and payments.

For 12345-ЭС they reproduce the manual: 31.10.2021 is 5 392,46 (3,32 Гкал ×
1353,53 = 4493,72 + НДС 20 % 898,74), 30.11.2021 is 8 088,70, and the
statement for 01.10.2021–31.12.2021 closes at 13 481,16, since the final
invoice for December is issued after the new year.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.models import Contract
from enser_cabinet.dates import month_end, month_start
from enser_cabinet.money import round_money, vat_of
from settlements.models import Invoice, InvoiceLine, Payment
from settlements.vat import vat_rate_on

HEAT_TARIFF_2021 = Decimal("1353.53")
HOT_WATER_TARIFF_2021 = Decimal("175.37")
# Гкал of heat by calendar month for a mid-sized office building.
HEAT_BY_MONTH = {
    1: "6.12", 2: "5.47", 3: "4.63", 4: "3.05", 5: "0.94", 6: "0", 7: "0",
    8: "0", 9: "0.61", 10: "3.32", 11: "3.99", 12: "5.84",
}  # fmt: skip
# The manual's months are kept exactly as billed.
FIXED_QUANTITIES = {
    (2021, 10): (Decimal("3.32"), Decimal("0")),
    (2021, 11): (Decimal("3.99"), Decimal("7.641")),
}


def tariffs_for(month: dt.date) -> tuple[Decimal, Decimal]:
    """Tariffs are indexed every July (5 % a year in the demo)."""
    indexations = month.year - 2021 - (1 if month.month < 7 else 0)
    factor = Decimal("1.05") ** max(indexations, 0)
    return round_money(HEAT_TARIFF_2021 * factor), round_money(HOT_WATER_TARIFF_2021 * factor)


def quantities_for(month: dt.date) -> tuple[Decimal, Decimal]:
    if (month.year, month.month) in FIXED_QUANTITIES:
        return FIXED_QUANTITIES[(month.year, month.month)]
    # A small deterministic spread so that the years differ.
    spread = Decimal((month.year * 7 + month.month * 3) % 11 - 5) / 100
    heat = Decimal(HEAT_BY_MONTH[month.month])
    heat = heat + heat * spread if heat else heat
    hot_water = Decimal("7.500") + Decimal((month.year + month.month * 5) % 9) / 4
    return heat.quantize(Decimal("0.01")), hot_water.quantize(Decimal("0.001"))


def invoice_date_for(month: dt.date, today: dt.date) -> dt.date:
    """The last day of the month; December's is issued on 10 January."""
    natural = dt.date(month.year + 1, 1, 10) if month.month == 12 else month_end(month)
    return min(natural, today)


def _lines(month: dt.date, address: str) -> list[InvoiceLine]:
    heat_quantity, water_quantity = quantities_for(month)
    heat_price, water_price = tariffs_for(month)
    rate = vat_rate_on(month)
    lines = []
    for installation, tariff, unit, quantity, price in (
        ("Многоквартирный дом, нежилое помещение", "Тепловая энергия", "Гкал", heat_quantity, heat_price),
        ("Многоквартирный дом, нежилое помещение", "ГВС (теплоноситель)", "м³", water_quantity, water_price),
    ):
        if not quantity:
            continue
        amount = round_money(quantity * price)
        vat = vat_of(amount, rate)
        lines.append(
            InvoiceLine(
                position=len(lines) + 1,
                installation=installation,
                address=address,
                tariff=tariff,
                unit=unit,
                quantity=quantity,
                price=price,
                amount=amount,
                vat_amount=vat,
                vat_rate=rate,
                total=amount + vat,
                period_amount=Decimal("0.00"),
            )
        )
    return lines


@transaction.atomic
def demo_ledger_seed(
    *,
    contract: Contract,
    first_month: dt.date,
    today: dt.date,
    payment_lag_months: int,
    payment_day: int,
    address: str,
) -> tuple[int, int]:
    """Monthly invoices from first_month to today's month and the payments of
    each, payment_lag_months later. Returns how many of each were created."""
    existing = set(contract.invoices.values_list("number", flat=True))
    existing_payments = set(contract.payments.values_list("document_number", flat=True))
    invoices: list[Invoice] = []
    lines_of: list[list[InvoiceLine]] = []
    payments: list[Payment] = []
    month = first_month
    this_month = month_start(today)
    while month <= this_month:
        number = f"ЭРО-{month:%Y%m}-{contract.number[:5]}"
        lines = _lines(month, address)
        amount = sum((line.total for line in lines), Decimal("0.00"))
        if lines and number not in existing:
            invoices.append(
                Invoice(
                    contract=contract,
                    date=invoice_date_for(month, today),
                    number=number,
                    operation_type="Окончательный счет",
                    amount=amount,
                    vat_amount=sum((line.vat_amount for line in lines), Decimal("0.00")),
                )
            )
            lines_of.append(lines)
        paid_on = month_start(month, payment_lag_months).replace(day=payment_day)
        document = f"ПП-{month:%Y%m}-{contract.number[:5]}"
        if lines and paid_on <= today and document not in existing_payments:
            payments.append(
                Payment(
                    contract=contract,
                    date=paid_on,
                    amount=amount,
                    operation_type="Оплата",
                    document_number=document,
                )
            )
        month = month_start(month, 1)
    # Three inserts in all rather than three a month: the history grows every month.
    Invoice.objects.bulk_create(invoices)
    for invoice, lines in zip(invoices, lines_of, strict=True):
        for line in lines:
            line.invoice = invoice
    InvoiceLine.objects.bulk_create([line for lines in lines_of for line in lines])
    Payment.objects.bulk_create(payments)
    return len(invoices), len(payments)


def demo_extra_payment_seed(*, contract: Contract, date: dt.date, amount: Decimal, document: str) -> int:
    """A payment outside the monthly rhythm (the manual's 25.02.2022, 151,67)."""
    _, created = Payment.objects.get_or_create(
        contract=contract,
        document_number=document,
        defaults={"date": date, "amount": amount, "operation_type": "Оплата"},
    )
    return int(created)
