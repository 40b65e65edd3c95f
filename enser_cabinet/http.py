"""Request helpers every app shares."""

import ipaddress
from functools import cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The customer's address ("" when unknown).

    X-Forwarded-For is only believed as far as our own proxies wrote it:
    with BEHIND_PROXY=true and the request coming from an address in
    TRUSTED_PROXIES, the entries are read from the right, each proxy of ours
    having appended the address it saw; the first address that is not one of
    our proxies is the customer's. Whatever stands to the left of it is the
    client's own claim and is never used, so rotating the header changes
    nothing. Rate limits count by this address too (RATELIMIT_IP_META_KEY),
    so that customers are not all counted as the proxy.
    """
    peer = request.META.get("REMOTE_ADDR") or ""
    if not settings.BEHIND_PROXY:
        return peer
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    hop = _address(peer)
    if hop is None or not any(hop in network for network in trusted):
        return peer  # not through our proxy: its header is the client's claim
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # our proxy wrote no such thing: stop at the last hop we know
        hop = address
        if not any(hop in network for network in trusted):
            break
    return str(hop)


def csrf_token(request) -> str:
    """The CSRF token of this response's forms, masked once per request:
    Django's get_token masks it afresh (32 random characters) at each call,
    and a kept page fills it in at several places."""
    from django.middleware.csrf import get_token

    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_csrf_token_masked", None)
    if kept is not None and kept[0] == secret and secret is not None:
        return kept[1]
    token = get_token(request)  # a new secret is made here when there was none
    request._csrf_token_masked = (request.META.get("CSRF_COOKIE"), token)
    return token
