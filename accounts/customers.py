from django.http import HttpRequest

from accounts.models import Contract


def request_contract(request: HttpRequest) -> Contract | None:
    """The registered contract of the customer signed in on this request, or
    None for anyone else (anonymous visitors, staff, a contract whose
    registration was reset). The one answer to "is this a customer with a
    cabinet"; every view that asks, asks here."""
    user = request.user
    if not user.is_authenticated:
        return None
    contract = user.contract
    if contract is None or not contract.is_registered:
        return None
    return contract
