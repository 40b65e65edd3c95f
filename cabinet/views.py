from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from accounts.customers import (
    CONTRACT_SESSION_KEY,
    AddOutcome,
    contract_add,
    contract_choose,
    contract_registration_start,
    request_contracts,
)
from accounts.decorators import customer_required
from accounts.journal import origin_of
from accounts.models import Contract
from accounts.ratelimits import account_limits
from accounts.roles import Access, Action
from accounts.validators import normalize_contract_number
from accounts.views import REGISTRATION_SESSION_KEY
from cabinet.forms import ADD_REFUSED, ContractAddForm, ContractSelectForm
from cabinet.overview import contracts_overview
from enser_cabinet.ratelimit import limit, limits_check, limits_count, ratelimit
from enser_cabinet.versioned import CSRF_FILLED_IN, contract_key, contracts_key, lazy_html, render_page
from settlements.ledger import contract_balance


@customer_required(Action.HOME)
def home(request: HttpRequest) -> HttpResponse:
    """The main page: the contract and its balance, and, for a person with
    several contracts, every one of them with its balance and the total. It
    sits above accounts and settlements, so that accounts need know nothing
    of money. The tables and the page are drawn once until a contract's data
    changes. «Состояние счета» is shown only where the role allows the money
    tabs (not to an Инженер)."""
    contract = request.contract
    shows_balance = request.access.allows(Action.LEDGER)

    def draw() -> str:
        balance = contract_balance(contract=contract) if shows_balance else None
        return render_to_string("cabinet/_home_panel.html", {"contract": contract, "balance": balance})

    key = contract_key("panel:home", contract=contract, requisites=True, variant=f"ledger={shows_balance}")
    context = {"contract": contract, "panel": lazy_html(key, draw), "tab": "home"}
    shows = ""
    accesses = request_contracts(request)
    if len(accesses) > 1:
        shows = _contracts_key(accesses, current=contract)
        context["contracts_panel"] = lazy_html(shows, lambda: _draw_contracts(accesses, current=contract))
    return render_page(request, "cabinet/home.html", context, contract=contract, shows=shows)


def _contracts_key(accesses: list[Access], *, current: Contract) -> str:
    # What the table shows besides the contracts' data: which is open, and
    # on which the role shows the balance.
    variant = repr([(a.contract.pk == current.pk, a.allows(Action.LEDGER)) for a in accesses])
    return contracts_key("panel:contracts", contracts=[a.contract for a in accesses], variant=variant)


def _draw_contracts(accesses: list[Access], *, current: Contract) -> str:
    overview = contracts_overview(accesses=accesses, current=current)
    # Its buttons are forms: the page they are kept in fills in the token.
    return render_to_string(
        "cabinet/_contracts_panel.html", {"overview": overview, "csrf_token": CSRF_FILLED_IN}
    )


@customer_required(Action.HOME)
def contract_select(request: HttpRequest) -> HttpResponse:
    """GET: the person's contracts, each with a button that opens it (the
    switcher of the header as a page). POST: open the contract chosen, kept
    in the session for every tab, and go back to the page it was chosen on,
    or to «Главная». A contract that is not one of the person's registered
    ones is 404 and changes nothing."""
    if request.method != "POST":
        return render(
            request, "cabinet/contracts.html", {"choices": request_contracts(request), "tab": "contracts"}
        )
    form = ContractSelectForm(request.POST)
    access = (
        contract_choose(user=request.user, contract_id=form.cleaned_data["contract"])
        if form.is_valid()
        else None
    )
    if access is None:
        raise Http404("Нет такого договора")
    request.session[CONTRACT_SESSION_KEY] = access.contract.pk
    return redirect(_back_to(request, request.POST.get("next", ""), access) or "cabinet:home")


def _back_to(request: HttpRequest, target: str, access: Access) -> str | None:
    """`target` when it is a page of this site that shows the contract now
    open and that the role on it allows; a page of one object (an invoice, a
    meter) belonged to the contract left, so it is not."""
    if (
        len(target) > 2000
        or not target.startswith("/")
        or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return None
    try:
        match = resolve(target.split("?", 1)[0])
    except (Resolver404, ValueError):
        return None
    action = getattr(match.func, "cabinet_action", None)
    if match.kwargs or action is None or not access.allows(action):
        return None
    return target


@sensitive_post_parameters("password")
@customer_required(Action.CONTRACTS_ADD)
@ratelimit(key="ip", rate=limit("sign_in_ip"), method="POST", block=True)
def contract_add_view(request: HttpRequest) -> HttpResponse:
    """«Добавить договор»: the administrator adds another registered contract
    of the organization by its number and its password, and becomes its
    administrator. A wrong number, password or organization gets one answer."""
    current = request.contract
    if request.method == "POST" and request.POST.get("action") == "register":
        return _registration_start(request, number=request.POST.get("contract_number", ""))
    form = ContractAddForm(request.POST or None)
    unregistered = None
    # The password of a contract is guessed here no more often than at sign-in,
    # and not as often again: wrong ones count together per contract number.
    limits = account_limits(request) if request.method == "POST" else []
    limits_check(request, limits)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["contract_number"]
        result = contract_add(
            user=request.user,
            current=current,
            number=number,
            password=form.cleaned_data["password"],
            origin=origin_of(request),
        )
        if result.outcome is AddOutcome.ADDED:
            request.session[CONTRACT_SESSION_KEY] = result.contract.pk
            messages.success(request, f"Договор {result.contract.number} добавлен в ваш кабинет и открыт.")
            return redirect("cabinet:home")
        if result.outcome is AddOutcome.ALREADY:
            form.add_error("contract_number", f"Договор {result.contract.number} уже есть в вашем кабинете.")
        elif result.outcome is AddOutcome.UNREGISTERED:
            unregistered = result.contract
        else:
            form.add_error(None, ADD_REFUSED)
            limits_count(request, limits)
    return render(
        request,
        "cabinet/contract_add.html",
        {"form": form, "unregistered": unregistered, "tab": "contracts"},
        status=400 if form.errors or unregistered else 200,
    )


def _registration_start(request: HttpRequest, *, number: str) -> HttpResponse:
    """The manual's registration of a contract of the same organization: the
    person signs out (registration makes the contract's own account) and the
    registration form of that contract opens, as after the first sign-in by
    its number and INN."""
    number = normalize_contract_number(number[:40])
    contract = contract_registration_start(current=request.contract, number=number) if number else None
    if contract is None:
        raise Http404("Нет такого договора")
    logout(request)
    request.session[REGISTRATION_SESSION_KEY] = contract.pk
    return redirect("accounts:register")
