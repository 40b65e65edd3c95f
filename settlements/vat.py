"""VAT rates on heat and hot water by the date of supply (Tax Code art. 164)."""

import datetime as dt
from decimal import Decimal

# (in force from, rate in percent), oldest first.
VAT_RATES: tuple[tuple[dt.date, Decimal], ...] = (
    (dt.date(2019, 1, 1), Decimal("20.00")),
    # Federal Law No. 425-FZ.
    (dt.date(2026, 1, 1), Decimal("22.00")),
)


class UnknownVatRate(ValueError):
    pass


def vat_rate_on(day: dt.date) -> Decimal:
    """The rate for a supply on `day`: 20 % until 31.12.2025, 22 % from 01.01.2026."""
    rate = None
    for since, value in VAT_RATES:
        if day < since:
            break
        rate = value
    if rate is None:
        raise UnknownVatRate(f"Ставка НДС на {day:%d.%m.%Y} не задана.")
    return rate
