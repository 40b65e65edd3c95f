"""The contract switcher in the cabinet's header: a person with more than
one contract sees the one the tabs show and chooses another (a plain form,
POST to cabinet:contract-select, so it works without JavaScript).

It shows the person's own contracts, so it is drawn for each request: a page
kept whole in the cache (enser_cabinet/versioned.render_page) holds a mark
where it goes, and the header of any other page calls it through the
context processor below.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

TEMPLATE = "includes/contract_switcher.html"


def contract_switcher_html(request: HttpRequest) -> SafeString:
    """The switcher for this request's person; nothing unless the view asked
    which contract it works on (request_access) and the person holds more
    than one."""
    access = getattr(request, "access", None)
    choices = getattr(request, "contract_choices", None) or []
    if access is None or len(choices) < 2:
        return mark_safe("")
    context = {"current": access.contract, "choices": choices, "next": request.get_full_path()}
    return render_to_string(TEMPLATE, context, request)


def contract_switcher(request: HttpRequest) -> dict:
    """Context processor: `{{ contract_switcher }}` draws it when a template shows it."""
    return {"contract_switcher": lambda: contract_switcher_html(request)}
