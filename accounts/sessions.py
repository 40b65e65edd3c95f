"""Ending a user's sessions: their database rows and their cached copies
(the session engine reads through the cache, enser_cabinet/sessions.py)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from accounts.models import User


def user_sessions_end(*, user: User, keep: str | None = None) -> int:
    """Deletes every live session of `user` except `keep`; returns how many.

    Sessions are not indexed by user, so this reads the live ones; a
    password change or a staff reset is rare enough for that. A cache that
    cannot be told raises, so the caller's change rolls back rather than
    leave a session alive in the cache; the copies are deleted again after
    the commit, in case a request of that session cached its row meanwhile.
    """
    doomed = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep or "")
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            doomed.append(session.session_key)
    sessions_delete(doomed)
    return len(doomed)


def sessions_delete(session_keys: list[str]) -> None:
    """Deletes the sessions `session_keys`: their rows and cached copies."""
    if not session_keys:
        return
    Session.objects.filter(session_key__in=session_keys).delete()
    prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
    if prefix:
        cache, keys = caches[settings.SESSION_CACHE_ALIAS], [prefix + key for key in session_keys]
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
