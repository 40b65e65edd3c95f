"""Every URL pattern of the product, found by walking the URL resolver, and
concrete addresses for them that point at customer A's own objects.

The cross-cutting tests (isolation, no server errors) take their list of
URLs from here, so a page added later is covered the day it is merged. A
pattern whose parameters cannot be filled in makes those tests fail with a
message that says where to register it: nothing is skipped silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core import signing
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Contract

# URL names anyone may open without signing in. Every other pattern is a
# cabinet page: anonymous visitors must be sent to sign in (or get 404).
# A new public page must be added here, on purpose.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:register",
    "accounts:register-confirm",
    "accounts:register-not-me",
    "accounts:password-reset",
    "accounts:password-reset-send",
    "accounts:password-reset-code",
    "accounts:password-reset-new",
    "accounts:password-reset-link",
    "accounts:invitation",
    "appeals:new",
    "appeals:edo",
    "appeals:sent",
    # The one-click unsubscribe link of letters (RFC 8058): the signed token is the proof.
    "notices:unsubscribe",
    "favicon",
    "healthz",
}


# Parameters that are not an object's id, by (URL name, parameter). Each
# gives a value tied to customer A where one exists (from the `world`
# fixture of tests/core/conftest.py). `secret` marks a parameter that is
# itself the proof of access (a signed or e-mailed token): another customer
# holding a forged one must be refused (400/404).
@dataclasses.dataclass(frozen=True)
class Param:
    value: Callable[[Any], str]
    secret: bool = False


def _sent_token(world) -> str:
    from appeals.views import SENT_SALT

    return signing.dumps(world.appeal.pk, salt=SENT_SALT)


PARAMS: dict[tuple[str, str], Param] = {
    # A's own confirmation page; it opens only in the browser that sent the appeal.
    ("appeals:sent", "token"): Param(_sent_token, secret=True),
    ("appeals:detail", "number"): Param(lambda w: w.appeal.number),
    # E-mailed links: a made-up token must be refused, whoever holds it.
    ("accounts:register-confirm", "token"): Param(lambda w: "Zm9yZ2VkLXRva2Vu", secret=True),
    ("accounts:register-not-me", "token"): Param(
        lambda w: "eyJyIjoxLCJjIjoxfQ:forged:signature", secret=True
    ),
    ("accounts:password-reset-link", "uidb64"): Param(lambda w: w.a_uidb64, secret=True),
    ("accounts:password-reset-link", "token"): Param(lambda w: "c0ffee-0123456789abcdef", secret=True),
    ("accounts:invitation", "token"): Param(lambda w: "Zm9yZ2VkLWludml0YXRpb24", secret=True),
    # A letter's unsubscribe link, altered: refused whoever holds it (tests/notices test the real one).
    ("notices:unsubscribe", "token"): Param(lambda w: "eyJwIjoxLCJjIjoxLCJlIjoiKiJ9:forged", secret=True),
}


# Sent with every GET of the isolation tests: a period that holds A's whole
# history, for the pages that read one (the settlements tabs), so A's
# amounts are on the pages where a leak would show them.
HISTORY_QUERY = {"start": "01.01.2021", "end": "31.12.2021"}


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, for messages
    params: tuple[tuple[str, str], ...]  # (name, converter class name)

    @property
    def public(self) -> bool:
        return self.name in PUBLIC

    def __str__(self) -> str:
        return self.name


def _converter_names(pattern) -> dict[str, str]:
    converters = getattr(pattern, "converters", {}) or {}
    names = {name: type(conv).__name__ for name, conv in converters.items()}
    regex = getattr(pattern, "regex", None)
    if regex is not None:
        for name in regex.groupindex:
            names.setdefault(name, "RegexGroup")
    return names


def _walk(resolver: URLResolver, prefix: str, namespace: str, params: dict) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        found = {**params, **_converter_names(entry.pattern)}
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or text.startswith("admin/"):
                continue  # staff's own pages, tested by the admin's tests
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, text, ns, found)
        elif isinstance(entry, URLPattern):
            yield Route(
                name=f"{namespace}{entry.name}" if entry.name else f"<unnamed {text}>",
                route=text,
                params=tuple(sorted(found.items())),
            )


def all_routes() -> list[Route]:
    return sorted(_walk(get_resolver(), "", "", {}), key=lambda r: r.name)


# Objects of customer A, for parameters that are an object's id.


def _path_to_contract(model: type[models.Model], depth: int = 3) -> str | None:
    """The shortest lookup from `model` to Contract through foreign keys, e.g.
    "appeal__contract"; None when there is none within `depth` hops."""
    queue = [(model, "")]
    for _ in range(depth):
        following = []
        for current, path in queue:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    continue
                lookup = f"{path}{field.name}"
                if field.related_model is Contract:
                    return lookup
                following.append((field.related_model, f"{lookup}__"))
        queue = following
    return None


def _model_for(route: Route, param: str) -> type[models.Model] | None:
    """`invoice_id` → Invoice; `pk`/`id` → the model of the URL's app whose
    name ends with the URL name (appeals:document → AppealDocument)."""
    every = list(apps.get_models())
    if param.endswith("_id"):
        wanted = param.removesuffix("_id").replace("_", "")
        matches = [m for m in every if m._meta.model_name == wanted]
    elif param in ("pk", "id"):
        app_label, _, url_name = route.name.rpartition(":")
        wanted = url_name.replace("-", "").replace("_", "")
        matches = [m for m in every if m._meta.app_label == app_label and m._meta.model_name.endswith(wanted)]
    else:
        return None
    return matches[0] if len(matches) == 1 else None


class UnbuildableRoute(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Address:
    route: Route
    url: str
    owned: bool  # carries an id of one of A's objects
    secret: bool  # carries a token that is itself the proof of access


def address_for(route: Route, world) -> Address:
    """The concrete URL of `route` filled in with customer A's objects."""
    if route.name.startswith("<unnamed"):
        raise UnbuildableRoute(f"{route.route}: give the pattern a name so the tests can reverse it")
    kwargs, owned, secret = {}, False, False
    for param, _converter in route.params:
        entry = PARAMS.get((route.name, param))
        if entry is not None:
            kwargs[param] = entry.value(world)
            secret = secret or entry.secret
            owned = owned or not entry.secret
            continue
        model = _model_for(route, param)
        if model is None:
            raise UnbuildableRoute(
                f"{route.name} ({route.route}): cannot fill in <{param}>. Register it in "
                f"tests/core/routes.py PARAMS with a value that belongs to customer A."
            )
        lookup = _path_to_contract(model)
        if lookup is None:
            raise UnbuildableRoute(
                f"{route.name}: <{param}> is a {model.__name__}, which has no path to a Contract; "
                f"register it in tests/core/routes.py PARAMS."
            )
        obj = model.objects.filter(**{lookup: world.a}).order_by("pk").first()
        if obj is None:
            raise UnbuildableRoute(
                f"{route.name}: customer A has no {model._meta.label}; add one in "
                f"tests/core/conftest.py (the `world` fixture)."
            )
        kwargs[param] = obj.pk
        owned = True
    return Address(route, reverse(route.name, kwargs=kwargs), owned, secret)


ROUTES = all_routes()


def response_text(response) -> str:
    """What a person would read in a response: the page, or the text of a PDF
    or an Excel file (or of each file in a ZIP), so a leak inside a download
    is found too. A file that is not a readable PDF or workbook (an uploaded
    document) is read as it is."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return _file_text(body, response.get("Content-Type", ""))


def _file_text(body: bytes, kind: str) -> str:
    import io

    raw = body.decode("utf-8", errors="replace")
    if "zip" in kind and body.startswith(b"PK"):
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                _file_text(archive.read(name), "application/pdf" if name.endswith(".pdf") else "")
                for name in archive.namelist()
            )
    if "pdf" in kind and body.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return raw + "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except PdfReadError:
            return raw
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
        )
    return raw
