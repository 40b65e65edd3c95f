"""Display filters, available in every template: `{{ amount|rub }}`,
`{{ day|ru_date }}`. They refuse floats, so money never passes through one."""

from django import template

from enser_cabinet.formatting import format_date, format_money, format_number

register = template.Library()


@register.filter
def rub(value):
    """13 481,16"""
    if value is None or value == "":
        return ""
    return format_money(value)


@register.filter
def number(value, places=2):
    """A quantity: `3,32`; `{{ q|number:3 }}` → `3,320`."""
    if value is None or value == "":
        return ""
    return format_number(value, int(places))


@register.filter
def ru_date(value):
    """31.10.2021"""
    return format_date(value)
