"""How the charge lines read: as billing prints them, without grouping by
thousands (`1353,53`), as in the manual's statement of charges."""

from decimal import Decimal

from django import template

from enser_cabinet.formatting import format_number

register = template.Library()


def format_plain(value: Decimal, places: int = 2) -> str:
    """`Decimal("4493.72")` → `4493,72`."""
    return format_number(value, places, group="")


def format_quantity(value: Decimal) -> str:
    """Quantities keep the digits billing measured, at least two: `3,32`, `7,641`."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a quantity must be Decimal, not {type(value).__name__}")
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format_plain(value, min(places, 4))


@register.filter
def plain(value, places=2):
    if value is None or value == "":
        return ""
    return format_plain(value, int(places))


@register.filter
def quantity(value):
    if value is None or value == "":
        return ""
    return format_quantity(value)
