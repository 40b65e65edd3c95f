"""Staff-edited text shown as paragraphs and lists, never as raw HTML."""

from itertools import groupby

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _is_item(line: str) -> bool:
    return line.lstrip().startswith("- ")


def _line(text: str) -> str:
    # urlize escapes everything it does not turn into a link.
    return urlize(text.strip(), nofollow=True, autoescape=True)


@register.filter
def plain_text(value: str) -> SafeString:
    """Blank lines part paragraphs; lines starting with "- " are list items; links become links."""
    html = []
    for block in str(value or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        for is_item, group in groupby(lines, key=_is_item):
            if is_item:
                items = "".join(f"<li>{_line(line.lstrip()[2:])}</li>" for line in group)
                html.append(f"<ul>{items}</ul>")
            else:
                html.append("<p>" + "<br>".join(_line(line) for line in group) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece is escaped by urlize
