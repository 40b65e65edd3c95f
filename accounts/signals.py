"""What accounts tells the apps above it without knowing them.

`security_event` is sent for what the security log keeps (security app):
registrations, password changes and resets, contact and people changes,
staff resets. Sign-ins, failures and sign-outs come from Django's own
signals. Arguments: kind (a security.models.SecurityEvent.Kind value),
user, contract, and where it came from: the request, or an Origin of the
journal (accounts/journal.py) (each may be None), details (text). The
journal sends it for the lines the security log keeps too.
"""

from django.dispatch import Signal

security_event = Signal()


def security_event_send(
    kind: str, *, user=None, contract=None, request=None, origin=None, details: str = ""
) -> None:
    security_event.send(
        sender=kind, kind=kind, user=user, contract=contract, request=request, origin=origin, details=details
    )
