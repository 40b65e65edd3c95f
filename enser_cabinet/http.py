"""Request helpers every app shares."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The customer's address ("" when unknown).

    Behind the proxy (BEHIND_PROXY=true) it is the last address the proxy
    appended to X-Forwarded-For; earlier entries are whatever the client
    claimed. Rate limits count by it too (RATELIMIT_IP_META_KEY), so that
    customers are not all counted as the proxy.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        candidate = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or ""
