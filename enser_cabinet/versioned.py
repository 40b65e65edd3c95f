"""A contract's pages and files, made once until its data changes.

Whatever is cached of a contract (a downloaded statement, the rendered
ledger table of a tab, the meters table) is kept under a key made of
everything it shows: the contract's `data_version`, which database triggers
raise on any change of its invoices, lines, payments, meters and readings
(settlements and meters migrations; the billing import raises the contracts
of its invoices itself, once), payment invoices, contacts and its
organization's bank account (paydocs and accounts migrations); the contract's and organization's
requisites where it shows them; the period or the day; and the release, a
digest of the code, templates and supplier requisites that draw it. A new
payment, a corrected invoice, a new reading, a renamed organization or a new
release gives a new key, so a cached page or file is never stale; old keys
simply expire.

While Redis is down a page is drawn without the cache and a download answers
503, as every rate-limited action does (enser_cabinet/middleware.py).
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Contract
from accounts.switcher import contract_switcher_html
from enser_cabinet.context_processors import links
from enser_cabinet.http import csrf_token
from enser_cabinet.ratelimit import CACHE_ERRORS

logger = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 60 * 60  # a downloaded statement
# A page holds the day it was drawn (the footer's year), so it is of no use
# the next day; a table of an old version is garbage once the data changes.
HTML_KEEP_SECONDS = 24 * 60 * 60
# The code and templates that draw what is cached: a change to any of them
# is a new release.
_DRAWN_BY = (
    "accounts",
    "enser_cabinet/context_processors.py",
    "enser_cabinet/formatting.py",
    "enser_cabinet/money.py",
    "enser_cabinet/versioned.py",
    "enser_cabinet/templatetags",
    "cabinet",
    "settlements",
    "meters",
    "paydocs",
    "templates",
)


@cache
def release() -> str:
    """A digest of the code, templates and supplier requisites that draw
    cached pages and statements (and of Django, which draws form fields),
    read once per process."""
    digest = hashlib.sha256(repr((django.VERSION, sorted(settings.COMPANY.items()))).encode())
    for name in _DRAWN_BY:
        path = Path(settings.BASE_DIR) / name
        for part in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if part.is_file() and part.suffix in {".py", ".html", ".txt"}:
                digest.update(str(part.relative_to(settings.BASE_DIR)).encode())
                digest.update(part.read_bytes())
    return digest.hexdigest()[:16]


@receiver(file_changed)
def _edited(sender: object, file_path: Path, **kwargs: object) -> None:
    # The development server takes an edited template without a restart:
    # the next page is drawn by the new one.
    release.cache_clear()


def requisites_digest(contract: Contract) -> str:
    """What a page or statement shows of the contract and its organization."""
    organization = contract.organization
    shown = (
        contract.number,
        contract.signed_on,
        contract.service,
        organization.name,
        organization.inn,
        organization.kpp,
        organization.legal_address,
        organization.postal_address,
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


def contract_key(
    kind: str,
    *,
    contract: Contract,
    start: dt.date | None = None,
    end: dt.date | None = None,
    requisites: bool = False,
    variant: str = "",
) -> str:
    """The key of something drawn from a contract's data: `kind` names it,
    `start`/`end` give its period (or its day), `requisites` says it shows
    them, `variant` holds whatever else it depends on."""
    parts = [kind, str(contract.pk), str(contract.data_version)]
    if requisites:
        parts.append(requisites_digest(contract))
    if start is not None:
        parts.append(f"{start:%Y%m%d}-{(end or start):%Y%m%d}")
    if variant:
        parts.append(hashlib.sha256(variant.encode()).hexdigest()[:16])
    parts.append(release())
    return ":".join(parts)


def cached_bytes(key: str) -> bytes | None:
    return caches["default"].get(key)


def keep_bytes(key: str, content: bytes) -> None:
    caches["default"].set(key, content, KEEP_SECONDS)


def _kept(key: str, draw: Callable[[], Any], seconds: int) -> Any:
    """What is kept under `key`, or `draw()` kept there now for `seconds`.
    With Redis down it is drawn as if nothing were kept."""
    try:
        kept = caches["default"].get(key)
    except CACHE_ERRORS as error:
        logger.warning("cache unavailable, drawing %s: %r", key.partition(":")[0], error)
        return draw()
    if kept is None:
        kept = draw()
        try:
            caches["default"].set(key, kept, seconds)
        except CACHE_ERRORS as error:
            logger.warning("cache unavailable, %s not kept: %r", key.partition(":")[0], error)
    return kept


def kept_bytes(key: str, draw: Callable[[], bytes]) -> bytes:
    """The file kept under `key`, or `draw()` kept there now; drawn while
    Redis is down (a download that needs no rate limit still works)."""
    return _kept(key, draw, KEEP_SECONDS)


def cached_html(key: str, draw: Callable[[], str]) -> SafeString:
    """The HTML kept under `key`, or `draw()` kept there now; drawn while
    Redis is down, as if nothing were cached."""
    return mark_safe(_kept(key, draw, HTML_KEEP_SECONDS))  # noqa: S308 (a template's output, escaped there)


def lazy_html(key: str, draw: Callable[[], str]) -> Callable[[], SafeString]:
    """cached_html(key, draw) when a template first shows it: a page read
    whole from the cache never asks for it."""
    return cache(lambda: cached_html(key, draw))


# Where the CSRF token of a kept page's forms goes (the sign-out form, the
# buttons that open another contract); made of letters and dashes, so that
# escaping leaves it as it is. A kept fragment with a form is drawn with it as
# its `csrf_token` and shown on a page of render_page, which fills it in.
CSRF_FILLED_IN = "csrf-token-filled-in-per-request"
# Where the header's contract switcher goes: it shows the person's own
# contracts, so a page kept for everyone with the same contract and role
# must not hold it.
_SWITCHER_FILLED_IN = "contract-switcher-filled-in-per-request"


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    contract: Contract,
    start: dt.date | None = None,
    end: dt.date | None = None,
    shows: object = (),
) -> HttpResponse:
    """A cabinet page of `contract`, drawn once and kept whole under a key of
    everything it shows: the contract's data and requisites, the period, the
    person's role, the day (the footer's year), the layout's links and `shows`, whatever else
    of the context is not drawn from the contract's data. Each request fills
    in its own CSRF token and the person's contract switcher; a page with
    messages to show is drawn afresh."""
    marked = {**context, "csrf_token": CSRF_FILLED_IN, "contract_switcher": _SWITCHER_FILLED_IN}
    if get_messages(request):
        html = render_to_string(template, marked, request)
    else:
        # The person's role decides the tabs and buttons shown (accounts/roles.py).
        access = getattr(request, "access", None)
        role = access.role if access is not None else ""
        variant = repr((template, shows, role, timezone.localdate(), sorted(links(request)["links"].items())))
        key = contract_key("page", contract=contract, start=start, end=end, requisites=True, variant=variant)
        html = cached_html(key, lambda: render_to_string(template, marked, request))
    html = html.replace(CSRF_FILLED_IN, csrf_token(request))
    return HttpResponse(html.replace(_SWITCHER_FILLED_IN, contract_switcher_html(request), 1))


def contracts_key(kind: str, *, contracts: list[Contract], variant: str = "") -> str:
    """The key of something drawn from several contracts' data ("Главная" of
    a person with several): every contract's id, data_version and
    requisites, in the order shown, and `variant`."""
    shown = [(c.pk, c.data_version, requisites_digest(c)) for c in contracts]
    digest = hashlib.sha256(repr((shown, variant)).encode()).hexdigest()[:16]
    return ":".join([kind, digest, release()])
