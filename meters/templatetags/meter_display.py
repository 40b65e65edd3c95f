from django import template

register = template.Library()


@register.filter
def on_display(value, meter):
    """A reading as the meter's display shows it: `{{ value|on_display:meter }}` → 001383,725."""
    return meter.display(value)
