"""The unread count in the cabinet's head, filled in on every response.

Cabinet pages are kept whole in the cache under the contract's data
(enser_cabinet/versioned.py) and shared by every person of one role: the
count, which is the person's own and changes without the contract's data
changing, must never be baked into them. The layout draws a marker in its
place and this middleware puts the count there per request: one indexed
query, on pages that carry the marker only.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

MARKER = b"<!--notices-unread-->"


class UnreadCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith("text/html")
            or MARKER not in response.content
        ):
            return response
        filled = b""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from notices.services import unread_count

            count = unread_count(person=user)
            if count:
                filled = (
                    f'<span class="badge" aria-label="{escape(count)} непрочитанных">{count}</span>'
                ).encode()
        response.content = response.content.replace(MARKER, filled)
        return response
