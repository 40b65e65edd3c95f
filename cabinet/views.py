from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import customer_required
from accounts.roles import Action
from settlements.ledger import contract_balance


@customer_required(Action.HOME)
def home(request: HttpRequest) -> HttpResponse:
    """The main page: the contract and its balance. It sits above accounts and
    settlements, so that accounts need know nothing of money."""
    contract = request.contract
    return render(
        request,
        "cabinet/home.html",
        {"contract": contract, "balance": contract_balance(contract=contract), "tab": "home"},
    )
