"""The security log listens: Django's sign-in signals, and what accounts
sends (accounts/signals.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.backends import email_accounts
from accounts.models import Contract, User
from accounts.signals import security_event
from accounts.validators import normalize_contract_number
from security.models import SecurityEvent
from security.services import security_record, session_begin, session_close

Kind = SecurityEvent.Kind


@receiver(user_logged_in, dispatch_uid="security.signed_in")
def signed_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    if user.is_staff:
        security_record(Kind.ADMIN_SIGN_IN, user=user, request=request, identifier=user.get_username())
        return
    contract = getattr(user, "contract", None)
    security_record(Kind.SIGN_IN, user=user, contract=contract, request=request)
    session_begin(request, user)


@receiver(user_logged_out, dispatch_uid="security.signed_out")
def signed_out(sender, request, user, **kwargs) -> None:
    if request is not None and user is not None and not user.is_staff:
        session_close(request)


def _failed_account(credentials: dict) -> tuple[User | None, Contract | None, str]:
    """Whose account a failed sign-in tried, as far as what was typed tells."""
    if credentials.get("contract_number") is not None:
        typed = str(credentials["contract_number"])
        number = normalize_contract_number(typed)
        contract = Contract.objects.filter(number=number).first() if number else None
        user = User.objects.filter(contract=contract).first() if contract is not None else None
        return user, contract, typed
    if credentials.get("email") is not None:
        typed = str(credentials["email"])
        accounts = list(email_accounts(typed)[:2])
        return (accounts[0] if len(accounts) == 1 else None), None, typed
    typed = str(credentials.get("username") or "")
    return User.objects.filter(username__iexact=typed).first() if typed else None, None, typed


@receiver(user_login_failed, dispatch_uid="security.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    user, contract, typed = _failed_account(credentials)
    staff = "username" in credentials
    kind = Kind.ADMIN_SIGN_IN_FAILED if staff else Kind.SIGN_IN_FAILED
    security_record(kind, user=user, contract=contract, request=request, identifier=typed)


@receiver(security_event, dispatch_uid="security.accounts_event")
def accounts_event(
    sender, kind, user=None, contract=None, request=None, origin=None, details="", **kwargs
) -> None:
    where = {"ip": origin.ip, "user_agent": origin.user_agent} if origin is not None else {}
    security_record(Kind(kind), user=user, contract=contract, request=request, details=details, **where)
