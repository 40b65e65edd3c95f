"""Ending a user's sessions (they live in the database: django.contrib.sessions.backends.db)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User


def user_sessions_end(*, user: User, keep: str | None = None) -> int:
    """Deletes every live session of `user` except `keep`; returns how many.

    Sessions are not indexed by user, so this reads the live ones; a
    password change or a staff reset is rare enough for that.
    """
    doomed = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep or "")
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
