"""Every response and every log line of a request carry the request's id."""

import logging
import re

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from enser_cabinet.request_id import HEADER, RequestIdFilter, RequestIdMiddleware

logger = logging.getLogger("tests.request_id")


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.setFormatter(logging.Formatter("[%(request_id)s] %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _serve(headers: dict) -> tuple[HttpResponse, list[str]]:
    handler = Lines()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request: HttpRequest) -> HttpResponse:
        logger.info("page served")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/", headers=headers))
        logger.info("after the request")
    finally:
        logger.removeHandler(handler)
    return response, handler.lines


def test_a_new_id_is_on_the_response_and_the_request_s_log_lines():
    response, lines = _serve({})
    request_id = response[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert lines == [f"[{request_id}] page served", "[-] after the request"]


def test_the_proxy_s_id_is_kept_and_a_strange_one_replaced():
    response, lines = _serve({HEADER: "nginx-5f2c9a1b77"})
    assert response[HEADER] == "nginx-5f2c9a1b77"
    assert lines[0] == "[nginx-5f2c9a1b77] page served"
    response, lines = _serve({HEADER: "x\r\nSet-Cookie: a=b"})
    assert re.fullmatch(r"[0-9a-f]{32}", response[HEADER])
