"""Rule: no page ever answers 500 to something a user can type.

Every GET URL (found by walking the URL resolver) gets hostile query
strings, with the parameter names its view really reads (recorded while it
answers) and some generic ones. Every POST form a customer or a visitor can
reach (found by reading the pages' HTML, in each step of registration and
recovery too) gets hostile values field by field. A refused form answers
with a fitting 4xx, says why in Russian, gives back what was typed and
writes nothing. Path parameters get what can be typed into the address
bar, and every URL gets the other HTTP methods.
"""

import contextlib
import datetime as dt
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from accounts import sms
from tests.conftest import PASSWORD, client_for, make_contract, make_payment
from tests.core.routes import PUBLIC, ROUTES, address_for
from tests.tables import table_digests

pytestmark = pytest.mark.django_db

# Parameters many views read; tried on every URL besides those the view is seen reading.
GENERIC_KEYS = (
    "page",
    "next",
    "q",
    "sort",
    "year",
    "month",
    "date",
    "from",
    "to",
    "start",
    "end",
    "all",
    "id",
)
NUL = "a\x00b"
LONG = "ж" * 10_000
SQLISH = "' OR 1=1; DROP TABLE accounts_contract; --"
ODD_UNICODE = "\u202eтест\ufeff\U0001f525\u0301\uffff\u2028"
QUERY_VALUES = (
    "2021-13-45",
    "99999-01-01",
    "0000-00-00",
    "2021-02-30",
    "",
    LONG,
    NUL,
    ODD_UNICODE,
    "-1",
    "1e309",
    "9" * 5000,  # beyond Python's 4300 digits for int()
    SQLISH,
    "../../etc/passwd",
)
# Tried one parameter at a time on the parameters a view reads.
SHARP_QUERY_VALUES = (
    "2021-13-45",
    "99999-12-31",
    "0001-01-01",
    "31.02.2021",
    "01.01.10000",
    NUL,
    LONG,
    "-1",
    "٣",
)
POST_TEXT_VALUES = (NUL, LONG, "9" * 5000, SQLISH, ODD_UNICODE, "-1", "NaN", "١٢٣٤٥", "2021-13-45", " ")
POST_CHOICE_VALUES = ("-1", "99999999999999999999", "9" * 5000, NUL, LONG, "1.5")
# What a refused period (or other GET form) must show again in its field.
ECHOED_IN_QUERY = ("2021-13-45", "99999-12-31", "٣")
# What a refused form must give back in its field (printable, not cut by max_length).
ECHOED = (SQLISH, ODD_UNICODE)
# A refusal's message: an element whose classes include one of the site's error classes
# (a field's "error", the form's "alert--error", the notification settings' "message-error").
ERROR_MESSAGE = re.compile(r'class="(?:[^"]*\s)?(?:error|alert--error|message-error)(?:\s[^"]*)?"')
ALLOWED_POST_STATUSES = {200, 302, 303, 400, 403, 404, 405, 409, 413, 429}
ENGLISH_MESSAGES = (
    "This field",
    "Enter a valid",
    "Null characters",
    "Ensure this value",
    "Select a valid choice",
    "is required",
)


def _client(client: Client) -> Client:
    client.raise_request_exception = False
    return client


# GET: hostile query strings.


@contextlib.contextmanager
def _query_reads():
    """Records the names a view asks request.GET (and forms bound to it) for."""
    keys: set[str] = set()
    originals = {
        "get": MultiValueDict.get,
        "getlist": MultiValueDict.getlist,
        "__getitem__": MultiValueDict.__getitem__,
        "__contains__": dict.__contains__,
    }

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return method

    with pytest.MonkeyPatch.context() as patch:
        for name in originals:
            patch.setattr(MultiValueDict, name, recording(name))
        yield keys


def _query_variants(keys_read: set[str]):
    keys = sorted(keys_read | set(GENERIC_KEYS))
    for value in QUERY_VALUES:
        yield {key: value for key in keys}
    yield {key: [QUERY_VALUES[0], "2021-10-01", NUL] for key in keys}  # repeated parameters
    for key in sorted(keys_read):
        for value in SHARP_QUERY_VALUES:
            yield {key: value}


GET_CASES = [
    pytest.param(route, who, id=f"{route.name}-{who}")
    for route in ROUTES
    for who in ("anonymous", "customer")
    if who == "customer" or route.public or not route.params
]


@pytest.mark.parametrize(("route", "who"), GET_CASES)
def test_hostile_query_strings_never_give_500(route, who, world, no_rate_limits):
    address = address_for(route, world)
    client = _client(client_for(world.a) if who == "customer" else Client())
    with _query_reads() as keys_read:
        first = client.get(address.url)
    assert first.status_code < 500, f"GET {address.url}: {first.status_code}"
    if first.status_code == 405:
        return  # POST only: its forms are tested below
    failures = []
    before = _tables_state()
    for query in _query_variants({k for k in keys_read if not k.startswith("csrf")}):
        response = client.get(address.url, query)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} for GET {address.url} {_short(query)}")
        elif "html" in response.get("Content-Type", ""):
            page = response.content.decode()
            english = [m for m in ENGLISH_MESSAGES if m in page]
            if english:
                failures.append(f"GET {address.url} {_short(query)}: message in English: {english}")
            (key, value), *more = query.items()
            if response.status_code == 400 and not more and value in ECHOED_IN_QUERY and value not in page:
                failures.append(f"GET {address.url} {_short(query)}: refused, and {key} lost what was typed")
    written = sorted(t for t, digest in _tables_state().items() if digest != before.get(t))
    if written:
        failures.append(f"GET {address.url} with odd query strings wrote to {written}")
    assert not failures, "\n".join(failures)


def _short(data: dict) -> str:
    return repr({k: (v[:30] + "…" if isinstance(v, str) and len(v) > 30 else v) for k, v in data.items()})


# POST: every form on every page, in every state a visitor can be in.


class _Forms(HTMLParser):
    """The POST forms of a page: fields with their initial values, and submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {
                    "action": a.get("action") or "",
                    "fields": [],
                    "buttons": [],
                    "multipart": False,
                }
                self._form["multipart"] = "multipart" in (a.get("enctype") or "")
                self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                form["buttons"].append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                form["fields"].append(
                    {
                        "name": a["name"],
                        "kind": kind,
                        "value": a.get("value", "on"),
                        "checked": "checked" in a,
                    }
                )
            else:
                form["fields"].append(
                    {
                        "name": a["name"],
                        "kind": kind,
                        "value": a.get("value", ""),
                        # Disabled and read-only fields are the server's, not typed.
                        "typed": "disabled" not in a and "readonly" not in a,
                        # A honeypot: out of the tab order, only robots fill it in.
                        "trap": a.get("tabindex") == "-1",
                        "numeric": a.get("inputmode") == "numeric",
                    }
                )
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a["name"], "kind": "select", "value": "", "options": []}
            form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = {"name": a["name"], "kind": "textarea", "value": ""}
            form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _typical(name: str, number: str) -> str:
    """A value a person would type in a field of this name."""
    short = name.rsplit("-", 1)[-1]
    table = {
        "contract_number": number,
        "secret": PASSWORD,
        "old_password": PASSWORD,
        "new_password1": "Teplo-Set-2024",
        "new_password2": "Teplo-Set-2024",
        "code": "000000",
        "full_name": "Иванов Иван Иванович",
    }
    if short in table:
        return table[short]
    if short.endswith("email"):
        return "buh@example.ru"
    if short.endswith("phone"):
        return "+7 912 345-67-89"
    return "Проверка"


def _baseline(form: dict, number: str) -> dict:
    """The form as a person would send it: what the page filled in, the first
    real choice of each list, the boxes ticked and typical values elsewhere."""
    data: dict = {}
    for field in form["fields"]:
        name, kind = field["name"], field["kind"]
        if kind in ("file", "submit", "button", "image", "reset"):
            continue
        if kind == "select":
            options = [o for o in field["options"] if o]
            data[name] = field["value"] or (options[0] if options else "")
        elif kind == "radio":
            if field["checked"] or name not in data:
                data[name] = field["value"]
        elif kind in ("checkbox", "hidden") or field["value"] or field.get("trap"):
            data[name] = field["value"]
        else:
            data[name] = "1400" if field.get("numeric") else _typical(name, number)
    return data


def _submissions(form: dict, baseline: dict):
    """(what, data, echoed field or None, query string) for one form:
    structure first, then the query string (`next` and the like), then field by field."""
    yield "nothing at all", {}, None, None
    yield "extra fields", {**baseline, "is_staff": "1", "contract": "1", "id": "-1", "zzz": LONG}, None, None
    yield "every field twice", {k: [v, LONG] for k, v in baseline.items()}, None, None
    # Beyond Django's DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS.
    yield "3 MB of text", {**baseline, "zzz": "ж" * 1_500_000}, None, None
    yield "2000 fields", {**baseline, **{f"f{i}": "1" for i in range(2000)}}, None, None
    for value in (NUL, LONG, ODD_UNICODE, "//evil.example/", "https://evil.example/", "/\\evil.example"):
        yield f"?…={value[:20]!r}", baseline, None, {key: value for key in GENERIC_KEYS}
    typed = {f["name"] for f in form["fields"] if f.get("typed", True) and not f.get("trap")}
    kinds = {f["name"]: f["kind"] for f in form["fields"]}
    for name, kind in kinds.items():
        if name == "csrfmiddlewaretoken" or kind in ("submit", "button", "image", "reset"):
            continue
        if kind == "file":
            for upload in (
                SimpleUploadedFile("empty.pdf", b""),
                SimpleUploadedFile(("ж" * 300) + ".pdf", b"%PDF-1.4\n%%EOF\n"),
                SimpleUploadedFile("..%2F..%2Fx\u202egpj.pdf", b"MZ\x90\x00"),
            ):
                yield f"{name}={upload.name[:20]}", {**baseline, name: upload}, None, None
            many = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n%%EOF\n") for i in range(25)]
            yield f"{name}=25 files", {**baseline, name: many}, None, None
            continue
        values = POST_CHOICE_VALUES if kind in ("select", "radio", "checkbox", "hidden") else POST_TEXT_VALUES
        text_like = name in typed and kind in ("text", "email", "tel", "search", "url", "number", "textarea")
        for value in values:
            yield f"{name}={value[:20]!r}", {**baseline, name: value}, name if text_like else None, None
        yield f"{name} missing", {k: v for k, v in baseline.items() if k != name}, None, None


# What a refused form writes on purpose: the session, and the security log
# of a failed sign-in (security app).
KEPT_ON_REFUSAL = {"django_session", "security_securityevent"}


class _Tables:
    """A digest of every table's rows (sessions and the security log aside): what a refused form
    must leave as it was. Row counters alone would not do: a write rolled
    back to a savepoint still counts in them. But they do say which tables
    nothing tried to write to: PostgreSQL's per-transaction counters
    (pg_stat_xact_user_tables) count every attempt, kept or rolled back. So
    a table is hashed again only when its counters moved, rather than every
    table before and after each of the hundreds of submissions."""

    def __init__(self):
        self.digests: dict[str, tuple[tuple[int, int, int], str]] = {}
        self.tables: list[str] = []

    def clear(self) -> None:
        self.digests.clear()
        self.tables = []

    def state(self) -> dict[str, str]:
        counters = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
                )
                counters = {name: tuple(counts) for name, *counts in cursor.fetchall()}
        if not self.tables:  # the catalog is read once a test, not twice a submission
            self.tables = [t for t in connection.introspection.table_names() if t not in KEPT_ON_REFUSAL]
        tables = self.tables
        stale = [t for t in tables if t not in counters or self.digests.get(t, (None,))[0] != counters[t]]
        for table, digest in table_digests(stale).items():
            self.digests[table] = (counters.get(table), digest)
        return {t: self.digests[t][1] for t in tables}


_tables = _Tables()


@pytest.fixture(autouse=True)
def _fresh_table_digests():
    # Each test is a transaction of its own: its counters start from nought.
    _tables.clear()


def _tables_state() -> dict[str, str]:
    return _tables.state()


def test_the_table_digest_sees_a_write_but_not_one_rolled_back(contract):
    payment = make_payment(contract, dt.date(2022, 1, 1), "1.00")
    before = _tables_state()
    with contextlib.suppress(ZeroDivisionError), transaction.atomic():
        make_payment(contract, dt.date(2022, 1, 2), "1.00")
        raise ZeroDivisionError
    assert _tables_state() == before
    payment.amount = Decimal("2.00")
    payment.save()
    after = _tables_state()
    # The contract's data_version rises with its payments (a trigger).
    assert sorted(t for t in after if after[t] != before[t]) == ["accounts_contract", "settlements_payment"]


# The states a visitor passes through; each builds a fresh client in that state.


def _anonymous(world) -> Client:
    return Client()


def _customer(world) -> Client:
    # A form tried earlier may have changed the password: a session signed
    # in with the old one's hash would be ended at its first request.
    world.a.user.refresh_from_db(fields=["password"])
    return client_for(world.a)


def _first_sign_in(world) -> Client:
    """Signed in by INN with a contract not yet registered: the registration form."""
    contract = world.first
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"contract_number": contract.number, "secret": contract.organization.inn}
    )
    assert response.status_code == 302, response.status_code
    return client


def _registration_sms(world) -> Client:
    from accounts.models import RegistrationRequest

    # Each fresh state starts as if the last browser's request had expired:
    # a pending registration is never replaced from another browser.
    RegistrationRequest.objects.filter(completed_at__isnull=True).delete()
    client = _first_sign_in(world)
    response = client.post(
        reverse("accounts:register"),
        {
            "new_password1": "Teplo-Set-2024",
            "new_password2": "Teplo-Set-2024",
            "email": "ural@example.ru",
            "phone": "+7 902 555-01-12",
            "method": "sms",
            "consent": "on",
            "action": "send-sms",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def _reset_started(world) -> Client:
    client = Client()
    response = client.post(reverse("accounts:password-reset"), {"contract_number": world.a.number})
    assert response.status_code == 302, response.status_code
    return client


def _reset_code(world) -> Client:
    client = _reset_started(world)
    response = client.post(reverse("accounts:password-reset-send"), {"method": "sms"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def _reset_by_link(world) -> Client:
    from django.contrib.auth.tokens import default_token_generator

    user = type(world.a.user).objects.get(pk=world.a.user.pk)  # the password may have changed since
    client = Client()
    uidb64 = urlsafe_base64_encode(str(user.pk).encode())
    token = default_token_generator.make_token(user)
    response = client.get(reverse("accounts:password-reset-link", args=[uidb64, token]))
    assert response.status_code == 302, response.status_code
    return client


STATES = {
    "anonymous": _anonymous,
    "customer": _customer,
    "first-sign-in": _first_sign_in,
    "registration-sms": _registration_sms,
    "reset-started": _reset_started,
    "reset-code": _reset_code,
    "reset-by-link": _reset_by_link,
}


@pytest.fixture
def form_world(world, settings, no_rate_limits):
    # Like rate limits, the wait between SMS codes would stop attempts short of what they test.
    settings.SMS_CODE_RESEND_AFTER = 0
    # Readings are taken all month, so the form is there whatever today's date.
    settings.READINGS_WINDOW_FIRST_DAY, settings.READINGS_WINDOW_LAST_DAY = 1, 31
    world.a.user.phone = "+79120001122"
    world.a.user.save()
    world.first = make_contract(
        number="54321-ЭС", inn="7456009877", kpp="745601001", name="ООО «Уралтехсервис»", registered=False
    )
    return world


# Statements and payment documents are files, without forms: not made for nothing.
DOWNLOADS = (".pdf", ".xlsx", ".zip", ".txt")


def _forms_in(client: Client, world, pages) -> list[tuple[str, dict]]:
    """(action path, form) of every POST form on the pages, each form once."""
    found, seen = [], set()
    for address in pages:
        if address.url.endswith(DOWNLOADS):
            continue
        response = client.get(address.url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(unescape(form["action"])).path or address.url
            buttons = form["buttons"] or [None]
            for button in buttons:
                key = (action, button, tuple(sorted(f["name"] for f in form["fields"])))
                if key not in seen:
                    seen.add(key)
                    found.append((action, {**form, "button": button}))
    return found


@pytest.mark.parametrize("state", STATES)
def test_hostile_form_values_never_give_500(state, form_world):
    world = form_world
    make_client = STATES[state]
    client = _client(make_client(world))
    routes = ROUTES if state == "customer" else [r for r in ROUTES if r.name in PUBLIC]
    pages = [address_for(r, world) for r in routes if not r.params or state == "customer"]
    forms = _forms_in(client, world, pages)
    assert forms, f"no forms found in state {state}"
    if state not in ("anonymous", "customer"):
        # Forms any visitor sees (sign-in, appeals) are tried in the anonymous state already.
        everyone = {action for action, _ in _forms_in(Client(), world, pages)}
        forms = [(action, form) for action, form in forms if action not in everyone]
    # The customer's session as signing in makes it: a redirect that leaves it
    # as it was needs no new sign-in, only a fresh client in that session.
    signed_in = _session_of(client) if state == "customer" else None
    failures = []
    for action, form in forms:
        try:
            resolve(action)
        except Resolver404:
            failures.append(f"{state}: a form posts to {action}, which is no URL of the product")
            continue
        baseline = _baseline(form, world.a.number)
        if form["button"]:
            baseline[form["button"][0]] = form["button"][1]
        for what, data, echoed, query in _submissions(form, baseline):
            before = _tables_state()
            response = client.post(f"{action}?{urlencode(query)}" if query else action, data)
            status = response.status_code
            where = f"{state}: POST {action} [{form['button']}] {what}"
            if status not in ALLOWED_POST_STATUSES:
                failures.append(f"{where}: {status}")
            elif status in (301, 302, 303) and urlsplit(response["Location"]).netloc:
                failures.append(f"{where}: sent away to {response['Location'][:80]}")
            elif 400 <= status < 500:
                failures.extend(_refusal_problems(where, response, data, echoed, before))
            if status in (301, 302, 303) or status == 409:
                # The step moved on (or the session changed): start that state again.
                again = _again(client, signed_in)
                if again is None:
                    again = make_client(world)
                    signed_in = signed_in and _session_of(again)
                client = _client(again)
                sms.outbox.clear()
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])


def _session_of(client: Client) -> tuple | None:
    """The session's key and content, and what its user signs in with."""
    from accounts.models import User

    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return None
    data = dict(client.session.items())
    account = list(User.objects.filter(pk=data.get("_auth_user_id")).values_list("password", "is_active"))
    return cookie.value, data, account


def _again(client: Client, signed_in: tuple | None) -> Client | None:
    """A new client (no cookies but the session's) in the signed-in session,
    if the submission left that session, and its user's password, as signing
    in made them; else None."""
    if signed_in is None or _session_of(client) != signed_in:
        return None
    fresh = Client()
    fresh.cookies[django_settings.SESSION_COOKIE_NAME] = signed_in[0]
    return fresh


def _form_again(page: str, action: str) -> bool:
    """The refused form came back (not an error page with the header's sign-out form only)."""
    parser = _Forms()
    parser.feed(page)
    return any(urlsplit(unescape(form["action"])).path in ("", action) for form in parser.forms)


# Writes a refusal is meant to make, by (URL name, table).
REFUSAL_WRITES = {
    # A wrong SMS code counts as one of the few tries the code allows.
    ("accounts:register", "accounts_confirmationcode"),
    ("accounts:password-reset-code", "accounts_confirmationcode"),
    # A second claimant of a contract whose registration is in progress is
    # refused (409), and the pending request's owner is told of it.
    ("accounts:register", "outbox_outgoingmessage"),
}


def _refusal_problems(where, response, data, echoed, before) -> list[str]:
    problems = []
    url_name = resolve(response.request["PATH_INFO"]).view_name
    written = sorted(
        t
        for t, digest in _tables_state().items()
        if digest != before.get(t) and (url_name, t) not in REFUSAL_WRITES
    )
    if written:
        problems.append(f"{where}: refused ({response.status_code}) yet wrote {written}")
    if "html" not in response.get("Content-Type", ""):
        return problems
    page = response.content.decode()
    english = [m for m in ENGLISH_MESSAGES if m in page]
    if english:
        problems.append(f"{where}: message in English: {english}")
    if response.status_code == 400 and _form_again(page, response.request["PATH_INFO"]):
        if not ERROR_MESSAGE.search(page):
            problems.append(f"{where}: refused without a message")
        if echoed and data.get(echoed) in ECHOED and escape(data[echoed]) not in page:
            problems.append(f"{where}: the typed value of {echoed} is lost")
    return problems


# Path parameters: whatever is typed into the address bar.

PATH_VALUES = {
    "IntConverter": ("0", "99999999999999999999", "2147483648"),
    "str": (NUL, "ж" * 2000, ODD_UNICODE, SQLISH, "-1", "..", "%", "%00"),
}


def _path_variants(route, world):
    base = address_for(route, world)
    kwargs = dict(resolve(base.url).kwargs)
    for param, converter in route.params:
        for value in PATH_VALUES.get(converter, PATH_VALUES["str"]):
            try:
                url = reverse(route.name, kwargs={**kwargs, param: value})
            except NoReverseMatch:
                continue  # the converter refuses it: no such address reaches the view
            yield url


@pytest.mark.parametrize("route", [r for r in ROUTES if r.params], ids=str)
def test_hostile_path_parameters_never_give_500(route, world, no_rate_limits):
    failures = []
    for client in (_client(client_for(world.a)), _client(Client())):
        for url in _path_variants(route, world):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} for {method.upper()} {url[:120]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_other_methods_are_refused_not_errors(route, world, no_rate_limits):
    address = address_for(route, world)
    failures = []
    for client in (_client(client_for(world.a)), _client(Client())):
        for method in ("head", "options", "put", "patch", "delete"):
            send = getattr(client, method)
            if method == "head":
                response = send(address.url)
            else:
                response = send(address.url, "a=1&b=%00", content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                failures.append(f"{response.status_code} for {method.upper()} {address.url}")
    assert not failures, "\n".join(failures)


# Headers a client sets itself: behind the proxy, X-Forwarded-For names the
# address rate limits and readings record.
FORWARDED_FOR = (
    "",
    "garbage",
    "999.1.1.1",
    "fe80::1%eth0",
    "::ffff:1.2.3.4",
    "1.2.3.4, " + LONG,
    "1.2.3.4,,",
)


@pytest.mark.parametrize("state", ["anonymous", "customer"])
def test_odd_forwarded_for_never_gives_500(state, form_world, settings):
    settings.BEHIND_PROXY = True
    settings.RATELIMIT_ENABLE = True
    world = form_world
    routes = ROUTES if state == "customer" else [r for r in ROUTES if r.name in PUBLIC]
    pages = [address_for(r, world) for r in routes if not r.params or state == "customer"]
    forms = _forms_in(STATES[state](world), world, pages)
    failures = []
    for action, form in forms:
        baseline = _baseline(form, world.a.number)
        if form["button"]:
            baseline[form["button"][0]] = form["button"][1]
        for forwarded in FORWARDED_FOR:
            client = _client(STATES[state](world))
            response = client.post(action, baseline, HTTP_X_FORWARDED_FOR=forwarded)
            if response.status_code >= 500:
                failures.append(
                    f"{response.status_code} for POST {action} X-Forwarded-For: {forwarded[:30]!r}"
                )
    assert not failures, "\n".join(failures)
