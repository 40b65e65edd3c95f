"""«Это не я»: every completed registration is announced to the contacts
billing holds for the contract, with a signed link that suspends the new
account and alerts staff.

The INN that opens a registration is public, so the announcement goes to
addresses the registrant did not choose: the billing import's e-mail and
phone. The link's page only shows a button; its POST suspends the account
(inactive, sessions ended), marks the contract and writes to staff.
"""

import contextlib
import datetime as dt
from collections.abc import Callable

import phonenumbers
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import Contract, RegistrationRequest, User
from accounts.sessions import user_sessions_end
from accounts.sms import SmsDeliveryError
from outbox.services import email_queue, sms_queue

_SALT = "accounts.disputes.not-me"


class DisputeLinkInvalid(Exception):
    """The «это не я» link is forged, too old, or its registration was undone."""


def _mobile(raw: str) -> str | None:
    """The E.164 form of a Russian mobile number billing holds; None for a
    landline or anything that is no number (SMS cannot reach them)."""
    try:
        number = phonenumbers.parse(raw, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in kinds:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def dispute_token(*, request: RegistrationRequest) -> str:
    return signing.dumps({"r": request.pk, "c": request.contract_id}, salt=_SALT)


def registration_announce(*, request: RegistrationRequest, link_for: Callable[[str], str]) -> int:
    """Call in the completing transaction: queues the announcement to the
    billing e-mail and mobile phone of the contract, each unless it is the
    registrant's own. `link_for(token)` makes the «это не я» link absolute.
    Returns the number of messages queued."""
    contract = request.contract
    context = {
        "contract": contract,
        "organization": contract.organization,
        "registered_at": request.completed_at,
        "link": link_for(dispute_token(request=request)),
        "days": settings.REGISTRATION_DISPUTE_DAYS,
    }
    queued = 0
    if contract.billing_email and contract.billing_email.strip().lower() != request.email.strip().lower():
        email_queue(
            name="registration-announce", secret=True, to=[contract.billing_email.strip()], context=context
        )
        queued += 1
    phone = _mobile(contract.billing_phone)
    if phone and phone != request.phone.as_e164:
        # Without an SMS provider the letter alone goes.
        with contextlib.suppress(SmsDeliveryError):
            sms_queue(name="registration-announce", to=phone, context=context)
            queued += 1
    return queued


def dispute_request(*, token: str) -> RegistrationRequest:
    """The completed registration a link announced; raises DisputeLinkInvalid."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.REGISTRATION_DISPUTE_DAYS * 24 * 60 * 60)
        request_id, contract_id = int(data["r"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DisputeLinkInvalid from None
    request = (
        RegistrationRequest.objects.select_related("contract__organization")
        .filter(pk=request_id, contract_id=contract_id, completed_at__isnull=False)
        .first()
    )
    if request is None:
        raise DisputeLinkInvalid
    return request


@transaction.atomic
def registration_dispute(*, token: str, now: dt.datetime | None = None) -> tuple[Contract, bool]:
    """Suspends the account the link's registration made: inactive, its
    sessions ended, the contract marked, staff written to. Returns the
    contract and whether this call did it (False: done before).
    Raises DisputeLinkInvalid when that registration is no longer the
    contract's current one (staff undid it)."""
    now = now or timezone.now()
    request = dispute_request(token=token)
    contract = Contract.objects.select_for_update().select_related("organization").get(pk=request.contract_id)
    if contract.registration_disputed_at is not None:
        return contract, False
    if contract.registered_at != request.completed_at:
        raise DisputeLinkInvalid
    user = User.objects.filter(contract=contract).first()
    ended = 0
    if user is not None:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = user_sessions_end(user=user)
    contract.registration_disputed_at = now
    contract.save(update_fields=["registration_disputed_at"])
    email_queue(
        name="registration-disputed",
        to=[settings.STAFF_ALERT_EMAIL],
        context={
            "contract": contract,
            "organization": contract.organization,
            "request": request,
            "user": user,
            "sessions_ended": ended,
            "disputed_at": now,
        },
    )
    return contract, True
