"""The contract switcher in the cabinet's header: a person with more than
one contract sees the one the tabs show and chooses another (a plain form,
POST to cabinet:contract-select, so it works without JavaScript).

It shows the person's own contracts, so a page kept whole in the cache
(enser_cabinet/versioned.render_page) holds a mark where it goes, and the
header of any other page calls it through the context processor below.
It is drawn once per person, contract open and digest of their memberships
(read with the user, accounts/backends.py) and kept in the process: a
membership added or removed, a contract added or renamed gives a new digest
in the very request, so it is drawn afresh. Each request fills in its CSRF
token and its own address (where the choice comes back to).
"""

from pathlib import Path

from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.backends import MEMBERSHIPS_DIGEST
from enser_cabinet.http import csrf_token
from enser_cabinet.kept import KeptInProcess

TEMPLATE = "includes/contract_switcher.html"
# Made of letters and dashes: escaping leaves them as they are.
_CSRF_MARK = "switcher-csrf-token-filled-in-per-request"
_NEXT = "switcher-next-filled-in-per-request"
_KEPT = KeptInProcess(4096)


def contract_switcher_html(request: HttpRequest) -> SafeString:
    """The switcher for this request's person; nothing unless the view asked
    which contract it works on (request_access) and the person holds more
    than one."""
    access = getattr(request, "access", None)
    choices = getattr(request, "contract_choices", None) or []
    if access is None or len(choices) < 2:
        return mark_safe("")
    digest = getattr(request.user, MEMBERSHIPS_DIGEST, None)
    key = (request.user.pk, digest, access.contract.pk)
    html = _KEPT.get(key) if digest is not None else None
    if html is None:
        context = {"current": access.contract, "choices": choices, "next": _NEXT, "csrf_token": _CSRF_MARK}
        html = render_to_string(TEMPLATE, context)
        if digest is not None:
            _KEPT.set(key, html)
    html = html.replace(_CSRF_MARK, csrf_token(request), 1).replace(_NEXT, escape(request.get_full_path()), 1)
    return mark_safe(html)  # noqa: S308 (the template's output and the escaped address)


def contract_switcher(request: HttpRequest) -> dict:
    """Context processor: `{{ contract_switcher }}` draws it when a template shows it."""
    return {"contract_switcher": lambda: contract_switcher_html(request)}


@receiver(file_changed)
def _edited(sender: object, file_path: Path, **kwargs: object) -> None:
    # The development server takes an edited template without a restart.
    _KEPT.clear()
