from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from accounts.decorators import customer_required
from accounts.roles import Action
from enser_cabinet.versioned import contract_key, lazy_html, render_page
from settlements.ledger import contract_balance


@customer_required(Action.HOME)
def home(request: HttpRequest) -> HttpResponse:
    """The main page: the contract and its balance. It sits above accounts and
    settlements, so that accounts need know nothing of money. The balance
    table and the page are drawn once until the contract's data changes."""
    contract = request.contract

    def draw() -> str:
        balance = contract_balance(contract=contract)
        return render_to_string("cabinet/_home_panel.html", {"contract": contract, "balance": balance})

    panel = lazy_html(contract_key("panel:home", contract=contract, requisites=True), draw)
    context = {"contract": contract, "panel": panel, "tab": "home"}
    return render_page(request, "cabinet/home.html", context, contract=contract)
