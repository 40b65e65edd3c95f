"""Plain text rendered from templates: letters' subjects and bodies, SMS.

Django escapes HTML by default, which is right for pages and wrong for
text that is never read as HTML: `ООО "Рога & Копыта"` would reach a
subject line as `ООО &quot;Рога &amp; Копыта&quot;`. Every plain-text
message is rendered here, with escaping off.
"""

from django.template import Context
from django.template.loader import get_template


def render_plain(template_name: str, context: dict) -> str:
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))
