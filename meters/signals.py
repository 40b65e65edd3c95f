"""What meters tell the apps above them (notifications), in the writing transaction."""

from django.dispatch import Signal

# A reading was put on review or rejected: `reading`.
reading_reviewed = Signal()
