"""Answers for requests that cannot be served while a shared part is down."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from enser_cabinet.ratelimit import CACHE_ERRORS, CacheUnavailable
from enser_cabinet.views import service_unavailable

logger = logging.getLogger(__name__)


class CacheUnavailableMiddleware:
    """A view that needs the shared cache (rate limits) while Redis is down
    or hung: 503 with a page in Russian, never a 500. The rate limit stops
    the request before the view writes anything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (CacheUnavailable, *CACHE_ERRORS)):
            return None
        logger.warning(
            "cache unavailable, %s %s answered 503: %r",
            request.method,
            request.path,
            exception.__cause__ or exception,
        )
        return service_unavailable(request, exception)


class HeadWithoutBodyMiddleware:
    """A HEAD request gets the GET's status and headers (Content-Length
    included) and no body. Django leaves that to the server; gunicorn drops
    the body itself but logs a warning for each such response, and monitors
    and link checkers ask by HEAD all day."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                # A streamed file stays registered to be closed with the response.
                response.streaming_content = []
            else:
                response.content = b""
        return response
