"""Signing in by contract number and password.

Only a registered contract signs in here. The first sign-in of an
unregistered one, with its organization's INN, signs nobody in: it is a
service call (accounts.registration.registration_open_by_inn).
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
