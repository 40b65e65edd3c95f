"""Signing in by contract number.

A registered contract signs in with its password; an unregistered one
signs in once with the organization's INN, which leads to registration
and to nothing else (see accounts.views.login_view).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from accounts.models import Contract, User
from accounts.validators import normalize_contract_number


def _contract(contract_number: str | None) -> Contract | None:
    number = normalize_contract_number(contract_number or "")
    if number is None:
        return None
    return Contract.objects.select_related("organization").filter(number=number).first()


class ContractPasswordBackend(ModelBackend):
    def get_user(self, user_id):
        # Every cabinet page needs the contract and its organization.
        user = User.objects.select_related("contract__organization").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, contract_number=None, secret=None, **kwargs):
        if contract_number is None or secret is None:
            return None
        contract = _contract(contract_number)
        if contract is None or not contract.is_registered:
            # Hash anyway so that a missing contract takes as long as a
            # wrong password.
            make_password(secret)
            return None
        user = User.objects.filter(contract=contract).first()
        if user is None:
            make_password(secret)
            return None
        if user.check_password(secret) and self.user_can_authenticate(user):
            return user
        return None


class FirstSignInByInnBackend(ModelBackend):
    """The INN of an unregistered contract's organization opens registration."""

    def authenticate(self, request, contract_number=None, secret=None, **kwargs):
        if contract_number is None or secret is None:
            return None
        contract = _contract(contract_number)
        if contract is None or contract.is_registered:
            return None
        if "".join(secret.split()) != contract.organization.inn:
            return None
        # Nothing is written here: the account is made when registration
        # completes (accounts.registration). An account staff deactivated
        # stays closed to the INN too.
        user = User.objects.filter(contract=contract).first()
        if user is not None and not user.is_active:
            return None
        user = user or User(username=contract.number, contract=contract)
        user.unregistered_contract = contract
        return user
