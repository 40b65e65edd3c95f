"""Money is Decimal to the kopeck, from the database to the page."""

from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def round_money(value: Decimal) -> Decimal:
    """Round half up to the kopeck, as accountants do."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be Decimal, not {type(value).__name__}")
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def vat_of(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """VAT on an amount without VAT, at a rate given in percent."""
    return round_money(amount * rate_percent / Decimal(100))
