from functools import cache

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.contacts import contacts_for
from accounts.customers import CONTRACT_SESSION_KEY, request_contract, user_first_contract_id
from accounts.decorators import customer_required
from accounts.devices import device_cookie_set
from accounts.forms import SignInForm
from accounts.ratelimits import sign_in_account_key, sign_in_limits
from accounts.roles import Action
from accounts.signals import requisites_shown_send
from enser_cabinet.ratelimit import limit, limits_check, limits_count, ratelimit
from enser_cabinet.versioned import render_page

REGISTRATION_SESSION_KEY = "registration_contract_id"


@sensitive_post_parameters("secret")
@never_cache
@ratelimit(key="ip", rate=limit("sign_in_ip"), method="POST", block=True)
@ratelimit(
    group="accounts.inn",
    key="accounts.ratelimits.contract_number_key",
    rate="accounts.ratelimits.inn_rate",
    method="POST",
    block=True,
)
def login_view(request: HttpRequest) -> HttpResponse:
    if request_contract(request) is not None:
        return redirect("cabinet:home")
    form = SignInForm(request.POST or None, request=request)
    limits = sign_in_limits(request) if request.method == "POST" else []
    # Over the limit of this browser (known or not), refused before the password is checked.
    limits_check(request, limits)
    if request.method == "POST" and form.is_valid():
        contract = form.registration_contract
        if contract is not None:
            # The INN opens registration only, never the cabinet.
            request.session.cycle_key()
            request.session[REGISTRATION_SESSION_KEY] = contract.pk
            return redirect("accounts:register")
        login(request, form.user)
        # By contract number: that contract; by e-mail: the person's first.
        request.session[CONTRACT_SESSION_KEY] = (
            form.user.contract_id if form.email is None else user_first_contract_id(user=form.user)
        )
        request.session.set_expiry(None if form.cleaned_data["remember"] else 0)
        response = redirect(_next_url(request) or "cabinet:home")
        device_cookie_set(request, response, account_key=sign_in_account_key(request))
        return response
    if form.errors:
        limits_count(request, limits)
    return render(request, "accounts/login.html", {"form": form}, status=400 if form.errors else 200)


def _next_url(request: HttpRequest) -> str | None:
    target = request.GET.get("next", "")
    # A path of this site only: redirect() would take anything else (`home`,
    # `a%00b`) for a view's name and fail to reverse it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@customer_required(Action.REQUISITES)
def requisites(request):
    """Read-only requisites come from billing; contacts are the customer's
    own. The page is drawn once and kept whole (render_page) until what it
    shows changes: the contract's and organization's requisites, its
    contacts and the organization's bank account (their triggers raise the
    contract's data_version, accounts migration 0011 and paydocs migration
    0004), the person's role, and what the apps above say they show beside
    it (the supplier's bank account, read per request). A kept page reads
    no contacts."""
    contract = request.contract
    rows = cache(lambda: contacts_for(contract=contract))
    return render_page(
        request,
        "accounts/requisites.html",
        {
            "contract": contract,
            "organization": contract.organization,
            "rows": rows,
            "contacts_empty": cache(lambda: not any(row.is_filled for row in rows())),
            "tab": "requisites",
        },
        contract=contract,
        shows=requisites_shown_send(contract=contract),
    )
