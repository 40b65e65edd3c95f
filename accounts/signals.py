"""What accounts tells the apps above it without knowing them.

`security_event` is sent for what the security log keeps (security app):
registrations, password changes and resets, contact and people changes,
staff resets. Sign-ins, failures and sign-outs come from Django's own
signals. Arguments: kind (a security.models.SecurityEvent.Kind value),
user, contract, and where it came from: the request, or an Origin of the
journal (accounts/journal.py) (each may be None), details (text). The
journal sends it for the lines the security log keeps too.

`requisites_shown` is sent on every request of "Реквизиты и контакты",
which is kept whole in the cache (accounts/views.py requisites). An app
above that draws part of the page (paydocs: the bank accounts, through its
template tag) answers with what that part shows and the contract's
`data_version` does not follow, read cheaply: the answers go into the kept
page's key, so the page is drawn anew when they change. Argument: contract.
"""

from django.dispatch import Signal

security_event = Signal()
requisites_shown = Signal()


def security_event_send(
    kind: str, *, user=None, contract=None, request=None, origin=None, details: str = ""
) -> None:
    security_event.send(
        sender=kind, kind=kind, user=user, contract=contract, request=request, origin=origin, details=details
    )


def requisites_shown_send(*, contract) -> list[tuple[str, object]]:
    """What the apps above show on "Реквизиты и контакты" beside the
    contract's data, by receiver, in the same order on every request."""
    responses = requisites_shown.send(sender=type(contract), contract=contract)
    return sorted(
        (f"{receiver.__module__}.{receiver.__qualname__}", answer) for receiver, answer in responses
    )
