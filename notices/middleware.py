"""The unread count in the cabinet's head, filled in on every response.

Cabinet pages are kept whole in the cache under the contract's data
(enser_cabinet/versioned.py) and shared by every person of one role: the
count, which is the person's own and changes without the contract's data
changing, must never be baked into them. The layout draws a marker in its
place and this middleware puts the count there per request. The count is
read with the person in the user's own query (accounts/backends.py, the
annotation registered in notices/apps.py), so a page costs no query for it;
a request that may have changed it (not GET or HEAD), or a user loaded
another way, counts afresh: one indexed query.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

MARKER = b"<!--notices-unread-->"
# Where the user's query leaves the count.
UNREAD_ATTRIBUTE = "unread_notifications"


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
            count = getattr(user, UNREAD_ATTRIBUTE, None) if request.method in ("GET", "HEAD") else None
            if count is None:
                from notices.services import unread_count

                count = unread_count(person=user)
            if count:
                filled = (
                    f'<span class="badge" aria-label="{escape(count)} непрочитанных">{count}</span>'
                ).encode()
        response.content = response.content.replace(MARKER, filled)
        return response
