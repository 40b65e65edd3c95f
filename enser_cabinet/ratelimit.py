"""django-ratelimit's decorator, telling how long the limit lasts.

django-ratelimit raises a bare Ratelimited; the 429 page needs the seconds
left in the limit's window for `Retry-After` and for its text. The
decorator here counts exactly as django_ratelimit.decorators.ratelimit
does (same groups, keys and windows) and raises RateLimited with them.

Rates are named, never written out: `limit("sign_in_ip")` reads
settings.RATE_LIMITS on each request, so the one table there (and a test's
override of it) holds for every view.

The counters live in the shared cache (Redis). When it does not answer,
nothing can be counted, and the request stops with CacheUnavailable before
the view writes anything (503, enser_cabinet.middleware), rather than a
500 or a "too many attempts" that is not true.
"""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What the cache raises when Redis is down, hung (socket timeouts) or refusing writes.
CACHE_ERRORS = (RedisError, ConnectionInterrupted)
# get_usage()'s answer when the cache failed without raising (RATELIMIT_FAIL_OPEN off).
_CACHE_FAILED = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}


class CacheUnavailable(Exception):
    """The shared cache did not answer, so rate limits cannot be counted."""


class RateLimited(Ratelimited):
    def __init__(self, retry_after: int | None = None):
        super().__init__()
        self.retry_after = retry_after


def limit_rate(name: str) -> str:
    """The rate named `name` in settings.RATE_LIMITS, as it stands now."""
    return settings.RATE_LIMITS[name]


def limit(name: str) -> Callable[[str, HttpRequest], str]:
    """A `rate` for django-ratelimit that reads the limit `name` per request."""

    def current(group: str, request: HttpRequest) -> str:
        return limit_rate(name)

    current.__qualname__ = f"limit({name!r})"
    return current


def usage_get(
    request: HttpRequest,
    *,
    group: str | None = None,
    fn: Callable | None = None,
    key: str | Callable | None = None,
    rate: str | Callable | None = None,
    method: str | list[str] | None = ALL,
    increment: bool = False,
) -> dict | None:
    """django_ratelimit.core.get_usage, raising CacheUnavailable when the cache fails."""
    try:
        usage = get_usage(request, group, fn, key, rate, method, increment)
    except CACHE_ERRORS as error:
        raise CacheUnavailable from error
    if usage == _CACHE_FAILED:
        raise CacheUnavailable
    return usage


def limit_reached(usage: dict | None) -> RateLimited | None:
    """The exception to raise for a get_usage() answer that is over its limit."""
    if usage is None or not usage["should_limit"]:
        return None
    return RateLimited(retry_after=usage["time_left"] if usage["time_left"] > 0 else None)


def ratelimit(group=None, key=None, rate=None, method=ALL, block=True):
    def decorator(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            usage = usage_get(request, group=group, fn=fn, key=key, rate=rate, method=method, increment=True)
            exceeded = limit_reached(usage)
            request.limited = exceeded is not None or getattr(request, "limited", False)
            if exceeded is not None and block:
                raise exceeded
            return fn(request, *args, **kwargs)

        return wrapper

    return decorator


# A limit counted outside the decorator: (group, key, name in RATE_LIMITS),
# the key "ip" or a function of (group, request), e.g. `typed(phone)`.
Limit = tuple[str, str | Callable[[str, HttpRequest], str], str]


def typed(value: str) -> Callable[[str, HttpRequest], str]:
    """A key for what a person typed (a phone, an address), counted whoever sends it."""
    return lambda group, request: value


def limits_check(request: HttpRequest, limits: list[Limit]) -> None:
    """RateLimited (429, with the seconds left) when any of `limits` is used
    up; counts nothing, so a refused attempt is not one more (limits_count
    counts what was done)."""
    for group, key, name in limits:
        usage = usage_get(request, group=group, key=key, rate=limit_rate(name))
        if usage is not None and usage["count"] >= usage["limit"]:
            raise RateLimited(retry_after=usage["time_left"] if usage["time_left"] > 0 else None)


def limits_count(request: HttpRequest, limits: list[Limit]) -> None:
    """Counts one use against each of `limits`. It has happened (an SMS has
    left, a letter is queued), so a cache failing only now is logged, not
    turned into an error page."""
    try:
        for group, key, name in limits:
            usage_get(request, group=group, key=key, rate=limit_rate(name), increment=True)
    except CacheUnavailable:
        logger.warning("%s went uncounted: the cache is unavailable", ", ".join(g for g, _, _ in limits))
