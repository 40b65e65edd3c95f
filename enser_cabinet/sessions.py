"""Sessions kept in the database and read through the cache.

A signed-in page reads its session from Redis instead of PostgreSQL; the
database stays the record, so a Redis restart signs nobody out. While Redis
is down or hung a session is read from the database and pages keep working
(Django's own cached_db gives up on a failed cache write after a read).
Ending a session deletes it from both: if Redis cannot be told, the caller
fails rather than leave the session alive in the cache.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

from enser_cabinet.ratelimit import CACHE_ERRORS

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except CACHE_ERRORS as error:
            logger.warning("session cache unavailable, reading the database: %r", error)
            return self._database_load()[0]
        if data is not None:
            return data
        data, expires = self._database_load()
        if data:
            try:
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=expires))
            except CACHE_ERRORS as error:
                logger.warning("session cache unavailable, not cached: %r", error)
        return data

    def _database_load(self) -> tuple[dict, object]:
        stored = self._get_session_from_db()
        return (self.decode(stored.session_data), stored.expire_date) if stored else ({}, None)

    def exists(self, session_key: str) -> bool:
        # Whether a new key is taken: the database is the record.
        return DBStore.exists(self, session_key)
