"""What appeals tell the apps above them (notifications), in the writing transaction."""

from django.dispatch import Signal

# An appeal's status changed (`change`: the AppealStatusChange) or staff
# answered it (`change` None): `appeal`.
appeal_changed = Signal()
